"""One polite fleet: against a replica with Cloudflare's rate limiting rule, 1, 2 and 4 workers
(Redis), each allowed 16 requests at a time, under ``SITE_RATE_LIMIT``: the requests a second
the site received as a share of the setting, the busiest second, rate-limited answers, and Redis
round trips per request; one worker without Redis beside them. Then the milliseconds the gate
adds to a request when nothing holds it back, in-process and through Redis, side by side.

Run: ``python -m bench.sitegate [--postings 400] [--rate 20]`` (the replica bans past 1.5 × rate).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path

import redis
import redis.asyncio

from bench.report import write_section
from tests.crawling import FAST_SETTINGS, start_crawl
from tests.databases import temporary_postgres_schema
from tests.replica import Replica
from tests.services import finish
from unjobs_scraper.sitegate.gate import SiteGate, site_hosts
from unjobs_scraper.sitegate.policy import Limits, LocalBucket
from unjobs_scraper.sitegate.shared import SharedBucket

REDIS_URL = "redis://127.0.0.1:6379/14"
WORKER_COUNTS = (1, 2, 4)
PER_WORKER = {"CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "SITE_CONCURRENCY": "128"}
TURNS = 2000


def fleet(workers: int, postings: int, rate: float, use_redis: bool, scratch: Path) -> dict:
    """One crawl of ``postings`` by ``workers`` processes; what the site saw."""
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    settings = {**FAST_SETTINGS, **PER_WORKER, "SITE_RATE_LIMIT": str(rate)}
    if use_redis:
        settings.update(REDIS_URL=REDIS_URL, REDIS_NAMESPACE=namespace)
    with (
        Replica(postings=postings, seed=7, latency_ms=20, rate_limit=1.5 * rate) as replica,
        temporary_postgres_schema() as url,
    ):
        logs = [scratch / f"{namespace}-{i}.log" for i in range(workers)]
        processes = [start_crawl(replica.base_url, url, log, settings=settings) for log in logs]
        codes = [finish(process, log, timeout=600)[0] for process, log in zip(processes, logs, strict=True)]
        limiting = replica.stats()["rate_limit"]
    stats = [json.loads(log.with_suffix(".stats.json").read_text()) for log in logs]
    per_second = {int(second): n for second, n in limiting["per_second"].items()}
    first, last = min(per_second), max(per_second)
    busy = [per_second.get(second, 0) for second in range(first + 1, last)]  # the partial first and last seconds left out
    turns = sum(s.get("unjobs/site/turns", 0) for s in stats)
    round_trips = sum(s.get("unjobs/site/round_trips", 0) for s in stats)
    return {
        "codes": codes, "share": sum(busy) / len(busy) / rate, "busiest": limiting["busiest_second"],
        "limited": limiting["rate_limited"], "round_trips": round_trips / turns if turns else 0.0,
    }


async def gate_cost(bucket) -> float:
    """Milliseconds of one turn (admit and release) when the bucket never makes a request wait."""
    gate = SiteGate(bucket, site_hosts("https://unjobs.org/"), _NoStats(), 3600.0, "bench", lambda summary: None)
    for _ in range(50):
        gate.release(await gate.admit())
    started = time.perf_counter()
    for _ in range(TURNS):
        gate.release(await gate.admit())
    elapsed = time.perf_counter() - started
    await gate.close()
    return elapsed * 1000 / TURNS


class _NoStats:
    def inc_value(self, *args) -> None:
        pass

    def set_value(self, *args) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=400)
    parser.add_argument("--rate", type=float, default=20.0)
    args = parser.parse_args()
    redis.Redis.from_url(REDIS_URL).flushdb()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for workers in WORKER_COUNTS:
            outcome = fleet(workers, args.postings, args.rate, True, Path(scratch))
            rows.append((f"{workers} (Redis)", outcome))
            print(workers, outcome, flush=True)
        outcome = fleet(1, args.postings, args.rate, False, Path(scratch))
        rows.append(("1 (no Redis)", outcome))
        print("local", outcome, flush=True)
    limits = Limits(rate=1e9, concurrency=10**6, cooldown_ms=30_000)
    local_ms = asyncio.run(gate_cost(LocalBucket(limits)))
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    shared_ms = asyncio.run(gate_cost(SharedBucket(redis.asyncio.Redis.from_url(REDIS_URL), namespace, limits, "bench")))
    redis.Redis.from_url(REDIS_URL).flushdb()
    report = "\n".join([
        "## One polite fleet: the site's rate, all workers together",
        "",
        f"`python -m bench.sitegate --postings {args.postings} --rate {args.rate:g}`: a replica with Cloudflare's rate"
        f" limiting rule (bans past {1.5 * args.rate:g} requests/s over 10 s, 20 ms latency), `SITE_RATE_LIMIT={args.rate:g}`,"
        " each worker allowed 16 requests at a time (`CONCURRENT_REQUESTS_PER_DOMAIN=16`), PostgreSQL. The share is the"
        " site's requests a second over the crawl (its partial first and last seconds left out) divided by the setting.",
        "",
        "| workers | share of SITE_RATE_LIMIT | busiest second | rate-limited answers | Redis round trips per request | exit codes |",
        "|---|---|---|---|---|---|",
        *(
            f"| {label} | {o['share']:.2f} | {o['busiest']} (limit {args.rate:g}) | {o['limited']} | {o['round_trips']:.2f} |"
            f" {' '.join(map(str, o['codes']))} |"
            for label, o in rows
        ),
        "",
        f"What the gate adds to a request that nothing holds back ({TURNS:,} turns, admit and release, one process):"
        f" **{local_ms:.3f} ms** in-process, **{shared_ms:.3f} ms** through Redis on this machine's loopback"
        " (one Lua call per turn; releases and lease renewals ride on the next call and the once-a-second renewal).",
    ])
    print(report)
    write_section("sitegate", report)


if __name__ == "__main__":
    main()
