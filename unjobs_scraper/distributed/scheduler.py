"""scrapy-redis's scheduler, shared by every worker until the crawl is done, through Redis outages.

A one-off worker leaves when the whole crawl is finished (``workers.py``): the queue is empty and
no live worker is busy, not when its own share ran out. A worker whose queue is unreachable keeps
what it would have queued, waits for Redis up to ``REDIS_OUTAGE_TIMEOUT``, and never takes an
unreachable queue for an empty one. A Redis that comes back empty (restarted: it keeps nothing on
disk) is refilled from the database by the spider (``queue_lost``).
"""

from __future__ import annotations

import logging
import time

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.scheduler import Scheduler

from unjobs_scraper.config import Config, crawler_config, redact_url
from unjobs_scraper.distributed.connection import OUTAGE_ERRORS, connect, describe_redis_error
from unjobs_scraper.distributed.generation import Generations, RedisKeys
from unjobs_scraper.distributed.workers import (
    HEARTBEAT_SECONDS,
    WORKER_TTL_MS,
    WorkerRegistry,
)
from unjobs_scraper.stats import REDIS_OUTAGES_STAT, REDIS_QUEUE_LOST_STAT, REDIS_UNAVAILABLE_STAT
from unjobs_scraper.storage.workers import Worker

logger = logging.getLogger(__name__)

SHARED_QUEUE = "unjobs_scraper.distributed.workers.SharedQueue"
DUPEFILTER = "unjobs_scraper.distributed.dupefilter.GenerationDupeFilter"
TICK_SECONDS = 0.25
WAKE_REQUEST = Request("data:,", dont_filter=True)
"""Crawled to make an idle engine look at its spider now; the scheduler takes it and drops it."""
"""How often an idle worker looks at the shared queue (Scrapy alone looks every 5 s), and how
often a worker waiting out an outage tries Redis again."""
REDIS_UNAVAILABLE_REASON = "redis_unavailable"

queue_lost = object()
"""Signal: Redis came back without the crawl's keys; what the database still owes must be queued."""


