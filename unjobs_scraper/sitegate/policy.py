"""How the fleet's rate moves, and the in-process bucket that applies it.

The bucket spaces requests ``1 / rate`` apart (GCRA: a theoretical arrival time, no burst), and
holds at most ``SITE_CONCURRENCY`` in flight. Its rate starts at ``SITE_RATE_LIMIT`` and adapts
like AutoThrottle: a 429 or 503 halves it (once a second at most), a ban quarters it and caps
its recovery at ``CEILING_AFTER_BAN`` of the rate that was banned; it climbs back by
``RECOVERY_SHARE`` of the limit a second (the cap by ``CEILING_RECOVERY_SHARE``), never above
the limit. A ban pauses everything for ``Retry-After``, or a cooldown that starts at
``SITE_BAN_COOLDOWN`` and doubles while bans follow one another.

``shared.py`` runs the same rules in Redis, in Lua; ``tests/test_sitegate.py`` holds both to them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

RECOVERY_SHARE = 0.02
"""Of the limit, per second: from half the limit back to all of it in 25 s."""
CEILING_RECOVERY_SHARE = 0.001
"""Of the limit, per second: a ban's cap lifts over about a quarter of an hour."""
THROTTLE_DECREASE = 0.5
BAN_DECREASE = 0.25
CEILING_AFTER_BAN = 0.5
FLOOR_SHARE = 0.02
"""The rate never falls below this share of the limit."""
DEBOUNCE_MS = 1000
"""One decrease per second at most: the answers to requests already in flight say the same."""
HORIZON_MS = 1000
"""A worker asks for its next turn once its last one is at most this far ahead: every worker
holds a second of turns, and no turn is asked for twice."""
MAX_RESERVE_MS = 10_000
"""The bucket reserves no turn further ahead than this; the asker is told when to come back."""
SLOT_LEASE_MS = 10_000
"""A slot its worker stops renewing (the worker died) is free again after this long."""
SLOT_POLL_MS = 50
"""How soon a worker asks again when every slot is taken."""


@dataclass(frozen=True)
class Limits:
    """The settings the bucket applies."""

    rate: float
    """``SITE_RATE_LIMIT``: requests a second to the site, all workers together."""
    concurrency: int
    """``SITE_CONCURRENCY``: requests in flight to the site, all workers together."""
    cooldown_ms: int
    """``SITE_BAN_COOLDOWN``: the first pause for a ban without ``Retry-After``."""


@dataclass(frozen=True)
class Answer:
    """The bucket's answer: go after ``delay_ms`` (a turn was reserved), or ask again after it."""

    granted: bool
    delay_ms: int
    rate: float
    """The fleet's current rate, requests a second."""


@dataclass(frozen=True)
class Summary:
    """What the fleet's bucket says of itself (progress lines, ``scrapy status``)."""

    rate: float
    limit: float
    in_flight: int
    waiting: int
    bans: int
    banned_seconds: float
    banned_for: float
    """Seconds until the current ban ends (0: not banned)."""
    banned_since: float
    """Seconds the current run of bans has lasted (0: not banned)."""

    def as_stats(self) -> dict[str, float]:
        return {"rate": round(self.rate, 3), "limit": self.limit, "in_flight": self.in_flight, "waiting": self.waiting,
                "bans": self.bans, "banned_seconds": round(self.banned_seconds, 1)}


def monotonic_ms() -> float:
    return time.monotonic() * 1000


class LocalBucket:
    """The bucket of one process, when there is no Redis: the same rules, in memory, on
    ``clock`` (milliseconds; a test hands in its own)."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = monotonic_ms) -> None:
        self.limits = limits
        self.clock = clock
        self.round_trips = 0
        self.tat = 0.0
        self.rate = self.ceiling = limits.rate
        self.rate_at = self.ceiling_at = self.decreased_at = 0.0
        self.banned_until = self.ban_started = self.last_ban_end = 0.0
        self.cooldown = float(limits.cooldown_ms)
        self.bans = 0
        self.banned_ms = 0.0
        self.in_flight: set[str] = set()

    def _current(self, now: float) -> tuple[float, float]:
        """(rate, ceiling) at ``now``, ms: each recovered since it was last lowered."""
        limit = self.limits.rate
        ceiling = min(limit, self.ceiling + limit * CEILING_RECOVERY_SHARE * max(0.0, now - self.ceiling_at) / 1000)
        rate = min(ceiling, self.rate + limit * RECOVERY_SHARE * max(0.0, now - self.rate_at) / 1000)
        return rate, ceiling

    async def admit(self, member: str, token: bool, slot: bool, released: list[str]) -> Answer:
        """A turn for ``member``: a token (its time to go), a slot (one of the requests in
        flight), or both; ``released`` are slots given back since the last call."""
        now = self.clock()
        self.in_flight.difference_update(released)
        rate, _ = self._current(now)
        if self.banned_until > now:
            return Answer(False, int(self.banned_until - now) + 1, rate)
        if slot and len(self.in_flight) >= self.limits.concurrency:
            return Answer(False, SLOT_POLL_MS, rate)
        delay = 0.0
        if token:
            self.tat = max(self.tat, now)
            delay = self.tat - now
            if delay > MAX_RESERVE_MS:
                return Answer(False, int(delay - MAX_RESERVE_MS) + 1, rate)
            self.tat += 1000 / rate
        if slot:
            self.in_flight.add(member)
        return Answer(True, int(delay), rate)

    async def renew(self, held: list[str], released: list[str], waiting: int) -> Summary:
        """The slots given back, and what the bucket says of itself (a worker's slots need no
        renewing in its own process)."""
        self.in_flight.difference_update(released)
        now = self.clock()
        rate, _ = self._current(now)
        banned = self.banned_until > now
        return Summary(
            rate, self.limits.rate, len(self.in_flight), waiting, self.bans, self.banned_ms / 1000,
            (self.banned_until - now) / 1000 if banned else 0.0, (now - self.ban_started) / 1000 if banned else 0.0,
        )

    async def throttled(self) -> None:
        now = self.clock()
        if now - self.decreased_at < DEBOUNCE_MS:
            return
        rate, ceiling = self._current(now)
        floor = self.limits.rate * FLOOR_SHARE
        self.rate, self.rate_at = max(floor, rate * THROTTLE_DECREASE), now
        self.ceiling, self.ceiling_at, self.decreased_at = ceiling, now, now

    async def banned(self, retry_after_ms: float | None) -> bool:
        """A ban answered; False when it is the ban already under way (answers still in flight)."""
        now = self.clock()
        if now < self.banned_until:
            return False
        if self.last_ban_end and now - self.last_ban_end < self.cooldown:
            self.cooldown *= 2  # banned again as soon as it resumed
        else:
            self.cooldown, self.ban_started = float(self.limits.cooldown_ms), now
        pause = self.cooldown if retry_after_ms is None else retry_after_ms
        rate, _ = self._current(now)
        floor = self.limits.rate * FLOOR_SHARE
        self.banned_until = self.last_ban_end = now + pause
        self.bans += 1
        self.banned_ms += pause
        self.rate, self.ceiling = max(floor, rate * BAN_DECREASE), max(floor, rate * CEILING_AFTER_BAN)
        self.rate_at = self.ceiling_at = self.banned_until  # recovery starts once the ban is over
        self.decreased_at = now
        return True

    async def close(self) -> None:
        """Nothing to close: the bucket lives in this process."""
