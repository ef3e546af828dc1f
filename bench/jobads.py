"""Structured job ads: CPU milliseconds per posting of the extraction (``jobads.derive``), beside
what parsing a posting page and converting its description to Markdown cost, on the same replica
pages in one run; and ``scrapy reparse`` postings per second over 10,000 stored rows (SQLite),
writing every job ad (a first derivation) and writing none (nothing changed).

Run: ``python -m bench.jobads [--postings 1000] [--stored 10000]``. Pages are rendered by the replica in-process
(no HTTP); CPU time by ``time.process_time``; each stage runs over every page once after a warm-up
over the first 50 (dateparser loads its language data on first use).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from scrapy.http import HtmlResponse

from bench.report import write_section
from tests.databases import posting_status
from tests.replica.pages import render_posting
from tests.replica.site import Site
from unjobs_scraper.commands.reparse import reparse
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.jobads import derive
from unjobs_scraper.markdown import html_to_markdown
from unjobs_scraper.parsing import parse_posting
from unjobs_scraper.storage import open_storage

WARM_UP = 50


def cpu_ms_per_posting(stage, inputs: list) -> tuple[float, list]:
    for item in inputs[:WARM_UP]:
        stage(item)
    started = time.process_time()
    outputs = [stage(item) for item in inputs]
    return (time.process_time() - started) * 1000 / len(inputs), outputs


def reparse_rates(rows: list[dict], stored: int) -> tuple[float, float]:
    """Postings/s of two reparses of ``stored`` rows (the parsed postings, repeated under new post
    numbers): the first writes every job ad, the second none."""
    with tempfile.TemporaryDirectory() as scratch:
        store = open_storage(parse_database_url(f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"))
        try:
            for i in range(stored):
                row = rows[i % len(rows)]
                posting_status(store).succeed({**row, "post_number": f"{1_700_000_000_000 + i}", "source_url": f"https://unjobs.org/vacancies/{i}",
                                    "post_content_html": "<p></p>"})
            rates = []
            for _ in range(2):
                started = time.perf_counter()
                reparse(store, restart=True)
                rates.append(stored / (time.perf_counter() - started))
        finally:
            store.close()
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1000)
    parser.add_argument("--stored", type=int, default=10_000)
    args = parser.parse_args()
    site = Site(postings=args.postings, seed=5)
    pages = [
        HtmlResponse(f"https://unjobs.org/vacancies/{number}", body=render_posting(site.posting(number)).encode(), encoding="utf-8")
        for number in site.post_numbers()
    ]
    parse_ms, postings = cpu_ms_per_posting(parse_posting, pages)
    markdown_ms, texts = cpu_ms_per_posting(lambda p: html_to_markdown(p.post_content_html, p.source_url), postings)
    rows = [
        {"post_number": p.post_number, "post_name": p.post_name, "grade": p.grade, "contract": p.contract,
         "location_country": p.location_country, "location_city": p.location_city, "closing_date": p.closing_date,
         "post_content": text}
        for p, text in zip(postings, texts, strict=True)
    ]
    derive_ms, _ = cpu_ms_per_posting(derive, rows)
    first, unchanged = reparse_rates(rows, args.stored)
    report = "\n".join(
        [
            "## Structured job ads: CPU per posting",
            "",
            f"`python -m bench.jobads --postings {args.postings}`: replica posting pages rendered in-process (no HTTP),"
            " CPU time (`time.process_time`) per posting of each stage over the same pages, after a warm-up of"
            f" {WARM_UP}.",
            "",
            "| stage | CPU ms per posting |",
            "|---|---|",
            f"| parse the page (`parsing.parse_posting`) | {parse_ms:.2f} |",
            f"| description to Markdown | {markdown_ms:.2f} |",
            f"| **job ad** (`jobads.derive`, every field) | **{derive_ms:.2f}** |",
            "",
            f"The job ad adds {derive_ms / (parse_ms + markdown_ms):.0%} to parsing and Markdown"
            f" ({parse_ms + markdown_ms:.2f} ms). Target: under 2 ms on top of today's.",
            "",
            f"`scrapy reparse` over {args.stored:,} stored postings (SQLite file, batches of 1,000, wall time):"
            f" **{first:,.0f} postings/s** when every job ad is written (a first derivation),"
            f" **{unchanged:,.0f} postings/s** when none changed (after a rule change, only changed rows are written).",
        ]
    )
    print(report)
    write_section("jobads", report)


if __name__ == "__main__":
    main()
