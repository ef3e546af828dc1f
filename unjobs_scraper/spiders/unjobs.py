"""The ``unjobs`` spider: walks listing pages and requests the postings that need it.

It only decides what to fetch next: new or changed postings from the listings, most urgent
first, and postings the database says should be in the queue but may not be (after a crash, or
a lost queue). Extraction lives in ``parsing``, retries in ``retry``, bookkeeping in the
pipelines and middlewares, the shared queue in ``distributed``.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from urllib.parse import urljoin

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider

from unjobs_scraper import parsing
from unjobs_scraper.config import Config
from unjobs_scraper.items import Listing, PostingFailure
from unjobs_scraper.middlewares import POST_NUMBER_META
from unjobs_scraper.recovery import Recovery
from unjobs_scraper.retry import describe_failure
from unjobs_scraper.storage import ListingState, crawler_store

INDEX_PRIORITY = 0
"""Index pages before any posting: postings are negative, sooner closing dates higher."""
URGENT_BOOST = 36_500
"""An updated or recovered posting goes ahead of every first-time one (a century of days)."""


def posting_priority(closing_date: date | None, urgent: bool = False) -> int:
    """Soonest closing date first; no closing date last."""
    days = (closing_date or date.max).toordinal()
    return -days - date.max.toordinal() + (URGENT_BOOST if urgent else 0)


def listing_url(config: Config, start_url: str | None) -> str:
    """The listing a crawl walks: the site's index, or ``start_url`` resolved against the site."""
    return urljoin(config.base_url, start_url or "")


def needs_download(listing: Listing, state: ListingState | None, now: datetime) -> bool:
    """New, changed since it was processed, or pending and due."""
    if state is None or state.listing_updated_at != listing.listing_updated_at:
        return True
    return state.status == "pending" and (
        state.next_attempt_at is None or state.next_attempt_at <= now
    )


class UnjobsSpider(Spider):
    """Index spider for unjobs.org; ``-a start_url=/duty_stations/nairobi`` crawls one listing."""

    name = "unjobs"

    def __init__(self, *args, start_url: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_url_argument = start_url
        self._idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = Config.from_settings(crawler.settings)
        spider.start_url = listing_url(spider.config, spider.start_url_argument)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        return spider

    async def start(self):
        self.store = crawler_store(self.crawler)
        self.recovery = Recovery(self.store, self.config, self.crawler.stats)
        if not self.config.only_consumes_shared_queue:
            yield self.index_request(self.start_url)
        for request in self.recovery_requests():
            yield request

    def index_request(
        self, walk: str, page_url: str | None = None, page_number: int = 1, full_walk=None
    ) -> Request:
        """A listing page; ``walk`` (the listing's first page) names the walk in ``crawl_state``."""
        return Request(
            page_url or walk,
            callback=self.parse_index,
            errback=self.index_failed,
            priority=INDEX_PRIORITY,
            cb_kwargs={"walk": walk, "page_number": page_number, "full_walk": full_walk},
        )

    def response_received(self) -> None:
        self._idle_since = None

    def spider_idle(self) -> None:
        """Before closing: queue what the database says is still owed, or wait for work."""
        requests = list(self.recovery_requests())
        if self.recovery.stale_walk(self.start_url):
            self.logger.info("The walk of %s stopped half-way: walking it again", self.start_url)
            requests.append(
                self.index_request(self.start_url, full_walk=True).replace(dont_filter=True)
            )
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider
        self._idle_since = self._idle_since or time.monotonic()
        if time.monotonic() - self._idle_since < self.config.worker_idle_timeout:
            raise DontCloseSpider

    def recovery_requests(self):
        for row in self.recovery.postings():
            yield self.posting_request(
                row.post_number,
                row.source_url,
                row.closing_date,
                retry_times=row.processing_attempts,
                urgent=True,
            )

    def parse_index(
        self, response, walk: str | None = None, page_number: int = 1, full_walk: bool | None = None
    ):
        walk = walk or response.url
        if full_walk is None:  # the walk's first page
            full_walk = not self.recovery.walk_was_complete(walk)
        self.recovery.walk_reached(walk, page_number)
        page = parsing.parse_listing_page(response)
        for url in page.rejected_urls:
            self.logger.warning(
                "Skipping a listing without a post number: %s (on %s)", url, response.url
            )
            self.crawler.stats.inc_value("unjobs/listings/rejected")
        states = self.store.listing_states(listing.post_number for listing in page.listings)
        self.crawler.stats.inc_value("unjobs/listings/seen", len(page.listings))
        all_unchanged = all(
            listing.post_number in states
            and states[listing.post_number].listing_updated_at == listing.listing_updated_at
            for listing in page.listings
        )
        # The next page first, and postings most urgent first: the downloader takes the best
        # request queued so far while the rest of this page's output is still being queued.
        if all_unchanged and page.listings and not full_walk:
            self.logger.info(
                "Stopping at %s: every listing on it is known and unchanged", response.url
            )
            self.recovery.walk_completed(walk)
        elif page.next_url and page_number < self.config.max_index_pages:
            yield self.index_request(walk, page.next_url, page_number + 1, full_walk)
        else:
            self.recovery.walk_completed(walk)
        yield from page.listings
        now = datetime.now(UTC)
        wanted = [
            self.posting_request(
                listing.post_number,
                listing.source_url,
                listing.closing_date,
                listing,
                urgent=listing.post_number in states,
            )
            for listing in page.listings
            if needs_download(listing, states.get(listing.post_number), now)
        ]
        self.crawler.stats.inc_value("unjobs/postings/requested", len(wanted))
        yield from sorted(wanted, key=lambda request: -request.priority)

    def posting_request(
        self,
        post_number: str,
        url: str,
        closing_date: date | None,
        listing: Listing | None = None,
        retry_times: int = 0,
        urgent: bool = False,
    ) -> Request:
        return Request(
            url,
            callback=self.parse_posting,
            errback=self.posting_failed,
            priority=posting_priority(closing_date, urgent),
            cb_kwargs={"listing": listing},
            meta={POST_NUMBER_META: post_number, **({"retry_times": retry_times} if retry_times else {})},
        )

    def parse_posting(self, response, listing: Listing | None = None):
        try:
            yield parsing.parse_posting(response, listing)
        except parsing.PostingParseError as error:
            post_number = parsing.post_number_from_url(response.url) or (
                listing and listing.post_number
            )
            if post_number:
                yield PostingFailure(post_number, response.url, "failed", str(error))
            else:
                self.logger.error("Cannot read %s: %s", response.url, error)

    def posting_failed(self, failure):
        request = failure.request
        status, error = describe_failure(failure)
        yield PostingFailure(request.meta[POST_NUMBER_META], request.url, status, error)

    def index_failed(self, failure):
        _, error = describe_failure(failure)
        self.logger.error("Index page %s failed: %s", failure.request.url, error)
        self.crawler.stats.inc_value("unjobs/index/failed")
