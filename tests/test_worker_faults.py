"""Faults of the crawler's own services and the sharing of one crawl by several workers.

In-process first, in Scrapy's style (``get_crawler``, hand-made requests, ``crawler.stats``): the
worker registry, the Redis scheduler waiting out an outage, the database leases, the exit
verdict. Then whole crawls against the replica, with the real Redis and PostgreSQL restarted by
the test (Redis: a private server, so the shared one never stops).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid

import pytest
import redis
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from tests.crawling import run_crawl, start_crawl
from tests.databases import posting_status, stored_rows, temporary_postgres_schema
from tests.replica import Replica
from tests.replica.faults import Fate
from tests.services import PrivateRedis, finish, wait_until
from unjobs_scraper.commands.crawl import (
    MONITORS_FAILED_EXIT_CODE,
    NOTHING_USABLE_EXIT_CODE,
    REDIS_UNAVAILABLE_EXIT_CODE,
    WALK_UNFINISHED_EXIT_CODE,
    crawl_verdict,
)
from unjobs_scraper.distributed.generation import Generations, RedisKeys
from unjobs_scraper.distributed.scheduler import RedisScheduler, queue_lost
from unjobs_scraper.distributed.workers import WorkerRegistry
from unjobs_scraper.spiders.unjobs import UnjobsSpider
from unjobs_scraper.stats import REDIS_UNAVAILABLE_STAT
from unjobs_scraper.storage.workers import Worker


@pytest.fixture
def private_redis():
    with PrivateRedis() as server:
        yield server


def namespace() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


# -- the worker registry -------------------------------------------------------------------------


def test_a_crawl_is_finished_only_when_the_queue_is_empty_and_no_live_worker_is_busy(private_redis):
    server = redis.Redis.from_url(private_redis.url)
    keys = RedisKeys(namespace())
    first, second = (WorkerRegistry(server, keys, name) for name in ("first", "second"))
    assert Generations(server, keys).begin(worker="first", ttl_ms=10_000) == 1
    assert Generations(server, keys).begin(worker="second", ttl_ms=10_000) == 1  # joins: "first" is busy
    assert second.heartbeat(busy=False) is False  # the queue is empty for the moment, "first" is working
    server.zadd(keys.queue, {b"request": 0})
    assert first.heartbeat(busy=False) is False  # work waits in the queue
    assert second.take(type("Queue", (), {"_decode_request": staticmethod(bytes.decode)})) == "request"
    assert first.heartbeat(busy=False) is False  # "second" took it and is busy with it
    assert second.heartbeat(busy=False) is True
    assert Generations(server, keys).begin(worker="third", ttl_ms=10_000) == 2  # nobody crawls: a new walk


def test_a_dead_workers_busy_mark_stops_counting_when_its_entry_expires(private_redis):
    server = redis.Redis.from_url(private_redis.url)
    keys = RedisKeys(namespace())
    Generations(server, keys).begin(worker="dead", ttl_ms=2_000)  # busy, and never heard of again
    alive = WorkerRegistry(server, keys, "alive")
    assert alive.heartbeat(busy=False) is False
    wait_until(lambda: alive.heartbeat(busy=False), timeout=30)  # once the dead one's entry expired
    assert server.smembers(keys.busy) == set()


# -- the scheduler through a Redis outage -------------------------------------------------------


def redis_crawler(url: str, **settings):
    crawler = get_crawler(
        Spider,
        {"REDIS_URL": url, "REDIS_NAMESPACE": namespace(), "REDIS_OUTAGE_TIMEOUT": 2, **settings},
    )
    crawler.spider = Spider.from_crawler(crawler, name="unjobs")
    return crawler


def test_an_unreachable_queue_is_not_an_empty_one_and_nothing_queued_meanwhile_is_lost(private_redis):
    crawler = redis_crawler(private_redis.url)
    scheduler = RedisScheduler.from_crawler(crawler)
    lost = []
    crawler.signals.connect(lambda: lost.append(True), signal=queue_lost, weak=False)

    async def outage() -> None:  # the scheduler's timer runs on the crawl's event loop
        scheduler.open(crawler.spider)
        try:
            private_redis.stop()
            assert scheduler.enqueue_request(Request("http://127.0.0.1/vacancies/1")) is True
            assert scheduler.next_request() is None
            assert scheduler.has_pending_requests() is True  # the engine must not take this for the end
            assert crawler.stats.get_value("unjobs/redis/outages") == 1
            private_redis.start()  # back, and empty: a restart
            scheduler._on_tick()
            assert lost == [True]  # the spider refills the queue from the database
            assert crawler.stats.get_value("unjobs/redis/queue_lost") == 1
            taken = scheduler.next_request()
            assert taken is not None and taken.url == "http://127.0.0.1/vacancies/1"
            assert scheduler.next_request() is None and not scheduler.has_pending_requests()
        finally:
            scheduler.close("finished")

    asyncio.run(outage())


def test_redis_away_past_the_timeout_stops_the_crawl_naming_redis(private_redis):
    crawler = redis_crawler(f"redis://:s3cret@127.0.0.1:{private_redis.port}/0", REDIS_OUTAGE_TIMEOUT=0.2)
    redis.Redis.from_url(private_redis.url).config_set("requirepass", "s3cret")
    scheduler = RedisScheduler.from_crawler(crawler)
    closed = []
    crawler.engine = type("Engine", (), {"close_spider_async": lambda self, reason: closed.append(reason)})()

    async def outage() -> None:
        scheduler.open(crawler.spider)
        try:
            private_redis.stop()
            assert scheduler.next_request() is None
            deadline = time.monotonic() + 30  # the scheduler's own timer tries Redis every 0.25 s
            while not closed and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        finally:
            scheduler.close("redis_unavailable")

    asyncio.run(outage())
    assert closed == ["redis_unavailable"]
    message = crawler.stats.get_value(REDIS_UNAVAILABLE_STAT)
    assert message.startswith("REDIS_URL: redis://:***@127.0.0.1:")
    assert "unreachable for 0.2 s (REDIS_OUTAGE_TIMEOUT)" in message and "s3cret" not in message


# -- leases that are the crawler's own ----------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_dead_workers_postings_are_taken_back_at_once_a_live_workers_are_not(store):
    live = Worker.of_this_process()
    dead = Worker("host:dead", live.host, dead_pid())
    for worker, number in ((live, "1"), (dead, "2")):  # "2" is held by a process that is gone
        store.workers.register(worker)
        posting_status(store, worker=worker).take(number, f"http://127.0.0.1/vacancies/{number}")
    recovered = store.postings.recoverable(600, store.workers.live())
    assert [(row.post_number, row.status, row.processing_attempts) for row in recovered] == [("2", "processing", 1)]
    assert store.workers.live() == {live.worker_id}


# -- the dead-letter queue holds only postings that failed on their own account ---------------------


def test_a_browser_that_crashed_is_not_blamed_on_the_posting(store):
    from playwright.async_api import Error as PlaywrightError
    from twisted.internet.error import TimeoutError as DownloadTimeout
    from twisted.python.failure import Failure

    crawler = get_crawler(UnjobsSpider)
    status = posting_status(store)
    spider = UnjobsSpider.from_crawler(crawler, status=status, stats=crawler.stats)
    for number in ("7", "8"):
        status.take(number, f"http://127.0.0.1/vacancies/{number}")
    ours = Failure(PlaywrightError("Target page, context or browser has been closed"))
    ours.request = spider.posting_request("7", "http://127.0.0.1/vacancies/7", None)
    assert list(spider.posting_failed(ours)) == []
    row = store.postings.get("7")
    assert (row["status"], row["processing_attempts"]) == ("pending", 0)
    assert crawler.stats.get_value("unjobs/postings/own_fault") == 1
    the_sites = Failure(DownloadTimeout("took too long"))
    the_sites.request = spider.posting_request("8", "http://127.0.0.1/vacancies/8", None)
    [failure] = spider.posting_failed(the_sites)
    assert (failure.post_number, failure.status) == ("8", "failed")


# -- exit codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stats", "code", "line"),
    [
        ({"finish_reason": "finished", "unjobs/index/parsed": 3, "unjobs/postings/processed": 9}, None, None),
        ({"finish_reason": "shutdown", "downloader/request_count": 1}, None, None),
        (
            {"finish_reason": "finished", "downloader/request_count": 12},
            NOTHING_USABLE_EXIT_CODE,
            "the site answered nothing usable: 12 requests, no index page or posting could be read",
        ),
        (
            {"finish_reason": "finished", "unjobs/index/parsed": 1, "unjobs/walk_unfinished": "the index walk of X did not finish (running: page 1)"},
            WALK_UNFINISHED_EXIT_CODE,
            "the index walk of X did not finish (running: page 1): the next crawl walks it again",
        ),
        (
            {"finish_reason": "redis_unavailable", REDIS_UNAVAILABLE_STAT: "REDIS_URL: r unreachable", "unjobs/walk_unfinished": "w"},
            REDIS_UNAVAILABLE_EXIT_CODE,
            "REDIS_URL: r unreachable",
        ),
        (
            {"finish_reason": "finished", "unjobs/index/parsed": 1, "unjobs/monitors/failed": 1,
             "unjobs/monitors/error_count": "FAIL", "unjobs/monitors/finish_reason": "OK"},
            MONITORS_FAILED_EXIT_CODE,
            "monitors failed: error_count (see the log)",
        ),
    ],
)
def test_the_exit_code_says_why_a_crawl_did_not_do_its_job(stats, code, line):
    verdict = crawl_verdict(stats, monitors_fail_exit=True)
    assert verdict == (None if code is None else (code, line))


def test_monitors_fail_exit_0_still_opts_out():
    stats = {"finish_reason": "finished", "unjobs/index/parsed": 1, "unjobs/monitors/failed": 1}
    assert crawl_verdict(stats, monitors_fail_exit=False) is None


# -- whole crawls --------------------------------------------------------------------------------

FAST_WORKER = {"CONCURRENT_REQUESTS": "4", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}


def start_workers(replica, database_url, redis_settings, log_dir, count, **settings):
    return [
        start_crawl(replica.base_url, database_url, log_dir / f"worker{i}.log", settings={**redis_settings, **settings})
        for i in range(count)
    ]


def finish_all(workers, log_dir) -> list[int]:
    return [finish(worker, log_dir / f"worker{i}.log")[0] for i, worker in enumerate(workers)]


def worker_stats(log_dir, count) -> list[dict]:
    return [json.loads((log_dir / f"worker{i}.stats.json").read_text()) for i in range(count)]


@pytest.mark.crawl
def test_two_workers_started_together_share_a_one_off_crawl_until_it_is_done(postgresql_url, redis_settings, tmp_path):
    with Replica(postings=300, seed=81, latency_ms=200) as replica:
        workers = start_workers(replica, postgresql_url, redis_settings, tmp_path, 2, **FAST_WORKER)
        assert finish_all(workers, tmp_path) == [0, 0]
        hits = replica.stats()["posting_hits"]
    assert len(hits) == 300 and set(hits.values()) == {1}
    shares = [stats.get("unjobs/postings/processed", 0) for stats in worker_stats(tmp_path, 2)]
    assert sum(shares) == 300
    assert min(shares) >= 300 * 0.35, shares  # each a fair share, not one doing it all
    assert {row["status"] for row in stored_rows(postgresql_url).values()} == {"processed"}


@pytest.mark.crawl
def test_three_workers_started_together_download_each_posting_once_run_after_run(tmp_path):
    with Replica(postings=350, seed=82, latency_ms=10) as replica:
        for run in range(3):
            replica.reset_stats()
            with temporary_postgres_schema() as database_url:
                settings = {"REDIS_URL": "redis://127.0.0.1:6379/15", "REDIS_NAMESPACE": namespace()}
                log_dir = tmp_path / f"run{run}"
                log_dir.mkdir()
                workers = start_workers(replica, database_url, settings, log_dir, 3)
                assert finish_all(workers, log_dir) == [0, 0, 0], f"run {run}"
                hits = replica.stats()["posting_hits"]
                assert len(hits) == 350, f"run {run}"
                assert [number for number, count in hits.items() if count > 1] == [], f"run {run}"
                assert len(stored_rows(database_url)) == 350


@pytest.mark.crawl
def test_a_redis_restart_while_two_workers_share_a_crawl_never_ends_in_success_with_postings_missing(
    postgresql_url, private_redis, tmp_path
):
    settings = {"REDIS_URL": private_redis.url, "REDIS_NAMESPACE": "restart"}
    with Replica(postings=400, seed=83, latency_ms=150) as replica:
        workers = start_workers(replica, postgresql_url, settings, tmp_path, 2, **FAST_WORKER)
        wait_until(lambda: replica.stats()["served"]["posting"] >= 100, timeout=90)
        private_redis.stop()
        time.sleep(2)
        private_redis.start()
        codes = finish_all(workers, tmp_path)
        rows = stored_rows(postgresql_url)
        processed = sorted(number for number, row in rows.items() if row["status"] == "processed")
        assert set(codes) <= {0, WALK_UNFINISHED_EXIT_CODE}, codes
        logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
        assert any("Redis is back after" in log for log in logs)
        if codes == [0, 0]:
            assert processed == sorted(replica.site.post_numbers())
        else:
            again = run_crawl(replica.base_url, postgresql_url, settings=settings)
            assert again.returncode == 0, again.log[-3000:]
    rows = stored_rows(postgresql_url)
    assert len(rows) == 400 and {row["status"] for row in rows.values()} == {"processed"}
    assert [number for number, row in rows.items() if row["processing_error"]] == []


@pytest.mark.crawl
def test_a_page_that_is_not_a_posting_is_retried_then_failed_never_processed(sqlite_url):
    with Replica(postings=20, seed=84) as replica:
        number = replica.site.post_numbers()[3]
        replica.faults.force(number, Fate("bad", "not_a_posting"))
        result = run_crawl(
            replica.base_url, sqlite_url,
            settings={"RETRY_BACKOFF_BASE": "0.05", "RETRY_BACKOFF_MAX": "0.2"},
        )
        hits = replica.stats()["faults"]["downloads"]
    assert result.returncode == 0, result.log[-3000:]
    row = stored_rows(sqlite_url)[number]
    assert (row["status"], row["processing_attempts"], row["post_name"]) == ("failed", 6, None)
    assert row["processing_error"].startswith("not a posting: no <h2>, no description")
    assert hits[number] == 6


@pytest.mark.crawl
def test_an_index_walk_that_stops_short_exits_non_zero_saying_so(sqlite_url):
    with Replica(postings=60, seed=85) as replica:
        replica.faults.break_page("/new/2")
        site = replica.base_url
        result = run_crawl(site, sqlite_url, settings={"RETRY_TIMES": "0", "MONITORS_FAIL_EXIT": "0"})
    assert result.returncode == WALK_UNFINISHED_EXIT_CODE, result.log[-3000:]
    assert result.log.strip().splitlines()[-1] == (
        f"unjobs-scraper: the index walk of {site} did not finish (running: page 1):"
        " the next crawl walks it again"
    )
    assert result.stats["unjobs/postings/processed"] == 25  # what page 1 showed is still stored


@pytest.mark.crawl
def test_a_site_that_answers_nothing_usable_exits_non_zero_saying_so(sqlite_url):
    with Replica(postings=10, seed=86) as replica:
        replica.faults.break_page("/")
        result = run_crawl(replica.base_url, sqlite_url, settings={"RETRY_TIMES": "0"})
    assert result.returncode == NOTHING_USABLE_EXIT_CODE, result.log[-3000:]
    assert result.log.strip().splitlines()[-1].startswith("unjobs-scraper: the site answered nothing usable: ")
