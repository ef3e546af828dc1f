"""``scrapy dashboard``: the monitoring dashboard, the query API (``/api/v1/``) and the Atom feeds
(``/feeds/``) over the configured database, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging

from scrapy.exceptions import UsageError

from unjobs_scraper.cli import StoreCommand, configuration, one_line_errors
from unjobs_scraper.config import ConfigError
from unjobs_scraper.storage import open_storage

DASHBOARD_HOST = "127.0.0.1"
DASHBOARD_PORT = 8050


class Command(StoreCommand):
    def syntax(self) -> str:
        return "[--port PORT] [--host HOST] [--read-only]"

    def short_desc(self) -> str:
        return "Serve the dashboard, the query API (/api/v1/) and the Atom feeds (/feeds/)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=DASHBOARD_PORT, help="port (0: any free one)")
        parser.add_argument(
            "--host", default=DASHBOARD_HOST,
            help="address to listen on; off loopback, API_TOKEN must be set and requeueing asks for the token printed at start",
        )
        parser.add_argument(
            "--read-only", action="store_true",
            help="a database role that may only read: no migration at start, no requeueing",
        )
        parser.add_argument("--quiet", action="store_true", help="do not log each request")

    def run(self, args, opts) -> None:
        # The web stack is imported here, by the one command that serves it: commands/__init__.py.
        from unjobs_scraper.dashboard.database import Database
        from unjobs_scraper.web.feeds import site_host
        from unjobs_scraper.web.security import is_loopback
        from unjobs_scraper.web.server import WebServer

        if args:
            raise UsageError(f"unexpected arguments: {' '.join(args)}")
        config = configuration(self.settings)
        target = config.database
        with one_line_errors():
            if not is_loopback(opts.host) and not config.api_token:
                raise ConfigError(f"API_TOKEN must be set to serve the API beyond loopback ({opts.host})")
            # Opening the store once here checks DATABASE_URL (one line if wrong) and its schema.
            open_storage(target, migrate=not opts.read_only).close()
        logging.basicConfig(level=logging.WARNING if opts.quiet else logging.INFO, format="%(asctime)s %(message)s")
        database = Database(target, migrate=not opts.read_only)
        try:
            server = WebServer(database, opts.host, opts.port, config.api_token, site_host(config.base_url),
                               read_only=opts.read_only, access_log=not opts.quiet)
        except OSError as error:
            database.close()
            raise UsageError(f"cannot listen on {opts.host}:{opts.port}: {error.strerror}") from None
        print(f"Dashboard of {target.display} at {server.url} (API at {server.url}api/v1/, feeds at {server.url}feeds/)",
              flush=True)
        if not server.loopback:
            print(f"Listening beyond loopback: requeueing asks for this token: {server.token}", flush=True)
        try:
            server.serve_forever()
        finally:
            server.socket.close()
            database.close()
