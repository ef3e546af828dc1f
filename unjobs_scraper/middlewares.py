"""Downloader middleware that records when a posting's download starts."""

from __future__ import annotations

from scrapy import signals

from unjobs_scraper.meta import ATTEMPT_NOT_COUNTED_META, POST_NUMBER_META
from unjobs_scraper.storage import crawler_store


class PostingStatusMiddleware:
    """Marks a posting ``processing`` (one more attempt, stamped now) as its download starts.

    It runs for every attempt, retries included, because each goes through the downloader
    middlewares again.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = None

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        self.store = crawler_store(self.crawler)

    def process_request(self, request):
        post_number = request.meta.get(POST_NUMBER_META)
        if post_number is not None and not request.meta.get(ATTEMPT_NOT_COUNTED_META):
            self.store.mark_processing(post_number, request.url)
        return None
