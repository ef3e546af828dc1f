"""``scrapy dashboard``: the monitoring dashboard over the configured database, until Ctrl-C."""

from __future__ import annotations

import logging

from scrapy.exceptions import UsageError

from unjobs_scraper.cli import StoreCommand, configuration, one_line_errors
from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.dashboard.server import DashboardServer
from unjobs_scraper.storage import open_storage

DASHBOARD_HOST = "127.0.0.1"
DASHBOARD_PORT = 8050


class Command(StoreCommand):
    def syntax(self) -> str:
        return "[--port PORT] [--host HOST]"

    def short_desc(self) -> str:
        return "Serve the monitoring dashboard (counts, chart, failures, dead letters, postings)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=DASHBOARD_PORT, help="port (0: any free one)")
        parser.add_argument(
            "--host", default=DASHBOARD_HOST,
            help="address to listen on; off loopback, requeueing needs the token printed at start",
        )
        parser.add_argument("--quiet", action="store_true", help="do not log each request")

    def run(self, args, opts) -> None:
        if args:
            raise UsageError(f"unexpected arguments: {' '.join(args)}")
        target = configuration(self.settings).database
        # Opening the store once here checks DATABASE_URL (one line if wrong) and migrates.
        with one_line_errors():
            open_storage(target).close()
        logging.basicConfig(level=logging.WARNING if opts.quiet else logging.INFO, format="%(asctime)s %(message)s")
        database = Database(target)
        try:
            server = DashboardServer(database, opts.host, opts.port)
        except OSError as error:
            database.close()
            raise UsageError(f"cannot listen on {opts.host}:{opts.port}: {error.strerror}") from None
        print(f"Dashboard of {target.display} at {server.url}", flush=True)
        if not server.loopback:
            print(f"Listening beyond loopback: requeueing asks for this token: {server.token}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            database.close()
