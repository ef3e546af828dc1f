"""Live progress: periodic lines and a final summary in the crawl's log, counted from its stats."""

from __future__ import annotations

import re

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from tests.crawling import run_crawl
from tests.databases import posting_status
from tests.replica import Replica
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.items import Listing
from unjobs_scraper.progress import Counts, Progress, eta, format_duration, strategies
from unjobs_scraper.storage import open_storage

COUNTS = r"(\d+) discovered, (\d+) processed, (\d+) failed, (\d+) skipped, (\d+) pending"
PROGRESS_LINE = re.compile(r"INFO: Progress: " + COUNTS + r"; ([\d.]+) postings/min, ETA (\S+)")
SUMMARY_LINE = re.compile(r"INFO: Crawl summary \((\w+) after [^)]+\): " + COUNTS + r"; ([\d.]+) postings/min")


def progress_lines(log: str) -> list[tuple[int, ...]]:
    return [tuple(int(n) for n in match.groups()[:5]) for match in PROGRESS_LINE.finditer(log)]


def summary_of(log: str) -> tuple[str, tuple[int, ...]]:
    matches = list(SUMMARY_LINE.finditer(log))
    assert len(matches) == 1, log[-3000:]
    return matches[0].group(1), tuple(int(n) for n in matches[0].groups()[1:6])


def test_counts_from_stats_subtract_dropped_duplicates_and_never_go_below_zero():
    counts = Counts.from_stats(
        {
            "unjobs/listings/seen": 30, "unjobs/postings/requested": 20, "unjobs/recovered/pending": 4,
            "unjobs/recovered/processing": 1, "unjobs/postings/duplicate": 3,
            "unjobs/postings/processed": 10, "unjobs/postings/failed": 2, "unjobs/postings/skipped": 1,
        }
    )
    assert (counts.discovered, counts.queued, counts.finished, counts.pending) == (30, 22, 13, 9)
    assert Counts.from_stats({"unjobs/postings/processed": 5}).pending == 0


@pytest.mark.parametrize(
    ("pending", "rate", "expected"),
    [(0, 0.0, "done"), (10, 0.0, "unknown"), (30, 60.0, "30s"), (600, 120.0, "5m 00s"), (7500, 60.0, "2h 05m")],
)
def test_eta(pending, rate, expected):
    assert eta(pending, rate) == expected


def test_format_duration():
    assert [format_duration(s) for s in (0.4, 59, 61, 3599, 3600)] == ["0s", "59s", "1m 01s", "59m 59s", "1h 00m"]


@pytest.mark.crawl
def test_progress_lines_and_summary_match_the_crawl(sqlite_url):
    with Replica(postings=60, seed=12, latency_ms=40, gone_rate=0.1, bad_rate=0.1) as replica:
        settings = {
            "PROGRESS_INTERVAL": "0.25", "CONCURRENT_REQUESTS": "4", "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
            "RETRY_TIMES": "0",
        }
        result = run_crawl(replica.base_url, sqlite_url, settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    lines = progress_lines(result.log)
    assert len(lines) >= 2, result.log[-3000:]
    for earlier, later in zip(lines, lines[1:], strict=False):  # discovered, processed, failed, skipped never go back
        assert all(b >= a for a, b in zip(earlier[:4], later[:4], strict=False)), (earlier, later)
    assert any(line[4] > 0 for line in lines), "some line shows postings still pending"

    reason, (discovered, processed, failed, skipped, pending) = summary_of(result.log)
    stats = result.stats
    assert reason == "finished"
    assert (discovered, processed, failed, skipped, pending) == (
        60, stats["unjobs/postings/processed"], stats["unjobs/postings/failed"], stats["unjobs/postings/skipped"], 0,
    )
    store = open_storage(parse_database_url(sqlite_url))
    try:
        counts = store.postings.count_by_status()
    finally:
        store.close()
    assert (processed, failed, skipped) == (counts["processed"], counts["failed"], counts["skipped"])
    assert failed > 0 and skipped > 0


@pytest.mark.crawl
def test_recovered_postings_also_listed_are_counted_once(replica, sqlite_url):
    """Postings left pending by a crawl that died are queued at start and may be found again on
    the listing before their download starts: such a second request is dropped as a duplicate
    and counted, so the summary ends with nothing pending."""
    store = open_storage(parse_database_url(sqlite_url))
    try:
        for number in replica.site.post_numbers()[:10]:
            spec = replica.site.posting(number)
            listing = Listing(number, f"{replica.base_url}vacancies/{number}", listing_updated_at=spec.listing_updated_at)
            posting_status(store).discover(vars(listing))
    finally:
        store.close()
    result = run_crawl(replica.base_url, sqlite_url, settings={"PROGRESS_INTERVAL": "5"})
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["unjobs/recovered/pending"] == 10
    stats = result.stats
    queued = stats["unjobs/postings/requested"] + 10 - stats.get("unjobs/postings/duplicate", 0)
    assert queued == 60
    assert summary_of(result.log)[1] == (60, 60, 0, 0, 0)


@pytest.mark.crawl
def test_quiet_at_warning_level(replica, sqlite_url):
    result = run_crawl(replica.base_url, sqlite_url, settings={"PROGRESS_INTERVAL": "0.05", "LOG_LEVEL": "WARNING"})
    assert result.returncode == 0
    assert result.stats["unjobs/postings/processed"] == 60
    assert "Progress:" not in result.log and "Crawl summary" not in result.log


def test_an_interval_of_zero_turns_progress_off():
    with pytest.raises(NotConfigured):
        Progress.from_crawler(get_crawler(settings_dict={"PROGRESS_INTERVAL": "0"}))
    assert Progress.from_crawler(get_crawler(settings_dict={"PROGRESS_INTERVAL": "2.5"})).interval == 2.5


def test_progress_names_each_hosts_way_past_cloudflare_once_a_challenge_was_met():
    stats = {"cloudflare/strategy/unjobs.org": "impersonated", "cloudflare/strategy/b.example": "plain"}
    assert strategies(stats) == ""
    assert strategies({**stats, "cloudflare/challenges": 2}) == (
        "; Cloudflare: b.example plain, unjobs.org impersonated"
    )
