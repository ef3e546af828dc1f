"""``scrapy requeue``: send postings back to ``pending`` so the next crawl processes them."""

from __future__ import annotations

from scrapy.exceptions import UsageError

from unjobs_scraper.cli import StoreCommand, open_configured_store
from unjobs_scraper.status import PostingStatus
from unjobs_scraper.storage.schema import STATUSES
from unjobs_scraper.storage.writer import InlineWriter


class Command(StoreCommand):
    def syntax(self) -> str:
        return "[--status STATUS ...] [--post-number N ...] [--dry-run]"

    def short_desc(self) -> str:
        return "Move postings (default: every failed one) back to pending, out of the dead-letter queue"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            choices=STATUSES,
            help="requeue postings with this status (repeatable; default: failed, unless --post-number is given)",
        )
        parser.add_argument(
            "--post-number",
            action="append",
            default=[],
            metavar="N",
            help="requeue this posting (repeatable)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only list what would be requeued"
        )

    def run(self, args, opts) -> None:
        if args:
            raise UsageError(f"unexpected arguments: {' '.join(args)}")
        statuses = opts.status or ([] if opts.post_number else ["failed"])
        store = open_configured_store(self.settings)
        try:
            matched = PostingStatus(InlineWriter(store)).requeue(statuses, opts.post_number, dry_run=opts.dry_run)
        finally:
            store.close()
        verb = "would requeue" if opts.dry_run else "requeued"
        print(f"{verb} {len(matched)} postings" + (": " + " ".join(matched) if matched else ""))
