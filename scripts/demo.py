"""``make demo``: crawl a local replica of unjobs.org offline and show what was stored."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.crawling import PROJECT_ROOT, run_crawl
from tests.replica import Replica
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_storage

DEMO_DATABASE = PROJECT_ROOT / "demo.sqlite3"
DEMO_POSTINGS = 120
SAMPLE_FIELDS = (
    "post_number",
    "post_name",
    "organization_name",
    "location_country",
    "location_city",
    "closing_date",
    "status",
    "processing_attempts",
)


def main() -> int:
    for leftover in PROJECT_ROOT.glob(f"{DEMO_DATABASE.name}*"):
        Path(leftover).unlink()
    database_url = f"sqlite:///{DEMO_DATABASE}"
    with Replica(postings=DEMO_POSTINGS, seed=1) as replica:
        print(
            f"Crawling the replica at {replica.base_url} ({DEMO_POSTINGS} postings) into {DEMO_DATABASE.name}"
        )
        result = run_crawl(replica.base_url, database_url)
    if result.returncode != 0:
        print(result.log[-3000:], file=sys.stderr)
        return result.returncode
    store = open_storage(parse_database_url(database_url))
    try:
        counts = store.postings.count_by_status()
        sample = store.postings.all()[0]
    finally:
        store.close()
    print(
        "Postings per status: " + ", ".join(f"{status} {count}" for status, count in counts.items())
    )
    print("A sample row:")
    for field in SAMPLE_FIELDS:
        print(f"  {field:20} {sample[field]}")
    print(f"  {'post_content':20} {sample['post_content'][:160]!r}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
