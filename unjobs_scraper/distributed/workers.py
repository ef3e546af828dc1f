"""Which workers share a Redis crawl, and which of them still have work: a crawl ends when none does.

Every worker has an entry in ``<namespace>:workers``, a sorted set scored by when the entry
expires, renewed every ``HEARTBEAT_SECONDS``; a worker that dies drops out within
``WORKER_TTL_MS``. A worker is in ``<namespace>:busy`` while it has anything to do. Taking a
request from the queue marks the taker busy in the same script, and a worker marks itself idle
only once its engine is idle (everything it queued is pushed), so there is no moment at which
work exists and the crawl looks finished: a queue that is only empty for the moment is not the
end of the crawl.
"""

from __future__ import annotations

import redis
from scrapy_redis.queue import PriorityQueue

HEARTBEAT_SECONDS = 1.0
WORKER_TTL_MS = 10_000
"""A worker whose entry was not renewed for this long is dead: its busy mark stops counting."""

# Shared prologue: ``now`` in ms from the server's clock, and every expired worker forgotten.
# KEYS[3] is the workers set and KEYS[4] the busy set in every script that uses it.
PRUNE_DEAD_WORKERS = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
    redis.call('SREM', KEYS[4], dead)
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
"""

_HEARTBEAT = PRUNE_DEAD_WORKERS + """
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
if ARGV[3] == '1' then
    redis.call('SADD', KEYS[4], ARGV[1])
    return 0
end
redis.call('SREM', KEYS[4], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('SCARD', KEYS[4]) == 0 then
    return 1
end
return 0
"""

_TAKE = PRUNE_DEAD_WORKERS + """
local taken = redis.call('ZRANGE', KEYS[1], 0, 0)
if #taken == 0 then
    return false
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return taken[1]
"""


class WorkerRegistry:
    """One worker's entry in the registry of a shared queue."""

    def __init__(self, server: redis.Redis, keys, worker_id: str) -> None:
        self.server = server
        self.keys = keys
        self.worker_id = worker_id
        self._heartbeat = server.register_script(_HEARTBEAT)
        self._take = server.register_script(_TAKE)

    @property
    def _keys(self) -> list[str]:
        return [self.keys.queue, self.keys.generation, self.keys.workers, self.keys.busy]

    def heartbeat(self, busy: bool) -> bool:
        """Renew this worker's entry; returns True when, idle, it finds the whole crawl finished:
        the queue empty and no live worker busy."""
        return bool(self._heartbeat(keys=self._keys, args=[self.worker_id, WORKER_TTL_MS, int(busy)]))

    def take(self, queue: PriorityQueue):
        """The queue's most urgent request, this worker marked busy in the same step; or None."""
        data = self._take(keys=self._keys, args=[self.worker_id, WORKER_TTL_MS])
        return queue._decode_request(data) if data is not None else None

    def leave(self) -> None:
        self.server.zrem(self.keys.workers, self.worker_id)
        self.server.srem(self.keys.busy, self.worker_id)


class SharedQueue(PriorityQueue):
    """scrapy-redis's priority queue, popped through the registry (``registry`` set by the scheduler)."""

    registry: WorkerRegistry

    def pop(self, timeout=0):
        return self.registry.take(self)
