"""The ``unjobs`` spider: walks listing pages and requests the postings that need it.

It only decides what to fetch next; extraction lives in ``unjobs_scraper.parsing`` and
bookkeeping in the pipelines and middlewares.
"""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.spidermiddlewares.httperror import HttpError

from unjobs_scraper import parsing
from unjobs_scraper.config import Config
from unjobs_scraper.items import Listing, PostingFailure
from unjobs_scraper.middlewares import POST_NUMBER_META
from unjobs_scraper.storage import ListingState, crawler_store

GONE_STATUSES = frozenset({404, 410})


def needs_download(listing: Listing, state: ListingState | None) -> bool:
    """New, changed since it was processed, or still waiting to be processed."""
    return state is None or state.listing_updated_at != listing.listing_updated_at or (
        state.status == "pending"
    )


def is_unchanged(listing: Listing, state: ListingState | None) -> bool:
    return state is not None and state.listing_updated_at == listing.listing_updated_at


def describe_failure(failure) -> tuple[str, str]:
    """(status, readable error) for a posting download that ended without a page."""
    if failure.check(HttpError):
        response = failure.value.response
        status = "skipped" if response.status in GONE_STATUSES else "failed"
        return status, f"HTTP {response.status} from {response.url}"
    error = failure.value
    return "failed", f"{type(error).__name__}: {error}"


class UnjobsSpider(Spider):
    """Index spider for unjobs.org; ``-a start_url=/duty_stations/nairobi`` crawls one listing."""

    name = "unjobs"

    def __init__(self, *args, start_url: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_url_argument = start_url

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = Config.from_settings(crawler.settings)
        spider.start_url = urljoin(spider.config.base_url, spider.start_url_argument or "")
        return spider

    async def start(self):
        self.store = crawler_store(self.crawler)
        yield Request(self.start_url, callback=self.parse_index, cb_kwargs={"page_number": 1})

    def parse_index(self, response, page_number: int = 1):
        page = parsing.parse_listing_page(response)
        for url in page.rejected_urls:
            self.logger.warning("Skipping a listing without a post number: %s (on %s)", url, response.url)
            self.crawler.stats.inc_value("unjobs/listings/rejected")
        states = self.store.listing_states(listing.post_number for listing in page.listings)
        self.crawler.stats.inc_value("unjobs/listings/seen", len(page.listings))
        all_unchanged = True
        for listing in page.listings:
            state = states.get(listing.post_number)
            all_unchanged &= is_unchanged(listing, state)
            yield listing
            if needs_download(listing, state):
                self.crawler.stats.inc_value("unjobs/postings/requested")
                yield self.posting_request(listing)
        if all_unchanged and page.listings:
            self.logger.info("Stopping at %s: every listing on it is known and unchanged", response.url)
        elif page.next_url and page_number < self.config.max_index_pages:
            yield Request(page.next_url, callback=self.parse_index, cb_kwargs={"page_number": page_number + 1})

    def posting_request(self, listing: Listing) -> Request:
        return Request(
            listing.source_url,
            callback=self.parse_posting,
            errback=self.posting_failed,
            cb_kwargs={"listing": listing},
            meta={POST_NUMBER_META: listing.post_number},
        )

    def parse_posting(self, response, listing: Listing | None = None):
        try:
            yield parsing.parse_posting(response, listing)
        except parsing.PostingParseError as error:
            post_number = parsing.post_number_from_url(response.url) or (listing and listing.post_number)
            yield PostingFailure(post_number, response.url, "failed", str(error))

    def posting_failed(self, failure):
        request = failure.request
        status, error = describe_failure(failure)
        yield PostingFailure(request.meta[POST_NUMBER_META], request.url, status, error)
