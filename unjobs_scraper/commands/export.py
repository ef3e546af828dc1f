"""``scrapy export``: the whole stored copy (or one lifecycle of it) as JSON Lines or CSV, or as
schema.org ``JobPosting`` JSON-LD (the open postings unless ``--lifecycle`` says), streamed, for any
table size."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import nullcontext

from unjobs_scraper.cli import StoreCommand, open_configured_store
from unjobs_scraper.jobads.schema_org import write_job_postings
from unjobs_scraper.publish import jsonable
from unjobs_scraper.storage.columns import JOB_AD_FIELDS
from unjobs_scraper.storage.schema import LIFECYCLES

EXPORT_COLUMNS = (
    "post_number", "source_url", "post_name", "organization_name", "location_country", "location_city",
    "closing_date", "grade", "contract", "theme", "apply_url", "listing_title", "listing_updated_at",
    "lifecycle", "lifecycle_changed_at", "status", "crawled_at", "post_content", "post_content_html",
    *(f"job_ad_{name}" for name in JOB_AD_FIELDS),
)
"""Every CSV and JSON Lines export has these columns, in this order: the posting, then its
structured job ad (``job_ad_grade``, ...; empty where the posting does not say)."""
FORMATS = ("jsonl", "csv", "jobposting")


def exported(row: dict) -> dict:
    """A stored row's export columns, dates and times as ISO 8601 text."""
    return jsonable({column: row.get(column) for column in EXPORT_COLUMNS})


def write_rows(rows, output, file_format: str) -> int:
    """Write rows one by one (nothing is held but the current one); returns how many."""
    count = 0
    if file_format == "jobposting":
        return write_job_postings(rows, output)
    if file_format == "csv":
        writer = csv.DictWriter(output, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for count, row in enumerate(rows, 1):
            writer.writerow(exported(row))
    else:
        for count, row in enumerate(rows, 1):
            output.write(json.dumps(exported(row), ensure_ascii=False) + "\n")
    return count


class Command(StoreCommand):
    def syntax(self) -> str:
        return "[--format jsonl|csv|jobposting] [--lifecycle open|closed|withdrawn] [-o FILE]"

    def short_desc(self) -> str:
        return (
            "Write every stored posting (or those of one lifecycle) as JSON Lines or CSV, or as schema.org"
            " JobPosting JSON-LD (the open ones unless --lifecycle says)"
        )

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--format", choices=FORMATS, default=None, help="default: from -o's suffix, else jsonl")
        parser.add_argument(
            "--lifecycle", choices=LIFECYCLES, help="only postings of this lifecycle (jobposting: default open)"
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")

    def run(self, args, opts) -> None:
        file_format = opts.format or ("csv" if (opts.output or "").endswith(".csv") else "jsonl")
        store = open_configured_store(self.settings)
        target = open(opts.output, "w", newline="", encoding="utf-8") if opts.output else nullcontext(sys.stdout)
        try:
            with target as output:
                lifecycle = opts.lifecycle or ("open" if file_format == "jobposting" else None)
                count = write_rows(store.postings.iter_all(lifecycle), output, file_format)
        finally:
            store.close()
        if opts.output:
            print(f"{count} postings written to {opts.output}", file=sys.stderr)
