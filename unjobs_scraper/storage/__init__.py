"""Storage: one connection object per backend (``postgres.py``, ``sqlite.py``) and one repository
per concern; ``open_storage`` picks the backend from the configured database.

The crawl runs its database work off the reactor through ``writer.DatabaseWriter``; commands and
tests use a ``Storage`` directly.
"""

from __future__ import annotations

import json
from typing import Any

from unjobs_scraper.config import ConfigError, DatabaseTarget
from unjobs_scraper.storage import schema
from unjobs_scraper.storage.crawl_state import CrawlStateRepository
from unjobs_scraper.storage.dead_letters import DeadLettersRepository
from unjobs_scraper.storage.job_ads import JobAdsRepository
from unjobs_scraper.storage.listings import ListingsRepository
from unjobs_scraper.storage.postings import ListingState, PostingsRepository, Recoverable
from unjobs_scraper.storage.repository import utc_now
from unjobs_scraper.storage.saved_searches import SavedSearchesRepository
from unjobs_scraper.storage.search import SearchRepository
from unjobs_scraper.storage.workers import Worker, WorkersRepository

__all__ = ["BACKFILL_STATE", "ListingState", "Recoverable", "Storage", "Worker", "open_storage"]

BACKFILL_STATE = "backfill"
"""``crawl_state`` entry: the last backfill as JSON (started, finished, seconds, full, reason)."""


class Storage:
    """The repositories of one database, over its one connection object (``dialect``)."""

    def __init__(self, dialect) -> None:
        self.dialect = dialect
        self.postings = PostingsRepository(dialect)
        self.listings = ListingsRepository(dialect)
        self.job_ads = JobAdsRepository(dialect)
        self.workers = WorkersRepository(dialect)
        self.state = CrawlStateRepository(dialect)
        self.dead_letters = DeadLettersRepository(dialect)
        self.search = SearchRepository(dialect)
        self.saved_searches = SavedSearchesRepository(dialect)

    def migrate(self) -> int:
        """Bring the schema to the latest version; safe to run from many workers at once."""
        types = self.dialect.column_types
        with self.dialect.migration_lock():
            self.dialect.execute(
                schema.render(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at {timestamp} NOT NULL)",
                    types,
                )
            )
            current = self.schema_version()
            for version, statements in schema.MIGRATIONS:
                if version <= current:
                    continue
                for entry in statements:  # shared, or {backend: its own statements}
                    for statement in entry.get(self.dialect.name, ()) if isinstance(entry, dict) else (entry,):
                        self.dialect.execute(schema.render(statement, types))
                self.dialect.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (%(v)s, %(now)s)",
                    {"v": version, "now": utc_now()},
                )
        return self.schema_version()

    def schema_version(self) -> int:
        return self.dialect.execute("SELECT MAX(version) AS version FROM schema_migrations")[0]["version"] or 0

    def summary(self, recent_errors: int = 10) -> dict[str, Any]:
        """What ``scrapy status`` shows: counts, the oldest pending posting, recent errors, DLQ size."""
        return {
            "counts": self.postings.count_by_status(),
            "oldest_pending": self.postings.oldest_pending(),
            "recent_errors": self.postings.recent_errors(recent_errors),
            "dead_letter": self.dead_letters.count(),
            "cloudflare_hosts": list(self.state.host_strategies().values()),
        }

    def coverage(self) -> dict[str, Any]:
        """What ``scrapy status`` reports of coverage: lifecycles, listings, the last backfill."""
        backfill = self.state.get(BACKFILL_STATE)
        return {
            "lifecycles": self.postings.count_by_lifecycle(),
            "listings": self.listings.count_by_kind(),
            "capped_listings": self.listings.capped(),
            "last_backfill": json.loads(backfill.value) if backfill else None,
        }

    def close(self) -> None:
        self.dialect.close()


QUICK_QUERIES = "-c max_parallel_workers_per_gather=0 -c statement_timeout=30000 -c TimeZone=UTC"
"""PostgreSQL settings for a web process's small queries: starting parallel workers costs them more
than it saves (bench/api.py); none outlives the 30 s a request waits for it; times in UTC whatever
the server's zone."""


def open_storage(
    target: DatabaseTarget, outage_timeout: float = 300.0, migrate: bool = True, quick_queries: bool = False
) -> Storage:
    """Connect and migrate; any failure is a ``ConfigError`` naming DATABASE_URL.

    ``outage_timeout``: how long a PostgreSQL server that goes away later is waited for.
    ``migrate`` False (a role that may only read): the schema must be the latest already.
    ``quick_queries``: the web process's sessions (``QUICK_QUERIES``).
    """
    try:
        if target.backend == "postgresql":
            from unjobs_scraper.storage.postgres import PostgresDialect

            dialect = PostgresDialect(
                target.location, outage_timeout, target.display, target.redact, QUICK_QUERIES if quick_queries else ""
            )
        else:
            from unjobs_scraper.storage.sqlite import SqliteDialect

            dialect = SqliteDialect(target.location)
    except Exception as exc:
        reason = target.redact(" ".join(str(exc).split())) or type(exc).__name__
        raise ConfigError(f"DATABASE_URL: cannot open {target.display}: {reason}") from None
    storage = Storage(dialect)
    if migrate:
        try:
            storage.migrate()
        except Exception as exc:  # a role that may not create tables, say: one line, the connection closed
            storage.close()
            reason = target.redact(" ".join(str(exc).split())) or type(exc).__name__
            raise ConfigError(f"DATABASE_URL: cannot migrate {target.display}: {reason}") from None
        return storage
    try:
        version = storage.schema_version()
    except Exception as exc:  # noqa: BLE001 - no schema at all, or not readable by this role
        version, reason = 0, target.redact(" ".join(str(exc).split()))
    else:
        reason = ""
    if version != schema.LATEST_VERSION:
        storage.close()
        raise ConfigError(
            f"DATABASE_URL: {target.display} has schema version {version}, this code needs {schema.LATEST_VERSION}:"
            f" run any command that may write (scrapy crawl, scrapy status) once to migrate it {reason}".rstrip()
        )
    return storage
