"""The crawl's Scrapy components, each built in-process as Scrapy's own tests build theirs.

``get_crawler`` with the settings a test needs, hand-made requests and responses, and assertions
on what the component returns, on the real database and Redis it writes to, and on
``crawler.stats``. The Cloudflare components are in ``test_cloudflare_components.py``, the
Redis scheduler and the leases in ``test_worker_faults.py``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from tests.conftest import REDIS_TEST_URL
from tests.databases import memory_storage, posting_status
from tests.replica.faults import NOT_A_POSTING_PAGE
from unjobs_scraper.config import crawler_config
from unjobs_scraper.distributed.dupefilter import GenerationDupeFilter
from unjobs_scraper.distributed.generation import Generations, RedisKeys
from unjobs_scraper.items import Listing
from unjobs_scraper.listings import MAIN, ListingAddress
from unjobs_scraper.meta import ATTEMPT_NOT_COUNTED_META, NOT_BEFORE_META, POST_NUMBER_META
from unjobs_scraper.middlewares import PostingStatusMiddleware
from unjobs_scraper.recovery import Recovery
from unjobs_scraper.retry import BackoffRetryMiddleware, RetriesExhausted
from unjobs_scraper.scheduler import BackoffScheduler
from unjobs_scraper.spiders.unjobs import UnjobsSpider, needs_download, posting_priority
from unjobs_scraper.storage import ListingState, Worker
from unjobs_scraper.walks import Walks

URL = "http://127.0.0.1:8000/vacancies/1758015049233"
NUMBER = "1758015049233"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
UPDATED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


# -- what to download, in which order -----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (None, True),  # new
        (ListingState("processed", UPDATED), False),  # known and unchanged
        (ListingState("processed", UPDATED - timedelta(days=1)), True),  # the listing changed
        (ListingState("failed", UPDATED), False),  # failed stays in the dead-letter queue until requeued
        (ListingState("pending", UPDATED), True),  # owed
        (ListingState("pending", UPDATED, NOW - timedelta(minutes=1)), True),  # a retry now due
        (ListingState("pending", UPDATED, NOW + timedelta(minutes=1)), False),  # a retry not due yet
    ],
)
def test_needs_download(state, expected):
    assert needs_download(Listing(NUMBER, URL, listing_updated_at=UPDATED), state, NOW) is expected


def test_posting_priority_soonest_closing_first_none_last_urgent_ahead():
    soon, later = posting_priority(date(2026, 12, 5)), posting_priority(date(2027, 1, 5))
    assert soon > later > posting_priority(None)
    assert posting_priority(date(2027, 1, 5), urgent=True) > soon


# -- the status bookkeeping as downloads start: components built with an in-memory store ----------


@pytest.fixture
def storage():
    storage = memory_storage()
    yield storage
    storage.close()


@pytest.fixture
def status(storage):
    return posting_status(storage, worker=Worker("test:1:abcdef", "test", 1))


@pytest.fixture
def crawler():
    crawler = get_crawler(Spider, {"RETRY_BACKOFF_BASE": 10, "RETRY_BACKOFF_MAX": 60})
    crawler.spider = Spider.from_crawler(crawler, name="unjobs")
    return crawler


def posting_request(**meta) -> Request:
    return Request(URL, meta={POST_NUMBER_META: NUMBER, **meta})


def test_posting_status_middleware_counts_each_attempt_but_not_a_reissue(status, storage):
    middleware = PostingStatusMiddleware(status)
    assert asyncio.run(middleware.process_request(posting_request())) is None
    assert asyncio.run(middleware.process_request(posting_request(**{ATTEMPT_NOT_COUNTED_META: True}))) is None
    assert asyncio.run(middleware.process_request(Request("http://127.0.0.1:8000/"))) is None  # an index page
    row = storage.postings.get(NUMBER)
    assert (row["status"], row["processing_attempts"]) == ("processing", 1)
    assert row["processing_worker"] == "test:1:abcdef"
    assert status.in_flight == {NUMBER}


def test_retry_middleware_holds_a_retry_and_stores_its_due_time_and_error(crawler, status, storage):
    middleware = BackoffRetryMiddleware(crawler, crawler_config(crawler), status)
    status.take(NUMBER, URL)
    before = time.time()
    retry = middleware.process_response(posting_request(), HtmlResponse(URL, status=503, body=b"busy"))
    assert retry.meta["retry_times"] == 1 and 5 <= retry.meta[NOT_BEFORE_META] - before <= 11
    row = storage.postings.get(NUMBER)
    assert row["status"] == "pending"
    assert row["processing_error"] == f"HTTP 503 Service Unavailable from {URL} (attempt 1, retrying)"
    assert row["next_attempt_at"] > datetime.now(UTC)
    assert crawler.stats.get_value("retry/count") == 1
    assert crawler.stats.get_value("retry/reason_count/http_503") == 1


def test_retry_middleware_retries_a_page_that_is_not_a_posting_then_gives_up(crawler, status):
    middleware = BackoffRetryMiddleware(crawler, crawler_config(crawler), status)
    page = HtmlResponse(URL, body=NOT_A_POSTING_PAGE, encoding="utf-8")
    assert middleware.process_response(posting_request(), page).meta["retry_times"] == 1
    with pytest.raises(RetriesExhausted, match=r"^not a posting: .* \(gave up after 6 attempts\)$"):
        middleware.process_response(posting_request(retry_times=5), page)
    assert crawler.stats.get_value("retry/max_reached") == 1


# Scrapy's default priority queue asks the running engine's downloader: these crawlers have none.
NO_ENGINE = {"SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"}


def test_backoff_scheduler_holds_what_is_not_due_and_stays_open_only_for_the_near_future(database_url):
    crawler = get_crawler(UnjobsSpider, {"DATABASE_URL": database_url, **NO_ENGINE})

    async def scenario() -> None:
        scheduler = BackoffScheduler.from_crawler(crawler)
        scheduler.open(Spider.from_crawler(crawler, name="unjobs"))
        try:
            assert scheduler.enqueue_request(Request(URL, meta={NOT_BEFORE_META: time.time() + 60}))
            assert (len(scheduler), scheduler.has_pending_requests()) == (1, True)  # due within 300 s
            assert scheduler.next_request() is None  # held, not in a download slot
            assert scheduler.enqueue_request(Request(URL + "?now"))
            assert scheduler.next_request().url == URL + "?now"
            assert crawler.stats.get_value("unjobs/retries/held") == 1
        finally:
            scheduler.close("finished")

    asyncio.run(scenario())
    far = get_crawler(UnjobsSpider, {"DATABASE_URL": database_url, **NO_ENGINE, "RETRY_MAX_IDLE_WAIT": 30})

    async def too_far() -> None:
        scheduler = BackoffScheduler.from_crawler(far)
        scheduler.open(Spider.from_crawler(far, name="unjobs"))
        try:
            scheduler.enqueue_request(Request(URL, meta={NOT_BEFORE_META: time.time() + 60}))
            assert (len(scheduler), scheduler.has_pending_requests()) == (1, False)  # left to the next crawl
        finally:
            scheduler.close("finished")

    asyncio.run(too_far())


# -- recovery -----------------------------------------------------------------------------------


def test_recovery_queues_each_owed_posting_once_and_fails_one_out_of_attempts(crawler, status, storage):
    recovery = Recovery(status.database, status, crawler_config(crawler), crawler.stats)
    status.discover({"post_number": "1", "source_url": URL + "1", "listing_updated_at": UPDATED})
    status.discover({"post_number": "2", "source_url": URL + "2", "listing_updated_at": UPDATED})
    for _ in range(7):  # seven attempts started by crawlers killed outright: more than RETRY_TIMES + 1
        status.take("2", URL + "2")
        storage.dialect.execute("UPDATE raw_job_data SET processing_worker = 'gone' WHERE post_number = '2'")
    assert [row.post_number for row in recovery.postings()] == ["1"]
    assert list(recovery.postings()) == []  # once per crawl
    assert storage.postings.get("2")["status"] == "failed"
    assert storage.postings.get("2")["processing_error"].startswith("interrupted: ")
    assert crawler.stats.get_value("unjobs/recovered/pending") == 1
    recovery.forget()  # the queue was lost: owed again
    assert [row.post_number for row in recovery.postings()] == ["1"]


def test_walks_resume_a_cut_walk_after_its_last_page_read(crawler, status):
    walks = Walks(status.database, crawler.stats, processing_lease=600)
    main = walks.adopt(ListingAddress("http://127.0.0.1:8000/", MAIN), full=True)
    walks.page_reached(main, 3, postings=25)
    unicef = walks.start(ListingAddress("http://127.0.0.1:8000/organizations/unicef", "organizations"), full=True)
    walks.page_reached(unicef, 1, postings=4)
    walks.ended(unicef)
    assert walks.unfinished() == [("http://127.0.0.1:8000/", 4)]
    assert asyncio.run(walks.was_complete("http://127.0.0.1:8000/organizations/unicef"))
    assert not asyncio.run(walks.was_complete("http://127.0.0.1:8000/"))
    assert walks.known_listings()["http://127.0.0.1:8000/organizations/unicef"]["postings_found"] == 4
    assert walks.unfinished_reason("http://127.0.0.1:8000/") == "the index walk of http://127.0.0.1:8000/ did not finish (running: page 3)"
    assert not walks.stale("http://127.0.0.1:8000/")  # parsed within the lease


# -- the shared dupefilter ----------------------------------------------------------------------


def test_the_dupefilter_filters_within_a_generation_and_counts_attempts():
    server = redis.Redis.from_url(REDIS_TEST_URL)
    keys = RedisKeys(f"test-{uuid.uuid4().hex[:12]}")
    dupefilter = GenerationDupeFilter(server, keys)
    try:
        Generations(server, keys).begin(force=True)
        assert dupefilter.request_seen(Request(URL)) is False
        assert dupefilter.request_seen(Request(URL)) is True
        assert dupefilter.request_seen(Request(URL, meta={"retry_times": 2})) is False  # a recovered attempt
        Generations(server, keys).begin(force=True)  # the next walk fetches again
        assert dupefilter.request_seen(Request(URL)) is False
    finally:
        for key in server.scan_iter(f"{keys.namespace}:*"):
            server.delete(key)
