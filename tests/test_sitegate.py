"""One polite fleet (``unjobs_scraper/sitegate``): the bucket's rules in-process and in Redis,
the gate, the middleware that reads the site's throttling answers, the replica's rate limiting
rule; then fleets of real workers against a replica that bans like Cloudflare."""

from __future__ import annotations

import asyncio
import json
import signal
import time
import uuid

import pytest
import redis
import redis.asyncio
from scrapy.http import HtmlResponse, Request, TextResponse

from tests.conftest import REDIS_TEST_URL
from tests.crawling import run_crawl, run_scrapy
from tests.databases import stored_rows
from tests.replica import Replica
from tests.replica.ratelimit import BAN_PAGE, RateLimit
from tests.services import finish, wait_until
from tests.test_worker_faults import finish_all, start_workers, worker_stats
from unjobs_scraper.cloudflare import is_rate_limited
from unjobs_scraper.commands.crawl import SITE_BANNED_EXIT_CODE, crawl_verdict
from unjobs_scraper.sitegate.gate import SiteGate, site_hosts
from unjobs_scraper.sitegate.middleware import SiteRateLimitMiddleware
from unjobs_scraper.sitegate.policy import (
    BAN_DECREASE,
    CEILING_AFTER_BAN,
    DEBOUNCE_MS,
    FLOOR_SHARE,
    SLOT_LEASE_MS,
    SLOT_POLL_MS,
    THROTTLE_DECREASE,
    Limits,
    LocalBucket,
)
from unjobs_scraper.sitegate.shared import SharedBucket
from unjobs_scraper.stats import SITE_BANNED_STAT, SITE_RATE_LIMITED_STAT, SITE_THROTTLED_STAT

LIMITS = Limits(rate=10.0, concurrency=2, cooldown_ms=200)
INTERVAL_MS = 1000 / LIMITS.rate


