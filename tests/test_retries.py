"""Retries, backoff, the dead-letter queue and recovery, against a replica that fails on purpose."""

from __future__ import annotations

import json
import random
import signal
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy.http import HtmlResponse, Response

from tests.crawling import run_crawl, run_scrapy, start_crawl
from tests.databases import posting_status, stored_rows
from tests.replica import Replica
from tests.replica.faults import BAD_PAGES, Fate
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.parsing import posting_page_problem
from unjobs_scraper.retry import backoff_delay, retry_after_seconds
from unjobs_scraper.storage import open_storage

RETRY_TIMES = 5
# Backoff shrunk to a fraction of a second; a stall outlasts the download timeout.
FAULT_SETTINGS = {
    "RETRY_BACKOFF_BASE": "0.05", "RETRY_BACKOFF_MAX": "0.5", "DOWNLOAD_TIMEOUT": "1",
    # These replicas fail a large share of postings on purpose: the monitors say so (exit code 3,
    # test_monitors.py); here the stored outcome is what is checked.
    "MONITORS_FAIL_EXIT": "0",
}
STALL_SECONDS = 2


def first_with(replica: Replica, wanted) -> str:
    return next(
        number for number in replica.site.post_numbers() if wanted(replica.faults.fate(number))
    )


# -- backoff arithmetic ----------------------------------------------------------------------


def test_backoff_grows_exponentially_within_jitter_and_is_capped():
    rng = random.Random(1)
    for retry_number, full in ((1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (12, 3600)):
        delay = backoff_delay(retry_number, 60, 3600, rng)
        assert full / 2 <= delay <= full


def test_retry_after_is_honoured_up_to_the_cap():
    rng = random.Random(1)
    assert backoff_delay(1, 0.05, 600, rng, retry_after=120) == 120
    assert backoff_delay(1, 0.05, 60, rng, retry_after=120) == 60


@pytest.mark.parametrize(
    ("header", "seconds"),
    [(b"30", 30), (None, None), (b"soon", None)],
)
def test_retry_after_header_forms(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date():
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 <= retry_after_seconds(when.encode()) <= 90


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (
            Response(
                "http://x/1", body=b"\x00\x01", headers={"Content-Type": "application/octet-stream"}
            ),
            "not an HTML page",
        ),
        (
            HtmlResponse("http://x/1", body=random.Random(3).randbytes(4000), encoding="utf-8"),
            "binary content",
        ),
        (
            HtmlResponse(
                "http://x/1",
                body=b"<html><body><h2>Officer</h2><div class='fp-snip",
                encoding="utf-8",
            ),
            "truncated page",
        ),
        (
            HtmlResponse(
                "http://x/1", body=b"<html><body><p>Updating</p></body></html>", encoding="utf-8"
            ),
            "no title",
        ),
        (
            HtmlResponse(
                "http://x/1", body=b"<html><body><h2>Officer</h2></body></html>", encoding="utf-8"
            ),
            None,
        ),
    ],
)
def test_posting_page_problems_are_named(response, problem):
    found = posting_page_problem(response)
    assert (found.split(":")[0] if found else None) == problem


# -- crawls against a failing replica --------------------------------------------------------


@pytest.mark.crawl
def test_every_posting_ends_as_its_fate_implies(postgresql_url):
    with Replica(
        postings=300,
        seed=5,
        fault_rate=0.3,
        gone_rate=0.05,
        bad_rate=0.05,
        stall_seconds=STALL_SECONDS,
    ) as replica:
        fates = {number: replica.faults.fate(number) for number in replica.site.post_numbers()}
        assert {fate.fault for fate in fates.values() if fate.kind == "bad"} == set(BAD_PAGES)
        result = run_crawl(replica.base_url, postgresql_url, settings=FAULT_SETTINGS)
        assert result.returncode == 0, result.log[-3000:]
        rows = stored_rows(postgresql_url)
        outcomes = {
            number: (rows[number]["status"], rows[number]["processing_attempts"])
            for number in fates
        }
        assert outcomes == {number: fate.expected(RETRY_TIMES) for number, fate in fates.items()}

        failed = {number for number, (status, _) in outcomes.items() if status == "failed"}
        assert set(stored_rows(postgresql_url, dead_letters=True)) == failed
        assert all(rows[number]["processing_error"] for number in failed)

        always_failing = first_with(replica, lambda fate: fate.kind == "failing")
        assert stored_rows(postgresql_url, dead_letters=True)[always_failing]["attempts"] == RETRY_TIMES + 1
        flaky = first_with(replica, lambda fate: fate == Fate("flaky", fate.fault, 2))
        assert (
            rows[flaky]["status"],
            rows[flaky]["processing_attempts"],
            rows[flaky]["processing_error"],
        ) == (
            "processed",
            3,
            None,
        )
        assert replica.stats()["faults"]["downloads"][flaky] == 3
        assert result.stats["finish_reason"] == "finished"


