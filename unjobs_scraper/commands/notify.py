"""``scrapy notify``: the webhooks of saved searches, for what newly matches and what is due again.
It also runs at the end of every crawl (``NOTIFY_AFTER_CRAWL``), where it never waits."""

from __future__ import annotations

from scrapy.exceptions import UsageError

from unjobs_scraper.cli import StoreCommand, configuration, one_line_errors
from unjobs_scraper.search.notify import notify


class Command(StoreCommand):
    def syntax(self) -> str:
        return "[--wait SECONDS]"

    def short_desc(self) -> str:
        return "Deliver the webhooks of saved searches: new matches, and retries that are due"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--wait", type=float, default=0.0, metavar="SECONDS",
            help="also deliver retries that fall due within this many seconds (default 0)",
        )

    def run(self, args, opts) -> None:
        if args or opts.wait < 0:
            raise UsageError("expected [--wait SECONDS], SECONDS ≥ 0")
        config = configuration(self.settings)
        with one_line_errors():  # the database cannot be opened: one line naming DATABASE_URL
            result = notify(config, wait=opts.wait)
        print(f"notify: {result.line()}")
        for error in result.errors:
            print(f"  {error}")