class Clock:
    """A clock the local bucket reads (ms), moved by the test."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.alone)])
def bucket(request):
    """Each rule runs against the in-process bucket and the Redis one (real Redis, its own keys,
    its clock: alone in a parallel run, as the bounds allow a few ms between calls)."""
    if request.param == "local":
        yield LocalBucket(LIMITS, Clock())
        return
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    yield SharedBucket(redis.asyncio.Redis.from_url(REDIS_TEST_URL), namespace, LIMITS, "worker-a")
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(f"{namespace}:*"):
        client.delete(key)
    client.close()


def run(coroutine):
    return asyncio.run(coroutine)


def later(bucket, ms: float) -> None:
    """Let ``ms`` pass for the bucket: the test's clock, or (Redis's clock) a real wait."""
    if isinstance(bucket, LocalBucket):
        bucket.clock.now += ms
    else:
        time.sleep(ms / 1000)


# -- the bucket's rules, both ways --------------------------------------------------------------


def test_turns_are_spaced_one_interval_apart_for_the_whole_fleet(bucket):
    async def turns():
        answers = [await bucket.admit("", token=True, slot=False, released=[]) for _ in range(5)]
        await bucket.close()
        return answers

    answers = run(turns())
    assert all(answer.granted for answer in answers)
    delays = [answer.delay_ms for answer in answers]
    assert delays[0] <= 5  # the first goes at once
    for earlier, following in zip(delays, delays[1:]):
        assert INTERVAL_MS - 15 <= following - earlier <= INTERVAL_MS + 1  # a few ms pass between calls to Redis


def test_slots_bound_the_requests_in_flight_and_come_back_when_released(bucket):
    async def slots():
        first = await bucket.admit("a:1", token=False, slot=True, released=[])
        second = await bucket.admit("a:2", token=False, slot=True, released=[])
        third = await bucket.admit("a:3", token=False, slot=True, released=[])
        after_release = await bucket.admit("a:3", token=False, slot=True, released=["a:1"])
        await bucket.close()
        return first, second, third, after_release

    first, second, third, after_release = run(slots())
    assert first.granted and second.granted
    assert not third.granted and third.delay_ms == SLOT_POLL_MS
    assert after_release.granted


def test_a_dead_workers_slots_are_free_once_their_leases_run_out():
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(REDIS_TEST_URL)
    slots = f"{namespace}:site:slots"

    async def dead_then_alive():
        bucket = SharedBucket(redis.asyncio.Redis.from_url(REDIS_TEST_URL), namespace, LIMITS, "alive")
        try:
            now_ms = time.time() * 1000  # a dead worker's two slots: one lease still runs, one ran out
            client.zadd(slots, {"dead:1": now_ms - 1, "dead:2": now_ms + SLOT_LEASE_MS})
            one_free = await bucket.admit("alive:1", token=False, slot=True, released=[])
            none_free = await bucket.admit("alive:2", token=False, slot=True, released=[])
            client.zadd(slots, {"dead:2": now_ms - 1})  # its last lease runs out too
            free_again = await bucket.admit("alive:2", token=False, slot=True, released=[])
            return one_free, none_free, free_again
        finally:
            await bucket.close()

    try:
        one_free, none_free, free_again = run(dead_then_alive())
        assert (one_free.granted, none_free.granted, free_again.granted) == (True, False, True)
        assert sorted(client.zrange(slots, 0, -1)) == [b"alive:1", b"alive:2"]
    finally:
        for key in client.scan_iter(f"{namespace}:*"):
            client.delete(key)
        client.close()


def test_a_throttling_answer_halves_the_rate_once_a_second(bucket):
    async def throttled():
        await bucket.throttled()
        await bucket.throttled()  # answers to the same burst of requests: no second decrease
        rate = (await bucket.renew([], [], 0)).rate
        await bucket.close()
        return rate

    assert LIMITS.rate * THROTTLE_DECREASE <= run(throttled()) <= LIMITS.rate * THROTTLE_DECREASE + 0.05


def test_throttling_answers_never_take_the_rate_below_its_floor():
    clock = Clock()
    bucket = LocalBucket(LIMITS, clock)

    async def throttled_for_long():
        rates = []
        for _ in range(30):
            await bucket.throttled()
            rates.append((await bucket.renew([], [], 0)).rate)
            clock.now += DEBOUNCE_MS
        return rates

    rates = run(throttled_for_long())
    assert min(rates) >= LIMITS.rate * FLOOR_SHARE
    assert rates[-1] <= LIMITS.rate * 0.05  # a throttle a second holds it near the floor, against the recovery


def test_a_ban_pauses_every_turn_and_lowers_the_rate_and_its_ceiling(bucket):
    async def banned():
        await bucket.admit("", token=True, slot=False, released=[])
        first = await bucket.banned(None)
        again = await bucket.banned(None)  # answers to requests sent before the ban: the same ban
        paused = await bucket.admit("", token=True, slot=False, released=[])
        state = await bucket.renew([], [], 3)
        await bucket.close()
        return first, again, paused, state

    first, again, paused, state = run(banned())
    assert (first, again) == (True, False)
    assert not paused.granted and paused.delay_ms <= LIMITS.cooldown_ms + 1
    assert state.bans == 1 and state.banned_for > 0 and state.banned_seconds == pytest.approx(0.2)
    assert state.rate == pytest.approx(LIMITS.rate * BAN_DECREASE, abs=0.05)
    assert state.waiting == 3


def test_retry_after_sets_the_pause_and_a_ban_right_after_resuming_doubles_the_cooldown(bucket):
    async def bans():
        await bucket.banned(300.0)
        with_retry_after = await bucket.admit("", token=True, slot=False, released=[])
        later(bucket, 310)
        await bucket.banned(None)  # banned again as soon as it resumed: the cooldown doubles
        doubled = await bucket.admit("", token=True, slot=False, released=[])
        state = await bucket.renew([], [], 0)
        await bucket.close()
        return with_retry_after, doubled, state

    with_retry_after, doubled, state = run(bans())
    assert 250 <= with_retry_after.delay_ms <= 301
    assert 2 * LIMITS.cooldown_ms - 20 <= doubled.delay_ms <= 2 * LIMITS.cooldown_ms + 1
    assert state.bans == 2 and state.banned_since >= 0.3


def test_the_rate_climbs_back_after_a_ban_but_not_past_its_ceiling():
    clock = Clock()
    bucket = LocalBucket(LIMITS, clock)

    async def recovery():
        await bucket.banned(None)
        at_resume = (await bucket.renew([], [], 0)).rate
        clock.now += LIMITS.cooldown_ms + 100_000  # long enough for the rate, not for its ceiling
        later_on = (await bucket.renew([], [], 0)).rate
        clock.now += 3_600_000
        an_hour_on = (await bucket.renew([], [], 0)).rate
        return at_resume, later_on, an_hour_on

    at_resume, later_on, an_hour_on = run(recovery())
    assert at_resume == pytest.approx(LIMITS.rate * BAN_DECREASE)
    assert LIMITS.rate * CEILING_AFTER_BAN <= later_on < LIMITS.rate
    assert an_hour_on == LIMITS.rate  # never above the setting


# -- the gate ------------------------------------------------------------------------------------


def gate_with(bucket, on_ban_timeout=None, ban_timeout: float = 3600.0):
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    stats = MemoryStatsCollector(get_crawler())
    gate = SiteGate(bucket, site_hosts("https://unjobs.org/"), stats, ban_timeout, "worker-a",
                    on_ban_timeout or (lambda summary: None))
    return gate, stats


def test_the_gate_covers_the_sites_hosts_only():
    gate, _ = gate_with(LocalBucket(LIMITS))
    assert gate.covers("https://unjobs.org/vacancies/1") and gate.covers("https://www.unjobs.org/robots.txt")
    assert not gate.covers("https://jobs.undp.org/apply/1")


def test_the_gate_lets_requests_through_in_turn_and_counts_what_waits():
    async def many():
        gate, stats = gate_with(LocalBucket(Limits(rate=1000.0, concurrency=3, cooldown_ms=100)))
        seen_waiting = []

        async def one():
            slot = await gate.admit()
            seen_waiting.append(gate.waiting)
            await asyncio.sleep(0.01)
            gate.release(slot)

        await asyncio.wait_for(asyncio.gather(*(one() for _ in range(12))), timeout=30)
        await gate.close()
        return stats.get_value("unjobs/site/turns"), max(seen_waiting), gate.waiting, gate.held

    turns, most_waiting, waiting_after, held_after = run(many())
    assert turns == 12
    assert most_waiting >= 3  # three in flight at most: the rest waited
    assert (waiting_after, held_after) == (0, set())


def test_a_request_cancelled_while_it_waits_gives_its_turn_back():
    async def cancelled():
        gate, _ = gate_with(LocalBucket(Limits(rate=1000.0, concurrency=1, cooldown_ms=100)))
        first = await gate.admit()
        waiter = asyncio.ensure_future(gate.admit())
        await asyncio.sleep(0.05)
        waiter.cancel()
        gate.release(first)
        after = await asyncio.wait_for(gate.admit(), timeout=10)
        await gate.close()
        return after

    assert run(cancelled())  # the cancelled request took no slot with it


def test_a_ban_past_the_timeout_stops_the_crawl_once():
    stopped = []

    async def ban_streak():
        clock = Clock()
        gate, _ = gate_with(LocalBucket(LIMITS, clock), on_ban_timeout=stopped.append, ban_timeout=1.0)
        await gate.banned(None)
        for _ in range(10):
            clock.now += 250
            await gate.bucket.banned(None)  # banned again each time it resumes: one run of bans
            await gate._renew()
        await gate.close()

    run(ban_streak())
    assert len(stopped) == 1 and stopped[0].banned_since > 1.0


def test_the_ban_timeout_has_its_own_exit_code_and_line():
    reason = "the site's rate limiting (Cloudflare error 1015) kept the crawl out for 3700 s, longer than SITE_BAN_TIMEOUT (3600 s); 7 bans"
    assert crawl_verdict({SITE_BANNED_STAT: reason, "finish_reason": "site_banned"}, True) == (SITE_BANNED_EXIT_CODE, reason)


# -- what the site answers ------------------------------------------------------------------------


def ban_response(url="https://unjobs.org/vacancies/1758015049233", retry_after=None, body=None):
    headers = {"Retry-After": retry_after} if retry_after else {}
    page = body if body is not None else BAN_PAGE.format(host="unjobs.org", client="127.0.0.1", ray="8f1c2d3e4a5b6c7d")
    return HtmlResponse(url, status=429, headers=headers, body=page.encode(), request=Request(url))


def test_cloudflare_rate_limiting_is_recognised_and_nothing_else_is():
    assert is_rate_limited(ban_response())
    assert is_rate_limited(ban_response(body="error code: 1015"))
    assert not is_rate_limited(ban_response(body="<title>Too Many Requests</title>"))  # the origin's own 429
    page = BAN_PAGE.format(host="unjobs.org", client="127.0.0.1", ray="1").encode()
    assert not is_rate_limited(HtmlResponse("https://unjobs.org/vacancies/1", status=200, body=page))  # a posting that quotes it


class RecordingGate:
    def __init__(self) -> None:
        self.calls = []

    def covers(self, url):
        return "unjobs.org" in url

    async def banned(self, retry_after):
        self.calls.append(("banned", retry_after))
        return True

    async def throttled(self):
        self.calls.append(("throttled",))


class RecordingStatus:
    """A fake state machine: what was given back."""

    def __init__(self) -> None:
        self.given_back = []

    async def give_back_now(self, post_numbers):
        self.given_back += post_numbers


def middleware_with_gate():
    from scrapy.utils.test import get_crawler

    crawler = get_crawler()
    crawler.stats.open_spider()
    middleware = SiteRateLimitMiddleware(crawler, RecordingGate(), RecordingStatus())
    return middleware, crawler.stats


def test_a_ban_is_sent_again_with_its_attempt_given_back_and_pauses_the_fleet():
    middleware, stats = middleware_with_gate()
    request = Request("https://unjobs.org/vacancies/1758015049233", meta={"post_number": "1758015049233", "retry_times": 2})
    resent = run(middleware.process_response(request, ban_response(retry_after="12")))
    assert isinstance(resent, Request) and resent.url == request.url and resent.dont_filter
    assert resent.meta["retry_times"] == 2  # no retry spent
    assert middleware.gate.calls == [("banned", 12.0)]
    assert middleware.status.given_back == ["1758015049233"]
    assert stats.get_value(SITE_RATE_LIMITED_STAT) == 1


def test_other_429_and_503_slow_the_fleet_and_go_on_to_the_retry_rules_but_challenges_do_not():
    middleware, stats = middleware_with_gate()
    url = "https://unjobs.org/vacancies/1"
    for status, headers, body in ((429, {}, b"slow down"), (503, {}, b"maintenance"),
                                  (503, {"cf-mitigated": "challenge"}, b"<title>Just a moment...</title>"),
                                  (200, {}, b"<html></html>")):
        response = TextResponse(url, status=status, headers=headers, body=body, request=Request(url))
        assert run(middleware.process_response(Request(url), response)) is response
    assert middleware.gate.calls == [("throttled",), ("throttled",)]
    assert stats.get_value(SITE_THROTTLED_STAT) == 2
    elsewhere = TextResponse("https://jobs.undp.org/1", status=429, body=b"", request=Request("https://jobs.undp.org/1"))
    assert run(middleware.process_response(Request("https://jobs.undp.org/1"), elsewhere)) is elsewhere


# -- the replica's rule ---------------------------------------------------------------------------


def test_the_replica_bans_every_client_past_its_rate_with_and_without_retry_after():
    from tests.replica.messages import Request as ReplicaRequest
    from tests.replica.messages import Route

    for retry_after in (False, True):
        rule = RateLimit(rate=2, window=5, ban_seconds=30, retry_after=retry_after)
        route = Route("posting", lambda: None)
        asked = ReplicaRequest("GET", "/vacancies/1", "", {}, "127.0.0.1")
        answers = [rule.intercept(asked, route) for _ in range(12)]
        assert answers[:10] == [None] * 10  # ten in five seconds are allowed
        assert [answer.status for answer in answers[10:]] == [429, 429]
        assert b"Error</span>\n<span class=\"cf-error-code\">1015" in answers[10].body
        assert ("Retry-After" in dict(answers[10].headers)) is retry_after
        assert rule.stats()["bans"] == 1 and rule.stats()["rate_limited"] == 2


# -- whole fleets ---------------------------------------------------------------------------------

FLEET = {"CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "SITE_CONCURRENCY": "64"}
"""Each worker allowed 16 requests at a time: only the fleet's limits hold them back."""


