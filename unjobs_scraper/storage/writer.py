"""The crawl's database work, off the reactor: one thread owns the connection.

Writes are queued and return at once; the thread runs what is queued together in one
transaction (PostgreSQL's pipeline mode: one round trip for the lot), waiting
``BATCH_WAIT_SECONDS`` for a write's neighbours. Reads are queued behind the writes before
them, so they see those writes. A slow or lost database therefore pauses saving, not
downloading; producers wait (``room``) once ``DATABASE_WRITE_QUEUE`` writes are queued.
Past ``DATABASE_OUTAGE_TIMEOUT`` the database is *unavailable*: what is queued is dropped
(its postings stay ``processing`` or ``pending`` for recovery) and the crawl stops.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from typing import Any, NamedTuple, TypeVar
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from unjobs_scraper.config import crawler_config
from unjobs_scraper.stats import DATABASE_UNAVAILABLE_STAT, DATABASE_WRITE_ERRORS_STAT
from unjobs_scraper.storage import Storage, open_storage
from unjobs_scraper.storage.postgres import DatabaseUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Storage], Any]
BATCH_WAIT_SECONDS = 0.01
BATCH_MAX = 500


class _Job(NamedTuple):
    work: Work
    what: str
    reply: Callable[[bool, Any], None] | None
    """None for a write; for a read, called with (ok, result or exception)."""


def _settle(future: asyncio.Future, ok: bool, value: Any) -> None:
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class InlineWriter:
    """The same interface, run at once on the caller's thread: commands and component tests."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.unavailable: Exception | None = None

    def write(self, work: Work, what: str) -> None:
        self.storage.dialect.batch(lambda: work(self.storage))

    async def room(self) -> None:
        return None

    async def read(self, work: Callable[[Storage], T]) -> T:
        return work(self.storage)

    def read_now(self, work: Callable[[Storage], T]) -> T:
        return work(self.storage)

    async def flushed(self) -> None:
        """Until the writes queued before now are stored: for a write that another worker may act
        on at once. A database that is unavailable is the writer's to report, not the caller's."""
        with suppress(DatabaseUnavailable):
            await self.read(lambda storage: None)

    def close(self) -> None:
        self.storage.close()


