"""Run monitors with Spidermon: is a crawl that just ended healthy?

At spider close, Spidermon's own ``FinishReasonMonitor``, ``ErrorCountMonitor`` and
``ItemValidationMonitor`` (their ``SPIDERMON_*`` settings), and two of this project's: the share
of finished postings that failed (``CrawlHealth``), and that listing pages showed any posting at
all (``PostingsDiscovered``, a ``BaseStatMonitor``). Each result is logged
(``[Spidermon] Crawl health/failed postings ratio... FAIL``) and kept in the stats under
``unjobs/monitors/``; the crawl command exits with ``MONITORS_FAILED_EXIT_CODE``
(``commands/crawl.py``) when one failed (unless ``MONITORS_FAIL_EXIT=0``).
"""

from __future__ import annotations

import logging
import os
import warnings

from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import Monitor, monitors
from spidermon import settings as spidermon_settings
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.monitors import (
    ErrorCountMonitor,
    FinishReasonMonitor,
    ItemValidationMonitor,
    SpiderCloseMonitorSuite,
)
from spidermon.contrib.scrapy.monitors.base import BaseStatMonitor
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner

from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.stats import (
    FAILED_STAT,
    LISTINGS_SEEN_STAT,
    MONITORS_FAILED_STAT,
    MONITORS_PASSED_STAT,
    MONITORS_STAT,
    PROCESSED_STAT,
    SKIPPED_STAT,
)

logger = logging.getLogger(__name__)

RENAMED_SETTINGS = {
    "MONITOR_EXPECTED_FINISH_REASONS": "SPIDERMON_EXPECTED_FINISH_REASONS",
    "MONITOR_MAX_ERRORS": "SPIDERMON_MAX_ERRORS",
    "MONITOR_MAX_VALIDATION_ERRORS": "SPIDERMON_MAX_ITEM_VALIDATION_ERRORS",
}
"""Old name → Spidermon's name; the old ones work for one more release, with a warning."""


def failed_ratio(stats) -> float:
    """Failed postings out of those that finished (processed, failed or skipped) in this crawl."""
    failed = stats.get(FAILED_STAT, 0)
    finished = failed + stats.get(PROCESSED_STAT, 0) + stats.get(SKIPPED_STAT, 0)
    return failed / finished if finished else 0.0


@monitors.name("Crawl health")
class CrawlHealth(Monitor):
    """The share of the postings finished in this crawl that failed, against
    ``MONITOR_MAX_FAILED_RATIO``: a ratio of three stats, which ``BaseStatMonitor`` cannot take."""

    longMessage = False  # a failure says what was measured and the threshold, not unittest's repr

    @property
    def config(self) -> Config:
        return self.data.config

    @monitors.name("failed postings ratio")
    def test_failed_ratio(self):
        ratio, limit = failed_ratio(self.data.stats), self.config.monitor_max_failed_ratio
        self.assertLessEqual(
            ratio, limit, f"{ratio:.1%} of finished postings failed, MONITOR_MAX_FAILED_RATIO={limit}"
        )


@monitors.name("Postings discovered")
class PostingsDiscovered(BaseStatMonitor):
    """The listing pages showed at least ``MONITOR_MIN_LISTINGS`` postings.

    Skipped (``SPIDERMON_MONITOR_SKIPPING_RULES``) in a process that read no index page: a resumed
    ``JOBDIR`` crawl, or a Redis worker whose partners read them all; a site that answered none
    is exit code 8.
    """

    stat_name = LISTINGS_SEEN_STAT
    threshold_setting = "MONITOR_MIN_LISTINGS"
    threshold_datatype = int
    assert_type = ">="


CHECK_NAMES = {
    FinishReasonMonitor: "finish_reason",
    ErrorCountMonitor: "error_count",
    ItemValidationMonitor: "item_validation",
    PostingsDiscovered: "postings_discovered",
}
"""Each check's name in the stats (``unjobs/monitors/<name>``) and in the exit code's line."""


class CloseMonitors(SpiderCloseMonitorSuite):
    """``SPIDERMON_SPIDER_CLOSE_MONITORS``: Spidermon's suite (it applies the skipping rules)
    with the checks this project runs."""

    monitors = [FinishReasonMonitor, ErrorCountMonitor, ItemValidationMonitor, CrawlHealth, PostingsDiscovered]


class MonitorSettings:
    """Add-on: the old ``MONITOR_*`` names of Spidermon's settings still work, with a warning, and
    a comma-separated ``SPIDERMON_EXPECTED_FINISH_REASONS`` (from the environment) is a list."""

    def update_settings(self, settings) -> None:
        for old, new in RENAMED_SETTINGS.items():
            value, priority = settings.get(old), settings.getpriority(old)
            if value is None and old in os.environ:
                value, priority = os.environ[old], settings.getpriority(new)
            if value is None:
                continue
            warnings.warn(f"{old} is deprecated: use {new}", ScrapyDeprecationWarning, stacklevel=2)
            if priority >= (settings.getpriority(new) or 0):
                settings.set(new, value, priority=priority)
        reasons = settings.get("SPIDERMON_EXPECTED_FINISH_REASONS")
        if isinstance(reasons, str):
            names = [name.strip() for name in reasons.split(",") if name.strip()]
            settings.set("SPIDERMON_EXPECTED_FINISH_REASONS", names, settings.getpriority("SPIDERMON_EXPECTED_FINISH_REASONS"))


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
    """Spidermon's extension with the project's ``Config`` in the monitors' data, results in stats.

    Spidermon's ``from_crawler`` reads a dozen settings into its ``__init__``; the crawl's
    ``Config`` is added beside them rather than threaded through that signature.
    """

    @classmethod
    def from_crawler(cls, crawler):
        extension = super().from_crawler(crawler)
        extension.config = crawler_config(crawler)
        return extension

    def _generate_data_for_spider(self, spider):
        return {**super()._generate_data_for_spider(spider), "config": self.config}

    def _run_suites(self, spider, suites):
        """Spidermon's own, with ``LoggedMonitorRunner`` (it hard-codes its runner) and the stats."""
        data = self._generate_data_for_spider(spider)
        stats = self.crawler.stats
        for counted in (ErrorCountMonitor.stat_name, ItemValidationMonitor.stat_name):
            stats.inc_value(counted, 0)  # none counted is zero (passes), not a missing stat (skipped)
        for suite in suites:
            result = LoggedMonitorRunner(spider).run(suite, **data)
            stats.inc_value(MONITORS_PASSED_STAT, len(result.monitors_passed_results), start=0)
            stats.inc_value(MONITORS_FAILED_STAT, len(result.monitors_failed_results), start=0)
            for outcome in result.monitor_results:
                name = CHECK_NAMES.get(type(outcome.monitor)) or outcome.monitor.method_name.replace(" ", "_")
                stats.set_value(MONITORS_STAT + name, outcome.status)
