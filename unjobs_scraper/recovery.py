"""What the database says should be in the queue but may not be: nothing is lost to a crash.

A killed crawler, a dead worker (scrapy-redis pops without acknowledgement) or a flushed Redis
lose queued requests, never postings: the database still has them ``pending`` or
``processing``, and index walks record how far they got (``walks``). The spider asks this
module at start and whenever it goes idle, and queues what it returns.
"""

from __future__ import annotations

from collections.abc import Iterator

from unjobs_scraper.config import Config
from unjobs_scraper.stats import RECOVERED_STAT
from unjobs_scraper.status import PostingStatus
from unjobs_scraper.storage import Recoverable, Storage


def _recoverable(storage: Storage, processing_lease: float) -> list[Recoverable]:
    return storage.postings.recoverable(processing_lease, storage.workers.live())


class Recovery:
    """Recovers each state once per crawl, so what cannot progress cannot keep a crawl open."""

    def __init__(self, database, status: PostingStatus, config: Config, stats) -> None:
        self.database = database
        self.status = status
        self.config = config
        self.stats = stats
        self._recovered: set[Recoverable] = set()

    def postings(self) -> Iterator[Recoverable]:
        """Pending postings that are due, and processing ones whose lease ran out.

        One that already started every attempt it had is given up instead.
        """
        lease = self.config.processing_lease
        for row in self.database.read_now(lambda s: _recoverable(s, lease)):
            if row in self._recovered:
                continue
            self._recovered.add(row)
            if row.processing_attempts > self.config.retry_times:
                error = f"interrupted: {row.processing_attempts} attempts started, none finished"
                self.status.give_up(row.post_number, row.source_url, error)
                continue
            self.stats.inc_value(RECOVERED_STAT + row.status)
            yield row

    def forget(self) -> None:
        """The queue was lost (Redis came back empty): what was recovered into it is owed again."""
        self._recovered.clear()
