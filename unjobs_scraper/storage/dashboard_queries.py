"""What the dashboard reads (``dashboard/views.py``), each query bounded and served by an index
(migration 3).

The postings table pages by keyset on ``post_number`` (newest first), never by OFFSET, so page
500 costs what page 1 does. Counts of a filtered table stop at ``DASHBOARD_COUNT_CAP``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from unjobs_scraper.storage import Storage
from unjobs_scraper.storage.repository import TABLE
from unjobs_scraper.storage.search import SearchRepository, language_pattern

DEFAULT_LIFECYCLE, ANY_LIFECYCLE = "open", "any"
LISTED_COLUMNS = (
    "post_number, post_name, organization_name, location_country, location_city, status,"
    " processing_attempts, processing_error, updated_at"
)
FACET_COLUMNS = {"organization": "organization_name", "country": "location_country"}
JOB_AD_FACETS = {"grade_category": "grade_category", "grade": "grade"}
"""Filters on the structured job ad (``job_ads``): the table is joined only when one is set."""
YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class Filters:
    """The postings table's query string: each field narrows the rows, empty ones do not.

    ``lifecycle`` is ``open`` unless the query names one (``any``: every lifecycle) or a status:
    the overview's counts per status link to every posting of that status."""

    lifecycle: str = DEFAULT_LIFECYCLE
    status: str = ""
    organization: str = ""
    country: str = ""
    grade_category: str = ""
    grade: str = ""
    language: str = ""
    """An ISO 639-1 code: postings that require that language."""
    home_based: str = ""
    """``yes`` or ``no``."""
    q: str = ""

    @classmethod
    def from_query(cls, query: dict[str, list[str]]) -> Filters:
        values = {f.name: (query.get(f.name) or [""])[0].strip() for f in fields(cls)}
        if not values["lifecycle"]:
            values["lifecycle"] = ANY_LIFECYCLE if values["status"] else DEFAULT_LIFECYCLE
        return cls(**values)

    def where(self, search: SearchRepository | None) -> tuple[list[str], dict[str, Any]]:
        """The conditions and their parameters; ``search`` finds what ``q`` asks (the query API's
        full text), and may be None when there is no ``q``."""
        conditions, params = [], {}
        if self.lifecycle and self.lifecycle != ANY_LIFECYCLE:
            conditions.append("lifecycle = %(lifecycle)s")
            params["lifecycle"] = self.lifecycle
        for name, column in (("status", "status"), *FACET_COLUMNS.items()):
            if getattr(self, name):
                conditions.append(f"{column} = %({name})s")
                params[name] = getattr(self, name)
        for name, column in JOB_AD_FACETS.items():
            if getattr(self, name):
                conditions.append(f"job_ads.{column} = %({name})s")
                params[name] = getattr(self, name)
        if self.language:
            conditions.append("job_ads.languages LIKE %(language)s")
            params["language"] = language_pattern(self.language)
        if self.home_based in YES_NO:
            conditions.append("job_ads.home_based = %(home_based)s")
            params["home_based"] = YES_NO[self.home_based]
        if self.q:
            condition, keyed = search.text_condition(self.q, f"{TABLE}.id")
            conditions.append(condition)
            params.update(keyed)
        return conditions, params


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    newer: str | None
    """``before=`` for the previous (newer) page, None on the first page."""
    older: str | None
    """``after=`` for the next (older) page, None on the last page."""


def postings_page(store: Storage, filters: Filters, size: int, after: str = "", before: str = "") -> Page:
    """One page of matching postings, newest post number first, after or before a cursor."""
    conditions, params = filters.where(store.search)
    backwards = bool(before) and not after
    if after or before:
        conditions.append("post_number < %(cursor)s" if not backwards else "post_number > %(cursor)s")
        params["cursor"] = after or before
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = store.dialect.execute(
        f"SELECT {LISTED_COLUMNS} FROM {_source(filters)} {where}"
        f" ORDER BY post_number {'ASC' if backwards else 'DESC'} LIMIT %(limit)s",
        {**params, "limit": size + 1},
    )
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        return Page(rows, rows[0]["post_number"] if more else None, rows[-1]["post_number"] if rows else None)
    newer = rows[0]["post_number"] if rows and after else None
    return Page(rows, newer, rows[-1]["post_number"] if more else None)


def matching_count(store: Storage, filters: Filters, cap: int) -> int:
    """How many postings match, counting at most ``cap + 1`` of them (so ``> cap`` means more)."""
    conditions, params = filters.where(store.search)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = store.dialect.execute(
        f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {_source(filters)} {where} LIMIT %(cap)s) AS matching",
        {**params, "cap": cap + 1},
    )
    return rows[0]["n"]


def _source(filters: Filters) -> str:
    """The postings, joined to their job ads when a filter reads one."""
    on_job_ad = any(getattr(filters, name) for name in (*JOB_AD_FACETS, "language", "home_based"))
    return f"{TABLE} LEFT JOIN job_ads USING (post_number)" if on_job_ad else TABLE


def facet_values(store: Storage, facet: str) -> list[str]:
    """The distinct organizations, countries or grades, one index probe each (a loose index scan)."""
    table, column = ("job_ads", JOB_AD_FACETS[facet]) if facet in JOB_AD_FACETS else (TABLE, FACET_COLUMNS[facet])
    rows = store.dialect.execute(
        f"""
        WITH RECURSIVE found(value) AS (
            SELECT MIN({column}) FROM {table}
            UNION ALL
            SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value)
            FROM found WHERE found.value IS NOT NULL
        )
        SELECT value FROM found WHERE value IS NOT NULL
        """
    )
    return [row["value"] for row in rows]


def processed_per_hour(store: Storage, since: datetime) -> dict[str, int]:
    """Postings downloaded and parsed per UTC hour (``YYYY-MM-DDTHH``) since ``since``."""
    bucket = store.dialect.utc_hour("crawled_at")
    rows = store.dialect.execute(
        f"SELECT {bucket} AS hour, COUNT(*) AS n FROM {TABLE} WHERE crawled_at >= %(since)s GROUP BY {bucket}",
        {"since": since},
    )
    return {row["hour"]: row["n"] for row in rows}


def dead_letter_page(store: Storage, limit: int) -> list[dict[str, Any]]:
    """The newest failed postings of the dead-letter queue (all of them: the postings table)."""
    return store.dialect.execute(
        "SELECT * FROM dead_letter ORDER BY post_number DESC LIMIT %(limit)s", {"limit": limit}
    )
