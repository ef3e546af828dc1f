"""Cloudflare: the browser only for challenges (``auto``) against a browser for every page (``always``).

Three whole ``scrapy crawl unjobs`` runs in this one run, each on a fresh replica and a fresh
SQLite file: ``always`` and ``auto`` on a replica behind the ``js`` challenge, and ``auto`` on a
replica without a challenge, which never starts a browser: the plain-HTTP ceiling. For each,
postings per second (postings stored / wall time of the crawl process, start-up included) and
peak and mean memory of every process below this one (the crawler, Playwright's driver, Chromium
and its renderers), sampled from /proc every 100 ms: summed PSS (shared pages divided among the
processes sharing them, so the sum is the tree's real footprint) and summed RSS (shared pages
counted in every process, which inflates Chromium's many processes).

Run: ``python -m bench.cloudflare [--postings 300] [--latency-ms 50]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from tests.crawling import FAST_SETTINGS, run_crawl
from tests.processes import descendants, proportional_set_size, sampled
from tests.replica import Replica
from unjobs_scraper import defaults
from unjobs_scraper import settings as project_settings

VARIANTS = (  # (name, replica challenge, settings)
    ("always", "js", {"PLAYWRIGHT_RENDER": "always"}),
    ("auto", "js", {"PLAYWRIGHT_RENDER": "auto"}),
    ("plain HTTP, no challenge", "none", {"PLAYWRIGHT_RENDER": "auto"}),
    # scrapy-playwright's own default: a page for every concurrent request.
    ("always, 16 pages", "js", {"PLAYWRIGHT_RENDER": "always", "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": "16"}),
)
MIB = 1024 * 1024


def tree_memory() -> tuple[int, int]:
    """(summed PSS, summed RSS) of the processes below this one."""
    tree = descendants(os.getpid())
    return sum(proportional_set_size(process.pid) for process in tree), sum(process.rss for process in tree)


def measure(postings: int, latency_ms: int, challenge: str, settings: dict, database: Path) -> dict:
    with Replica(postings=postings, seed=1, latency_ms=latency_ms, challenge=challenge) as replica:
        with sampled(tree_memory) as samples:
            started = time.perf_counter()
            result = run_crawl(replica.base_url, f"sqlite:///{database}", settings, timeout=1800)
            wall = time.perf_counter() - started
        served = replica.stats().get("challenge", {})
    processed = result.stats.get("unjobs/postings/processed", 0)
    if result.returncode != 0 or processed != postings:
        raise SystemExit(f"{settings} on {challenge}: {processed} of {postings} stored\n{result.log[-3000:]}")
    return {
        "wall": wall,
        "per_second": processed / wall,
        "peak_pss_mib": max(pss for pss, _ in samples) / MIB,
        "mean_pss_mib": sum(pss for pss, _ in samples) / len(samples) / MIB,
        "peak_rss_mib": max(rss for _, rss in samples) / MIB,
        "browsers": result.stats.get("playwright/browser_count", 0),
        "pages": result.stats.get("playwright/page_count", 0),
        "challenges": sum(served.get("challenges", {}).values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=300)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        results = {
            name: measure(args.postings, args.latency_ms, challenge, settings, Path(scratch) / f"{number}.db")
            for number, (name, challenge, settings) in enumerate(VARIANTS)
        }
    always, auto, ceiling, _ = results.values()
    crawl_settings = {**FAST_SETTINGS, "DATABASE_URL": "sqlite:///<fresh file>"}
    lines = [
        "## Cloudflare: the browser only where it is needed",
        "",
        f"`python -m bench.cloudflare --postings {args.postings} --latency-ms {args.latency_ms}`: replica with"
        f" {args.postings} postings, {args.latency_ms} ms latency per request, served from the benchmark's"
        " process; `js` challenge (an interstitial that sets `cf_clearance` after 1 s, clearance TTL 1800 s)."
        f" Crawl settings `{' '.join(f'-s {k}={v}' for k, v in crawl_settings.items())}` and the project's"
        f" defaults: `CLOUDFLARE_CHALLENGE_TIMEOUT={defaults.CLOUDFLARE_CHALLENGE_TIMEOUT:g}`,"
        f" `PLAYWRIGHT_MAX_CONTEXTS={project_settings.PLAYWRIGHT_MAX_CONTEXTS}`,"
        f" `PLAYWRIGHT_MAX_PAGES_PER_CONTEXT={project_settings.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT}`,"
        " images, fonts and media aborted, Chromium found as `make browser` finds it. The last row raises"
        " `PLAYWRIGHT_MAX_PAGES_PER_CONTEXT` to 16, scrapy-playwright's own default (one page per concurrent"
        " request).",
        "",
        "| variant | wall s | postings/s | peak PSS MiB (crawler + browser) | mean PSS MiB | peak RSS MiB"
        " | browsers launched | pages opened | challenges served |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, _, _ in VARIANTS:
        r = results[name]
        lines.append(
            f"| {name} | {r['wall']:.1f} | {r['per_second']:.1f} | {r['peak_pss_mib']:.0f}"
            f" | {r['mean_pss_mib']:.0f} | {r['peak_rss_mib']:.0f} | {r['browsers']} | {r['pages']}"
            f" | {r['challenges']} |"
        )
    lines += [
        "",
        f"`auto` / `always`: **{auto['per_second'] / always['per_second']:.1f}×** the postings per second at"
        f" **{auto['peak_pss_mib'] / always['peak_pss_mib']:.2f}×** the peak memory by PSS"
        f" ({auto['peak_rss_mib'] / always['peak_rss_mib']:.2f}× by summed RSS)"
        " (target: at least 5× as fast, under half the memory).",
        f"`auto` reaches **{100 * auto['per_second'] / ceiling['per_second']:.0f} %** of the plain-HTTP ceiling.",
        f"Mean memory by PSS: `auto` / `always` **{auto['mean_pss_mib'] / always['mean_pss_mib']:.2f}×**."
        " `auto`'s peak is its one solve, when the same Chromium and Playwright driver run as in `always`;"
        " pages add little on top of the browser's fixed cost, so a peak under half of `always` is out of"
        " reach while a solve needs a browser. `auto` closes the browser after each solve, which is what its"
        " mean shows.",
    ]
    report = "\n".join(lines)
    print(report)
    write_section("cloudflare", report)


if __name__ == "__main__":
    main()
