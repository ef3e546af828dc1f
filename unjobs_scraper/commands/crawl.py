"""``scrapy crawl`` that checks the configuration first and fails in one line."""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from unjobs_scraper.cli import one_line_errors
from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.distributed.connection import connect
from unjobs_scraper.items import FEED_FIELDS, Posting
from unjobs_scraper.stats import (
    CLOUDFLARE_BLOCKED_STAT,
    DATABASE_UNAVAILABLE_STAT,
    INDEX_PAGES_PARSED_STAT,
    MONITORS_FAILED_STAT,
    MONITORS_STAT,
    PROCESSED_STAT,
    REDIS_UNAVAILABLE_STAT,
    SITE_BANNED_STAT,
    WALK_UNFINISHED_STAT,
)
from unjobs_scraper.storage import open_storage

MONITORS_FAILED_EXIT_CODE = 3
"""1 is Scrapy's own (the crawl could not start), 2 a bad setting (``cli.py``)."""
CLOUDFLARE_BLOCKED_EXIT_CODE = 4
DATABASE_UNAVAILABLE_EXIT_CODE = 5
REDIS_UNAVAILABLE_EXIT_CODE = 6
WALK_UNFINISHED_EXIT_CODE = 7
NOTHING_USABLE_EXIT_CODE = 8
SITE_BANNED_EXIT_CODE = 9


def crawl_verdict(stats: dict, monitors_fail_exit: bool) -> tuple[int, str] | None:
    """Why a crawl that ran did not do its job, as (exit code, one line), or None when it did.

    The first reason wins: an outage of our own services, then the site keeping us out (its rate
    limiting past ``SITE_BAN_TIMEOUT``, Cloudflare, or nothing usable at all), then a walk that
    stopped short, then failed monitors.
    """
    for stat, code in ((DATABASE_UNAVAILABLE_STAT, DATABASE_UNAVAILABLE_EXIT_CODE),
                       (REDIS_UNAVAILABLE_STAT, REDIS_UNAVAILABLE_EXIT_CODE),
                       (SITE_BANNED_STAT, SITE_BANNED_EXIT_CODE)):
        if stats.get(stat):
            return code, stats[stat]
    blocked = [reason for name, reason in sorted(stats.items()) if name.startswith(CLOUDFLARE_BLOCKED_STAT)]
    if blocked:
        return CLOUDFLARE_BLOCKED_EXIT_CODE, "; ".join(blocked)
    requests = stats.get("downloader/request_count", 0)
    usable = stats.get(INDEX_PAGES_PARSED_STAT, 0) + stats.get(PROCESSED_STAT, 0)
    if stats.get("finish_reason") == "finished" and requests and not usable:
        return NOTHING_USABLE_EXIT_CODE, (
            f"the site answered nothing usable: {requests} requests, no index page or posting could be read"
        )
    if stats.get(WALK_UNFINISHED_STAT):
        return WALK_UNFINISHED_EXIT_CODE, stats[WALK_UNFINISHED_STAT] + ": the next crawl walks it again"
    if stats.get(MONITORS_FAILED_STAT) and monitors_fail_exit:
        failed = sorted(
            name.removeprefix(MONITORS_STAT) for name, status in stats.items()
            if name.startswith(MONITORS_STAT) and status in ("FAIL", "ERROR")
        )
        return MONITORS_FAILED_EXIT_CODE, f"monitors failed: {', '.join(failed)} (see the log)"
    return None


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
            open_storage(config.database).close()
            if config.redis_url:
                connect(config.redis_url).close()
            # Imported here, as Playwright is needed by this command only: commands/__init__.py.
            from unjobs_scraper.cloudflare.launch import required_chromium

            required_chromium(config)

    def _create_crawler(self, spidercls):
        """Kept, so that ``run`` can read the monitors' results from its stats."""
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts) -> None:
        """Exit non-zero, with one line saying why, when the crawl did not do its job; then the
        webhooks of saved searches, which never change the exit code."""
        super().run(args, opts)
        if self.exitcode:
            return
        config = crawler_config(self.crawler)
        stats = self.crawler.stats.get_stats()
        verdict = crawl_verdict(stats, config.monitors_fail_exit)
        if verdict is not None:
            self.exitcode, reason = verdict
            print(f"unjobs-scraper: {reason}", file=sys.stderr)
        if config.notify_after_crawl and not stats.get(DATABASE_UNAVAILABLE_STAT):
            notify_after_crawl(config)


def notify_after_crawl(config: Config) -> None:
    """``scrapy notify`` without waiting: one try per due delivery, a failed receiver left for the
    next run. Whatever goes wrong is one line on standard error, never the crawl's failure."""
    # Imported here, as the webhook sender is needed by this command only: commands/__init__.py.
    from unjobs_scraper.search.notify import notify

    try:
        result = notify(config)
    except Exception as error:  # noqa: BLE001 - a webhook's trouble is not the crawl's
        print(f"unjobs-scraper: notify: {' '.join(str(error).split())[:300]}", file=sys.stderr)
        return
    if result.queued or result.delivered or result.retrying or result.given_up:
        print(f"unjobs-scraper: notify: {result.line()}", file=sys.stderr)
