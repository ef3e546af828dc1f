"""What every repository shares: the backend's connection and the small SQL helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

TABLE = "raw_job_data"
"""The postings table."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def without_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; strip it on every backend so both store the same."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Repository:
    """One concern's statements, run on the backend's one connection object (``dialect``)."""

    def __init__(self, dialect) -> None:
        self.dialect = dialect

    def quoted(self, names: Iterable[str]) -> str:
        return ", ".join(self.dialect.quote(name) for name in names)

    @staticmethod
    def where_in(column: str, values: Sequence[Any], key: str | None = None) -> tuple[str, dict[str, Any]]:
        """``column IN (...)`` with one named parameter per value (``key0``, ``key1``…; ``key`` defaults
        to the column's name), and those parameters (no value: false)."""
        if not values:
            return "1 = 0", {}
        keys = [f"{key or column}{i}" for i in range(len(values))]
        return f"{column} IN ({', '.join(f'%({key})s' for key in keys)})", dict(zip(keys, values, strict=True))

    @staticmethod
    def params(values: Mapping[str, Any], columns: Iterable[str] | None = None) -> dict[str, Any]:
        """Statement parameters: the named values (NUL stripped) and ``now``."""
        names = columns if columns is not None else values.keys()
        params = {name: without_nul(values.get(name)) for name in names}
        params["now"] = utc_now()
        return params
