"""The production backend: PostgreSQL through psycopg 3, one long-lived connection."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10
FIRST_RECONNECT_DELAY_SECONDS = 0.25
LONGEST_RECONNECT_DELAY_SECONDS = 5.0
_MIGRATION_LOCK_KEY = 0x756E6A6F6273  # "unjobs": one migrating worker at a time


class DatabaseUnavailable(psycopg.OperationalError):
    """The server stayed unreachable for longer than the outage timeout: a fault of ours, not a posting's."""


class PostgresDialect:
    """Runs the shared statements on PostgreSQL; when the server goes away, reconnects with backoff.

    A statement whose connection broke (a restarted server, say) is run again once a connection
    is back, for up to ``outage_timeout`` seconds; meanwhile the caller waits, which pauses the
    crawl rather than failing the posting. Past the timeout, ``DatabaseUnavailable`` (and
    ``on_unavailable``, which the crawl uses to stop), and every later statement fails at once.
    """

    name = "postgresql"
    column_types = {
        "identity": "BIGINT GENERATED ALWAYS AS IDENTITY",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",
    }

    def __init__(
        self, url: str, outage_timeout: float = 300.0, display: str = "the database", redact=lambda text: text,
        session: str = "",
    ) -> None:
        self._url = url
        self._options = " ".join(filter(None, (conninfo_to_dict(url).get("options"), session)))
        """The URL's own ``options`` and ``session``'s (``-c name=value`` settings of every connection)."""
        self.outage_timeout = outage_timeout
        self.display = display
        self._redact = redact
        self.on_unavailable: Callable[[DatabaseUnavailable], None] | None = None
        self.unavailable: DatabaseUnavailable | None = None
        self._depth = 0
        """Transactions open: inside one, a broken connection is its owner's to retry (``batch``)."""
        self._pipelined = False
        self._connection = self._connect()

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(
            self._url,
            options=self._options or None,
            autocommit=True,
            row_factory=dict_row,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="unjobs-scraper",
        )

    def _run(self, action):
        """Run ``action(connection)``; outside a transaction, a broken connection waits for the server."""
        if self.unavailable is not None:
            raise self.unavailable
        try:
            return action(self._connection)
        except psycopg.OperationalError as error:
            if not self._connection.broken or self._depth:
                raise
            return self._after_outage(action, error)

    def _after_outage(self, action, error: psycopg.OperationalError):
        started = time.monotonic()
        delay = FIRST_RECONNECT_DELAY_SECONDS
        logger.warning(
            "%s went away (%s): reconnecting for up to %g s", self.display, self._reason(error), self.outage_timeout
        )
        while True:
            try:
                self._connection = self._connect()
                answer = action(self._connection)
            except psycopg.OperationalError as again:
                error = again
                if time.monotonic() - started + delay > self.outage_timeout:
                    break
                time.sleep(delay)
                delay = min(2 * delay, LONGEST_RECONNECT_DELAY_SECONDS)
                continue
            logger.warning("%s is back after %.1f s", self.display, time.monotonic() - started)
            return answer
        self.unavailable = DatabaseUnavailable(
            f"DATABASE_URL: {self.display} unreachable for {self.outage_timeout:g} s"
            f" (DATABASE_OUTAGE_TIMEOUT): {self._reason(error)}"
        )
        if self.on_unavailable is not None:
            self.on_unavailable(self.unavailable)
        raise self.unavailable

    def execute(self, statement: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        def action(connection: psycopg.Connection) -> list[dict]:
            cursor = connection.execute(statement, params)
            if self._pipelined:
                return []  # a batch writes; what a statement answers is read outside one
            return cursor.fetchall() if cursor.description else []

        return self._run(action)

    def executemany(self, statement: str, params: Iterable[Mapping[str, Any]]) -> None:
        rows = list(params)
        self._run(lambda connection: connection.cursor().executemany(statement, rows))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction (a savepoint inside another; inside a batch, part of the batch's)."""
        if self._pipelined:
            yield
            return
        with self._connection.transaction():
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1

    def batch(self, work: Callable[[], None]) -> None:
        """``work``'s writes in one transaction, sent together in pipeline mode: one round trip for
        the lot (BEGIN, the statements and COMMIT before a single sync; ``transaction()`` inside is
        part of it). A connection that breaks is waited for and the whole batch run again."""

        def action(connection: psycopg.Connection) -> None:
            try:
                with connection.pipeline():
                    self._pipelined = True
                    self._depth += 1  # a statement's broken connection is the batch's to retry
                    try:
                        connection.execute("BEGIN")
                        work()
                        connection.execute("COMMIT")
                    finally:
                        self._pipelined = False
                        self._depth -= 1
            except psycopg.Error:
                if not connection.broken and connection.info.transaction_status != TransactionStatus.IDLE:
                    connection.execute("ROLLBACK")  # the failed statement left the batch's transaction open
                raise

        self._run(action)

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        with self.transaction():
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK_KEY,))
            yield

    @staticmethod
    def utc_hour(column: str) -> str:
        """SQL for a timestamp column's UTC hour as ``YYYY-MM-DDTHH``."""
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')"

    def quote(self, identifier: str) -> str:
        return sql.Identifier(identifier).as_string(self._connection)

    def _reason(self, error: Exception) -> str:
        return self._redact(" ".join(str(error).split())) or type(error).__name__

    def close(self) -> None:
        self._connection.close()
