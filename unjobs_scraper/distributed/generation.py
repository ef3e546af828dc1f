"""Crawl generations: one dupefilter set per walk of the index, so the next walk fetches again.

A persistent fingerprint set would stop the next period's index pages (and changed postings)
from ever being fetched again. Instead, each walk gets a number; its fingerprints live in
``<namespace>:dupefilter:<n>``, and starting a new walk deletes the previous set.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

START_LOCK_MS = 10_000
"""Workers started together within this window join one walk instead of each starting one."""

# Atomically: start generation n+1 when forced (a seeder) or when nobody is crawling (empty
# queue, no worker started one in the last moments); otherwise join the current one.
_BEGIN = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local idle = redis.call('ZCARD', KEYS[2]) == 0
if ARGV[1] == '1' or (idle and redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[2])) then
    redis.call('DEL', ARGV[3] .. current)
    return redis.call('INCR', KEYS[1])
end
return current
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
    def start_lock(self) -> str:
        return f"{self.namespace}:generation:starting"

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

    def begin(self, force: bool = False) -> int:
        """Start a new walk (always, when ``force``), or join the one under way."""
        return int(
            self._begin(
                keys=[self.keys.generation, self.keys.queue, self.keys.start_lock],
                args=["1" if force else "0", START_LOCK_MS, self.keys.dupefilter("")],
            )
        )
