"""Crawl generations: one dupefilter set per walk of the index, so the next walk fetches again.

A persistent fingerprint set would stop the next period's index pages (and changed postings)
from ever being fetched again. Instead, each walk gets a number; its fingerprints live in
``<namespace>:dupefilter:<n>``, and starting a new walk deletes the previous set.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from unjobs_scraper.distributed.workers import PRUNE_DEAD_WORKERS

# Atomically: start generation n+1 when forced (a seeder) or when nobody is crawling (an empty
# queue and no live worker busy); otherwise join the current one. A joining or starting worker
# is busy from then on, so a worker started a moment later joins instead of starting another.
_BEGIN = PRUNE_DEAD_WORKERS + """
local generation = tonumber(redis.call('GET', KEYS[1]) or '0')
local idle = redis.call('ZCARD', KEYS[2]) == 0 and redis.call('SCARD', KEYS[4]) == 0
if ARGV[1] == '1' or idle then
    redis.call('DEL', ARGV[2] .. generation)
    generation = redis.call('INCR', KEYS[1])
end
if ARGV[3] ~= '' then
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[3])
    redis.call('SADD', KEYS[4], ARGV[3])
end
return generation
"""


@dataclass(frozen=True)
class RedisKeys:
    """Every key of one crawler's shared queue, under ``REDIS_NAMESPACE``."""

    namespace: str

    @property
    def queue(self) -> str:
        return f"{self.namespace}:requests"

    @property
    def generation(self) -> str:
        return f"{self.namespace}:generation"

    @property
    def workers(self) -> str:
        """Sorted set: each live worker, scored by when its entry expires (ms)."""
        return f"{self.namespace}:workers"

    @property
    def busy(self) -> str:
        """Set: the workers that have requests in flight, queued or items unsaved."""
        return f"{self.namespace}:busy"

    def dupefilter(self, generation: int | str) -> str:
        return f"{self.namespace}:dupefilter:{generation}"


class Generations:
    """The generation counter of one shared queue."""

    def __init__(self, server: redis.Redis, keys: RedisKeys) -> None:
        self.server = server
        self.keys = keys
        self._begin = server.register_script(_BEGIN)

    def current(self) -> int:
        return int(self.server.get(self.keys.generation) or 0)

    def begin(self, force: bool = False, worker: str = "", ttl_ms: int = 0) -> int:
        """Start a new walk (always, when ``force``), or join the one under way; ``worker``, if
        given, is registered busy in the same step."""
        return int(
            self._begin(
                keys=[self.keys.generation, self.keys.queue, self.keys.workers, self.keys.busy],
                args=["1" if force else "0", self.keys.dupefilter(""), worker, ttl_ms],
            )
        )
