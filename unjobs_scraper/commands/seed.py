"""``scrapy seed``: push the index start request into the shared Redis queue, once or periodically.

This is what Celery Beat did in the design this project replaces. Each seed starts a new crawl
generation, so its index pages are fetched again even though the last period fetched them.
"""

from __future__ import annotations

import re
import signal
import threading
from datetime import datetime

from scrapy.exceptions import UsageError
from scrapy_redis.queue import PriorityQueue

from unjobs_scraper.cli import StoreCommand, configuration, one_line_errors
from unjobs_scraper.config import ConfigError
from unjobs_scraper.distributed.connection import connect
from unjobs_scraper.distributed.dupefilter import GenerationDupeFilter
from unjobs_scraper.distributed.generation import Generations, RedisKeys
from unjobs_scraper.spiders.unjobs import SEED_ASKED, SEED_DUE, UnjobsSpider, listing_url

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``30m``, ``1.5h``, ``1d`` as seconds."""
    match = _DURATION.match(text)
    if not match or float(match[1]) <= 0:
        raise UsageError(
            f"--every takes a duration such as 90s, 30m or 1h, got {text!r}", print_help=False
        )
    return float(match[1]) * _UNIT_SECONDS[match[2]]


class Command(StoreCommand):
    def syntax(self) -> str:
        return "[--every 30m] [--times N] [--start-url URL] [--backfill]"

    def short_desc(self) -> str:
        return "Push the index start request into the shared Redis queue, once or every period"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--every", metavar="DURATION", help="seed again every DURATION (90s, 30m, 1h)"
        )
        parser.add_argument(
            "--times",
            type=int,
            metavar="N",
            help="stop after N seeds (default: 1, or for ever with --every)",
        )
        parser.add_argument(
            "--start-url", metavar="URL", help="a listing to walk instead of the index"
        )
        parser.add_argument(
            "--backfill", action="store_true",
            help="walk the site's other listings too (otherwise only when one is due)",
        )

    def run(self, args, opts) -> None:
        config = configuration(self.settings)
        period = parse_duration(opts.every) if opts.every else None
        times = opts.times if opts.times is not None else (None if period else 1)
        with one_line_errors():
            if not config.redis_url:
                raise ConfigError(
                    "REDIS_URL is not set: scrapy seed feeds the shared queue of Redis workers"
                )
            server = connect(config.redis_url)
        spider = UnjobsSpider(start_url=opts.start_url)
        walk = listing_url(config, opts.start_url)
        keys = RedisKeys(config.redis_namespace)
        generations = Generations(server, keys)
        dupefilter = GenerationDupeFilter(server, keys)
        queue = PriorityQueue(server, spider, keys.queue)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        seeded = 0
        while not stop.is_set() and (times is None or seeded < times):
            generation = generations.begin(force=True)
            request = spider.index_request(walk, backfill=SEED_ASKED if opts.backfill else SEED_DUE)
            dupefilter.request_seen(request)
            queue.push(request)
            seeded += 1
            print(
                f"{datetime.now():%Y-%m-%d %H:%M:%S} seeded {walk} (generation {generation})",
                flush=True,
            )
            if period is None or (times is not None and seeded >= times):
                break
            stop.wait(period)
