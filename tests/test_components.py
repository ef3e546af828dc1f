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
from tests.replica.faults import NOT_A_POSTING_PAGE
from unjobs_scraper.config import crawler_config
from unjobs_scraper.distributed.dupefilter import GenerationDupeFilter
from unjobs_scraper.distributed.generation import Generations, RedisKeys
from unjobs_scraper.items import Listing
from unjobs_scraper.meta import ATTEMPT_NOT_COUNTED_META, NOT_BEFORE_META, POST_NUMBER_META
from unjobs_scraper.middlewares import PostingStatusMiddleware
from unjobs_scraper.recovery import Recovery
from unjobs_scraper.retry import BackoffRetryMiddleware, RetriesExhausted
from unjobs_scraper.scheduler import BackoffScheduler
from unjobs_scraper.spiders.unjobs import UnjobsSpider, needs_download, posting_priority
from unjobs_scraper.storage import ListingState, crawler_store

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


# -- the store's bookkeeping as downloads start -------------------------------------------------


@pytest.fixture
def crawler(database_url):
    crawler = get_crawler(UnjobsSpider, {"DATABASE_URL": database_url, "RETRY_BACKOFF_BASE": 10, "RETRY_BACKOFF_MAX": 60})
    crawler.spider = UnjobsSpider.from_crawler(crawler)
    yield crawler
    crawler_store(crawler).close()


def posting_request(**meta) -> Request:
    return Request(URL, meta={POST_NUMBER_META: NUMBER, **meta})


def test_posting_status_middleware_counts_each_attempt_but_not_a_reissue(crawler):
    middleware = PostingStatusMiddleware.from_crawler(crawler)
    middleware.spider_opened()
    assert middleware.process_request(posting_request()) is None
    assert middleware.process_request(posting_request(**{ATTEMPT_NOT_COUNTED_META: True})) is None
    assert middleware.process_request(Request("http://127.0.0.1:8000/")) is None  # an index page
    row = middleware.store.get(NUMBER)
    assert (row["status"], row["processing_attempts"]) == ("processing", 1)
    assert row["processing_worker"] == middleware.store.worker.worker_id


def test_retry_middleware_holds_a_retry_and_stores_its_due_time_and_error(crawler):
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    middleware.spider_opened()
    middleware.store.mark_processing(NUMBER, URL)
    before = time.time()
    retry = middleware.process_response(posting_request(), HtmlResponse(URL, status=503, body=b"busy"))
    assert retry.meta["retry_times"] == 1 and 5 <= retry.meta[NOT_BEFORE_META] - before <= 11
    row = middleware.store.get(NUMBER)
    assert row["status"] == "pending"
    assert row["processing_error"] == f"HTTP 503 Service Unavailable from {URL} (attempt 1, retrying)"
    assert row["next_attempt_at"] > datetime.now(UTC)
    assert crawler.stats.get_value("retry/count") == 1
    assert crawler.stats.get_value("retry/reason_count/http_503") == 1


def test_retry_middleware_retries_a_page_that_is_not_a_posting_then_gives_up(crawler):
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    middleware.spider_opened()
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


def test_recovery_queues_each_owed_posting_once_and_fails_one_out_of_attempts(crawler):
    store = crawler_store(crawler)
    recovery = Recovery(store, crawler_config(crawler), crawler.stats)
    store.upsert_listing({"post_number": "1", "source_url": URL + "1", "listing_updated_at": UPDATED})
    store.upsert_listing({"post_number": "2", "source_url": URL + "2", "listing_updated_at": UPDATED})
    for _ in range(7):  # seven attempts started by crawlers killed outright: more than RETRY_TIMES + 1
        store.mark_processing("2", URL + "2")
        store.release(["2"])
        store.dialect.execute("UPDATE raw_job_data SET status = 'processing', processing_attempts = processing_attempts + 1,"
                              " processing_worker = 'gone' WHERE post_number = '2'")
    assert [row.post_number for row in recovery.postings()] == ["1"]
    assert list(recovery.postings()) == []  # once per crawl
    assert store.get("2")["status"] == "failed"
    assert store.get("2")["processing_error"].startswith("interrupted: ")
    assert crawler.stats.get_value("unjobs/recovered/pending") == 1
    recovery.forget()  # the queue was lost: owed again
    assert [row.post_number for row in recovery.postings()] == ["1"]


def test_recovery_resumes_a_cut_walk_after_its_last_page_read(crawler):
    store = crawler_store(crawler)
    recovery = Recovery(store, crawler_config(crawler), crawler.stats)
    recovery.walk_reached("http://127.0.0.1:8000/", 3)
    recovery.walk_completed("http://127.0.0.1:8000/organizations/unicef")
    assert recovery.unfinished_walks() == [("http://127.0.0.1:8000/", 4)]
    assert recovery.walk_was_complete("http://127.0.0.1:8000/organizations/unicef")


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
