"""A posting's status, in one place: every way a posting moves, and why.

==============  ==========================================  ======================================
transition      when                                        what it writes
==============  ==========================================  ======================================
``discover``    new, or changed, on a listing page          ``pending``, a fresh retry budget
``take``        its download starts (each attempt)          ``processing``, one more attempt
``succeed``     parsed and stored                           ``processed``, the last error cleared
``retry_later`` an attempt failed, retries are left         ``pending`` again, not before a due time
``give_up``     retries exhausted, a page that cannot be    ``failed``: the dead-letter queue
                used, a blocked host, interrupted too often
``skip``        the site answers 404/410: it is gone        ``skipped``, lifecycle ``withdrawn``
``give_back``   a stop, or a fault of our own services      ``processing`` → ``pending``, the
                (database, Redis, browser, the site gate)   attempt not counted, nobody blamed
``withdraw``    a full backfill's listings did not show it  lifecycle ``open`` → ``withdrawn``
``requeue``     an operator asks (``scrapy requeue``)       ``pending``, a fresh retry budget
==============  ==========================================  ======================================

Two more lifecycle moves: ``listed`` (seen on a listing again: ``withdrawn`` → ``open``) and
``close_expired`` (its closing date passed: ``open`` → ``closed``). These methods are the only
writers of the status and lifecycle columns; they queue their writes on the crawl's
``DatabaseWriter`` (or run them at once on an ``InlineWriter``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

from unjobs_scraper.storage import ListingState, Storage, Worker
from unjobs_scraper.storage.schema import Lifecycle, Status
from unjobs_scraper.storage.writer import crawler_database

ERROR_MAX_CHARS = 2000
"""A ``processing_error`` is cut to this length: enough for any message, bounded for the table."""


def readable(error: str, max_chars: int = ERROR_MAX_CHARS) -> str:
    """One line, at most ``max_chars``."""
    error = " ".join(error.split())
    return error if len(error) <= max_chars else error[: max_chars - 1] + "…"


class PostingStatus:
    """The transitions, over the database they write to."""

    def __init__(self, database, worker: Worker | None = None, error_max_chars: int = ERROR_MAX_CHARS) -> None:
        self.database = database
        self.worker = worker or Worker.of_this_process()
        """Who holds the postings this process marks ``processing`` (``leases``)."""
        self.error_max_chars = error_max_chars
        self.in_flight: set[str] = set()
        """Postings this process took and has not finished: ``give_back_unfinished``."""

    def _error(self, error: str) -> str:
        return readable(error, self.error_max_chars)

    async def room(self) -> None:
        """Wait while the database's queue is full: back-pressure on what produces writes."""
        await self.database.room()

    def discover(self, listing: Mapping[str, Any]) -> None:
        self.database.write(lambda s: s.postings.write_discovered(listing), f"the listing of {listing['post_number']}")

    def take(self, post_number: str, source_url: str) -> None:
        self.in_flight.add(post_number)
        worker = self.worker.worker_id
        self.database.write(lambda s: s.postings.write_taken(post_number, source_url, worker), f"the start of {post_number}")

    def succeed(self, posting: Mapping[str, Any]) -> None:
        self.in_flight.discard(posting["post_number"])
        self.database.write(lambda s: s.postings.write_succeeded(posting), f"posting {posting['post_number']}")

    def retry_later(self, post_number: str, error: str, due_at: datetime) -> None:
        self.in_flight.discard(post_number)
        error = self._error(error)
        self.database.write(lambda s: s.postings.write_retry_due(post_number, error, due_at), f"the retry of {post_number}")

    def give_up(self, post_number: str, source_url: str, error: str) -> None:
        self._end(post_number, source_url, Status.FAILED, error)

    def skip(self, post_number: str, source_url: str, error: str) -> None:
        self._end(post_number, source_url, Status.SKIPPED, error)

    def end(self, post_number: str, source_url: str, status: str, error: str) -> None:
        """``give_up`` or ``skip``, by the status a ``PostingFailure`` names."""
        if status not in (Status.FAILED, Status.SKIPPED):
            raise ValueError(f"a posting ends failed or skipped, not {status!r}")
        self._end(post_number, source_url, Status(status), error)

    def _end(self, post_number: str, source_url: str, status: Status, error: str) -> None:
        self.in_flight.discard(post_number)
        error = self._error(error)

        def write(storage: Storage) -> None:
            storage.postings.write_ended(post_number, source_url, status, error)
            if status is Status.SKIPPED:  # the site answered 404/410: the posting is gone
                storage.postings.write_lifecycle([post_number], Lifecycle.WITHDRAWN)

        self.database.write(write, f"the end ({status}) of {post_number}")

    def give_back(self, post_numbers: Sequence[str]) -> None:
        self.in_flight.difference_update(post_numbers)
        numbers = list(post_numbers)
        self.database.write(lambda s: s.postings.write_given_back(numbers), f"giving back {', '.join(numbers)}")

    async def give_back_now(self, post_numbers: Sequence[str]) -> None:
        """``give_back``, stored before the caller goes on: for a request sent again at once. A
        worker that takes it must find it given back, never take it first and then see the give
        back land (``pending`` while downloading, so an idle worker would recover it as well)."""
        self.give_back(post_numbers)
        await self.database.flushed()

    def give_back_unfinished(self) -> int:
        """At a stop: what this process took and did not finish; returns how many."""
        numbers, self.in_flight = sorted(self.in_flight), set()
        return self.database.read_now(lambda s: s.postings.write_given_back(numbers))

    def withdraw(self, unlisted_since: datetime) -> int:
        """Open postings no listing showed since then; returns how many."""
        return self.database.read_now(lambda s: s.postings.write_unlisted_withdrawn(unlisted_since))

    def requeue(self, statuses: Sequence[str] = (), post_numbers: Sequence[str] = (), dry_run: bool = False) -> list[str]:
        """Filters combine; with neither, nothing matches. Returns the post numbers concerned."""
        return self.database.read_now(lambda s: s.postings.write_requeued(statuses, post_numbers, dry_run))

    def listed(self, post_numbers: Sequence[str]) -> None:
        """Seen on a listing page now; one withdrawn because no listing showed it is open again
        (one whose page answered 404/410 stays withdrawn)."""
        numbers = list(post_numbers)

        def write(storage: Storage) -> None:
            storage.postings.write_listed(numbers)
            storage.postings.write_lifecycle(numbers, Lifecycle.OPEN, only_from=Lifecycle.WITHDRAWN)

        if numbers:
            self.database.write(write, f"{len(numbers)} postings seen on a listing")

    def close_expired(self, today: date) -> int:
        """Open postings whose closing date has passed; returns how many (at start and stop)."""
        return self.database.read_now(lambda s: s.postings.write_expired_closed(today))

    async def known(self, post_numbers: Iterable[str]) -> dict[str, ListingState]:
        """What the database knows of these postings (after the writes queued before)."""
        numbers = list(post_numbers)
        return await self.database.read(lambda s: s.postings.listing_states(numbers))


_crawler_statuses: WeakKeyDictionary = WeakKeyDictionary()


def crawler_status(crawler) -> PostingStatus:
    """The crawl's one ``PostingStatus`` (what this process took is known to all its components)."""
    status = _crawler_statuses.get(crawler)
    if status is None:
        status = _crawler_statuses[crawler] = PostingStatus(crawler_database(crawler))
    return status
