"""``SiteGate``: what every request to the site's hosts waits on, in whatever client it goes.

A request takes a *turn* before it is sent: a token (its time to go, ``SITE_RATE_LIMIT`` a
second for the fleet) and a slot (one of ``SITE_CONCURRENCY`` requests in flight), given back
when its answer is in. It waits without blocking the reactor: one asker per process asks the
bucket for the turn of the request at the head of its queue, so a process with a hundred
requests waiting sends one question at a time, and asks for the next turn once the last one it
got is less than a second ahead (``HORIZON_MS``). Requests that only need a token (what a browser
page fetches on its own) wait in a queue of their own, so that a page holding a slot is never
stuck behind one waiting for a slot.

Every second the gate renews its slots' leases (a worker that dies holds none for longer than
``SLOT_LEASE_MS``), gives back what was released meanwhile, and puts the fleet's numbers in the
crawl's stats (``unjobs/site/...``); a ban that has lasted longer than ``SITE_BAN_TIMEOUT``
stops the crawl.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import redis.asyncio
from redis.exceptions import RedisError
from scrapy.utils.defer import deferred_from_coro

from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.distributed.connection import (
    CONNECT_TIMEOUT_SECONDS,
    SOCKET_TIMEOUT_SECONDS,
    describe_redis_error,
)
from unjobs_scraper.sitegate.policy import HORIZON_MS, Limits, LocalBucket, Summary
from unjobs_scraper.sitegate.shared import SharedBucket
from unjobs_scraper.stats import SITE_BANNED_STAT, SITE_STAT, SITE_WAITED_STAT
from unjobs_scraper.storage.workers import Worker

logger = logging.getLogger(__name__)

SITE_BANNED_REASON = "site_banned"
"""The finish reason of a crawl the site's rate limiting kept out past ``SITE_BAN_TIMEOUT``."""
RENEW_SECONDS = 1.0
MAX_BACKOFF = 8
"""A turn refused again and again is asked for at most this many times later than the bucket said."""
OUTAGE_RETRY_SECONDS = 0.5
"""How soon the asker tries Redis again when it is away (the scheduler decides when to give up)."""


class GateClosed(Exception):
    """The crawl stopped while a request waited for its turn: the request was not sent, and its
    posting is given back (``retry.own_service_fault``), not blamed."""


def open_bucket(config: Config, worker_id: str) -> SharedBucket | LocalBucket:
    """The fleet's bucket in Redis with ``REDIS_URL``, else this process's own."""
    limits = Limits(config.site_rate_limit, config.site_concurrency, int(config.site_ban_cooldown * 1000))
    if not config.redis_url:
        return LocalBucket(limits)
    client = redis.asyncio.Redis.from_url(
        config.redis_url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS
    )
    return SharedBucket(client, config.redis_namespace, limits, worker_id)


def site_hosts(base_url: str) -> frozenset[str]:
    """The site's host and its ``www.`` twin: what the gate covers."""
    host = (urlsplit(base_url).hostname or "").lower()
    return frozenset({host, host.removeprefix("www."), f"www.{host.removeprefix('www.')}"})


