"""The fleet's bucket in Redis: ``policy.py``'s rules in one Lua script, so that every worker's
turn, slot, throttle and ban is one atomic step on the server's clock.

Keys under ``REDIS_NAMESPACE``: ``<ns>:site`` (a hash: the theoretical arrival time, the rate
and its cap, the ban), ``<ns>:site:slots`` (the requests in flight, a sorted set scored by
when each lease runs out) and ``<ns>:site:waiting`` (each worker's requests waiting for a turn,
with when that count goes stale). The state outlives a crawl by ``STATE_TTL_SECONDS``: a fleet
banned a moment ago starts again slowly.
"""

from __future__ import annotations

import redis.asyncio

from unjobs_scraper.sitegate.policy import (
    BAN_DECREASE,
    CEILING_AFTER_BAN,
    CEILING_RECOVERY_SHARE,
    DEBOUNCE_MS,
    FLOOR_SHARE,
    MAX_RESERVE_MS,
    RECOVERY_SHARE,
    SLOT_LEASE_MS,
    SLOT_POLL_MS,
    THROTTLE_DECREASE,
    Answer,
    Limits,
    Summary,
)

STATE_TTL_SECONDS = 24 * 3600
WAITING_TTL_MS = 5000
"""A worker's count of waiting requests that it has not renewed for this long no longer counts."""

# KEYS: state hash, slots zset, waiting hash. ARGV: op, limit, concurrency, cooldown_ms, member,
# token (0/1), slot (0/1), retry_after_ms (-1: none), waiting count, then members: released
# slots for admit, then "|", then held slots for renew.
_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local op, limit, concurrency, cooldown0 = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local member, token, slot = ARGV[5], ARGV[6] == '1', ARGV[7] == '1'
local retry_after, waiting = tonumber(ARGV[8]), tonumber(ARGV[9])
local s = {}
local raw = redis.call('HGETALL', KEYS[1])
for i = 1, #raw, 2 do s[raw[i]] = tonumber(raw[i + 1]) end
local function get(name, default) if s[name] == nil then return default end return s[name] end
local rate0, ceiling0 = get('rate', limit), get('ceiling', limit)
local ceiling = math.min(limit, ceiling0 + limit * @CEILING_RECOVERY@ * math.max(0, now - get('ceiling_at', 0)) / 1000)
local rate = math.min(ceiling, rate0 + limit * @RECOVERY@ * math.max(0, now - get('rate_at', 0)) / 1000)
local floor = limit * @FLOOR@
local banned_until = get('banned_until', 0)
local held, released, after_bar = {}, {}, false
for i = 10, #ARGV do
    if ARGV[i] == '|' then after_bar = true
    elseif after_bar then table.insert(held, ARGV[i])
    else table.insert(released, ARGV[i]) end
end
for _, gone in ipairs(released) do redis.call('ZREM', KEYS[2], gone) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('PEXPIRE', KEYS[1], @STATE_TTL@)
local function rate_milli() return math.floor(rate * 1000) end
if op == 'admit' then
    if banned_until > now then return {0, math.floor(banned_until - now) + 1, rate_milli()} end
    if slot and redis.call('ZCARD', KEYS[2]) >= concurrency then return {0, @SLOT_POLL@, rate_milli()} end
    local delay = 0
    if token then
        local tat = math.max(get('tat', 0), now)
        delay = tat - now
        if delay > @MAX_RESERVE@ then return {0, math.floor(delay - @MAX_RESERVE@) + 1, rate_milli()} end
        redis.call('HSET', KEYS[1], 'tat', tostring(tat + 1000 / rate))
    end
    if slot then
        redis.call('ZADD', KEYS[2], now + delay + @LEASE@, member)
        redis.call('PEXPIRE', KEYS[2], @STATE_TTL@)
    end
    return {1, math.floor(delay), rate_milli()}
end
if op == 'throttle' then
    if now - get('decreased_at', 0) >= @DEBOUNCE@ then
        redis.call('HSET', KEYS[1], 'rate', tostring(math.max(floor, rate * @THROTTLE@)), 'rate_at', tostring(now),
            'ceiling', tostring(ceiling), 'ceiling_at', tostring(now), 'decreased_at', tostring(now))
        return 1
    end
    return 0
