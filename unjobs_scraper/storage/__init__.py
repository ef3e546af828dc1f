"""Storage of postings: ``open_store`` picks the backend from the configured database."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import signals

from unjobs_scraper.config import Config, ConfigError, DatabaseTarget
from unjobs_scraper.storage.store import ListingState, Recoverable, Store

__all__ = ["ListingState", "Recoverable", "Store", "crawler_store", "open_store"]

_crawler_stores: WeakKeyDictionary = WeakKeyDictionary()


def open_store(target: DatabaseTarget) -> Store:
    """Connect and migrate; any failure is a ``ConfigError`` naming DATABASE_URL."""
    try:
        if target.backend == "postgresql":
            from unjobs_scraper.storage.postgres import PostgresDialect

            dialect = PostgresDialect(target.location)
        else:
            from unjobs_scraper.storage.sqlite import SqliteDialect

            dialect = SqliteDialect(target.location)
    except Exception as exc:
        reason = target.redact(" ".join(str(exc).split())) or type(exc).__name__
        raise ConfigError(f"DATABASE_URL: cannot open {target.display}: {reason}") from None
    store = Store(dialect)
    store.migrate()
    return store


def crawler_store(crawler) -> Store:
    """The crawl's one Store, shared by spider, middlewares and pipelines.

    Opened on first use (from ``open_spider`` or the spider's ``start``) and closed
    when the engine stops, like ``crawler.stats`` is one object per crawl.
    """
    store = _crawler_stores.get(crawler)
    if store is None:
        store = _crawler_stores[crawler] = open_store(
            Config.from_settings(crawler.settings).database
        )
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    return store
