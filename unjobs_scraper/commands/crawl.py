"""``scrapy crawl`` that checks the configuration first and fails in one line."""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from unjobs_scraper.commands import check_configuration

CONFIGURATION_ERROR_EXIT_CODE = 2


class Command(ScrapyCrawlCommand):
    def process_options(self, args, opts) -> None:
        """Runs after ``-s`` is applied and before Scrapy starts logging its banner."""
        super().process_options(args, opts)
        if check_configuration(self.settings) is None:
            sys.exit(CONFIGURATION_ERROR_EXIT_CODE)
