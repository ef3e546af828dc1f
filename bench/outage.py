"""Database outages: time from PostgreSQL's return to the first posting saved, and postings lost,
for outages of 2 s, 30 s and one longer than ``DATABASE_OUTAGE_TIMEOUT``, in one run.

Stops and starts the machine's real PostgreSQL (``pg_ctlcluster``), and starts it again however the
run ends. Run: ``python -m bench.outage [--postings 400] [--latency-ms 150]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from tests.crawling import FAST_SETTINGS, start_crawl
from tests.databases import stored_rows, temporary_postgres_schema
from tests.replica import Replica
from tests.services import cluster, finish, postgres_left_running, wait_for_postgres, wait_until

OUTAGE_TIMEOUT = 45
OUTAGES = (2, 30, OUTAGE_TIMEOUT + 10)
CRAWL = {"CONCURRENT_REQUESTS": "8", "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "DATABASE_OUTAGE_TIMEOUT": str(OUTAGE_TIMEOUT)}


def processed(database_url: str) -> int:
    return sum(row["status"] == "processed" for row in stored_rows(database_url).values())


def outage(seconds: int, postings: int, latency_ms: int, scratch: Path) -> dict:
    """One crawl with the database stopped for ``seconds`` a fifth of the way in."""
    with Replica(postings=postings, seed=91, latency_ms=latency_ms) as replica, temporary_postgres_schema() as url:
        log = scratch / f"outage-{seconds}.log"
        with postgres_left_running():
            crawl = start_crawl(replica.base_url, url, log, CRAWL)
            wait_until(lambda: processed(url) >= postings // 5, timeout=120, interval=0.05)
            cluster("stop")
            time.sleep(seconds)
            cluster("start")
            wait_for_postgres()
            back = time.perf_counter()
            saved_before = processed(url)
            exit_code = None
            while processed(url) <= saved_before and crawl.poll() is None:
                time.sleep(0.02)
            first_save = time.perf_counter() - back if crawl.poll() is None else None
            exit_code, _ = finish(crawl, log, timeout=600)
        next_crawl = None
        if exit_code != 0:  # the crawl gave up: the next one takes back what it left
            again_log = scratch / f"outage-{seconds}-again.log"
            again = start_crawl(replica.base_url, url, again_log, CRAWL)
            while processed(url) <= saved_before and again.poll() is None:
                time.sleep(0.02)
            first_save = time.perf_counter() - back
            next_crawl, _ = finish(again, again_log, timeout=600)
        rows = stored_rows(url)
    return {
        "seconds": seconds,
        "exit": exit_code,
        "next": next_crawl,
        "first_save": first_save,
        "lost": postings - sum(row["status"] == "processed" for row in rows.values()),
        "failed": sum(row["status"] == "failed" for row in rows.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=400)
    parser.add_argument("--latency-ms", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        results = [outage(seconds, args.postings, args.latency_ms, Path(scratch)) for seconds in OUTAGES]
    settings = {**FAST_SETTINGS, **CRAWL}
    rows = [
        f"| {r['seconds']} s | {r['exit']} | {'—' if r['next'] is None else r['next']} |"
        f" {r['first_save']:.2f} s{' (the next crawl)' if r['next'] is not None else ''} | {r['lost']} | {r['failed']} |"
        for r in results
    ]
    report = "\n".join(
        [
            "## Database outages",
            "",
            f"`python -m bench.outage --postings {args.postings} --latency-ms {args.latency_ms}`: replica with"
            f" {args.postings} postings and {args.latency_ms} ms latency; the machine's PostgreSQL stopped"
            " (`pg_ctlcluster stop`) once a fifth of the postings are saved, started again after the outage;"
            f" `{' '.join(f'-s {k}={v}' for k, v in settings.items())}`. *First save* is the time from the"
            " server accepting connections again to the next posting saved; past the timeout the crawl exits 5"
            " and the next crawl (started at once) saves it. *Lost*: postings not `processed` at the end.",
            "",
            "| outage | exit code | next crawl's exit code | first save after the return | lost | failed |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(report)
    write_section("outage", report)


if __name__ == "__main__":
    main()