class SiteGate:
    """The fleet's limits, applied in this process; built once per crawl (``crawler_gate``)."""

    def __init__(self, bucket, hosts: frozenset[str], stats, ban_timeout: float, worker_id: str,
                 on_ban_timeout: Callable[[Summary], None]) -> None:
        self.bucket = bucket
        self.hosts = hosts
        self.stats = stats
        self.ban_timeout = ban_timeout
        self.worker_id = worker_id
        self.on_ban_timeout = on_ban_timeout
        self.waiting = 0
        self.held: set[str] = set()
        self.summary: Summary | None = None
        self._released: list[str] = []
        self._turns: deque = deque()
        self._tokens: deque = deque()
        self._askers: dict[int, asyncio.Task] = {}
        self._renewing: asyncio.Task | None = None
        self._numbers = itertools.count(1)
        self._stopped = False

    @classmethod
    def from_crawler(cls, crawler, config: Config) -> SiteGate:
        worker_id = Worker.of_this_process().worker_id
        bucket = open_bucket(config, worker_id)

        def stop(summary: Summary) -> None:
            crawler.stats.set_value(SITE_BANNED_STAT, ban_timeout_reason(summary, config.site_ban_timeout))
            deferred_from_coro(crawler.engine.close_spider_async(reason=SITE_BANNED_REASON))

        return cls(bucket, site_hosts(config.base_url), crawler.stats, config.site_ban_timeout, worker_id, stop)

    def covers(self, url: str) -> bool:
        return (urlsplit(url).hostname or "").lower() in self.hosts

    # -- turns ------------------------------------------------------------------------------

    async def admit(self, token: bool = True, slot: bool = True) -> str:
        """Wait for a turn; returns the slot's name to ``release`` ("" when no slot was taken)."""
        queue = self._turns if slot else self._tokens
        future = asyncio.get_running_loop().create_future()
        queue.append((token, slot, future))
        self.waiting += 1
        self._ask(queue)
        try:
            member = await future
        finally:
            self.waiting -= 1
        self.stats.inc_value(SITE_WAITED_STAT)
        return member

    def release(self, member: str) -> None:
        """A request's answer is in: its slot goes back with the next word to the bucket."""
        if member and member in self.held:
            self.held.discard(member)
            self._released.append(member)

    def _ask(self, queue: deque) -> None:
        asker = self._askers.get(id(queue))
        if asker is None or asker.done():
            self._askers[id(queue)] = asyncio.ensure_future(self._serve(queue))

    async def _serve(self, queue: deque) -> None:
        """Ask the bucket for the turn of the request at the head of ``queue``, one at a time."""
        denied = 0  # turns refused in a row: a full fleet is asked less and less often
        while queue and not self._stopped:
            token, slot, future = queue[0]
            if future.done():  # given up while it waited (its download was cancelled)
                queue.popleft()
                continue
            member = f"{self.worker_id}:{next(self._numbers)}" if slot else ""
            released, self._released = self._released, []
            try:
                answer = await self.bucket.admit(member, token, slot, released)
            except (RedisError, OSError) as error:
                self._released = released + self._released
                logger.warning("The site's rate limit is out of reach (%s); trying again", error)
                await asyncio.sleep(OUTAGE_RETRY_SECONDS)
                continue
            if not answer.granted:
                denied += 1
                await asyncio.sleep(answer.delay_ms * min(2 ** (denied - 1), MAX_BACKOFF) / 1000)
                continue
            denied = 0
            queue.popleft()
            if slot:
                self.held.add(member)
            asyncio.get_running_loop().call_later(answer.delay_ms / 1000, self._go, future, member)
            if answer.delay_ms > HORIZON_MS:  # a second of turns in hand: the next can wait
                await asyncio.sleep((answer.delay_ms - HORIZON_MS) / 1000)

    def _go(self, future: asyncio.Future, member: str) -> None:
        if future.done():
            self.release(member)  # its download was cancelled meanwhile
        else:
            future.set_result(member)

    # -- what the site said ----------------------------------------------------------------

    async def throttled(self) -> None:
        """A 429 or 503 from the site: the fleet slows down."""
        await self.bucket.throttled()

    async def banned(self, retry_after: float | None) -> bool:
        """Cloudflare's rate limiting banned the fleet: every worker pauses; False when this is
        the ban already under way."""
        return await self.bucket.banned(None if retry_after is None else retry_after * 1000)

    # -- every second ----------------------------------------------------------------------

    def renew(self) -> None:
        """Called every ``RENEW_SECONDS``: leases renewed, releases given back, stats updated."""
        if self._renewing is None or self._renewing.done():
            self._renewing = asyncio.ensure_future(self._renew())

    async def _renew(self) -> None:
        released, self._released = self._released, []
        try:
            summary = await self.bucket.renew(sorted(self.held), released, self.waiting)
        except (RedisError, OSError):
            self._released = released + self._released
            return
        self.summary = summary
        for name, value in summary.as_stats().items():
            self.stats.set_value(SITE_STAT + name, value)
        self.stats.set_value(SITE_STAT + "round_trips", self.bucket.round_trips)
        if summary.banned_for and summary.banned_since > self.ban_timeout and not self._stopped:
            self._stop("the crawl stopped: the site's rate limiting kept it out past SITE_BAN_TIMEOUT")
            self.on_ban_timeout(summary)

    def _stop(self, why: str) -> None:
        """No more turns: every request still waiting fails (unsent) so that the crawl can close."""
        self._stopped = True
        for queue in (self._turns, self._tokens):
            while queue:
                *_, future = queue.popleft()
                if not future.done():
                    future.set_exception(GateClosed(why))

    async def close(self) -> None:
        self._stop("the crawl closed")
        for task in (*self._askers.values(), self._renewing):
            if task is not None and not task.done():
                task.cancel()
        self._released.extend(self.held)
        if self._released:
            try:
                await self.bucket.renew([], self._released, 0)
            except (RedisError, OSError):
                pass
        await self.bucket.close()


def ban_timeout_reason(summary: Summary, timeout: float) -> str:
    return (
        f"the site's rate limiting (Cloudflare error 1015) kept the crawl out for {summary.banned_since:.0f} s,"
        f" longer than SITE_BAN_TIMEOUT ({timeout:g} s); {summary.bans} bans"
    )


_gates: WeakKeyDictionary = WeakKeyDictionary()


def crawler_gate(crawler) -> SiteGate:
    """The crawl's one gate, shared by the download handler and the middleware."""
    gate = _gates.get(crawler)
    if gate is None:
        gate = _gates[crawler] = SiteGate.from_crawler(crawler, crawler_config(crawler))
    return gate


SITE_GATE_STATE = "site_gate"
"""``crawl_state`` entry: what the gate last said of the fleet, when a crawl without Redis closed."""


async def _fleet_summary(config: Config) -> Summary:
    bucket = open_bucket(config, "status")
    try:
        return await bucket.renew([], [], 0)
    finally:
        await bucket.close()


def fleet_summary(config: Config, storage) -> tuple[Summary | None, str]:
    """(what the fleet's bucket says, where from) for ``scrapy status``: Redis's, live, with
    ``REDIS_URL``; else what the last crawl without Redis left."""
    if config.redis_url:
        try:
            return asyncio.run(_fleet_summary(config)), "live, all workers"
        except (RedisError, OSError) as error:
            return None, f"Redis out of reach: {describe_redis_error(config.redis_url, error)}"
    state = storage.state.get(SITE_GATE_STATE)
    if state is None:
        return None, "no crawl recorded it"
    return Summary(**json.loads(state.value)), f"the last crawl, {state.updated_at:%Y-%m-%d %H:%M:%S} UTC"
