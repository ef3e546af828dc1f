"""A database that is not on localhost: postings per second with 0, 1 and 5 ms added to every
PostgreSQL round trip, before and after the crawl's database work moved off the reactor, and
the round trips each posting costs, all in one run.

"Before" is a checkout of ``--before`` (default: the last commit before issue 19) made with
``git worktree`` for the run and removed after it; "after" is this checkout. Each crawl reads the
same replica (``--postings``, 50 ms of site latency, 16 requests at a time) into a fresh schema,
through a TCP proxy in a process of its own that counts round trips and delays every answer
(``tests/dbproxy.py``); the
direct speed is each version's own crawl without the proxy. Runs are interleaved, so both
versions see the same machine.

Run: ``python -m bench.database_latency [--postings 1000] [--before 9b6194f]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from tests.crawling import PROJECT_ROOT, run_crawl
from tests.databases import stored_rows, temporary_postgres_schema
from tests.dbproxy import ProxyProcess
from tests.replica import Replica

LATENCIES_MS = (0, 1, 5)
BEFORE = "9b6194f"
"""The last commit before the state machine, the repositories and the writer thread."""


def crawl(replica: Replica, root: Path, latency_ms: float | None) -> dict:
    """One crawl into a fresh schema; ``latency_ms`` None: straight to the server, no proxy."""
    with temporary_postgres_schema() as url:
        if latency_ms is None:
            started = time.perf_counter()
            result = run_crawl(replica.base_url, url, timeout=1800, project_root=root)
            seconds, trips = time.perf_counter() - started, None
        else:
            with ProxyProcess(latency_ms=latency_ms) as proxy:
                started = time.perf_counter()
                result = run_crawl(replica.base_url, proxy.url(url), timeout=1800, project_root=root)
                seconds = time.perf_counter() - started
            trips = proxy.round_trips
        rows = stored_rows(url)
    processed = sum(row["status"] == "processed" for row in rows.values())
    assert result.returncode == 0 and processed == len(rows), result.log[-2000:]
    return {"rate": processed / seconds, "trips": trips / processed if trips is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=1000)
    parser.add_argument("--before", default=BEFORE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        before = Path(scratch) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=PROJECT_ROOT, check=True,
                       capture_output=True)
        try:
            versions = {"before": before, "after": PROJECT_ROOT}
            results: dict[tuple[str, float | None], dict] = {}
            with Replica(postings=args.postings, seed=91, latency_ms=50) as replica:
                for latency in (None, *LATENCIES_MS):
                    for name, root in versions.items():
                        results[name, latency] = crawl(replica, root, latency)
                        print(name, latency, results[name, latency], flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=PROJECT_ROOT, check=False)
    rows = [
        "| added round trip | before: postings/s | of direct | of proxied at 0 ms | round trips per posting"
        " | after: postings/s | of direct | of proxied at 0 ms | round trips per posting |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for latency in (None, *LATENCIES_MS):
        label = "direct (no proxy)" if latency is None else f"{latency} ms"
        cells = [label]
        for name in versions:
            result, direct, proxied = results[name, latency], results[name, None], results[name, 0]
            trips = f"{result['trips']:.2f}" if result["trips"] is not None else "–"
            share = f"{result['rate'] / proxied['rate']:.2f}×" if latency is not None else "–"
            cells += [f"{result['rate']:.1f}", f"{result['rate'] / direct['rate']:.2f}×", share, trips]
        rows.append("| " + " | ".join(cells) + " |")
    body = (
        "## A database that is not on localhost: the crawl's speed with added round-trip time\n\n"
        f"`python -m bench.database_latency --postings {args.postings} --before {args.before}`: a replica of"
        f" {args.postings} postings with 50 ms of site latency, 16 requests at a time (`-s` lifts the polite"
        " limits), PostgreSQL through a proxy that delays each answer; \"before\" is the code at"
        f" `{args.before}` (database writes on the reactor thread), \"after\" this checkout (a writer thread,"
        " batches of one round trip). \"Of direct\": postings/s against the same version's crawl"
        " without the proxy; \"of proxied at 0 ms\": against its crawl through the proxy with nothing"
        " added, which isolates the latency from the proxy's own cost (a Python process of its own, on a"
        " machine of 2 cores that also runs the crawl, the replica and PostgreSQL).\n\n" + "\n".join(rows)
    )
    print(body)
    write_section("database_latency", body)


if __name__ == "__main__":
    main()
