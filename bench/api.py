"""The query API with 100,000 postings on each backend: p50 and p95 milliseconds per request.

Postings are made from the replica's own ads (its titles, organizations, duty stations and
descriptions in three languages, each agency's template) and their job ads derived by the real
rules, repeated with distinct post numbers, closing dates, update times and lifecycles up to
``--rows``. They go into PostgreSQL by COPY and into SQLite in one transaction, through the
schema's own triggers (full text included), then ``ANALYZE``. Each request is made over HTTP to
the web process served in this process, ``--repeat`` times after a warm-up.

Run: ``python -m bench.api [--rows 100000] [--repeat 40]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from bench.report import write_section
from tests.databases import temporary_postgres_schema
from tests.replica.site import Site
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.jobads import derive
from unjobs_scraper.markdown import html_to_markdown
from unjobs_scraper.search.query import PostingQuery
from unjobs_scraper.storage import open_storage
from unjobs_scraper.web.server import WebServer

POSTING_COLUMNS = (
    "post_number", "source_url", "listing_title", "post_name", "organization_name", "location_country",
    "location_city", "closing_date", "grade", "contract", "post_content", "listing_updated_at", "status",
    "processing_attempts", "crawled_at", "created_at", "updated_at", "lifecycle",
)
RARE_WORD = "Zyzzogeton"
POOL = 1500
"""Distinct replica ads; the rows repeat them."""


def pool(size: int) -> list[tuple[dict, dict]]:
    """Replica ads as stored postings, each with its derived job ad."""
    site = Site(postings=size, seed=5)
    ads = []
    for number in site.post_numbers():
        spec = site.posting(number)
        row = {
            "post_number": number, "post_name": spec.title, "listing_title": f"{spec.title.upper()}, {spec.city}, {spec.country}",
            "organization_name": spec.organization, "location_country": spec.country, "location_city": spec.city,
            "closing_date": spec.closing_date, "grade": spec.grade, "contract": spec.contract,
            "post_content": html_to_markdown(spec.description_html, f"https://unjobs.org/vacancies/{number}"),
        }
        ads.append((row, derive(row)))
    return ads


def rows(n: int, ads: list[tuple[dict, dict]], seed: int = 1) -> tuple[list[tuple], list[dict]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    postings, job_ads = [], []
    for i in range(n):
        ad, job_ad = ads[i % len(ads)]
        number = str(1_750_000_000_000 + i * 7919)
        closing = (now + timedelta(days=rng.randint(-40, 90))).date()
        lifecycle = "withdrawn" if rng.random() < 0.03 else "closed" if closing < now.date() else "open"
        updated = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        title = ad["post_name"] + (f" {RARE_WORD}" if i % 40_000 == 7 else "")
        postings.append((
            number, f"https://unjobs.org/vacancies/{number}", ad["listing_title"], title, ad["organization_name"],
            ad["location_country"], ad["location_city"], closing, ad["grade"], ad["contract"], ad["post_content"],
            updated, "processed", 1, updated, updated, updated, lifecycle,
        ))
        job_ads.append({**job_ad, "post_number": number})
    return postings, job_ads


def load(url: str, postings: list[tuple], job_ads: list[dict]) -> None:
    storage = open_storage(parse_database_url(url))
    try:
        columns = list(job_ads[0])
        if storage.dialect.name == "postgresql":
            storage.close()
            with psycopg.connect(url, autocommit=True) as connection:
                with connection.cursor().copy(f"COPY raw_job_data ({', '.join(POSTING_COLUMNS)}) FROM STDIN") as copy:
                    for row in postings:
                        copy.write_row(row)
                with connection.cursor().copy(
                    f"COPY job_ads ({', '.join(columns)}, derived_at) FROM STDIN"
                ) as copy:
                    now = datetime.now(UTC)
                    for row in job_ads:
                        copy.write_row([row[c] for c in columns] + [now])
                connection.execute("VACUUM ANALYZE")
            return
        with storage.dialect.transaction():
            storage.dialect.executemany(
                f"INSERT INTO raw_job_data ({', '.join(POSTING_COLUMNS)}) VALUES ({', '.join(f'%({c})s' for c in POSTING_COLUMNS)})",
                (dict(zip(POSTING_COLUMNS, row, strict=True)) for row in postings),
            )
        storage.job_ads.save(job_ads)
        storage.dialect.execute("ANALYZE")
    finally:
        storage.close()


def requests(url: str, n: int) -> dict[str, str]:
    """What to time: each kind of request the issue names, with values the data has."""
    storage = open_storage(parse_database_url(url))
    try:  # a cursor deep in the deadline order: what a client that paged that far would send
        deep = storage.search.page(PostingQuery(limit=200))
        for _ in range(n // 3 // 200):
            deep = storage.search.page(PostingQuery(limit=200, cursor=deep.next_cursor))
    finally:
        storage.close()
    return {
        "filters: professional, English required, at most 5 years": "api/v1/postings?grade_category=professional&language=en&max_years=5",
        "filters: country, not home-based, up to a master's": "api/v1/postings?country=KEN&home_based=false&education=master",
        "filters: 2 grades, French desirable, closing in 30 days": "api/v1/postings?" + urlencode(
            [("grade", "P-3"), ("grade", "P-4"), ("language", "fr"), ("language_requirement", "any"),
             ("deadline_before", (datetime.now(UTC) + timedelta(days=30)).date().isoformat())]),
        "full text: common word": "api/v1/postings?q=experience",
        "full text: rare word": f"api/v1/postings?q={RARE_WORD.lower()}",
        "full text: common word, by relevance": "api/v1/postings?q=experience&sort=relevance",
        "filters + full text": "api/v1/postings?q=evaluation&grade_category=professional&language=fr&language_requirement=any",
        "facets: every open posting": "api/v1/facets",
        "facets: filtered": "api/v1/facets?grade_category=professional&language=en",
        "deep cursor page (past half the open postings)": f"api/v1/postings?cursor={deep.next_cursor}",
        "newest first": "api/v1/postings?sort=-updated",
        "Atom feed of a search": "feeds/postings.atom?grade_category=professional",
    }


def time_requests(url: str, paths: dict[str, str], repeat: int) -> dict[str, tuple[float, float]]:
    database = Database(parse_database_url(url), timeout=3600)
    server = WebServer(database, "127.0.0.1", 0).start()
    timings = {}
    try:
        for name, path in paths.items():
            samples = []
            for _ in range(repeat + 1):
                started = time.perf_counter()
                with urllib.request.urlopen(server.url + path, timeout=600) as answer:
                    assert answer.status == 200
                    answer.read()
                samples.append(1000 * (time.perf_counter() - started))
            samples = sorted(samples[1:])
            timings[name] = (statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)])
    finally:
        server.stop()
        database.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    ads = pool(POOL)
    postings, job_ads = rows(args.rows, ads)
    results = {}
    with tempfile.TemporaryDirectory() as scratch, temporary_postgres_schema() as postgresql:
        for backend, url in (("postgresql", postgresql), ("sqlite", f"sqlite:///{Path(scratch) / 'api.sqlite3'}")):
            open_storage(parse_database_url(url)).close()
            started = time.perf_counter()
            load(url, postings, job_ads)
            loaded = time.perf_counter() - started
            results[backend] = (loaded, time_requests(url, requests(url, args.rows), args.repeat))
            print(backend, f"loaded in {loaded:.0f} s", results[backend][1], flush=True)
    names = list(results["postgresql"][1])
    lines = ["| request | PostgreSQL p50 | p95 | SQLite p50 | p95 |", "|---|---|---|---|---|"]
    for name in names:
        (pg50, pg95), (sq50, sq95) = results["postgresql"][1][name], results["sqlite"][1][name]
        lines.append(f"| {name} | {pg50:.1f} | {pg95:.1f} | {sq50:.1f} | {sq95:.1f} |")
    body = (
        f"## The query API at {args.rows:,} postings\n\n"
        f"`python -m bench.api --rows {args.rows} --repeat {args.repeat}`: {args.rows:,} postings made from"
        f" {POOL:,} replica ads (their job ads derived by the rules), lifecycles mixed; milliseconds per HTTP request"
        f" to the web process in this process, {args.repeat} requests each after a warm-up, 50 postings a page."
        f" Loading (through the full-text triggers): PostgreSQL {results['postgresql'][0]:.0f} s, SQLite"
        f" {results['sqlite'][0]:.0f} s.\n\n" + "\n".join(lines)
    )
    print(body)
    write_section("api", body)


if __name__ == "__main__":
    main()
