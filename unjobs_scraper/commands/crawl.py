"""``scrapy crawl`` that checks the configuration first and fails in one line."""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from unjobs_scraper.cli import configuration, one_line_errors
from unjobs_scraper.cloudflare.launch import required_chromium
from unjobs_scraper.cloudflare.middleware import BLOCKED_STAT
from unjobs_scraper.config import Config
from unjobs_scraper.distributed.connection import connect
from unjobs_scraper.items import FEED_FIELDS, Posting
from unjobs_scraper.monitors import FAILED_STAT, MONITORS_FAILED_EXIT_CODE
from unjobs_scraper.storage import DATABASE_UNAVAILABLE_STAT, open_store

CLOUDFLARE_BLOCKED_EXIT_CODE = 4
DATABASE_UNAVAILABLE_EXIT_CODE = 5


def postings_only(feeds: dict) -> dict:
    """``-o``/``-O`` feeds hold postings, with one stable set of columns, unless a feed says otherwise.

    The spider also yields listing rows (for the database); a feed of both would mix two shapes,
    and a CSV takes its columns from its first item.
    """
    return {
        uri: {"item_classes": [Posting], "fields": list(FEED_FIELDS), **(options or {})}
        for uri, options in feeds.items()
    }


class Command(ScrapyCrawlCommand):
    def process_options(self, args, opts) -> None:
        """Runs after ``-s`` is applied and before Scrapy starts logging its banner.

        Settings, database, Redis and browser are checked once, in that order; opening the store
        also migrates the schema, once, before any worker component runs.
        """
        super().process_options(args, opts)
        feeds = self.settings.getdict("FEEDS")
        if feeds:
            self.settings.set("FEEDS", postings_only(feeds), priority="cmdline")
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
        """A crawl stopped by a database that stayed away, or kept out by Cloudflare, exits non-zero,
        saying so in one line; with ``MONITORS_FAIL_EXIT=1``, so does a crawl whose monitors failed."""
        super().run(args, opts)
        stats = self.crawler.stats.get_stats()
        if stats.get(DATABASE_UNAVAILABLE_STAT) and not self.exitcode:
            print(f"unjobs-scraper: {stats[DATABASE_UNAVAILABLE_STAT]}", file=sys.stderr)
            self.exitcode = DATABASE_UNAVAILABLE_EXIT_CODE
        blocked = [reason for name, reason in sorted(stats.items()) if name.startswith(BLOCKED_STAT)]
        if blocked and not self.exitcode:
            print(f"unjobs-scraper: {'; '.join(blocked)}", file=sys.stderr)
            self.exitcode = CLOUDFLARE_BLOCKED_EXIT_CODE
        monitors_failed = self.crawler.stats.get_value(FAILED_STAT)
        if monitors_failed and not self.exitcode and configuration(self.settings).monitors_fail_exit:
            self.exitcode = MONITORS_FAILED_EXIT_CODE
