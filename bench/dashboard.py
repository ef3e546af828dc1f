"""Dashboard response times with 100,000 postings, with and without the dashboard's indexes.

100,000 synthetic rows (statuses, organizations, countries, errors and crawl times spread like a
month of crawling) go into PostgreSQL by COPY, and into SQLite; each dashboard page is requested
over HTTP from a dashboard served in this process, median of several requests after a warm-up.
Then migration 3's indexes are dropped and the same pages measured again, side by side. Also
measured: the cost of those indexes on the crawl's writes (mark processing + save, per posting).

Run: ``python -m bench.dashboard [--rows 100000]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from bench.report import write_section
from tests.databases import posting_status, temporary_postgres_schema
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.storage import open_storage
from unjobs_scraper.storage.schema import MIGRATIONS, STATUSES
from unjobs_scraper.web.server import WebServer

COLUMNS = (
    "post_number", "source_url", "listing_title", "post_name", "organization_name", "location_country",
    "location_city", "closing_date", "post_content", "post_content_html", "listing_updated_at", "status",
    "processing_attempts", "processing_error", "last_processing_attempt", "crawled_at", "created_at", "updated_at",
)
STATUS_WEIGHTS = (6, 1, 85, 5, 3)  # pending, processing, processed, failed, skipped
DASHBOARD_INDEXES = [name for version, statements in MIGRATIONS if version == 3
                     for statement in statements for name in re.findall(r"CREATE INDEX (\w+)", statement)]
WORDS = ("Programme", "Officer", "Associate", "Protection", "Consultant", "Water", "Finance", "Analyst",
         "Health", "Logistics", "Coordinator", "Data", "Engineer", "Education", "Specialist", "Legal")
RARE_WORD = "Zyzzogeton"
WRITES = 1000


def synthetic_rows(n: int, seed: int = 1) -> list[tuple]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    organizations = [f"ORG{i:03d} - Organization number {i}" for i in range(250)]
    places = [(f"Country {i:03d}", f"City {i:03d}-{j}") for i in range(150) for j in range(3)]
    body = " ".join(rng.choice(WORDS).lower() for _ in range(80))
    rows = []
    for i in range(n):
        number = str(1_750_000_000_000 + i * 7919)
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        country, city = rng.choice(places)
        title = " ".join(rng.choice(WORDS) for _ in range(3)) + (f" {RARE_WORD}" if i == n // 3 else "")
        crawled = now - timedelta(minutes=rng.randint(0, 30 * 24 * 60)) if status == "processed" else None
        updated = crawled or now - timedelta(minutes=rng.randint(0, 30 * 24 * 60))
        error = f"HTTP 503 Service Unavailable from https://unjobs.org/vacancies/{number}" if status in ("failed", "skipped") else None
        rows.append((
            number, f"https://unjobs.org/vacancies/{number}", title.upper(), title, rng.choice(organizations), country,
            city, (now + timedelta(days=rng.randint(2, 45))).date(), f"## {title}\n\n{body}", f"<h2>{title}</h2><p>{body}</p>",
            updated, status, 1 if status != "pending" else 0, error, updated, crawled, updated, updated,
        ))
    return rows


def load_postgresql(url: str, rows: list[tuple]) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        with connection.cursor().copy(f"COPY raw_job_data ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        connection.execute("VACUUM ANALYZE raw_job_data")


def load_sqlite(url: str, rows: list[tuple]) -> None:
    store = open_storage(parse_database_url(url))
    try:
        with store.dialect.transaction():
            store.dialect.executemany(
                f"INSERT INTO raw_job_data ({', '.join(COLUMNS)}) VALUES ({', '.join(f'%({c})s' for c in COLUMNS)})",
                (dict(zip(COLUMNS, row, strict=False)) for row in rows),
            )
        store.dialect.execute("ANALYZE")
    finally:
        store.close()


def pages_to_time(rows: list[tuple]) -> dict[str, str]:
    middle, sample = rows[len(rows) // 2], rows[len(rows) // 5]
    return {
        "overview": "/",
        "postings, first page": "/postings",
        "postings, page deep in the table (keyset)": "/postings?" + urlencode({"after": middle[0]}),
        "filter: status failed": "/postings?status=failed",
        "filter: organization": "/postings?" + urlencode({"organization": sample[4]}),
        "filter: country + status": "/postings?" + urlencode({"country": sample[5], "status": "processed"}),
        "search: common word": "/postings?q=officer",
        "search: rare word (worst case)": "/postings?q=" + RARE_WORD.lower(),
        "search: post number": "/postings?q=" + sample[0],
        "posting page": f"/postings/{sample[0]}",
    }


def time_pages(url: str, pages: dict[str, str], repeat: int, warm_up: bool = True) -> dict[str, float]:
    """Median milliseconds per page over ``repeat`` requests, after one to warm up."""
    database = Database(parse_database_url(url), timeout=3600)  # measure slow pages, do not cut them off
    server = WebServer(database, "127.0.0.1", 0).start()
    timings = {}
    try:
        for name, path in pages.items():
            samples = []
            for _ in range(repeat + warm_up):
                started = time.perf_counter()
                with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=600) as answer:
                    answer.read()
                samples.append(1000 * (time.perf_counter() - started))
            timings[name] = statistics.median(samples[warm_up:])
    finally:
        server.stop()
        database.close()
    return timings


def write_cost(url: str, rows: list[tuple]) -> float:
    """Milliseconds per posting for the crawl's two writes of a download (processing, then saved)."""
    store = open_storage(parse_database_url(url))
    try:
        started = time.perf_counter()
        for row in rows:
            posting = dict(zip(COLUMNS, row, strict=False))
            posting_status(store).take(posting["post_number"], posting["source_url"])
            posting_status(store).succeed(posting)
        return 1000 * (time.perf_counter() - started) / len(rows)
    finally:
        store.close()


