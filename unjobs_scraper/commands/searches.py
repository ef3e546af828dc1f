"""``scrapy searches add|list|remove``: saved searches, each a query string of the API's, with an
Atom feed (``/feeds/NAME.atom``) and, with ``--webhook``, a signed POST per posting that newly
matches (``scrapy notify``)."""

from __future__ import annotations

import re
import secrets

from scrapy.exceptions import UsageError

from unjobs_scraper.cli import StoreCommand, one_line_errors, open_configured_store
from unjobs_scraper.config import ConfigError
from unjobs_scraper.publish import http_url
from unjobs_scraper.search.notify import match_existing
from unjobs_scraper.search.query import PostingFilters, SearchError, parse

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""A search's name is part of its feed's URL: letters, digits, ``_``, ``.``, ``-``."""
SECRET_MIN_CHARS = 8
RESERVED = {"postings"}
"""Names whose feed URL is taken (``/feeds/postings.atom`` is any search's)."""


class Command(StoreCommand):
    def syntax(self) -> str:
        return "add NAME 'QUERY-STRING' [--webhook URL [--secret S]] | list | remove NAME"

    def short_desc(self) -> str:
        return "Saved searches: their feeds at /feeds/NAME.atom, their webhooks sent by scrapy notify"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--webhook", metavar="URL", help="POST each posting that newly matches here (http or https)")
        parser.add_argument("--secret", metavar="S", help="the HMAC key of X-Unjobs-Signature (default: one is made and printed)")

    def run(self, args, opts) -> None:
        action, *rest = args or ["list"]
        with one_line_errors():  # a bad name, query or webhook: one line naming it, exit code 2
            if action == "add" and len(rest) == 2:
                return self.add(*rest, opts.webhook, opts.secret)
            if action == "remove" and len(rest) == 1:
                return self.remove(rest[0])
            if action == "list" and not rest:
                return self.list()
        raise UsageError(f"expected {self.syntax()}")

    def add(self, name: str, query: str, webhook: str | None, secret: str | None) -> None:
        if not NAME.fullmatch(name) or name in RESERVED:
            raise ConfigError(f"NAME: letters, digits, '_', '.' or '-' (at most 64), not {', '.join(RESERVED)}, got {name!r}")
        try:
            filters = parse(PostingFilters, query)
        except SearchError as error:
            raise ConfigError(f"QUERY-STRING: {error}") from None
        if webhook and not http_url(webhook):
            raise ConfigError(f"--webhook must be an http(s) URL, got {webhook!r}")
        if secret is not None and not webhook:
            raise ConfigError("--secret goes with --webhook")
        if secret is not None and len(secret) < SECRET_MIN_CHARS:
            raise ConfigError(f"--secret must be at least {SECRET_MIN_CHARS} characters")
        made = webhook and secret is None
        secret = secrets.token_urlsafe(24) if made else secret
        store = open_configured_store(self.settings)
        try:
            with store.dialect.transaction():
                if not store.saved_searches.add(name, filters.query_string(), webhook, secret):
                    raise ConfigError(f"NAME: a search named {name!r} exists already (scrapy searches remove {name})")
                known = match_existing(store, name, filters) if webhook else 0
        finally:
            store.close()
        print(f"Saved search {name}: {filters.query_string() or '(every open posting)'}; feed at /feeds/{name}.atom")
        if webhook:
            print(f"Webhook {webhook}: postings that newly match ({known} match already)")
        if made:
            print(f"Its secret (X-Unjobs-Signature: sha256=HMAC of the body): {secret}")

    def remove(self, name: str) -> None:
        store = open_configured_store(self.settings)
        try:
            removed = store.saved_searches.remove(name)
        finally:
            store.close()
        if not removed:
            raise ConfigError(f"NAME: no saved search named {name!r}")
        print(f"Removed saved search {name}")

    def list(self) -> None:
        store = open_configured_store(self.settings)
        try:
            searches = store.saved_searches.all()
        finally:
            store.close()
        if not searches:
            print("No saved searches (scrapy searches add NAME 'QUERY-STRING')")
        for search in searches:
            hook = (
                f"  webhook {search['webhook_url']}: {search['delivered'] or 0} delivered, {search['pending'] or 0} pending,"
                f" {search['failed'] or 0} failed" if search["webhook_url"] else ""
            )
            print(f"{search['name']}  {search['query'] or '(every open posting)'}{hook}")
