"""Searching the stored postings: the query API's pages, facets and postings (``docs/api.md``).

A search reads ``posting_facts``, one narrow row per posting read at least once (its lifecycle,
sort keys, organization, city and the job ad's fields), kept by triggers (migration 8): it reads
no description and joins nothing until its page is chosen. Pages are keyset pages along
``(lifecycle, key, post_number)`` indexes, so a page costs the same however deep it is, and rows
inserted meanwhile never shift the ones after the cursor.

Full text is the database's own: PostgreSQL's ``posting_search`` tsvectors (GIN index,
``websearch_to_tsquery`` with the accent-folding ``unjobs_search`` configuration), SQLite's FTS5
table of the same name. Every value reaches SQL as a parameter.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from unjobs_scraper.jobads.requirements import EDUCATION_LEVELS
from unjobs_scraper.search.fulltext import fts5_query
from unjobs_scraper.search.query import PostingFilters, PostingQuery, decode_cursor, encode_cursor
from unjobs_scraper.storage.columns import JOB_AD_FIELDS
from unjobs_scraper.storage.repository import TABLE, Repository
from unjobs_scraper.storage.schema import NO_DEADLINE

PUBLISHED_COLUMNS = (
    "post_number", "source_url", "post_name", "listing_title", "organization_name", "location_country",
    "location_city", "closing_date", "grade", "contract", "theme", "apply_url", "lifecycle",
    "listing_updated_at", "crawled_at",
)
"""A posting's stored fields that the API, the feeds and the webhooks publish, under their names."""
SORT_KEYS = {"deadline": "f.deadline", "-updated": "f.updated"}
"""Each sort's key (with the post number after it); ``relevance``'s is the text rank. ``updated``
is the site's update time ("Updated:" on its listing), else when the posting was first stored."""
DESCENDING = {"deadline": False, "-updated": True, "relevance": True}
FACETS = {
    "grade_category": "grade_category", "grade": "grade", "country": "country_code",
    "organization": "organization_name", "contract_type": "contract_type",
}
"""The facets counted per value (``GET /api/v1/facets``), and required languages besides."""
FACET_VALUES = 50
FEW_MATCHES = 1000
"""Full-text matches few enough to be named by id (``SearchRepository._matched``)."""
WITH_POSTINGS = f"JOIN {TABLE} p ON p.post_number = f.post_number LEFT JOIN job_ads j ON j.post_number = f.post_number"
"""Facts ``f`` joined with their postings ``p`` and job ads ``j``, for what is published of them."""


TSQUERY = "websearch_to_tsquery('unjobs_search', %(q)s)"
"""PostgreSQL's reading of ``q``: web-search syntax, accents folded (migration 8's configuration)."""


def fulltext(dialect_name: str, q: str) -> tuple[str, str, dict[str, Any]]:
    """Full text ``q``: the column of ``posting_search`` that is the posting's ``id``, the condition
    on it, and its parameter. A ``q`` that asks for no word (only exclusions) matches nothing, on
    both backends (FTS5 has no "everything but")."""
    match = fts5_query(q)
    if dialect_name == "postgresql":
        condition = f"posting_search.document @@ {TSQUERY}"
        return "id", condition if match else "1 = 0", {"q": q}
    return "rowid", "posting_search MATCH %(q)s" if match else "1 = 0", {"q": match}


def language_pattern(code: str, required: bool = True) -> str:
    """``LIKE`` pattern for a job ad's ``languages`` JSON (written with sorted keys:
    ``{"en": "required", "fr": "desirable"}``) that names ``code`` (``required``: as required)."""
    need = '"required"' if required else ""
    return f'%"{code}": {need}%'


@cache
def _required(languages: str | None) -> tuple[str, ...]:
    """The languages a job ad's ``languages`` JSON requires (parsed once per distinct value)."""
    return tuple(code for code, need in json.loads(languages).items() if need == "required") if languages else ()


@dataclass(frozen=True)
class SearchPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def _job_ad(row: dict[str, Any], sources: bool = False) -> dict[str, Any] | None:
    """The ``job_ad_*`` columns of a row as the job ad (None when there is none)."""
    if row.pop("job_ad_post_number", None) is None:
        for name in list(row):
            if name.startswith("job_ad_"):
                del row[name]
        return None
    job_ad = {}
    for name in list(row):
        if name.startswith("job_ad_"):
            field = name.removeprefix("job_ad_")
            value = row.pop(name)
            if field == "languages" and value:
                value = json.loads(value)
            if sources or not field.endswith("_source"):
                job_ad[field] = value
    return job_ad