def drop_dashboard_indexes(url: str) -> None:
    store = open_storage(parse_database_url(url))
    try:
        for name in DASHBOARD_INDEXES:
            store.dialect.execute(f"DROP INDEX {name}")
        store.dialect.execute("ANALYZE")
    finally:
        store.close()


def measure(url: str, rows: list[tuple], pages: dict[str, str], repeat: int, without: bool) -> dict[str, dict]:
    """With the indexes; then, if ``without``, once more after dropping them (one cold request per
    page: each reads the whole table, the postings table's filter lists hundreds of times)."""
    results = {"with": {"pages": time_pages(url, pages, repeat), "write_ms": write_cost(url, rows[:WRITES])}}
    if without:
        drop_dashboard_indexes(url)
        results["without"] = {
            "pages": time_pages(url, pages, 1, warm_up=False), "write_ms": write_cost(url, rows[WRITES : 2 * WRITES]),
        }
    print(results, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    rows = synthetic_rows(args.rows)
    pages = pages_to_time(rows)
    results = {}
    with temporary_postgres_schema() as url:
        open_storage(parse_database_url(url)).close()
        load_postgresql(url, rows)
        results["PostgreSQL"] = measure(url, rows, pages, args.repeat, without=True)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        load_sqlite(url, rows)
        results["SQLite"] = measure(url, rows, pages, args.repeat, without=False)
    report = format_report(args, results)
    print(report)
    write_section("dashboard", report)


def format_report(args, results: dict[str, dict]) -> str:
    postgres, sqlite = results["PostgreSQL"], results["SQLite"]
    lines = [
        f"## Dashboard: response time with {args.rows:,} postings",
        "",
        f"`python -m bench.dashboard --rows {args.rows}`: synthetic rows (85% processed, 5% failed, 250"
        " organizations, 150 countries, crawl times over 30 days, ~1.5 KB of description each), loaded by"
        " COPY into PostgreSQL and in one transaction into SQLite, then `ANALYZE`. Milliseconds per page"
        f" over HTTP from a dashboard in the same process: median of {args.repeat} requests after a warm-up"
        " with the dashboard's indexes (migration 3); one cold request per page on PostgreSQL without them"
        " (every page that lists filters then reads the whole table hundreds of times, so more is not needed).",
        "",
        "| page | PostgreSQL, indexed | PostgreSQL, without migration 3 | SQLite, indexed |",
        "|---|---|---|---|",
    ]
    for page in postgres["with"]["pages"]:
        lines.append(
            f"| {page} | {postgres['with']['pages'][page]:.1f} | {postgres['without']['pages'][page]:.0f}"
            f" | {sqlite['with']['pages'][page]:.1f} |"
        )
    lines.append(
        f"| *crawl writes per posting (mark processing + save)* | {postgres['with']['write_ms']:.2f}"
        f" | {postgres['without']['write_ms']:.2f} | {sqlite['with']['write_ms']:.2f} |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