def busy_seconds(per_second: dict[str, int]) -> list[int]:
    """Requests in each second from the first to the last, without the two partial ones."""
    seconds = sorted(int(second) for second in per_second)
    return [per_second.get(str(second), 0) for second in range(seconds[0] + 1, seconds[-1])]


@pytest.mark.crawl
@pytest.mark.alone  # the pace the replica sees, second by second
def test_four_workers_under_the_sites_limit_are_never_rate_limited(postgresql_url, redis_settings, tmp_path):
    rate = 20
    with Replica(postings=140, seed=101, rate_limit=30, rate_window=10) as replica:
        workers = start_workers(replica, postgresql_url, redis_settings, tmp_path, 4, SITE_RATE_LIMIT=str(rate), **FLEET)
        assert finish_all(workers, tmp_path) == [0, 0, 0, 0]
        limiting = replica.stats()["rate_limit"]
    assert limiting["rate_limited"] == 0 and limiting["bans"] == 0
    assert {row["status"] for row in stored_rows(postgresql_url).values()} == {"processed"}
    assert limiting["busiest_second"] <= 1.5 * rate
    seconds = busy_seconds(limiting["per_second"])
    assert sum(seconds) / len(seconds) >= 0.7 * rate
    assert all(stats.get("unjobs/site/round_trips", 0) > 0 for stats in worker_stats(tmp_path, 4))


