"""Storage of postings: ``open_store`` picks the backend from the configured database."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from unjobs_scraper.config import ConfigError, DatabaseTarget, crawler_config
from unjobs_scraper.stats import DATABASE_UNAVAILABLE_STAT
from unjobs_scraper.storage.store import ListingState, Recoverable, Store

__all__ = ["ListingState", "Recoverable", "Store", "crawler_store", "open_store"]

_crawler_stores: WeakKeyDictionary = WeakKeyDictionary()


def open_store(target: DatabaseTarget, outage_timeout: float = 300.0) -> Store:
    """Connect and migrate; any failure is a ``ConfigError`` naming DATABASE_URL.

    ``outage_timeout``: how long a PostgreSQL server that goes away later is waited for.
    """
    try:
        if target.backend == "postgresql":
            from unjobs_scraper.storage.postgres import PostgresDialect

            dialect = PostgresDialect(target.location, outage_timeout, target.display, target.redact)
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
        config = crawler_config(crawler)
        store = _crawler_stores[crawler] = open_store(config.database, config.database_outage_timeout)
        store.dialect.on_unavailable = lambda error: database_unavailable(crawler, error)
        crawler.signals.connect(store.close, signal=signals.engine_stopped, weak=False)
    return store




def database_unavailable(crawler, error: Exception) -> None:
    """Stop the crawl: its unsaved work stays ``processing`` or ``pending`` for recovery."""
    first = crawler.stats.get_value(DATABASE_UNAVAILABLE_STAT) is None
    crawler.stats.set_value(DATABASE_UNAVAILABLE_STAT, str(error))
    if first and crawler.engine is not None and crawler.engine.running:
        deferred_from_coro(crawler.engine.close_spider_async(reason="database_unavailable"))
