"""Faults of our own database: a PostgreSQL restart is waited out, a long outage stops the crawl.

These tests restart and stop the machine's real PostgreSQL server, and start it again however
they end, so the tests after them find it running.
"""

from __future__ import annotations

import asyncio
import json
import signal

import psycopg
import pytest
from scrapy.utils.test import get_crawler

from tests.crawling import start_crawl
from tests.databases import POSTGRES_URL, stored_rows
from tests.replica import Replica
from tests.services import cluster, finish, postgres_left_running, wait_until
from unjobs_scraper.commands.crawl import DATABASE_UNAVAILABLE_EXIT_CODE
from unjobs_scraper.config import crawler_config, parse_database_url
from unjobs_scraper.items import Posting
from unjobs_scraper.pipelines import PostingStorePipeline
from unjobs_scraper.spiders.unjobs import UnjobsSpider
from unjobs_scraper.stats import DATABASE_WRITE_ERRORS_STAT
from unjobs_scraper.status import crawler_status
from unjobs_scraper.storage import open_storage
from unjobs_scraper.storage.postgres import DatabaseUnavailable


@pytest.mark.crawl
@pytest.mark.alone
def test_a_postgresql_restart_mid_crawl_is_waited_out_and_nothing_is_blamed_on_postings(postgresql_url, tmp_path):
    log = tmp_path / "crawl.log"
    with postgres_left_running(), Replica(postings=400, seed=61, latency_ms=150) as replica:
        process = start_crawl(replica.base_url, postgresql_url, log)
        wait_until(lambda: replica.stats()["served"]["posting"] >= 80, timeout=60)
        cluster("restart")
        returncode, output = finish(process, log)
    assert returncode == 0, output[-3000:]
    assert "went away" in output and "is back after" in output
    stored = stored_rows(postgresql_url)
    assert len(stored) == 400
    assert {(row["status"], row["processing_error"]) for row in stored.values()} == {("processed", None)}


@pytest.mark.crawl
@pytest.mark.alone
def test_an_outage_longer_than_the_timeout_stops_the_crawl_naming_the_database(postgresql_url, tmp_path):
    log, again_log = tmp_path / "crawl.log", tmp_path / "again.log"
    with Replica(postings=200, seed=67, latency_ms=150) as replica:
        with postgres_left_running():
            process = start_crawl(replica.base_url, postgresql_url, log, settings={"DATABASE_OUTAGE_TIMEOUT": "3"})
            wait_until(lambda: replica.stats()["served"]["posting"] >= 40, timeout=60)
            cluster("stop")
            returncode, output = finish(process, log)
        # The next crawl takes back what the first left (at once, with the default lease: the first
        # crawl's process is gone) and completes every posting, none failed.
        again = start_crawl(replica.base_url, postgresql_url, again_log)
        again_returncode, again_output = finish(again, again_log)
    assert returncode == DATABASE_UNAVAILABLE_EXIT_CODE, output[-3000:]
    last_line = output.strip().splitlines()[-1]
    assert last_line.startswith("unjobs-scraper: DATABASE_URL: postgresql://postgres@127.0.0.1:5432/test")
    assert "unreachable for 3 s (DATABASE_OUTAGE_TIMEOUT)" in last_line
    stats = json.loads(log.with_suffix(".stats.json").read_text())
    assert stats["finish_reason"] == "database_unavailable"
    assert again_returncode == 0, again_output[-3000:]
    stored = stored_rows(postgresql_url)
    assert len(stored) == 200
    assert {row["status"] for row in stored.values()} == {"processed"}


# -- in-process: the dialect's reconnection ----------------------------------------------------


def terminate_backend_of(dialect) -> int:
    """The server ends the dialect's connection, as a restart would."""
    pid = dialect.execute("SELECT pg_backend_pid() AS pid")[0]["pid"]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return pid


