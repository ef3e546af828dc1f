"""A scheduler that holds retries until they are due, without taking a download slot.

It wraps the real scheduler: Scrapy's own (with ``JOBDIR`` pause and resume), or scrapy-redis's
when ``REDIS_URL`` is set. A
request whose ``meta["not_before"]`` lies in the future waits here on a timer, then goes to the
real scheduler. While a held request is due within ``RETRY_MAX_IDLE_WAIT`` seconds, the crawl
stays open for it; a longer wait is left to the next crawl, which finds the posting ``pending``
with its due time in the database.
"""

from __future__ import annotations

import time

from scrapy.core.scheduler import BaseScheduler
from scrapy.utils.asyncio import call_later
from scrapy.utils.misc import build_from_crawler, load_object

from unjobs_scraper.config import crawler_config
from unjobs_scraper.meta import NOT_BEFORE_META
from unjobs_scraper.stats import RETRIES_HELD_STAT

SCRAPY_SCHEDULER = "scrapy.core.scheduler.Scheduler"
REDIS_SCHEDULER = "unjobs_scraper.distributed.scheduler.RedisScheduler"


class BackoffScheduler(BaseScheduler):
    def __init__(self, crawler, inner: BaseScheduler, max_idle_wait: float) -> None:
        self.crawler = crawler
        self.inner = inner
        self.max_idle_wait = max_idle_wait
        self._held: dict[int, tuple[float, object]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        config = crawler_config(crawler)
        inner_path = REDIS_SCHEDULER if config.redis_url else SCRAPY_SCHEDULER
        inner = build_from_crawler(load_object(inner_path), crawler)
        return cls(crawler, inner, config.retry_max_idle_wait)

    def open(self, spider):
        return self.inner.open(spider)

    def close(self, reason: str):
        """Held requests are dropped: their postings stay ``pending`` with a due time."""
        for _, timer in self._held.values():
            timer.cancel()
        self._held.clear()
        return self.inner.close(reason)

    def enqueue_request(self, request) -> bool:
        delay = request.meta.get(NOT_BEFORE_META, 0) - time.time()
        if delay <= 0:
            return self.inner.enqueue_request(request)
        key = id(request)
        self._held[key] = (time.time() + delay, call_later(delay, self._release, key, request))
        self.crawler.stats.inc_value(RETRIES_HELD_STAT)
        return True

    def _release(self, key: int, request) -> None:
        self._held.pop(key, None)
        del request.meta[NOT_BEFORE_META]
        self.crawler.engine.crawl(request)

    def next_request(self):
        return self.inner.next_request()

    def has_pending_requests(self) -> bool:
        if self.inner.has_pending_requests():
            return True
        horizon = time.time() + self.max_idle_wait
        return any(due <= horizon for due, _ in self._held.values())

    def __len__(self) -> int:
        return len(self.inner) + len(self._held)