@pytest.mark.crawl
def test_malformed_pages_fail_readably_and_the_crawl_goes_on(sqlite_url):
    with Replica(postings=40, seed=2, bad_rate=0.5) as replica:
        result = run_crawl(
            replica.base_url, sqlite_url, settings={**FAULT_SETTINGS, "RETRY_TIMES": "1"}
        )
        assert result.returncode == 0, result.log[-3000:]
        rows = stored_rows(sqlite_url)
        expected_error = {
            "no_title": "no title: the page has no <h2>",
            "truncated": "truncated page: no closing </body> or </html>",
            "garbage": "binary content: not an HTML page",
            "huge": "DownloadCancelledError: Expected to receive",
            "not_a_posting": "not a posting: no <h2>, no description (div.fp-snippet), and a <title>",
        }
        seen = set()
        for number, row in rows.items():
            fate = replica.faults.fate(number)
            if fate.kind == "bad":
                seen.add(fate.fault)
                assert row["status"] == "failed"
                assert row["processing_error"].startswith(expected_error[fate.fault]), row[
                    "processing_error"
                ]
            else:
                assert row["status"] == "processed"
        assert seen == set(BAD_PAGES)
        assert result.stats["finish_reason"] == "finished"


@pytest.mark.crawl
def test_a_long_backoff_ends_the_crawl_and_the_next_crawl_retries_when_due(sqlite_url):
    with Replica(postings=30, seed=4, fault_rate=0.2) as replica:
        settings = {"RETRY_BACKOFF_BASE": "2", "RETRY_BACKOFF_MAX": "2", "RETRY_MAX_IDLE_WAIT": "0"}
        first = run_crawl(replica.base_url, sqlite_url, settings=settings)
        ended = time.monotonic()
        assert first.returncode == 0
        waiting = {
            number: row
            for number, row in stored_rows(sqlite_url).items()
            if row["status"] == "pending"
        }
        assert waiting, "retries due later should not keep the crawl open"
        assert all(
            row["next_attempt_at"] > row["last_processing_attempt"] for row in waiting.values()
        )
        faulty = {
            n
            for n in replica.site.post_numbers()
            if replica.faults.fate(n).kind in ("flaky", "failing")
        }
        assert set(waiting) <= faulty

        replica.faults.heal()
        time.sleep(max(0.0, 2.5 - (time.monotonic() - ended)))
        second = run_crawl(replica.base_url, sqlite_url, settings=settings)
        assert second.returncode == 0
        rows = stored_rows(sqlite_url)
        assert {rows[number]["status"] for number in waiting} == {"processed"}
        assert {n: rows[n]["processing_attempts"] for n in waiting} == {
            n: row["processing_attempts"] + 1 for n, row in waiting.items()
        }
        assert second.stats["unjobs/recovered/pending"] == len(waiting)