class DatabaseWriter(InlineWriter):
    """``storage`` is used by the writer's thread only, from its creation to ``close``."""

    def __init__(
        self,
        storage: Storage,
        max_queued: int = 10_000,
        on_unavailable: Callable[[Exception], None] | None = None,
        on_write_error: Callable[[str, Exception], None] | None = None,
    ) -> None:
        super().__init__(storage)
        self.max_queued = max_queued
        self.on_unavailable = on_unavailable
        self.on_write_error = on_write_error
        self._jobs: deque[_Job] = deque()
        self._changed = threading.Condition()
        self._closing = False
        self._waiting_for_room: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []
        self._thread = threading.Thread(target=self._serve, name="database-writer", daemon=True)
        self._thread.start()

    # -- the reactor's side -------------------------------------------------------------------

    def write(self, work: Work, what: str) -> None:
        """Queued; ``what`` names it in a log line if it cannot be stored."""
        if self.unavailable is None:
            self._put(_Job(work, what, None))

    async def room(self) -> None:
        """Back-pressure for producers of writes: wait while ``max_queued`` are queued."""
        with self._changed:
            if len(self._jobs) < self.max_queued or self.unavailable is not None or self._closing:
                return
            loop = asyncio.get_running_loop()
            future = loop.create_future()
            self._waiting_for_room.append((loop, future))
        await future

    async def read(self, work: Callable[[Storage], T]) -> T:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._put(_Job(work, "", lambda ok, value: loop.call_soon_threadsafe(_settle, future, ok, value)))
        return await future

    def read_now(self, work: Callable[[Storage], T]) -> T:
        """Blocks the caller until done: for the moments nothing downloads (start, idle, close)."""
        answered = threading.Event()
        answer: list = []

        def reply(ok: bool, value: Any) -> None:
            answer.append((ok, value))
            answered.set()

        self._put(_Job(work, "", reply))
        answered.wait()
        ok, value = answer[0]
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Storage what is queued (unless the database is unavailable), then close the connection."""
        with self._changed:
            self._closing = True
            self._changed.notify()
        self._thread.join()
        self.storage.close()

    def _put(self, job: _Job) -> None:
        with self._changed:
            if self.unavailable is not None:
                if job.reply is not None:
                    job.reply(False, self.unavailable)
                return
            self._jobs.append(job)
            self._changed.notify()

    # -- the thread's side ----------------------------------------------------------------------

    def _serve(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._run(batch)
            except DatabaseUnavailable as error:
                self._became_unavailable(error, batch)

    def _next_batch(self) -> list[_Job] | None:
        """The read at the head of the queue, or the writes there (after waiting for neighbours)."""
        with self._changed:
            while not self._jobs and not self._closing:
                self._changed.wait()
            if not self._jobs:
                return None
            deadline = time.monotonic() + BATCH_WAIT_SECONDS
            while (
                self._jobs[-1].reply is None and len(self._jobs) < BATCH_MAX and not self._closing
                and (left := deadline - time.monotonic()) > 0
            ):
                self._changed.wait(left)
            if self._jobs[0].reply is not None:
                batch = [self._jobs.popleft()]
            else:
                batch = []
                while self._jobs and self._jobs[0].reply is None and len(batch) < BATCH_MAX:
                    batch.append(self._jobs.popleft())
            self._make_room()
            return batch

    def _run(self, batch: list[_Job]) -> None:
        head = batch[0]
        if head.reply is not None:
            try:
                value = head.work(self.storage)
            except DatabaseUnavailable:
                raise
            except Exception as error:  # noqa: BLE001 - handed to the reader
                head.reply(False, error)
            else:
                head.reply(True, value)
            return
        try:
            self.storage.dialect.batch(lambda: [job.work(self.storage) for job in batch])
        except DatabaseUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - find which write it was: each alone
            if len(batch) == 1:
                self._write_failed(head, error)
            else:
                for job in batch:
                    self._run([job])

    def _write_failed(self, job: _Job, error: Exception) -> None:
        logger.error("Could not store %s: %s", job.what, error)
        if self.on_write_error is not None:
            self.on_write_error(job.what, error)

    def _became_unavailable(self, error: DatabaseUnavailable, batch: list[_Job]) -> None:
        with self._changed:
            self.unavailable = error
            dropped = batch + list(self._jobs)
            self._jobs.clear()
            self._make_room()
        for job in dropped:
            if job.reply is not None:
                job.reply(False, error)
        logger.error("%s: %d writes not stored (their postings are recovered later)", error, sum(j.reply is None for j in dropped))
        if self.on_unavailable is not None:
            self.on_unavailable(error)

    def _make_room(self) -> None:
        """Wake the producers waiting for room (called with the lock held)."""
        if len(self._jobs) >= self.max_queued and self.unavailable is None and not self._closing:
            return
        waiting, self._waiting_for_room = self._waiting_for_room, []
        for loop, future in waiting:
            loop.call_soon_threadsafe(_settle, future, True, None)


_crawler_writers: WeakKeyDictionary = WeakKeyDictionary()


def crawler_database(crawler) -> DatabaseWriter:
    """The crawl's one ``DatabaseWriter``, shared by spider, middlewares and pipelines.

    Opened by the first component built (``from_crawler``), closed once the engine has
    stopped, like ``crawler.stats`` is one object per crawl.
    """
    writer = _crawler_writers.get(crawler)
    if writer is None:
        config = crawler_config(crawler)
        storage = open_storage(config.database, config.database_outage_timeout)
        writer = DatabaseWriter(
            storage,
            config.database_write_queue,
            on_unavailable=lambda error: _call_from_thread(database_unavailable, crawler, error),
            on_write_error=lambda what, error: _call_from_thread(crawler.stats.inc_value, DATABASE_WRITE_ERRORS_STAT),
        )
        _crawler_writers[crawler] = writer

        def engine_stopped() -> None:
            _crawler_writers.pop(crawler, None)
            writer.close()

        crawler.signals.connect(engine_stopped, signal=signals.engine_stopped, weak=False)
    return writer


def _call_from_thread(function, *args) -> None:
    from twisted.internet import reactor

    reactor.callFromThread(function, *args)


def database_unavailable(crawler, error: Exception) -> None:
    """Stop the crawl: its unsaved work stays ``processing`` or ``pending`` for recovery."""
    first = crawler.stats.get_value(DATABASE_UNAVAILABLE_STAT) is None
    crawler.stats.set_value(DATABASE_UNAVAILABLE_STAT, str(error))
    if first and crawler.engine is not None and crawler.engine.running:
        deferred_from_coro(crawler.engine.close_spider_async(reason="database_unavailable"))
