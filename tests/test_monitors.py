"""Run monitors (Spidermon): item validation, the checks at spider close, and the exit code."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured, ScrapyDeprecationWarning
from scrapy.utils.test import get_crawler

from tests.crawling import run_crawl
from tests.replica import Replica
from unjobs_scraper import settings as project_settings
from unjobs_scraper.commands.crawl import MONITORS_FAILED_EXIT_CODE
from unjobs_scraper.config import Config, ConfigError
from unjobs_scraper.items import Listing, Posting
from unjobs_scraper.monitors import (
    MonitorSettings,
    MonitorsExtension,
    failed_ratio,
)
from unjobs_scraper.validation import ItemValidationPipeline

HEALTHY = {
    "finish_reason": "finished", "unjobs/index/parsed": 2, "unjobs/listings/seen": 50,
    "unjobs/postings/processed": 45, "unjobs/postings/failed": 3, "unjobs/postings/skipped": 2,
}
FAULTY_REPLICA = {"postings": 40, "seed": 6, "fault_rate": 0.6, "stall_seconds": 0.5}
QUICK_FAILURES = {"RETRY_TIMES": "0", "DOWNLOAD_TIMEOUT": "1"}


def crawler_with(**settings):
    """A crawler with the project's monitors and their settings; Scrapy's default reactor, as
    nothing is crawled."""
    monitors = {name: value for name, value in vars(project_settings).items() if name.startswith(("SPIDERMON_", "MONITOR"))}
    addons = {"ADDONS": {MonitorSettings: -1}}
    return get_crawler(settings_dict={**monitors, **addons, **settings})


def monitor_results(stats: dict, **settings) -> dict[str, str]:
    """Runs the close monitors over ``stats``; returns each check's status by stats key."""
    crawler = crawler_with(**settings)
    extension = MonitorsExtension.from_crawler(crawler)
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    extension._run_suites(Spider(name="unjobs"), extension.spider_closed_suites)
    return {
        key.removeprefix("unjobs/monitors/"): value
        for key, value in crawler.stats.get_stats().items()
        if key.startswith("unjobs/monitors/")
    }


def test_a_healthy_crawl_passes_every_monitor():
    results = monitor_results(HEALTHY)
    assert results == {
        "finish_reason": "OK", "error_count": "OK", "failed_postings_ratio": "OK",
        "postings_discovered": "OK", "item_validation": "OK", "passed": 5, "failed": 0,
    }


@pytest.mark.parametrize(
    ("stats", "settings", "failing"),
    [
        ({"finish_reason": "shutdown"}, {"SPIDERMON_EXPECTED_FINISH_REASONS": "finished"}, "finish_reason"),
        ({"finish_reason": "closespider_timeout"}, {"SPIDERMON_EXPECTED_FINISH_REASONS": "finished,shutdown"}, "finish_reason"),
        ({"log_count/ERROR": 1}, {}, "error_count"),
        ({"unjobs/postings/failed": 6}, {}, "failed_postings_ratio"),
        ({"unjobs/listings/seen": 0}, {}, "postings_discovered"),
        ({"spidermon/validation/fields/errors": 2}, {"SPIDERMON_MAX_ITEM_VALIDATION_ERRORS": "1"}, "item_validation"),
    ],
)
def test_each_monitor_fails_past_its_threshold(stats, settings, failing):
    results = monitor_results({**HEALTHY, **stats}, **settings)
    assert {name for name, status in results.items() if status == "FAIL"} == {failing}
    assert (results["failed"], results["passed"]) == (1, 4)


def test_thresholds_are_settings():
    assert monitor_results({**HEALTHY, "log_count/ERROR": 3}, SPIDERMON_MAX_ERRORS="3")["error_count"] == "OK"
    assert monitor_results({**HEALTHY, "unjobs/postings/failed": 20}, MONITOR_MAX_FAILED_RATIO="0.5")[
        "failed_postings_ratio"
    ] == "OK"
    assert monitor_results({**HEALTHY, "finish_reason": "shutdown"}, SPIDERMON_EXPECTED_FINISH_REASONS="finished, shutdown")[
        "finish_reason"
    ] == "OK"


@pytest.mark.parametrize(
    ("old", "new", "value"),
    [
        ("MONITOR_MAX_ERRORS", "SPIDERMON_MAX_ERRORS", "3"),
        ("MONITOR_EXPECTED_FINISH_REASONS", "SPIDERMON_EXPECTED_FINISH_REASONS", "finished, shutdown"),
        ("MONITOR_MAX_VALIDATION_ERRORS", "SPIDERMON_MAX_ITEM_VALIDATION_ERRORS", "2"),
    ],
)
def test_the_old_monitor_setting_names_still_work_with_a_deprecation_warning(old, new, value):
    with pytest.warns(ScrapyDeprecationWarning, match=f"^{old} is deprecated: use {new}$"):
        crawler = crawler_with(**{old: value})
    expected = [name.strip() for name in value.split(",")] if new == "SPIDERMON_EXPECTED_FINISH_REASONS" else value
    assert crawler.settings.get(new) == expected