@pytest.mark.crawl
@pytest.mark.alone  # the pace the replica sees, second by second
def test_four_workers_over_the_sites_limit_slow_down_together_and_lose_nothing(postgresql_url, redis_settings, tmp_path):
    # Cloudflare's usual ban: no Retry-After (the bucket's own tests cover Retry-After)
    with Replica(postings=100, seed=102, rate_limit=10, rate_window=5, ban_seconds=2) as replica:
        workers = start_workers(replica, postgresql_url, redis_settings, tmp_path, 4, SITE_RATE_LIMIT="40",
                                SITE_BAN_COOLDOWN="2", **FLEET)
        assert finish_all(workers, tmp_path) == [0, 0, 0, 0]
        limiting = replica.stats()["rate_limit"]
    rows = stored_rows(postgresql_url)
    assert len(rows) == 100 and {row["status"] for row in rows.values()} == {"processed"}
    assert {row["processing_attempts"] for row in rows.values()} == {1}  # no attempt counted for a ban
    assert 1 <= limiting["bans"] <= 3
    assert sum(stats.get("unjobs/site/rate_limited", 0) for stats in worker_stats(tmp_path, 4)) == limiting["rate_limited"]


@pytest.mark.crawl
def test_a_killed_workers_slots_come_back_to_the_others_within_seconds(postgresql_url, redis_settings, tmp_path):
    slots_key = f"{redis_settings['REDIS_NAMESPACE']}:site:slots"
    client = redis.Redis.from_url(REDIS_TEST_URL)
    settings = {"SITE_RATE_LIMIT": "50", "SITE_CONCURRENCY": "6", "CONCURRENT_REQUESTS": "6", "CONCURRENT_REQUESTS_PER_DOMAIN": "6"}
    (tmp_path / "killed").mkdir()
    (tmp_path / "alive").mkdir()
    try:
        with Replica(postings=400, seed=103, latency_ms=400) as replica:
            killed = start_workers(replica, postgresql_url, redis_settings, tmp_path / "killed", 1, **settings)[0]
            wait_until(lambda: client.zcard(slots_key) == 6, timeout=60)  # it holds every slot
            alive = start_workers(replica, postgresql_url, redis_settings, tmp_path / "alive", 1, **settings)[0]
            dead = set(client.zrange(slots_key, 0, -1))
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=30)

            def the_live_worker_holds_them_all() -> bool:
                members = set(client.zrange(slots_key, 0, -1))
                return len(members) == 6 and not members & dead

            wait_until(the_live_worker_holds_them_all, timeout=15)  # full concurrency again within 15 s
            alive.send_signal(signal.SIGTERM)
            assert finish(alive, tmp_path / "alive" / "worker0.log")[0] == 0
    finally:
        client.close()


