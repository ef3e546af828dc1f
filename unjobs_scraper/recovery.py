"""What the database says should be in the queue but may not be: nothing is lost to a crash.

A killed crawler, a dead worker (scrapy-redis pops without acknowledgement) or a flushed Redis
lose queued requests, never postings: the database still has them ``pending`` or
``processing``, and index walks record how far they got. The spider asks this module at start
and whenever it goes idle, and queues what it returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from unjobs_scraper.config import Config
from unjobs_scraper.stats import RECOVERED_STAT
from unjobs_scraper.storage import Recoverable, Store

WALK_COMPLETE = "complete"
WALK_STATE_PREFIX = "index_walk:"
_PAGE_REACHED = re.compile(r"running: page (\d+)")


def walk_state_name(walk: str) -> str:
    """``crawl_state`` name of the walk of one listing (named by its first page)."""
    return WALK_STATE_PREFIX + walk


class Recovery:
    """Recovers each state once per crawl, so what cannot progress cannot keep a crawl open."""

    def __init__(self, store: Store, config: Config, stats) -> None:
        self.store = store
        self.config = config
        self.stats = stats
        self._recovered: set[Recoverable] = set()
        self._walks_recovered: set[str] = set()

    def postings(self) -> Iterator[Recoverable]:
        """Pending postings that are due, and processing ones whose lease ran out.

        One that already started every attempt it had is marked ``failed`` instead.
        """
        for row in self.store.recoverable(self.config.processing_lease):
            if row in self._recovered:
                continue
            self._recovered.add(row)
            if row.processing_attempts > self.config.retry_times:
                error = f"interrupted: {row.processing_attempts} attempts started, none finished"
                self.store.record_failure(row.post_number, row.source_url, "failed", error)
                continue
            self.stats.inc_value(RECOVERED_STAT + row.status)
            yield row

    def forget(self) -> None:
        """The queue was lost (Redis came back empty): what was recovered into it is owed again."""
        self._recovered.clear()
        self._walks_recovered.clear()

    def unfinished_walks(self) -> list[tuple[str, int]]:
        """Walks that did not reach their end: each listing's URL and the page to go on from (the
        one after the last page read, whose request a lost queue took with it)."""
        return [
            (name.removeprefix(WALK_STATE_PREFIX), int(reached[1]) + 1 if reached else 1)
            for name, state in self.store.states(WALK_STATE_PREFIX).items()
            if state.value != WALK_COMPLETE
            for reached in [_PAGE_REACHED.fullmatch(state.value)]
        ]

    def walk_was_complete(self, walk: str) -> bool:
        """Did the last walk of this listing reach its end? If not, walk every page this time."""
        state = self.store.get_state(walk_state_name(walk))
        return state is not None and state.value == WALK_COMPLETE

    def walk_reached(self, walk: str, page_number: int) -> None:
        self.store.set_state(walk_state_name(walk), f"running: page {page_number}")

    def walk_completed(self, walk: str) -> None:
        self.store.set_state(walk_state_name(walk), WALK_COMPLETE)

    def stale_walk(self, walk: str) -> bool:
        """Unfinished, and no page of it parsed for a lease: its next page request was lost."""
        state = self.store.get_state(walk_state_name(walk))
        if walk in self._walks_recovered or state is None or state.value == WALK_COMPLETE:
            return False
        if (datetime.now(UTC) - state.updated_at).total_seconds() <= self.config.processing_lease:
            return False
        self._walks_recovered.add(walk)
        self.stats.inc_value(RECOVERED_STAT + "walks")
        return True
