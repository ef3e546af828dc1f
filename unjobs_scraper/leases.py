"""The crawler's own lease on the postings it processes: a heartbeat in ``crawl_workers``.

Each posting marked ``processing`` names the worker holding it. While that worker renews its
entry, nobody else takes the posting; once it stops renewing (or, on the same host, its process
is gone), recovery takes the posting back at once instead of after ``PROCESSING_LEASE``, which
stays the bound for postings whose worker is unknown.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

from unjobs_scraper.storage import crawler_store

logger = logging.getLogger(__name__)

RENEW_SECONDS = 5.0
"""How often a worker renews its entry; ``store.WORKER_DEAD_AFTER_SECONDS`` is several of these."""


class WorkerLease:
    """Registers the crawler in ``crawl_workers`` when the spider opens, renews it, and removes it
    once the engine has stopped (after the spider gave back what it did not finish)."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = None
        self._renewal = create_looping_call(self._renew)

    @classmethod
    def from_crawler(cls, crawler):
        lease = cls(crawler)
        crawler.signals.connect(lease.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(lease.engine_stopped, signal=signals.engine_stopped)
        return lease

    def spider_opened(self) -> None:
        self.store = crawler_store(self.crawler)
        self.store.register_worker()
        self._renewal.start(RENEW_SECONDS, now=False)

    def _renew(self) -> None:
        try:
            self.store.register_worker()
        except Exception as error:  # the database is away: the dialect waits, or the crawl stops
            logger.warning("Could not renew this worker's lease: %s", error)

    def engine_stopped(self) -> None:
        if self._renewal.running:
            self._renewal.stop()
        if self.store is None:
            return
        try:
            self.store.unregister_worker()
        except Exception as error:
            logger.warning("Could not remove this worker's lease (it expires by itself): %s", error)
