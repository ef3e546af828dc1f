"""Run monitors with Spidermon: is a crawl that just ended healthy?

At spider close, ``CrawlHealth`` checks the finish reason, the error count, the share of finished
postings that failed, that listing pages showed any posting at all, and the item validation errors
counted by ``validation.ItemValidationPipeline``. Thresholds are the ``MONITOR_*`` settings. Each
result is logged (``[Spidermon] Crawl health/failed postings ratio... FAIL``) and kept in the stats
under ``unjobs/monitors/``; the crawl command exits with ``MONITORS_FAILED_EXIT_CODE`` when one
failed (unless ``MONITORS_FAIL_EXIT=0``).
"""

from __future__ import annotations

import logging

from spidermon import Monitor, MonitorSuite, monitors
from spidermon import settings as spidermon_settings
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner

from unjobs_scraper.config import Config
from unjobs_scraper.stats import (
    FAILED_STAT,
    INDEX_PAGES_PARSED_STAT,
    LISTINGS_SEEN_STAT,
    MONITORS_FAILED_STAT,
    MONITORS_PASSED_STAT,
    MONITORS_STAT,
    PROCESSED_STAT,
    SKIPPED_STAT,
    VALIDATION_ERRORS_STAT,
)

logger = logging.getLogger(__name__)

MONITORS_FAILED_EXIT_CODE = 3
"""1 is Scrapy's own (the crawl could not start), 2 a bad setting."""


def failed_ratio(stats) -> float:
    """Failed postings out of those that finished (processed, failed or skipped) in this crawl."""
    failed = stats.get(FAILED_STAT, 0)
    finished = failed + stats.get(PROCESSED_STAT, 0) + stats.get(SKIPPED_STAT, 0)
    return failed / finished if finished else 0.0


@monitors.name("Crawl health")
class CrawlHealth(Monitor):
    """The checks of a crawl that has just closed, against the ``MONITOR_*`` thresholds."""

    longMessage = False  # a failure says what was measured and the threshold, not unittest's repr

    @property
    def config(self) -> Config:
        return self.data.config

    @monitors.name("finish reason")
    def test_finish_reason(self):
        reason = self.data.stats.get("finish_reason")
        expected = sorted(self.config.monitor_expected_finish_reasons)
        self.assertIn(reason, expected, f"finish reason {reason!r}, expected one of {expected}")

    @monitors.name("error count")
    def test_error_count(self):
        errors = self.data.stats.get("log_count/ERROR", 0)
        limit = self.config.monitor_max_errors
        self.assertLessEqual(errors, limit, f"{errors} errors logged, MONITOR_MAX_ERRORS={limit}")

    @monitors.name("failed postings ratio")
    def test_failed_ratio(self):
        ratio, limit = failed_ratio(self.data.stats), self.config.monitor_max_failed_ratio
        self.assertLessEqual(
            ratio, limit, f"{ratio:.1%} of finished postings failed, MONITOR_MAX_FAILED_RATIO={limit}"
        )

    @monitors.name("postings discovered")
    def test_discovered(self):
        """Judged on the index pages this process read: a resumed crawl, or a worker whose
        partners read every index page, read none, and a site that answered none is exit code 8."""
        if not self.data.stats.get(INDEX_PAGES_PARSED_STAT):
            return
        seen, minimum = self.data.stats.get(LISTINGS_SEEN_STAT, 0), self.config.monitor_min_listings
        self.assertGreaterEqual(
            seen, minimum, f"listing pages showed {seen} postings, MONITOR_MIN_LISTINGS={minimum}"
        )

    @monitors.name("item validation")
    def test_item_validation(self):
        errors, limit = self.data.stats.get(VALIDATION_ERRORS_STAT, 0), self.config.monitor_max_validation_errors
        self.assertLessEqual(
            errors, limit, f"{errors} item validation errors, MONITOR_MAX_VALIDATION_ERRORS={limit}"
        )


class CloseMonitors(MonitorSuite):
    """``SPIDERMON_SPIDER_CLOSE_MONITORS``."""

    monitors = [CrawlHealth]


class LoggedMonitorResult(SpiderMonitorResult):
    """Spidermon's log of the results, through this module's logger and shorter.

    Spidermon's own result calls ``Spider.log()``, which Scrapy 2.19 deprecates. A failure is one
    warning line, like a posting that gave up: a finding about the crawl, not an error of the
    crawler (it would count in ``log_count/ERROR``). Steps without actions are not logged.
    """

    def log(self, msg, level=logging.INFO):
        if self.step.number_of_items or self.step.name == spidermon_settings.STEPS.MONITORS:
            logger.log(min(level, logging.WARNING), "[Spidermon] %s", msg)

    def write_errors(self):
        for status in self.step.error_statuses:
            for outcome in self.step.items_for_status(status):
                reason = outcome.error.strip().splitlines()[-1].removeprefix("AssertionError: ")
                self.log(f"{outcome.item.name} {status}: {reason}", logging.WARNING)


class LoggedMonitorRunner(SpiderMonitorRunner):
    def create_result(self):
        return LoggedMonitorResult(self.spider)


class MonitorsExtension(Spidermon):
    """Spidermon's extension with the project's ``Config`` in the monitors' data, results in stats."""

    @classmethod
    def from_crawler(cls, crawler):
        extension = super().from_crawler(crawler)
        extension.config = Config.from_settings(crawler.settings)
        return extension

    def _generate_data_for_spider(self, spider):
        return {**super()._generate_data_for_spider(spider), "config": self.config}

    def _run_suites(self, spider, suites):
        """Spidermon's own, with ``LoggedMonitorRunner`` (it hard-codes its runner) and the stats."""
        data = self._generate_data_for_spider(spider)
        stats = self.crawler.stats
        for suite in suites:
            result = LoggedMonitorRunner(spider).run(suite, **data)
            stats.inc_value(MONITORS_PASSED_STAT, len(result.monitors_passed_results), start=0)
            stats.inc_value(MONITORS_FAILED_STAT, len(result.monitors_failed_results), start=0)
            for outcome in result.monitor_results:
                stats.set_value(MONITORS_STAT + outcome.monitor.method_name.replace(" ", "_"), outcome.status)
