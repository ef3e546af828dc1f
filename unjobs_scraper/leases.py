"""The crawler's own lease on the postings it processes: a heartbeat in ``crawl_workers``.

Each posting marked ``processing`` names the worker holding it. While that worker renews its
entry, nobody else takes the posting; once it stops renewing (or, on the same host, its process
is gone), recovery takes the posting back at once instead of after ``PROCESSING_LEASE``, which
stays the bound for postings whose worker is unknown.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

from unjobs_scraper.status import crawler_status
from unjobs_scraper.storage import Worker

RENEW_SECONDS = 5.0
"""How often a worker renews its entry; ``workers.WORKER_DEAD_AFTER_SECONDS`` is several of these."""


class WorkerLease:
    """Registers the crawler in ``crawl_workers`` when the spider opens, renews it, and removes it
    once the spider has closed (after it gave back what it did not finish)."""

    def __init__(self, database, worker: Worker) -> None:
        self.database = database
        self.worker = worker
        self._renewal = create_looping_call(self._renew)

    @classmethod
    def from_crawler(cls, crawler):
        status = crawler_status(crawler)
        lease = cls(status.database, status.worker)
        crawler.signals.connect(lease.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(lease.spider_closed, signal=signals.spider_closed)
        return lease

    def spider_opened(self) -> None:
        self._renew()
        self._renewal.start(RENEW_SECONDS, now=False)

    def _renew(self) -> None:
        worker = self.worker
        self.database.write(lambda s: s.workers.register(worker), "this worker's lease")

    def spider_closed(self) -> None:
        if self._renewal.running:
            self._renewal.stop()
        worker = self.worker
        self.database.write(lambda s: s.workers.unregister(worker), "the end of this worker's lease")
