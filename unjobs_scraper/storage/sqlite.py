"""The embedded backend: one SQLite file through the standard library."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from unjobs_scraper.storage.columns import DATE_COLUMNS, TIMESTAMP_COLUMNS

MINIMUM_SQLITE = (3, 39, 0)  # IS DISTINCT FROM
_NAMED_PARAMETER = re.compile(r"%\((\w+)\)s")
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"


def _to_sqlite(value: Any) -> Any:
    """Timestamps as fixed-width UTC text, so text order is time order."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _from_sqlite(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in TIMESTAMP_COLUMNS:
        return datetime.fromisoformat(value)
    if column in DATE_COLUMNS:
        return date.fromisoformat(value)
    return value


class SqliteDialect:
    """Runs the shared statements on SQLite, converting parameters and results."""

    name = "sqlite"
    column_types = {"identity": "INTEGER", "timestamp": "TEXT", "date": "TEXT"}

    def __init__(self, path: str) -> None:
        if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
            raise RuntimeError(
                f"SQLite {sqlite3.sqlite_version} is too old; 3.39 or newer is needed"
            )
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A crawl hands the connection to its database thread (``writer.py``): one user at a time.
        self._connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._statements: dict[str, str] = {}
        self._depth = 0

    def _translate(self, statement: str) -> str:
        translated = self._statements.get(statement)
        if translated is None:
            translated = self._statements[statement] = _NAMED_PARAMETER.sub(r":\1", statement)
        return translated

    def execute(self, statement: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        adapted = {key: _to_sqlite(value) for key, value in (params or {}).items()}
        cursor = self._connection.execute(self._translate(statement), adapted)
        if cursor.description is None:
            return []
        columns = [column[0] for column in cursor.description]
        return [
            {
                column: _from_sqlite(column, value)
                for column, value in zip(columns, row, strict=False)
            }
            for row in cursor.fetchall()
        ]

    def executemany(self, statement: str, params: Iterable[Mapping[str, Any]]) -> None:
        rows = [{key: _to_sqlite(value) for key, value in row.items()} for row in params]
        self._connection.executemany(self._translate(statement), rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """An immediate write transaction, so concurrent writers queue instead of failing; inside
        another, part of it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._connection.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0
        self._connection.execute("COMMIT")

    def batch(self, work: Callable[[], None]) -> None:
        """``work``'s writes in one transaction: one commit for the lot."""
        with self.transaction():
            work()

    @contextmanager
    def migration_lock(self) -> Iterator[None]:
        with self.transaction():
            yield

    @staticmethod
    def utc_hour(column: str) -> str:
        """SQL for a timestamp column's UTC hour as ``YYYY-MM-DDTHH`` (stored as UTC ISO text)."""
        return f"substr({column}, 1, 13)"

    @staticmethod
    def quote(identifier: str) -> str:
        return '"' + identifier.replace('"', '""') + '"'

    def close(self) -> None:
        self._connection.close()
