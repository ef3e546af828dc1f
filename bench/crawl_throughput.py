"""Core crawl throughput: postings per second and CPU per posting, PostgreSQL vs SQLite.

Two measurements, each run for both backends in this one run:

1. Our own code in-process (parse + Markdown + the three status writes of a posting) over
   the same saved replica pages, CPU time per posting by ``time.process_time``.
2. A whole ``scrapy crawl unjobs`` of the replica in a subprocess: wall time and the
   crawler's CPU time (``RUSAGE_CHILDREN``), so Scrapy's own cost is in it too.

Run: ``python -m bench.crawl_throughput [--postings 1000]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scrapy.http import HtmlResponse

from bench.report import write_section
from tests.crawling import FAST_SETTINGS, run_crawl
from tests.databases import posting_status, temporary_postgres_schema
from tests.replica import Replica
from unjobs_scraper import parsing
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.markdown import html_to_markdown
from unjobs_scraper.storage import open_storage

BACKENDS = ("postgresql", "sqlite")


def fetch_pages(replica: Replica) -> list[tuple[HtmlResponse, HtmlResponse]]:
    """Every index page and posting page, downloaded once before anything is timed."""
    index_pages, url = [], replica.base_url
    while url:
        with urllib.request.urlopen(url, timeout=30) as answer:
            page = HtmlResponse(url=url, body=answer.read(), encoding="utf-8")
        index_pages.append(page)
        url = parsing.parse_listing_page(page).next_url
    postings = []
    for page in index_pages:
        for listing in parsing.parse_listing_page(page).listings:
            with urllib.request.urlopen(listing.source_url, timeout=30) as answer:
                postings.append(
                    (
                        listing,
                        HtmlResponse(url=listing.source_url, body=answer.read(), encoding="utf-8"),
                    )
                )
    return postings


def own_code_cpu(database_url: str, pages) -> dict[str, float]:
    """CPU milliseconds per posting for each stage of our own code."""
    store = open_storage(parse_database_url(database_url))
    spent = dict.fromkeys(("parse", "markdown", "store"), 0.0)
    try:
        for listing, response in pages:
            started = time.process_time()
            posting = parsing.parse_posting(response, listing)
            parsed = time.process_time()
            posting.post_content = html_to_markdown(posting.post_content_html, posting.source_url)
            converted = time.process_time()
            posting_status(store).discover(vars(listing))
            posting_status(store).take(posting.post_number, posting.source_url)
            posting_status(store).succeed(vars(posting))
            stored = time.process_time()
            spent["parse"] += parsed - started
            spent["markdown"] += converted - parsed
            spent["store"] += stored - converted
    finally:
        store.close()
    per_posting = {stage: 1000 * seconds / len(pages) for stage, seconds in spent.items()}
    per_posting["total"] = sum(per_posting.values())
    return per_posting


def whole_crawl(replica: Replica, database_url: str) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = run_crawl(replica.base_url, database_url, timeout=1800)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(result.log[-3000:])
    processed = result.stats.get("unjobs/postings/processed", 0)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "processed": processed,
        "per_second": processed / wall,
        "cpu_ms": 1000 * cpu / processed,
    }


@contextmanager
def fresh_database(backend: str, scratch: Path, name: str) -> Iterator[str]:
    if backend == "postgresql":
        with temporary_postgres_schema() as url:
            yield url
    else:
        yield f"sqlite:///{scratch / f'{name}.sqlite3'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1000)
    args = parser.parse_args()
    own, crawl = {}, {}
    with Replica(
        postings=args.postings, seed=1, max_pages=max(40, args.postings // 25 + 1)
    ) as replica:
        pages = fetch_pages(replica)
        with tempfile.TemporaryDirectory() as scratch:
            for backend in BACKENDS:
                with fresh_database(backend, Path(scratch), "own") as url:
                    own[backend] = own_code_cpu(url, pages)
                with fresh_database(backend, Path(scratch), "crawl") as url:
                    crawl[backend] = whole_crawl(replica, url)
    lines = [
        "## Core crawl: throughput and CPU per posting",
        "",
        f"`python -m bench.crawl_throughput --postings {args.postings}`: replica with {args.postings} postings,"
        " latency 0 ms, served from the same process as the benchmark driver; crawl settings"
        f" `{' '.join(f'-s {k}={v}' for k, v in FAST_SETTINGS.items())}`.",
        "",
        "| backend | own code CPU ms/posting (parse / Markdown / store = total) | crawl postings/s | crawler CPU ms/posting |",
        "|---|---|---|---|",
    ]
    for backend in BACKENDS:
        o, c = own[backend], crawl[backend]
        lines.append(
            f"| {backend} | {o['parse']:.2f} / {o['markdown']:.2f} / {o['store']:.2f} = **{o['total']:.2f}**"
            f" | {c['per_second']:.0f} | {c['cpu_ms']:.2f} |"
        )
    lines += [
        "",
        f"Ratios (PostgreSQL / SQLite): own-code CPU {own['postgresql']['total'] / own['sqlite']['total']:.2f}×,"
        f" crawl postings/s {crawl['postgresql']['per_second'] / crawl['sqlite']['per_second']:.2f}×.",
        "Target: under 5 ms of CPU per posting in our own code.",
    ]
    report = "\n".join(lines)
    print(report)
    write_section("crawl_throughput", report)


if __name__ == "__main__":
    main()
