"""Downloader middleware that records when a posting's download starts."""

from __future__ import annotations

from unjobs_scraper.meta import ATTEMPT_NOT_COUNTED_META, POST_NUMBER_META
from unjobs_scraper.status import PostingStatus, crawler_status


class PostingStatusMiddleware:
    """Takes a posting (``processing``, one more attempt, stamped now) as its download starts.

    It runs for every attempt, retries included, because each goes through the downloader
    middlewares again. It waits only while the database's write queue is full.
    """

    def __init__(self, status: PostingStatus) -> None:
        self.status = status

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler_status(crawler))

    async def process_request(self, request):
        post_number = request.meta.get(POST_NUMBER_META)
        if post_number is not None and not request.meta.get(ATTEMPT_NOT_COUNTED_META):
            await self.status.room()
            self.status.take(post_number, request.url)
        return None
