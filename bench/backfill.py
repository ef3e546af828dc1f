"""Backfill: the first crawl of a site larger than its main listing, the project's way against naive.

For each size, on a fresh replica (every listing capped at 40 pages of 25, so the main listing
shows the newest 1,000) and a fresh SQLite file, side by side in this one run:

- *project*: ``scrapy crawl unjobs`` (a first crawl backfills: organizations first, the next family
  only where a listing hits the cap, then a one-page sweep of the other listings);
- *naive*: ``scrapy crawl unjobs -a backfill=all``, every listing of every family to its end;
- *gap re-crawl*: after the project's crawl, 1,200 postings updated at once (more than the main
  listing holds), then the project's crawl again (an incremental backfill).

Reported: postings stored, index pages fetched, index pages per posting found, wall time of the
crawl process (start-up included) and postings stored per second.

Run: ``python -m bench.backfill [--postings 2500 5000] [--latency-ms 20]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from tests.crawling import FAST_SETTINGS, run_crawl
from tests.replica import Replica

UPDATED = 1200


def crawl(replica: Replica, database: Path, spider_args: dict | None = None) -> dict:
    replica.reset_stats()
    started = time.perf_counter()
    result = run_crawl(replica.base_url, f"sqlite:///{database}", spider_args=spider_args, timeout=3600)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}):\n{result.log[-3000:]}")
    served = replica.stats()["served"]
    stored = result.stats.get("unjobs/postings/processed", 0)
    return {
        "stored": stored,
        "index": served["index"],
        "postings": served["posting"],
        "per_found": served["index"] / max(1, stored),
        "wall": wall,
        "per_second": stored / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, nargs="+", default=[2500, 5000])
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    lines = [
        "## Backfill: every posting, beyond the main listing's 1,000",
        "",
        f"`python -m bench.backfill --postings {' '.join(map(str, args.postings))} --latency-ms {args.latency_ms}`:"
        f" replicas served from the benchmark's process with {args.latency_ms} ms latency per request, every listing"
        " capped at 40 pages of 25; crawl settings"
        f" `{' '.join(f'-s {k}={v}' for k, v in FAST_SETTINGS.items())}`, a fresh SQLite file per crawl.",
        "",
        "| postings on the site | crawl | stored | index pages | index pages per posting found | posting pages"
        " | wall s | postings/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.postings:
            rows = {}
            with Replica(postings=size, seed=1, latency_ms=args.latency_ms) as replica:
                rows["project (first crawl)"] = crawl(replica, Path(scratch) / f"{size}-project.db")
                replica.site.update_listings(UPDATED, anywhere=True)
                rows[f"project, gap re-crawl after {UPDATED:,} updates"] = crawl(
                    replica, Path(scratch) / f"{size}-project.db"
                )
            with Replica(postings=size, seed=1, latency_ms=args.latency_ms) as replica:
                rows["naive: every listing to its end"] = crawl(
                    replica, Path(scratch) / f"{size}-naive.db", {"backfill": "all"}
                )
            for name, r in rows.items():
                lines.append(
                    f"| {size:,} | {name} | {r['stored']:,} | {r['index']:,} | {r['per_found']:.3f} | {r['postings']:,}"
                    f" | {r['wall']:.1f} | {r['per_second']:.1f} |"
                )
            project, naive = rows["project (first crawl)"], rows["naive: every listing to its end"]
            lines.append(
                f"| {size:,} | project / naive | | **{project['index'] / naive['index']:.2f}×** | | |"
                f" **{project['wall'] / naive['wall']:.2f}×** | **{project['per_second'] / naive['per_second']:.2f}×** |"
            )
    lines += [
        "",
        "Both first crawls store every posting; the project's fetches the index pages of the organizations"
        " (no organization reaches the cap here) and about one page of every other listing, the naive one every"
        " page of every listing. The gap re-crawl downloads exactly the updated postings.",
    ]
    report = "\n".join(lines)
    print(report)
    write_section("backfill", report)


if __name__ == "__main__":
    main()