def test_a_statement_whose_connection_broke_runs_again_on_a_new_one(postgresql_url):
    store = open_storage(parse_database_url(postgresql_url))
    try:
        old = terminate_backend_of(store.dialect)
        assert store.dialect.execute("SELECT pg_backend_pid() AS pid")[0]["pid"] != old
    finally:
        store.close()


def test_a_server_away_past_the_timeout_fails_once_slowly_then_at_once(postgresql_url):
    store = open_storage(parse_database_url(postgresql_url), outage_timeout=0.5)
    reported = []
    store.dialect.on_unavailable = reported.append
    store.dialect._url = "postgresql://postgres@127.0.0.1:9/test"  # the server "moved": nothing answers
    attempts = []
    connect = store.dialect._connect
    store.dialect._connect = lambda: attempts.append(1) or connect()
    try:
        terminate_backend_of(store.dialect)
        with pytest.raises(DatabaseUnavailable, match=r"^DATABASE_URL: .* unreachable for 0\.5 s \(DATABASE_OUTAGE_TIMEOUT\): "):
            store.postings.count_by_status()
        assert len(attempts) >= 2  # tried again with backoff (0.25 s, then what fits in 0.5 s)
        assert len(reported) == 1
        tried = len(attempts)
        with pytest.raises(DatabaseUnavailable):
            store.postings.count_by_status()
        assert len(attempts) == tried and len(reported) == 1  # at once: no connection tried again
    finally:
        store.close()


@pytest.mark.crawl
def test_sigterm_mid_crawl_leaves_no_posting_processing_and_the_next_crawl_completes(sqlite_url, tmp_path):
    log = tmp_path / "crawl.log"
    with Replica(postings=200, seed=71, latency_ms=300) as replica:
        process = start_crawl(replica.base_url, sqlite_url, log, settings={"CONCURRENT_REQUESTS": "8"})
        wait_until(lambda: replica.stats()["served"]["posting"] >= 30, timeout=60)
        process.send_signal(signal.SIGTERM)
        returncode, output = finish(process, log)  # killed, and the test failed, past its timeout
        interrupted = stored_rows(sqlite_url)
        again = start_crawl(replica.base_url, sqlite_url, tmp_path / "again.log")
        again_returncode, again_output = finish(again, tmp_path / "again.log")
        hits = replica.stats()["posting_hits"]
    assert "Spider closed (shutdown)" in output, output[-3000:]
    assert [n for n, row in interrupted.items() if row["status"] == "processing"] == []
    assert again_returncode == 0, again_output[-3000:]
    stored = stored_rows(sqlite_url)
    assert (len(stored), {row["status"] for row in stored.values()}) == (200, {"processed"})
    assert {row["processing_attempts"] for row in stored.values()} == {1}
    assert max(hits.values()) <= 2


def test_the_writer_saves_a_posting_whose_connection_broke_and_blames_nothing_on_it(postgresql_url):
    crawler = get_crawler(UnjobsSpider, {"DATABASE_URL": postgresql_url})
    status = crawler_status(crawler)
    pipeline = PostingStorePipeline(status, crawler_config(crawler), crawler.stats)
    database = status.database
    try:
        status.take("1758015049233", "https://unjobs.org/vacancies/1758015049233")
        database.read_now(terminate_backend_of_storage)  # the server restarted under the crawl
        asyncio.run(pipeline.process_item(Posting("1758015049233", "https://unjobs.org/vacancies/1758015049233", "Driver")))
        row = database.read_now(lambda storage: storage.postings.get("1758015049233"))
        assert (row["status"], row["processing_error"], row["post_name"]) == ("processed", None, "Driver")
        assert crawler.stats.get_value("unjobs/postings/processed") == 1
        assert crawler.stats.get_value("unjobs/postings/failed") is None
        assert crawler.stats.get_value(DATABASE_WRITE_ERRORS_STAT) is None
    finally:
        database.close()


def terminate_backend_of_storage(storage) -> int:
    return terminate_backend_of(storage.dialect)
