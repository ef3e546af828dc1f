"""Cloudflare: the browser only where it is needed (``auto``) against a browser for every page (``always``).

Whole ``scrapy crawl unjobs`` runs in this one run, each on a fresh replica and a fresh SQLite
file, on two replicas behind the ``js`` challenge: today's (HTTP, clearance bound to the
User-Agent) and the HTTPS one whose clearance is bound to the User-Agent and the TLS fingerprint,
with the strict challenge (automation refused). On each: ``auto`` (the default: there the
impersonated client, or plain requests over HTTP), ``auto`` with the impersonated client off (so
the TLS-bound replica is crawled by in-page fetches), and ``always``; plus ``auto`` on a replica
without a challenge, which never starts a browser: the plain-HTTP ceiling. For each, postings per
second (postings stored / wall time of the crawl process, start-up included) and peak and mean
memory of every process below this one (the crawler, Playwright's driver, Chromium and its
renderers), sampled from /proc every 100 ms: summed PSS (shared pages divided among the processes
sharing them, so the sum is the tree's real footprint) and summed RSS (shared pages counted in
every process, which inflates Chromium's many processes).

Run: ``python -m bench.cloudflare [--postings 300 1000] [--latency-ms 50]`` (``make bench``).
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

UA_BOUND = {"challenge": "js"}
TLS_BOUND = {"challenge": "js", "https": True, "bind_tls": True, "strict": True}
HTTPS_SETTINGS = {"BROWSER_IGNORE_HTTPS_ERRORS": "1"}
VARIANTS = (  # (name, replica, settings); the first of each replica is the one the others compare to
    ("TLS-bound: always", TLS_BOUND, {**HTTPS_SETTINGS, "PLAYWRIGHT_RENDER": "always"}),
    ("TLS-bound: auto (impersonated)", TLS_BOUND, {**HTTPS_SETTINGS, "PLAYWRIGHT_RENDER": "auto"}),
    ("TLS-bound: auto, in-browser fetch", TLS_BOUND, {**HTTPS_SETTINGS, "CLOUDFLARE_IMPERSONATE": "off"}),
    ("UA-bound: always", UA_BOUND, {"PLAYWRIGHT_RENDER": "always"}),
    ("UA-bound: auto (plain)", UA_BOUND, {"PLAYWRIGHT_RENDER": "auto"}),
    ("no challenge: plain HTTP", {"challenge": "none"}, {"PLAYWRIGHT_RENDER": "auto"}),
    ("no challenge: plain HTTPS", {"challenge": "none", "https": True}, {"PLAYWRIGHT_RENDER": "auto"}),
)
MIB = 1024 * 1024


def tree_memory() -> tuple[int, int]:
    """(summed PSS, summed RSS) of the processes below this one."""
    tree = descendants(os.getpid())
    return sum(proportional_set_size(process.pid) for process in tree), sum(process.rss for process in tree)


def measure(postings: int, latency_ms: int, replica_options: dict, settings: dict, database: Path) -> dict:
    with Replica(postings=postings, seed=1, latency_ms=latency_ms, **replica_options) as replica:
        with sampled(tree_memory) as samples:
            started = time.perf_counter()
            result = run_crawl(replica.base_url, f"sqlite:///{database}", settings, timeout=1800)
            wall = time.perf_counter() - started
        served = replica.stats().get("challenge", {})
    processed = result.stats.get("unjobs/postings/processed", 0)
    if result.returncode != 0 or processed != postings:
        raise SystemExit(f"{settings} on {replica_options}: {processed} of {postings} stored\n{result.log[-3000:]}")
    strategy = next((v for k, v in result.stats.items() if k.startswith("cloudflare/strategy/")), "plain")
    return {
        "wall": wall,
        "per_second": processed / wall,
        "peak_pss_mib": max(pss for pss, _ in samples) / MIB,
        "mean_pss_mib": sum(pss for pss, _ in samples) / len(samples) / MIB,
        "peak_rss_mib": max(rss for _, rss in samples) / MIB,
        "browsers": result.stats.get("playwright/browser_count", 0),
        "solves": result.stats.get("cloudflare/solves", 0),
        "challenges": sum(served.get("challenges", {}).values()),
        "strategy": strategy if settings.get("PLAYWRIGHT_RENDER") != "always" else "rendered",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    crawl_settings = {**FAST_SETTINGS, "DATABASE_URL": "sqlite:///<fresh file>"}
    lines = [
        "## Cloudflare: the browser only where it is needed",
        "",
        f"`python -m bench.cloudflare --postings {' '.join(map(str, args.postings))} --latency-ms"
        f" {args.latency_ms}`: replicas served from the benchmark's process with {args.latency_ms} ms latency"
        " per request and the `js` challenge (an interstitial that sets `cf_clearance` after 1 s, clearance TTL"
        " 1800 s). *UA-bound*: today's replica, HTTP, clearance bound to the User-Agent and address."
        " *TLS-bound*: HTTPS (self-signed), clearance bound to the User-Agent, address and TLS fingerprint of"
        " the ClientHello, strict challenge (fails a browser that announces automation)."
        f" Crawl settings `{' '.join(f'-s {k}={v}' for k, v in crawl_settings.items())}`"
        " (`-s BROWSER_IGNORE_HTTPS_ERRORS=1` on HTTPS) and the project's"
        f" defaults: `CLOUDFLARE_CHALLENGE_TIMEOUT={defaults.CLOUDFLARE_CHALLENGE_TIMEOUT:g}`,"
        f" `BROWSER_FETCH_CONCURRENCY={defaults.BROWSER_FETCH_CONCURRENCY}`,"
        f" `PLAYWRIGHT_MAX_CONTEXTS={project_settings.PLAYWRIGHT_MAX_CONTEXTS}`,"
        f" `PLAYWRIGHT_MAX_PAGES_PER_CONTEXT={project_settings.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT}`,"
        " images, fonts and media aborted, Chromium found as `make browser` finds it.",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for postings in args.postings:
            results = {
                name: measure(postings, args.latency_ms, replica, settings, Path(scratch) / f"{postings}-{n}.db")
                for n, (name, replica, settings) in enumerate(VARIANTS)
            }
            lines += [
                "",
                f"### {postings} postings",
                "",
                "| variant | strategy | wall s | postings/s | × always (same replica) | peak PSS MiB | mean PSS MiB"
                " | peak RSS MiB | browsers launched | solves | challenges served |",
                "|---|---|---|---|---|---|---|---|---|---|---|",
            ]
            baseline = None
            for name, replica, _ in VARIANTS:
                r = results[name]
                if name.endswith(": always"):
                    baseline = r
                ratio = f"{r['per_second'] / baseline['per_second']:.1f}×" if replica.get("challenge") != "none" else "–"
                lines.append(
                    f"| {name} | {r['strategy']} | {r['wall']:.1f} | {r['per_second']:.1f} | {ratio}"
                    f" | {r['peak_pss_mib']:.0f} | {r['mean_pss_mib']:.0f} | {r['peak_rss_mib']:.0f}"
                    f" | {r['browsers']} | {r['solves']} | {r['challenges']} |"
                )
    lines += [
        "",
        "Ratios are measured side by side in this one run, against `always` on the same replica (targets: at"
        " least 8× on the TLS-bound replica; about 14× at 1,000 postings on the UA-bound one). A solve needs"
        " the same Chromium and Playwright driver as `always`, so `auto`'s peak memory is its solve; `auto`"
        " closes the browser once the hand-off is confirmed (impersonated or plain), which its mean shows; the"
        " in-browser fetch keeps one page open for the whole crawl.",
    ]
    report = "\n".join(lines)
    print(report)
    write_section("cloudflare", report)


if __name__ == "__main__":
    main()