@pytest.mark.crawl
def test_killed_crawl_restarts_and_loses_nothing(postgresql_url, tmp_path):
    with Replica(postings=150, seed=8, latency_ms=40) as replica:
        slow = {"CONCURRENT_REQUESTS": "4", "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}
        crawl = start_crawl(
            replica.base_url, postgresql_url, tmp_path / "killed.log", settings=slow
        )
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                time.sleep(0.2)
                counts = _counts(postgresql_url)
                if counts and counts.get("processed", 0) >= 40:
                    break
            crawl.send_signal(signal.SIGKILL)
        finally:
            crawl.wait(timeout=30)
        counts = _counts(postgresql_url)
        assert counts["processed"] < 150
        assert counts["pending"] + counts["processing"] > 0

        # The default lease (600 s): the killed worker's process is gone, so its postings are
        # taken back at once.
        result = run_crawl(replica.base_url, postgresql_url)
        assert result.returncode == 0, result.log[-3000:]
        assert result.stats.get("unjobs/recovered/processing", 0) == counts["processing"]
        rows = stored_rows(postgresql_url)
        assert len(rows) == 150
        assert {row["status"] for row in rows.values()} == {"processed"}
        assert sorted(rows) == sorted(replica.site.post_numbers())


def _counts(database_url: str) -> dict[str, int] | None:
    try:
        store = open_storage(parse_database_url(database_url))
    except Exception:  # the crawler may still be creating the schema
        return None
    try:
        return store.postings.count_by_status()
    finally:
        store.close()


@pytest.mark.crawl
def test_requeue_returns_failed_postings_to_work(postgresql_url):
    with Replica(postings=40, seed=6, fault_rate=0.6) as replica:
        settings = {**FAULT_SETTINGS, "RETRY_TIMES": "1"}
        assert run_crawl(replica.base_url, postgresql_url, settings=settings).returncode == 0
        before = stored_rows(postgresql_url)
        failed = sorted(number for number, row in before.items() if row["status"] == "failed")
        assert failed

        dry = run_scrapy(postgresql_url, "requeue", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.strip() == f"would requeue {len(failed)} postings: {' '.join(failed)}"
        assert stored_rows(postgresql_url) == before

        requeued = run_scrapy(postgresql_url, "requeue")
        assert requeued.stdout.strip() == f"requeued {len(failed)} postings: {' '.join(failed)}"
        after = stored_rows(postgresql_url)
        assert {(after[n]["status"], after[n]["processing_attempts"]) for n in failed} == {
            ("pending", 0)
        }
        assert stored_rows(postgresql_url, dead_letters=True) == {}

        replica.faults.heal()
        replica.reset_stats()
        assert run_crawl(replica.base_url, postgresql_url, settings=settings).returncode == 0
        final = stored_rows(postgresql_url)
        assert {final[n]["status"] for n in failed} == {"processed"}
        assert sorted(replica.stats()["posting_hits"]) == failed


def test_requeue_by_post_number_and_status(sqlite_url):
    store = open_storage(parse_database_url(sqlite_url))
    try:
        for number, status in (("1", "failed"), ("2", "failed"), ("3", "skipped")):
            posting_status(store).end(number, f"https://x/{number}", status, "boom")
    finally:
        store.close()
    assert run_scrapy(
        sqlite_url, "requeue", "--post-number", "2", "--post-number", "3"
    ).stdout.strip() == ("requeued 2 postings: 2 3")
    assert (
        run_scrapy(sqlite_url, "requeue", "--status", "skipped").stdout.strip()
        == "requeued 0 postings"
    )
    assert {n: row["status"] for n, row in stored_rows(sqlite_url).items()} == {
        "1": "failed",
        "2": "pending",
        "3": "pending",
    }


def test_status_command_summarises_the_collection(sqlite_url):
    store = open_storage(parse_database_url(sqlite_url))
    try:
        posting_status(store).discover({"post_number": "10", "source_url": "https://x/10"})
        posting_status(store).end(
            "11", "https://x/11", "failed", "HTTP 500 from https://x/11 (gave up after 6 attempts)"
        )
        posting_status(store).end("12", "https://x/12", "skipped", "HTTP 404 from https://x/12 (gone)")
    finally:
        store.close()
    as_json = run_scrapy(sqlite_url, "status", "--json")
    assert as_json.returncode == 0, as_json.stderr
    summary = json.loads(as_json.stdout)
    assert summary["counts"] == {
        "pending": 1,
        "processing": 0,
        "processed": 0,
        "failed": 1,
        "skipped": 1,
    }
    assert summary["dead_letter"] == 1
    assert summary["oldest_pending"]["post_number"] == "10"
    assert [row["post_number"] for row in summary["recent_errors"]] == ["12", "11"]

    text = run_scrapy(sqlite_url, "status").stdout
    assert "dead-letter queue: 1" in text
    assert "oldest pending: 10 since" in text
    assert "HTTP 404 from https://x/12 (gone)" in text


def test_status_with_a_bad_database_fails_in_one_line():
    result = run_scrapy("postgresql://u:s3cret@127.0.0.1:1/x", "status")
    assert result.returncode == 2
    assert result.stderr.startswith("unjobs-scraper: DATABASE_URL")
    assert "s3cret" not in result.stderr