end
if op == 'ban' then
    if now < banned_until then return 0 end
    local cooldown, started = get('cooldown', cooldown0), get('ban_started', now)
    local last_end = get('last_ban_end', 0)
    if last_end > 0 and now - last_end < cooldown then
        cooldown = cooldown * 2
    else
        cooldown, started = cooldown0, now
    end
    local pause = cooldown
    if retry_after >= 0 then pause = retry_after end
    local until_ = now + pause
    redis.call('HSET', KEYS[1], 'banned_until', tostring(until_), 'last_ban_end', tostring(until_),
        'cooldown', tostring(cooldown), 'ban_started', tostring(started),
        'bans', tostring(get('bans', 0) + 1), 'banned_ms', tostring(get('banned_ms', 0) + pause),
        'rate', tostring(math.max(floor, rate * @BAN_DECREASE@)), 'ceiling', tostring(math.max(floor, rate * @CEILING_AFTER_BAN@)),
        'rate_at', tostring(until_), 'ceiling_at', tostring(until_), 'decreased_at', tostring(now))
    return 1
end
-- renew: this worker's slots still in flight, its waiting count; then what the fleet looks like
for _, mine in ipairs(held) do redis.call('ZADD', KEYS[2], 'XX', now + @LEASE@, mine) end
redis.call('HSET', KEYS[3], member, waiting .. ':' .. math.floor(now + @WAITING_TTL@))
redis.call('PEXPIRE', KEYS[3], @STATE_TTL@)
local total = 0
for i, entry in ipairs(redis.call('HGETALL', KEYS[3])) do
    if i % 2 == 0 then
        local count, expires = string.match(entry, '(%d+):(%d+)')
        if tonumber(expires) > now then total = total + tonumber(count) end
    end
end
local banned_for, banned_since = 0, 0
if banned_until > now then
    banned_for, banned_since = banned_until - now, now - get('ban_started', now)
end
return {rate_milli(), redis.call('ZCARD', KEYS[2]), total, get('bans', 0), math.floor(get('banned_ms', 0)),
    math.floor(banned_for), math.floor(banned_since)}
"""
for name, value in {
    "CEILING_RECOVERY": CEILING_RECOVERY_SHARE, "RECOVERY": RECOVERY_SHARE, "FLOOR": FLOOR_SHARE, "MAX_RESERVE": MAX_RESERVE_MS,
    "SLOT_POLL": SLOT_POLL_MS, "LEASE": SLOT_LEASE_MS, "DEBOUNCE": DEBOUNCE_MS, "THROTTLE": THROTTLE_DECREASE,
    "BAN_DECREASE": BAN_DECREASE, "CEILING_AFTER_BAN": CEILING_AFTER_BAN, "STATE_TTL": STATE_TTL_SECONDS * 1000,
    "WAITING_TTL": WAITING_TTL_MS,
}.items():
    _SCRIPT = _SCRIPT.replace(f"@{name}@", repr(value))


class SharedBucket:
    """The bucket of the fleet, in Redis (``redis.asyncio``: the reactor never waits on it)."""

    def __init__(self, client: redis.asyncio.Redis, namespace: str, limits: Limits, worker_id: str) -> None:
        self.client = client
        self.limits = limits
        self.worker_id = worker_id
        self.keys = [f"{namespace}:site", f"{namespace}:site:slots", f"{namespace}:site:waiting"]
        self._script = client.register_script(_SCRIPT)
        self.round_trips = 0

    async def _call(self, op: str, member: str = "", token: bool = False, slot: bool = False,
                    retry_after_ms: float | None = None, waiting: int = 0, members: tuple[str, ...] = ()):
        self.round_trips += 1
        limits = self.limits
        return await self._script(keys=self.keys, args=[
            op, limits.rate, limits.concurrency, limits.cooldown_ms, member or self.worker_id, int(token), int(slot),
            -1 if retry_after_ms is None else int(retry_after_ms), waiting, *members,
        ])

    async def admit(self, member: str, token: bool, slot: bool, released: list[str]) -> Answer:
        granted, delay, rate = await self._call("admit", member, token, slot, members=tuple(released))
        return Answer(bool(granted), int(delay), rate / 1000)

    async def renew(self, held: list[str], released: list[str], waiting: int) -> Summary:
        rate, in_flight, waiting_total, bans, banned_ms, banned_for, banned_since = await self._call(
            "renew", waiting=waiting, members=(*released, "|", *held))
        return Summary(rate / 1000, self.limits.rate, in_flight, waiting_total, bans, banned_ms / 1000,
                       banned_for / 1000, banned_since / 1000)

    async def throttled(self) -> None:
        await self._call("throttle")

    async def banned(self, retry_after_ms: float | None) -> bool:
        return bool(await self._call("ban", retry_after_ms=retry_after_ms))

    async def close(self) -> None:
        await self.client.aclose()