class SearchRepository(Repository):
    def _conditions(self, filters: PostingFilters, ranked: bool = False) -> tuple[str, list[str], dict[str, Any]]:
        """The full-text join when ``ranked``, and the conditions on ``posting_facts f``, with their parameters."""
        conditions: list[str] = []
        params: dict[str, Any] = {}

        def equal(column: str, name: str, value: Any) -> None:
            conditions.append(f"f.{column} = %({name})s")
            params[name] = value

        if filters.lifecycle != "any":
            equal("lifecycle", "lifecycle", filters.lifecycle)
        if filters.organization:
            equal("organization_name", "organization", filters.organization)
        if filters.country:
            equal("country_code", "country", filters.country)
        if filters.city:  # folded the way the facts' trigger folds it, on either backend
            conditions.append("f.city = LOWER(%(city)s)")
            params["city"] = filters.city
        for name in ("grade", "grade_category"):
            if values := getattr(filters, name):
                condition, keyed = self.where_in(f"f.{name}", list(values), key=name)
                conditions.append(condition)
                params.update(keyed)
        if filters.contract_type:
            equal("contract_type", "contract_type", filters.contract_type)
        if filters.home_based is not None:
            equal("home_based", "home_based", filters.home_based)
        if filters.language:
            conditions.append("f.languages LIKE %(language)s")
            params["language"] = language_pattern(filters.language, filters.required_languages)
        if filters.max_years is not None:
            conditions.append("(f.min_years_experience IS NULL OR f.min_years_experience <= %(max_years)s)")
            params["max_years"] = filters.max_years
        if filters.education:
            accepted = EDUCATION_LEVELS[: EDUCATION_LEVELS.index(filters.education) + 1]
            condition, keyed = self.where_in("f.education_level", list(accepted), key="education")
            conditions.append(f"(f.education_level IS NULL OR {condition})")
            params.update(keyed)
        if filters.deadline_after:
            conditions.append("f.deadline >= %(deadline_after)s AND f.deadline < %(no_deadline)s")
            params.update(deadline_after=filters.deadline_after, no_deadline=NO_DEADLINE)
        if filters.deadline_before:
            conditions.append("f.deadline <= %(deadline_before)s")
            params["deadline_before"] = filters.deadline_before
        if filters.updated_since:
            conditions.append("f.updated >= %(updated_since)s")
            params["updated_since"] = filters.updated_since
        join = ""
        if filters.q and ranked:
            key, condition, keyed = fulltext(self.dialect.name, filters.q)
            join = f" JOIN posting_search ON posting_search.{key} = f.id"
            conditions.append(condition)
            params.update(keyed)
        elif filters.q:
            condition, keyed = self.text_condition(filters.q, "f.id")
            conditions.append(condition)
            params.update(keyed)
        return join, conditions or ["1 = 1"], params

    def text_condition(self, q: str, id_column: str) -> tuple[str, dict[str, Any]]:
        """That a posting (its ``id_column``) matches full text ``q``, as the condition suits how many
        do; the query API and the dashboard's search box both search through this.

        Neither planner can tell a rare word from a common one well enough, so a bounded look
        decides: up to ``FEW_MATCHES`` matches are named by id (found by an id index); more are
        checked one by one as the page is read along its order's index, which soon finds enough
        (SQLite's "+" keeps it from driving the query by the matches instead)."""
        key, condition, keyed = fulltext(self.dialect.name, q)
        matches = self.dialect.execute(
            f"SELECT posting_search.{key} AS id FROM posting_search WHERE {condition} LIMIT {FEW_MATCHES + 1}", keyed
        )
        if len(matches) <= FEW_MATCHES:
            return self.where_in(id_column, [row["id"] for row in matches], key="match")
        probe = "+" if self.dialect.name == "sqlite" else ""
        return f"{probe}{id_column} IN (SELECT posting_search.{key} FROM posting_search WHERE {condition})", keyed

    def _rank(self) -> str:
        """Higher is more relevant: title and post number weigh most, then organization, then text.
        PostgreSQL's rank is a float4: as float8, the cursor carries it exactly."""
        if self.dialect.name == "postgresql":
            return f"ts_rank(posting_search.document, {TSQUERY})::float8"
        return "-bm25(posting_search, 10.0, 10.0, 4.0, 2.0, 2.0, 1.0)"

    def _published(self, sources: bool = False) -> str:
        quote = self.dialect.quote
        fields = [*JOB_AD_FIELDS, *(f"{name}_source" for name in JOB_AD_FIELDS if name != "grade_category")]
        job_ad = ", ".join(
            f"j.{quote(name)} AS {quote('job_ad_' + name)}"
            for name in ("post_number", *(fields if sources else JOB_AD_FIELDS))
        )
        return ", ".join(f"p.{quote(name)}" for name in PUBLISHED_COLUMNS) + ", " + job_ad

    def page(self, query: PostingQuery, with_description: bool = False) -> SearchPage:
        """One page of matching postings in the query's order, and the cursor of the next
        (``with_description``: each with its Markdown ``post_content``, for a feed)."""
        ranked = query.sort == "relevance"
        join, conditions, params = self._conditions(query, ranked)
        key = self._rank() if ranked else SORT_KEYS[query.sort]
        descending = DESCENDING[query.sort]
        if query.cursor:  # (key, post number) past the cursor's, written so the key's index bounds it
            params["after_key"], params["after_number"] = decode_cursor(query.cursor, query.sort)
            beyond, at_or_beyond = ("<", "<=") if descending else (">", ">=")
            conditions.append(
                f"{key} {at_or_beyond} %(after_key)s AND ({key} {beyond} %(after_key)s OR f.post_number {beyond} %(after_number)s)"
            )
        order = "DESC" if descending else "ASC"
        description = ", p.post_content" if with_description else ""
        # The page is chosen on the facts alone, then its postings and job ads are read.
        rows = self.dialect.execute(
            f"SELECT {self._published()}{description}, f.updated, f.sort_key FROM"
            f" (SELECT f.post_number, f.updated, {key} AS sort_key FROM posting_facts f{join} WHERE {' AND '.join(conditions)}"
            f"  ORDER BY {key} {order}, f.post_number {order} LIMIT %(limit)s) AS f"
            f" {WITH_POSTINGS} ORDER BY f.sort_key {order}, f.post_number {order}",
            {**params, "limit": query.limit + 1},
        )
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        next_cursor = encode_cursor(query.sort, rows[-1]["sort_key"], rows[-1]["post_number"]) if more else None
        items = []
        for row in rows:
            del row["sort_key"]
            row["job_ad"] = _job_ad(row)
            items.append(row)
        return SearchPage(items, next_cursor)

    def facets(self, filters: PostingFilters) -> dict[str, Any]:
        """How many matching postings have each value (the most frequent ``FACET_VALUES``), and the total.

        One pass, on both backends: the matching facts grouped by every facet at once (a few
        thousand combinations at most), each facet then summed from them."""
        join, conditions, params = self._conditions(filters)
        columns = ", ".join(f"f.{column}" for column in (*FACETS.values(), "languages"))
        combinations = self.dialect.execute(
            f"SELECT {columns}, COUNT(*) AS n FROM posting_facts f{join} WHERE {' AND '.join(conditions)} GROUP BY {columns}",
            params,
        )
        counted = {name: Counter() for name in (*FACETS, "language")}
        for row in combinations:
            for name, column in FACETS.items():
                if row[column] is not None:
                    counted[name][row[column]] += row["n"]
            for code in _required(row["languages"]):
                counted["language"][code] += row["n"]
        counts: dict[str, Any] = {"total": sum(row["n"] for row in combinations)}
        for name, counter in counted.items():
            ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUES]
            counts[name] = [{"value": value, "count": n} for value, n in ranked]
        return counts

    def posting(self, post_number: str) -> dict[str, Any] | None:
        """One stored posting, with its Markdown description and its job ad with the text each value
        was read from; None when it is not stored or was never read."""
        rows = self.dialect.execute(
            f"SELECT {self._published(sources=True)}, p.post_content FROM {TABLE} p"
            " LEFT JOIN job_ads j ON j.post_number = p.post_number"
            " WHERE p.post_number = %(post_number)s AND p.crawled_at IS NOT NULL",
            {"post_number": post_number},
        )
        if not rows:
            return None
        row = rows[0]
        row["job_ad"] = _job_ad(row, sources=True)
        return row

    def matching_numbers(self, filters: PostingFilters) -> list[str]:
        """Every posting that matches now, by post number (what a new saved search knows already)."""
        join, conditions, params = self._conditions(filters)
        rows = self.dialect.execute(
            f"SELECT f.post_number FROM posting_facts f{join} WHERE {' AND '.join(conditions)}", params
        )
        return [row["post_number"] for row in rows]

    def matching(self, filters: PostingFilters, changed_since) -> list[dict[str, Any]]:
        """The postings stored (read again) since ``changed_since`` that match: a saved search's news."""
        _, conditions, params = self._conditions(filters)
        rows = self.dialect.execute(
            f"SELECT {self._published()}, f.updated FROM posting_facts f {WITH_POSTINGS} WHERE {' AND '.join(conditions)}"
            " AND p.crawled_at >= %(changed_since)s ORDER BY f.post_number",
            {**params, "changed_since": changed_since},
        )
        for row in rows:
            row["job_ad"] = _job_ad(row)
        return rows