class RedisScheduler(Scheduler):
    """Always persistent (a worker that stops must not flush the others' queue), a priority
    queue taken through the worker registry, our generation-aware dupefilter, and stats without
    the ``spider`` argument that current Scrapy deprecates."""

    def __init__(self, crawler, config: Config, server) -> None:
        self.keys = RedisKeys(config.redis_namespace)
        super().__init__(
            server=server, persist=True, queue_key=self.keys.queue, queue_cls=SHARED_QUEUE,
            dupefilter_cls=DUPEFILTER,
        )
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.waits_for_work = config.only_consumes_shared_queue
        self.registry = WorkerRegistry(server, self.keys, Worker.of_this_process().worker_id)
        self.generation = 0
        self.busy = False
        """What this worker last told the registry: it has work, or its engine is idle."""
        self._handed_over = None
        self._unsent: list[tuple[object, bool]] = []
        """Requests queued during an outage, and whether the dupefilter already passed them."""
        self._outage_since: float | None = None
        self._last_heartbeat = 0.0
        self._tick = None

    @classmethod
    def from_crawler(cls, crawler):
        config = crawler_config(crawler)
        scheduler = cls(crawler, config, connect(config.redis_url))
        crawler.signals.connect(scheduler._spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        """A crawl that walks the index itself starts a generation, or joins the one under way;
        either way it is busy from the start, so that a worker started beside it joins too."""
        opened = super().open(spider)
        self.queue.registry = self.registry
        generations = Generations(self.server, self.keys)
        if self.waits_for_work:
            self.generation = generations.current()
            self.registry.heartbeat(busy=False)
        else:
            self.generation = generations.begin(worker=self.registry.worker_id, ttl_ms=WORKER_TTL_MS)
            self.busy = True
        self._last_heartbeat = time.monotonic()
        self._tick = create_looping_call(self._on_tick)
        self._tick.start(TICK_SECONDS, now=False)
        return opened

    # -- the queue, as the engine sees it ------------------------------------------------------

    def enqueue_request(self, request) -> bool:
        if request is self._handed_over or request is WAKE_REQUEST:  # see _look_for_work, _wake_engine
            return True
        if self._outage_since is not None:
            self._unsent.append((request, False))
            return True
        passed = request.dont_filter
        try:
            if not passed and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            passed = True
            self.queue.push(request)
        except OUTAGE_ERRORS as error:
            self._outage_began(error)
            self._unsent.append((request, passed))
            return True
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        request, self._handed_over = self._handed_over, None
        if request is None and self._outage_since is None:
            try:
                request = self.queue.pop()
            except OUTAGE_ERRORS as error:
                self._outage_began(error)
        if request is not None:
            self.busy = True
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """During an outage, yes: the queue is unknown, not empty, and this worker must not finish."""
        if self._handed_over is not None or self._outage_since is not None or self._unsent:
            return True
        try:
            return len(self.queue) > 0
        except OUTAGE_ERRORS as error:
            self._outage_began(error)
            return True

    def __len__(self) -> int:
        try:
            return len(self.queue) + len(self._unsent)
        except OUTAGE_ERRORS:
            return len(self._unsent)

    # -- sharing the crawl ---------------------------------------------------------------------

    def _spider_idle(self) -> None:
        """This worker's engine is idle: say so, and stay while the crawl goes on elsewhere."""
        self.busy = False
        if self._outage_since is not None:
            raise DontCloseSpider
        try:
            finished = self._heartbeat()
        except OUTAGE_ERRORS as error:
            self._outage_began(error)
            raise DontCloseSpider from None
        if not finished and not self.waits_for_work:
            raise DontCloseSpider

    def _heartbeat(self) -> bool:
        self._last_heartbeat = time.monotonic()
        return self.registry.heartbeat(self.busy)

    def _on_tick(self) -> None:
        if self._outage_since is not None:
            self._try_redis()
            return
        try:
            if self.busy:
                if time.monotonic() - self._last_heartbeat >= HEARTBEAT_SECONDS:
                    self._heartbeat()
                return
            self._look_for_work()
        except OUTAGE_ERRORS as error:
            self._outage_began(error)

    def _look_for_work(self) -> None:
        """Idle: take one request and give it to the engine, which wakes and takes the rest itself;
        with none left anywhere, wake the engine so that it finishes now rather than in 5 s."""
        if self._handed_over is not None:
            return
        request = self.queue.pop()
        if request is not None:
            self._handed_over = request
            self.busy = True
            self.crawler.engine.crawl(request)
        elif self._heartbeat() and not self.waits_for_work:
            self._wake_engine()

    def _wake_engine(self) -> None:
        """Scrapy re-checks an idle spider only on its 5 s heartbeat; ask it to look now, through
        the public ``engine.crawl`` with a request this scheduler takes and never hands out."""
        if self.crawler.crawling and self.crawler.engine.spider is not None:
            self.crawler.engine.crawl(WAKE_REQUEST)

    # -- outages -------------------------------------------------------------------------------

    def _outage_began(self, error: Exception) -> None:
        if self._outage_since is not None:
            return
        self._outage_since = time.monotonic()
        self.stats.inc_value(REDIS_OUTAGES_STAT)
        logger.warning(
            "Redis at %s went away (%s): waiting for it up to %g s (REDIS_OUTAGE_TIMEOUT)",
            redact_url(self.config.redis_url), describe_redis_error(self.config.redis_url, error),
            self.config.redis_outage_timeout,
        )

    def _try_redis(self) -> None:
        if self.stats.get_value(REDIS_UNAVAILABLE_STAT):
            return  # given up: the crawl is closing
        away = time.monotonic() - self._outage_since
        try:
            self.server.ping()
            lost = self._restore_generation()
        except OUTAGE_ERRORS as error:
            if away > self.config.redis_outage_timeout:
                self._give_up(error)
            return
        self._outage_since = None
        logger.warning("Redis is back after %.1f s%s", away, ": it lost the queue" if lost else "")
        if lost:
            self.stats.inc_value(REDIS_QUEUE_LOST_STAT)
            self.crawler.signals.send_catch_log(queue_lost)
        unsent, self._unsent = self._unsent, []
        for request, passed in unsent:  # after a loss, every fingerprint is gone: filter again
            self.enqueue_request(request.replace(dont_filter=True) if passed and not lost else request)
        try:
            self._heartbeat()
        except OUTAGE_ERRORS as error:
            self._outage_began(error)
        self._wake_engine()

    def _restore_generation(self) -> bool:
        """True when this worker is the first to find Redis empty: it refills the queue."""
        return self.generation > 0 and bool(self.server.set(self.keys.generation, self.generation, nx=True))

    def _give_up(self, error: Exception) -> None:
        self._stop_ticking()
        message = (
            f"REDIS_URL: {redact_url(self.config.redis_url)} unreachable for "
            f"{self.config.redis_outage_timeout:g} s (REDIS_OUTAGE_TIMEOUT): "
            f"{describe_redis_error(self.config.redis_url, error)}"
        )
        self.stats.set_value(REDIS_UNAVAILABLE_STAT, message)
        logger.error("%s: stopping; the database keeps what was not done", message)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REDIS_UNAVAILABLE_REASON))

    def _stop_ticking(self) -> None:
        if self._tick is not None and self._tick.running:
            self._tick.stop()

    def close(self, reason: str):
        """A request taken but not started goes back to the shared queue, and the worker leaves."""
        self._stop_ticking()
        if self._outage_since is None:
            try:
                if self._handed_over is not None:
                    self.queue.push(self._handed_over)
                self.registry.leave()
            except OUTAGE_ERRORS as error:
                logger.warning("Redis went away as the crawl closed: %s", describe_redis_error(self.config.redis_url, error))
        self._handed_over = None
        return super().close(reason)
