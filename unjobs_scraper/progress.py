"""Live progress of a crawl in its log: a line every ``PROGRESS_INTERVAL`` seconds, and a summary.

Counted from the crawl's own stats, so the numbers are the ones ``STATS_FILE`` ends with: postings
discovered on listing pages, finished (processed / failed / skipped), and pending (queued for
download, from a listing or recovered from the database, and not finished yet). Logged at INFO, so
``-L WARNING`` keeps a crawl quiet.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from unjobs_scraper.config import crawler_config
from unjobs_scraper.listings import FAMILIES
from unjobs_scraper.meta import POST_NUMBER_META
from unjobs_scraper.stats import (
    BACKFILL_STAT,
    CLOUDFLARE_CHALLENGES_STAT,
    CLOUDFLARE_STRATEGY_STAT,
    DUPLICATE_STAT,
    FAILED_STAT,
    LISTINGS_SEEN_STAT,
    PROCESSED_STAT,
    RECOVERED_STAT,
    REQUESTED_STAT,
    SITE_STAT,
    SKIPPED_STAT,
)

logger = logging.getLogger(__name__)

def backfill_progress(stats: dict) -> str:
    """``; backfill (gap): organizations 5/13 walked, duty_stations 0/40 walked``, or nothing."""
    reason = stats.get(BACKFILL_STAT + "reason")
    if not reason:
        return ""
    families = [
        f"{family} {stats.get(f'{BACKFILL_STAT}{family}/walked', 0)}/{stats[key]} walked"
        for family in FAMILIES
        if (key := f"{BACKFILL_STAT}{family}/listings") in stats
    ]
    return f"; backfill ({reason}): " + (", ".join(families) or "no listing known yet")


def strategies(stats: dict) -> str:
    """``; Cloudflare: unjobs.org impersonated`` once a host met a challenge, else nothing."""
    hosts = {k.removeprefix(CLOUDFLARE_STRATEGY_STAT): v for k, v in stats.items() if k.startswith(CLOUDFLARE_STRATEGY_STAT)}
    if not stats.get(CLOUDFLARE_CHALLENGES_STAT):
        return ""
    return "; Cloudflare: " + ", ".join(f"{host} {strategy}" for host, strategy in sorted(hosts.items()))


def site_pace(stats: dict) -> str:
    """``; site: 9.8 req/s of 10, 3 waiting, 1 ban (30 s banned)``: the fleet's gate, once it spoke."""
    if SITE_STAT + "limit" not in stats:
        return ""
    bans = stats.get(SITE_STAT + "bans", 0)
    banned = f", {bans} ban{'s' * (bans != 1)} ({format_duration(stats.get(SITE_STAT + 'banned_seconds', 0))} banned)" if bans else ""
    return (
        f"; site: {stats[SITE_STAT + 'rate']:g} req/s of {stats[SITE_STAT + 'limit']:g},"
        f" {stats.get(SITE_STAT + 'waiting', 0)} waiting{banned}"
    )


@dataclass(frozen=True)
class Counts:
    discovered: int
    processed: int
    failed: int
    skipped: int
    queued: int

    @classmethod
    def from_stats(cls, stats: dict) -> Counts:
        recovered = sum(value for key, value in stats.items() if key.startswith(RECOVERED_STAT))
        return cls(
            discovered=stats.get(LISTINGS_SEEN_STAT, 0),
            processed=stats.get(PROCESSED_STAT, 0),
            failed=stats.get(FAILED_STAT, 0),
            skipped=stats.get(SKIPPED_STAT, 0),
            queued=stats.get(REQUESTED_STAT, 0) + recovered - stats.get(DUPLICATE_STAT, 0),
        )

    @property
    def finished(self) -> int:
        return self.processed + self.failed + self.skipped

    @property
    def pending(self) -> int:
        return max(0, self.queued - self.finished)

    def describe(self) -> str:
        return (
            f"{self.discovered} discovered, {self.processed} processed, {self.failed} failed,"
            f" {self.skipped} skipped, {self.pending} pending"
        )


def per_minute(postings: int, seconds: float) -> float:
    return 60 * postings / seconds if seconds > 0 else 0.0


def format_duration(seconds: float) -> str:
    """``1h 02m``, ``3m 05s``, ``42s``: short enough for a log line."""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"


def eta(pending: int, rate_per_minute: float) -> str:
    if not pending:
        return "done"
    return format_duration(60 * pending / rate_per_minute) if rate_per_minute > 0 else "unknown"


class Progress:
    """Logs progress while the crawl runs and a summary when it closes."""

    def __init__(self, crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task = None
        self.started = self.last_time = 0.0
        self.last_finished = 0

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler_config(crawler).progress_interval
        if not interval:
            raise NotConfigured("PROGRESS_INTERVAL is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = self.last_time = time.monotonic()
        self.task = create_looping_call(self.log_progress)
        self.task.start(self.interval, now=False)

    def request_dropped(self, request) -> None:
        if POST_NUMBER_META in request.meta:
            self.crawler.stats.inc_value(DUPLICATE_STAT)

    def counts(self) -> Counts:
        return Counts.from_stats(self.crawler.stats.get_stats())

    def log_progress(self) -> None:
        """Rate over the last interval, so the ETA follows the crawl's current speed."""
        counts, now = self.counts(), time.monotonic()
        rate = per_minute(counts.finished - self.last_finished, now - self.last_time)
        self.last_finished, self.last_time = counts.finished, now
        logger.info(
            "Progress: %s; %.1f postings/min, ETA %s%s",
            counts.describe(), rate, eta(counts.pending, rate), self.notes(),
        )

    def spider_closed(self, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        counts, elapsed = self.counts(), time.monotonic() - self.started
        logger.info(
            "Crawl summary (%s after %s): %s; %.1f postings/min%s",
            reason, format_duration(elapsed), counts.describe(), per_minute(counts.finished, elapsed),
            self.notes(),
        )

    def notes(self) -> str:
        stats = self.crawler.stats.get_stats()
        return backfill_progress(stats) + strategies(stats) + site_pace(stats)
