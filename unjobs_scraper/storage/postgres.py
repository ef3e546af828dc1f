"""The production backend: PostgreSQL through psycopg 3, one long-lived connection."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

CONNECT_TIMEOUT_SECONDS = 10
_MIGRATION_LOCK_KEY = 0x756E6A6F6273  # "unjobs": one migrating worker at a time


class PostgresDialect:
    """Runs the shared statements on PostgreSQL; reconnects once if the server went away."""

    name = "postgresql"
    column_types = {
        "identity": "BIGINT GENERATED ALWAYS AS IDENTITY",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",
    }

    def __init__(self, url: str) -> None:
        self._url = url
        self._in_transaction = False
        self._connection = self._connect()

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(
            self._url,
            autocommit=True,
            row_factory=dict_row,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="unjobs-scraper",
        )

    def _run(self, action):
        """Run ``action(connection)``, reconnecting once when outside a transaction."""
        try:
            return action(self._connection)
        except psycopg.OperationalError:
            if not self._connection.broken or self._in_transaction:
                raise
            self._connection = self._connect()
            return action(self._connection)

    def execute(self, statement: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        def action(connection: psycopg.Connection) -> list[dict]:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

        return self._run(action)

    def executemany(self, statement: str, params: Iterable[Mapping[str, Any]]) -> None:
        rows = list(params)
        self._run(lambda connection: connection.cursor().executemany(statement, rows))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._connection.transaction():
            self._in_transaction = True
            try:
                yield
            finally:
                self._in_transaction = False

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        with self.transaction():
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK_KEY,))
            yield

    def quote(self, identifier: str) -> str:
        return sql.Identifier(identifier).as_string(self._connection)

    def close(self) -> None:
        self._connection.close()
