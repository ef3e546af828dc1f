"""``scrapy crawl`` that checks the configuration first and fails in one line."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from unjobs_scraper.browser import required_chromium
from unjobs_scraper.cli import configuration, one_line_errors
from unjobs_scraper.config import Config
from unjobs_scraper.distributed.connection import connect
from unjobs_scraper.monitors import FAILED_STAT, MONITORS_FAILED_EXIT_CODE
from unjobs_scraper.storage import open_store


class Command(ScrapyCrawlCommand):
    def process_options(self, args, opts) -> None:
        """Runs after ``-s`` is applied and before Scrapy starts logging its banner.

        Settings, database, Redis and browser are checked once, in that order; opening the store
        also migrates the schema, once, before any worker component runs.
        """
        super().process_options(args, opts)
        with one_line_errors():
            config = Config.from_settings(self.settings)
            open_store(config.database).close()
            if config.redis_url:
                connect(config.redis_url).close()
            required_chromium(config)

    def _create_crawler(self, spidercls):
        """Kept, so that ``run`` can read the monitors' results from its stats."""
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts) -> None:
        """With ``MONITORS_FAIL_EXIT=1``, a crawl whose monitors failed exits non-zero."""
        super().run(args, opts)
        monitors_failed = self.crawler.stats.get_value(FAILED_STAT)
        if monitors_failed and not self.exitcode and configuration(self.settings).monitors_fail_exit:
            self.exitcode = MONITORS_FAILED_EXIT_CODE