def test_failed_ratio_counts_finished_postings_only():
    assert failed_ratio({"unjobs/postings/failed": 1, "unjobs/postings/processed": 2, "unjobs/postings/skipped": 1}) == 0.25
    assert failed_ratio({}) == 0.0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MONITOR_MAX_FAILED_RATIO", "1.5", "MONITOR_MAX_FAILED_RATIO must be a ratio from 0 to 1"),
        ("SPIDERMON_MAX_ERRORS", "-1", "SPIDERMON_MAX_ERRORS must be at least 0"),
        ("MONITORS_FAIL_EXIT", "maybe", "MONITORS_FAIL_EXIT must be 1 or 0"),
        ("SPIDERMON_EXPECTED_FINISH_REASONS", " , ", "SPIDERMON_EXPECTED_FINISH_REASONS must name at least one"),
        ("PROGRESS_INTERVAL", "soon", "PROGRESS_INTERVAL must be a number of seconds"),
    ],
)
def test_bad_monitor_settings_name_themselves(name, value, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_settings(crawler_with(**{name: value}).settings)


def validated(*items) -> dict:
    crawler = crawler_with()
    pipeline = ItemValidationPipeline.from_crawler(crawler)
    for item in items:
        assert pipeline.process_item(item) is item  # counted, never dropped
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("spidermon/validation/")}


def test_valid_items_pass_validation():
    posting = Posting("1758015049233", "https://unjobs.org/vacancies/1758015049233", "Officer", closing_date=date(2025, 10, 1))
    listing = Listing("1758015049233", "https://unjobs.org/vacancies/1758015049233",
                      listing_updated_at=datetime(2025, 9, 16, tzinfo=UTC))
    stats = validated(posting, listing)
    assert stats["spidermon/validation/items"] == 2
    assert "spidermon/validation/fields/errors" not in stats


def test_invalid_postings_are_counted_by_field():
    stats = validated(
        Posting("17580x", "https://unjobs.org/vacancies/1", "Officer"),
        Posting("1", "ftp://unjobs.org/vacancies/1", ""),
        Posting("2", "https://unjobs.org/vacancies/2", "Officer", closing_date="31/12/2025", apply_url="not a url"),
    )
    assert stats["spidermon/validation/items/errors"] == 3
    failed_fields = {key.rsplit("/", 1)[1] for key in stats if key.startswith("spidermon/validation/fields/errors/")}
    assert {"post_number", "source_url", "post_name", "closing_date", "apply_url"} <= failed_fields


def test_validation_is_off_with_spidermon():
    with pytest.raises(NotConfigured):
        ItemValidationPipeline.from_crawler(crawler_with(SPIDERMON_ENABLED=False))


# -- whole crawls ---------------------------------------------------------------------------


@pytest.mark.crawl
def test_a_healthy_crawl_passes_and_exits_zero(replica, sqlite_url):
    result = run_crawl(replica.base_url, sqlite_url, settings={"MONITORS_FAIL_EXIT": "1"})
    assert result.returncode == 0, result.log[-3000:]
    assert (result.stats["unjobs/monitors/passed"], result.stats["unjobs/monitors/failed"]) == (5, 0)
    assert result.stats["spidermon/validation/items"] == result.stats["item_scraped_count"]
    assert "[Spidermon] Crawl health/failed postings ratio... OK" in result.log
    assert [line for line in result.log.splitlines() if "Warning" in line] == []


@pytest.mark.crawl
@pytest.mark.parametrize(("fail_exit", "exit_code"), [("1", MONITORS_FAILED_EXIT_CODE), ("0", 0)])
def test_a_failing_replica_fails_the_ratio_monitor_and_the_exit_code_follows_the_setting(
    sqlite_url, fail_exit, exit_code
):
    with Replica(**FAULTY_REPLICA) as replica:
        result = run_crawl(replica.base_url, sqlite_url, settings={**QUICK_FAILURES, "MONITORS_FAIL_EXIT": fail_exit})
    assert result.returncode == exit_code, result.log[-3000:]
    assert result.stats["unjobs/monitors/failed_postings_ratio"] == "FAIL"
    assert result.stats["unjobs/monitors/failed"] == 1
    assert result.stats.get("log_count/ERROR", 0) == 0
    ratio = result.stats["unjobs/postings/failed"] / 40
    assert f"Crawl health/failed postings ratio FAIL: {ratio:.1%} of finished postings failed" in result.log
