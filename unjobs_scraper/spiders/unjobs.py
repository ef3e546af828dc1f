"""The ``unjobs`` spider: walks listing pages and requests the postings that need it.

It only decides what to fetch next and what to yield: new or changed postings from the
listings, most urgent first, and postings the database says should be in the queue but may not
be (after a crash, or a lost queue). Extraction lives in ``parsing``, retries in ``retry``, a
posting's status in ``status``, walks in ``walks``, backfills in ``backfill``, what is owed in
``recovery``, the shared queue in ``distributed``.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from urllib.parse import urljoin

import psycopg
from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.spidermiddlewares.httperror import HttpError

from unjobs_scraper import parsing
from unjobs_scraper.backfill import FIRST_CRAWL, GAP, Backfill
from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.distributed.scheduler import queue_lost
from unjobs_scraper.items import Listing, PostingFailure
from unjobs_scraper.listings import MAIN, ListingAddress, listing_address, page_url
from unjobs_scraper.meta import POST_NUMBER_META
from unjobs_scraper.recovery import Recovery
from unjobs_scraper.retry import describe_failure, own_service_fault
from unjobs_scraper.stats import (
    DATABASE_UNAVAILABLE_STAT,
    INDEX_PAGES_FAILED_STAT,
    INDEX_PAGES_PARSED_STAT,
    LISTINGS_REJECTED_STAT,
    LISTINGS_SEEN_STAT,
    OWN_FAULT_STAT,
    RELEASED_STAT,
    REQUESTED_STAT,
    WALK_UNFINISHED_STAT,
    CrawlerStats,
)
from unjobs_scraper.status import PostingStatus, crawler_status
from unjobs_scraper.storage import ListingState
from unjobs_scraper.walks import Walk, Walks

INDEX_PRIORITY = 0
"""Index pages before any posting: postings are negative, sooner closing dates higher."""
SEED_DUE, SEED_ASKED = "due", "asked"
"""``index_request(backfill=...)`` of ``scrapy seed``: backfill if one is due, or in any case."""
BACKFILL_PRIORITY = INDEX_PRIORITY - 1
"""A backfill's listing pages after the main listing's, still before any posting."""
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
    """Index spider for unjobs.org; ``-a start_url=/duty_stations/nairobi`` crawls one listing,
    ``-a backfill=1`` backfills from the site's other listings (``backfill.py``), ``-a backfill=all``
    walks every family of them, whether or not a listing hits the cap."""

    name = "unjobs"

    def __init__(
        self,
        *args,
        start_url: str | None = None,
        backfill: str | None = None,
        config: Config | None = None,
        status: PostingStatus | None = None,
        stats=None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.config = config
        """The crawl's settings; None for a spider made without a crawl (``scrapy seed``'s requests)."""
        self.status = status
        self.start_url_argument = start_url
        self.start_url = listing_url(config, start_url) if config else None
        asked = str(backfill or "").strip().lower()
        self.backfill_asked = asked in ("1", "true", "yes", "all")
        self.backfill_every_family = asked == "all"
        self._idle_since: float | None = None
        self.backfill: Backfill | None = None
        """None without a crawl (``scrapy seed``'s requests)."""
        if status is not None:
            database = status.database
            self.walks = Walks(database, stats, config.processing_lease)
            self.recovery = Recovery(database, status, config, stats)
            self.backfill = Backfill(self.walks, status, database, config.backfill_every, stats)
        self.first_crawl = False
        """No backfill on record: one starts if the main listing turns out to be capped."""
        self.changed_this_crawl: set[str] = set()
        """Postings new or changed on a listing page of this crawl: on the next listing they show
        up on, they are known, but they do not mean the rest of that listing is."""

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        kwargs.setdefault("config", crawler_config(crawler))
        kwargs.setdefault("stats", CrawlerStats(crawler))
        if "status" not in kwargs:  # a test may hand in its own
            kwargs["status"] = crawler_status(crawler)
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        crawler.signals.connect(spider.queue_lost, signal=queue_lost)
        return spider

    async def start(self):
        self.status.close_expired(datetime.now(UTC).date())
        if not self.config.only_consumes_shared_queue:
            start = listing_address(self.start_url, self.config.base_url)
            yield self.index_request(self.start_url, kind=start.kind if start else MAIN)
            whole_site = self.start_url_argument is None
            reason = self.backfill.due_at_start(self.backfill_asked) if whole_site or self.backfill_asked else None
            for walk in self.start_backfill(reason):
                for request in self.walk_requests(walk):
                    yield request
        for request in self.recovery_requests():
            yield request

    def index_request(
        self,
        walk: str,
        page_url: str | None = None,
        page_number: int = 1,
        full_walk=None,
        kind: str = MAIN,
        follow_next: bool = True,
        priority: int = INDEX_PRIORITY,
        backfill: str | None = None,
        sweep: bool = False,
    ) -> Request:
        """A listing page; ``walk`` (the listing's first page) names the walk in ``crawl_state``.

        ``follow_next`` False: a page requested with the others of its walk, whose last page
        follows the "Next" link on. ``backfill`` (a seeded walk, read by whichever worker takes
        it): ``due`` to backfill if one is due, ``asked`` to backfill in any case. ``sweep``: a
        backfill's sweep walk (``backfill.py``).
        """
        arguments = {
            "walk": walk, "page_number": page_number, "full_walk": full_walk, "kind": kind,
            "follow_next": follow_next,
        }
        if backfill:
            arguments["backfill"] = backfill
        if sweep:
            arguments["sweep"] = True
        return Request(
            page_url or walk, callback=self.parse_index, errback=self.index_failed, priority=priority,
            cb_kwargs=arguments,
        )

    def start_backfill(self, reason: str | None) -> list[Walk]:
        """A first crawl backfills only once its main walk reaches the cap: a main listing that
        ends before it shows every posting the site lists."""
        if reason == FIRST_CRAWL:
            self.first_crawl = True
            return []
        return self.backfill.begin(reason, self.backfill_every_family) if reason else []

    def walk_requests(self, walk: Walk):
        """A backfill walk's pages: all it saw last time at once when walked to its end, else page 1."""
        last = max(1, walk.known_pages) if walk.full else 1
        for number in range(1, last + 1):
            if number == last:
                walk.chain_open = True
            else:
                walk.outstanding.add(number)
            yield self.index_request(
                walk.listing.url, page_url(walk.listing, number), number, walk.full, walk.listing.kind,
                follow_next=number == last, priority=BACKFILL_PRIORITY, sweep=walk.sweep,
            )

    def response_received(self) -> None:
        self._idle_since = None

    def spider_idle(self) -> None:
        """Before closing: queue what the database says is still owed, or wait for work."""
        requests = []
        if self.backfill.done:
            requests = [request for walk in self.backfill.sweep() for request in self.walk_requests(walk)]
            if not requests:
                self.backfill.finish()
        requests += self.recovery_requests()
        if self.walks.stale(self.start_url):
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

    def queue_lost(self) -> None:
        """Redis came back without the queue: queue again what the database says is still owed,
        postings and the walks the outage cut (each from the page after the last one read: a
        page past a listing's end answers 404, which ends the walk)."""
        self.recovery.forget()
        self.walks.forget_resumed()
        requests = list(self.recovery_requests())
        walks = self.walks.unfinished()
        for walk, number in walks:
            listing = listing_address(walk, self.config.base_url) or ListingAddress(walk, MAIN)
            requests.append(
                self.index_request(
                    walk, page_url(listing, number), number, full_walk=True, kind=listing.kind,
                    priority=INDEX_PRIORITY if listing.kind == MAIN else BACKFILL_PRIORITY,
                )
            )
        self.logger.warning(
            "The shared queue was lost: queueing %d postings and %d unfinished walks again",
            len(requests) - len(walks), len(walks),
        )
        for request in requests:
            self.crawler.engine.crawl(request)

    def recovery_requests(self):
        for row in self.recovery.postings():
            yield self.posting_request(
                row.post_number,
                row.source_url,
                row.closing_date,
                retry_times=row.processing_attempts,
                urgent=True,
            )

    async def parse_index(
        self,
        response,
        walk: str | None = None,
        page_number: int = 1,
        full_walk: bool | None = None,
        kind: str = MAIN,
        follow_next: bool = True,
        backfill: str | None = None,
        sweep: bool = False,
    ):
        walk = walk or response.url
        page = parsing.parse_listing_page(response)
        # What the database knows first: the rest of the page is read without waiting.
        if full_walk is None:  # the walk's first page
            full_walk = not await self.walks.was_complete(walk)
        states = await self.status.known(listing.post_number for listing in page.listings)
        for request in self._page_requests(response, page, states, walk, page_number, full_walk, kind, follow_next, backfill, sweep):
            yield request

    def _page_requests(self, response, page, states, walk, page_number, full_walk, kind, follow_next, backfill, sweep):
        if backfill:
            for begun in self.start_backfill(self.backfill.due_at_start(asked=backfill == SEED_ASKED)):
                yield from self.walk_requests(begun)
        self.crawler.stats.inc_value(INDEX_PAGES_PARSED_STAT)
        progress = self.walks.adopt(ListingAddress(walk, kind), full_walk)
        progress.page_read(page_number, follow_next)
        self.walks.page_reached(progress, page_number, len(page.listings))
        for url in page.rejected_urls:
            self.logger.warning(
                "Skipping a listing without a post number: %s (on %s)", url, response.url
            )
            self.crawler.stats.inc_value(LISTINGS_REJECTED_STAT)
        self.status.listed(list(states))
        self.crawler.stats.inc_value(LISTINGS_SEEN_STAT, len(page.listings))
        all_unchanged = all(
            listing.post_number in states
            and states[listing.post_number].listing_updated_at == listing.listing_updated_at
            and (sweep or listing.post_number not in self.changed_this_crawl)
            for listing in page.listings
        )
        self.changed_this_crawl.update(
            listing.post_number
            for listing in page.listings
            if listing.post_number not in states
            or states[listing.post_number].listing_updated_at != listing.listing_updated_at
        )
        # The next page first, and postings most urgent first: the downloader takes the best
        # request queued so far while the rest of this page's output is still being queued.
        if all_unchanged and page.listings and not full_walk:
            self.logger.info(
                "Stopping at %s: every listing on it is known and unchanged", response.url
            )
        elif page.next_url and follow_next and page_number < self.config.max_index_pages:
            progress.chain_open = True
            yield self.index_request(
                walk, page.next_url, page_number + 1, full_walk, kind,
                priority=INDEX_PRIORITY if kind == MAIN else BACKFILL_PRIORITY, sweep=sweep,
            )
        elif follow_next:
            progress.hit_cap = page_number >= self.config.listing_page_cap
        yield from self._discovered(response)
        if progress.ended:
            yield from self._walk_ended(progress)
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
        self.crawler.stats.inc_value(REQUESTED_STAT, len(wanted))
        yield from sorted(wanted, key=lambda request: -request.priority)

    def _walk_ended(self, progress: Walk):
        """Record the walk; a main listing that hit the cap unseen leaves a gap: backfill."""
        following = self.backfill.walk_ended(progress)
        if progress.listing.kind == MAIN and self.start_url_argument is None:
            if progress.hit_cap:
                self.logger.info(
                    "The main listing's %d pages reached no page it already knew: backfilling the rest",
                    progress.pages_seen,
                )
                following += self.backfill.begin(FIRST_CRAWL if self.first_crawl else GAP, self.backfill_every_family)
            elif self.first_crawl and not progress.failed:
                self.backfill.main_listing_was_complete()
        for walk in following:
            yield from self.walk_requests(walk)

    def _discovered(self, response):
        """Listings the page links (``#cats``, navigation): kept, and walked if a backfill wants them.

        Nothing without a crawl (``scrapy parse``, ``scrapy shell``): the callbacks still parse.
        """
        if self.backfill is None:
            return
        listings = {
            address.url: address
            for url in parsing.linked_urls(response)
            if (address := listing_address(url, self.config.base_url)) is not None
        }
        for walk in self.backfill.discovered(list(listings.values())):
            yield from self.walk_requests(walk)

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
        yield from self._discovered(response)
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
        """A posting that gave up is ``failed`` or ``skipped``; one that met a fault of our own
        services is given back (``pending``, the attempt not counted) for recovery, unblamed."""
        request = failure.request
        post_number = request.meta[POST_NUMBER_META]
        fault = own_service_fault(failure)
        if fault is not None:
            self.logger.error("Posting %s not done, through no fault of its own (%s): left to recovery", post_number, fault)
            self.crawler.stats.inc_value(OWN_FAULT_STAT)
            if not isinstance(failure.value, psycopg.OperationalError):  # with the database away, it waits as it is
                self.status.give_back([post_number])
            return
        status, error = describe_failure(failure)
        yield PostingFailure(post_number, request.url, status, error)

    def index_failed(self, failure):
        arguments = failure.request.cb_kwargs
        kind, page_number = arguments.get("kind", MAIN), arguments["page_number"]
        walk = self.walks.adopt(ListingAddress(arguments["walk"], kind), arguments.get("full_walk"))
        walk.page_read(page_number, arguments.get("follow_next", True))
        gone = failure.check(HttpError) and failure.value.response.status in (404, 410)
        if gone and page_number > 1:
            pass  # asked for with its walk's other pages, past the end of a listing that got shorter
        elif gone and kind != MAIN:
            self.logger.warning("Listing %s is gone (HTTP %d): forgotten", walk.listing.url, failure.value.response.status)
            self.walks.listing_gone(walk)
        else:
            _, error = describe_failure(failure)
            self.logger.error("Index page %s failed: %s", failure.request.url, error)
            self.crawler.stats.inc_value(INDEX_PAGES_FAILED_STAT)
            walk.failed = True
        if walk.ended:
            yield from self._walk_ended(walk)

    def closed(self, reason: str) -> None:
        """What this crawl started and did not finish (stopped by a signal, say) is ``pending``
        again, its attempt not counted; postings whose closing date passed are ``closed``. A crawl
        that ran out of work with its walk unfinished says so (``WALK_UNFINISHED_STAT``)."""
        if self.status is None or self.crawler.stats.get_value(DATABASE_UNAVAILABLE_STAT):
            return  # without a database, what is unfinished waits for its worker's lease to end
        released = self.status.give_back_unfinished()
        if released:
            self.logger.info("Crawl stopped (%s): %d postings not finished are pending again", reason, released)
            self.crawler.stats.set_value(RELEASED_STAT, released)
        self.status.close_expired(datetime.now(UTC).date())
        if reason == "finished" and not self.config.only_consumes_shared_queue:
            unfinished = self.walks.unfinished_reason(self.start_url)
            if unfinished is not None:
                self.crawler.stats.set_value(WALK_UNFINISHED_STAT, unfinished)