@pytest.mark.crawl
@pytest.mark.alone  # the pace the replica sees, second by second
def test_one_process_without_redis_keeps_the_sites_rate(sqlite_url):
    rate = 15
    with Replica(postings=90, seed=104, rate_limit=20, rate_window=10) as replica:
        result = run_crawl(replica.base_url, sqlite_url, settings={"SITE_RATE_LIMIT": str(rate), **FLEET})
        limiting = replica.stats()["rate_limit"]
    assert result.returncode == 0, result.log[-2000:]
    assert limiting["rate_limited"] == 0 and limiting["busiest_second"] <= 1.5 * rate
    seconds = busy_seconds(limiting["per_second"])
    assert sum(seconds) / len(seconds) >= 0.7 * rate
    assert result.stats["unjobs/site/limit"] == rate and result.stats["unjobs/site/round_trips"] == 0
    assert "site: " in result.log and "req/s of 15" in result.log  # the progress lines
    status = run_scrapy(sqlite_url, "status")
    assert status.returncode == 0, status.stderr
    pace = [line for line in status.stdout.splitlines() if line.startswith("site pace (the last crawl, ")]
    assert pace and "of 15 allowed" in pace[0] and "0 bans" in pace[0]


def test_status_shows_the_fleets_pace_live_from_redis(sqlite_url, redis_settings):
    bucket = SharedBucket(redis.asyncio.Redis.from_url(REDIS_TEST_URL), redis_settings["REDIS_NAMESPACE"],
                          Limits(rate=1.0, concurrency=2, cooldown_ms=30_000), "worker-a")

    async def a_banned_worker_with_requests_waiting():
        await bucket.admit("worker-a:1", token=True, slot=True, released=[])
        await bucket.banned(None)
        await bucket.renew(["worker-a:1"], [], 7)
        await bucket.close()

    run(a_banned_worker_with_requests_waiting())
    status = run_scrapy(sqlite_url, "status", env_overrides=redis_settings)
    assert status.returncode == 0, status.stderr
    pace = [line for line in status.stdout.splitlines() if line.startswith("site pace (live, all workers): ")]
    assert pace, status.stdout
    assert "0.25 req/s of 1 allowed, 1 in flight, 7 waiting for a turn, 1 bans (30 s banned); banned now" in pace[0]


@pytest.mark.crawl
def test_a_ban_that_outlasts_the_timeout_stops_the_crawl_with_its_own_exit_code(sqlite_url):
    with Replica(postings=60, seed=105, rate_limit=2, rate_window=2, ban_seconds=600) as replica:
        result = run_crawl(replica.base_url, sqlite_url, settings={
            "SITE_RATE_LIMIT": "50", "SITE_BAN_COOLDOWN": "0.5", "SITE_BAN_TIMEOUT": "3", **FLEET,
        })
    assert result.returncode == SITE_BANNED_EXIT_CODE, result.log[-2000:]
    assert result.stats["finish_reason"] == "site_banned"
    line = [text for text in result.log.splitlines() if text.startswith("unjobs-scraper: ")]
    assert line and "longer than SITE_BAN_TIMEOUT (3 s)" in line[-1]
    rows = stored_rows(sqlite_url)
    assert "failed" not in {row["status"] for row in rows.values()}  # the ban is no posting's fault
    assert json.dumps(result.stats).count("cloudflare/blocked/") == 0  # nor a Cloudflare block
