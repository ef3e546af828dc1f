"""Searching the stored postings: the query API's pages, facets and postings (``docs/api.md``).

Full text is the database's own: PostgreSQL's ``posting_search`` tsvectors (GIN index,
``websearch_to_tsquery`` with the accent-folding ``unjobs_search`` configuration), SQLite's FTS5
table of the same name. Pages are keyset pages in the order of their sort, so a page costs the
same however deep it is, and rows inserted meanwhile never shift the ones after the cursor.
Every value reaches SQL as a parameter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from unjobs_scraper.jobads.languages import LANGUAGES
from unjobs_scraper.jobads.requirements import EDUCATION_LEVELS
from unjobs_scraper.search.fulltext import fts5_query
from unjobs_scraper.search.query import PostingFilters, PostingQuery, decode_cursor, encode_cursor
from unjobs_scraper.storage.columns import JOB_AD_FIELDS
from unjobs_scraper.storage.repository import TABLE, Repository

PUBLISHED_COLUMNS = (
    "post_number", "source_url", "post_name", "listing_title", "organization_name", "location_country",
    "location_city", "closing_date", "grade", "contract", "theme", "apply_url", "lifecycle",
    "listing_updated_at", "crawled_at",
)
"""A posting's stored fields that the API, the feeds and the webhooks publish, under their names."""
UPDATED = "COALESCE(p.listing_updated_at, p.created_at)"
"""A posting's update time: the site's ("Updated:" on its listing), else when it was first stored."""
SORT_KEYS = {"deadline": "COALESCE(p.closing_date, '9999-12-31')", "-updated": UPDATED}
"""Each sort's key (with the post number after it); ``relevance``'s is the text rank."""
DESCENDING = {"deadline": False, "-updated": True, "relevance": True}
FACETS = {
    "grade_category": "j.grade_category", "grade": "j.grade", "country": "j.country_code",
    "organization": "p.organization_name", "contract_type": "j.contract_type",
}
"""The facets counted per value (``GET /api/v1/facets``), and required languages besides."""
FACET_VALUES = 50


def fulltext(dialect_name: str, q: str) -> tuple[str, str, dict[str, Any]]:
    """Full text ``q``: the column of ``posting_search`` that is the posting's ``id``, the condition
    on it, and its parameter. The API and the dashboard's search box both search through this."""
    if dialect_name == "postgresql":
        return "id", "posting_search.document @@ websearch_to_tsquery('unjobs_search', %(q)s)", {"q": q}
    match = fts5_query(q)
    return "rowid", "posting_search MATCH %(q)s" if match else "1 = 0", {"q": match}


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
    def _matching(self, filters: PostingFilters) -> tuple[str, list[str], dict[str, Any]]:
        """FROM (postings, their job ads, the full-text table when ``q``), conditions, parameters."""
        source = f"{TABLE} p LEFT JOIN job_ads j ON j.post_number = p.post_number"
        conditions = ["p.crawled_at IS NOT NULL"]
        params: dict[str, Any] = {}

        def equal(column: str, name: str, value: Any) -> None:
            conditions.append(f"{column} = %({name})s")
            params[name] = value

        if filters.lifecycle != "any":
            equal("p.lifecycle", "lifecycle", filters.lifecycle)
        if filters.organization:
            equal("p.organization_name", "organization", filters.organization)
        if filters.country:
            equal("j.country_code", "country", filters.country)
        if filters.city:
            conditions.append("LOWER(p.location_city) = LOWER(%(city)s)")
            params["city"] = filters.city
        for name, column in (("grade", "j.grade"), ("grade_category", "j.grade_category")):
            if values := getattr(filters, name):
                condition, keyed = self.where_in(column, list(values), key=name)
                conditions.append(condition)
                params.update(keyed)
        if filters.contract_type:
            equal("j.contract_type", "contract_type", filters.contract_type)
        if filters.home_based is not None:
            equal("j.home_based", "home_based", filters.home_based)
        if filters.language:  # languages is JSON with sorted keys: {"en": "required", "fr": "desirable"}
            conditions.append("j.languages LIKE %(language)s")
            wanted = '"required"' if filters.required_languages else ""
            params["language"] = f'%"{filters.language}": {wanted}%'
        if filters.max_years is not None:
            conditions.append("(j.min_years_experience IS NULL OR j.min_years_experience <= %(max_years)s)")
            params["max_years"] = filters.max_years
        if filters.education:
            accepted = EDUCATION_LEVELS[: EDUCATION_LEVELS.index(filters.education) + 1]
            condition, keyed = self.where_in("j.education_level", list(accepted), key="education")
            conditions.append(f"(j.education_level IS NULL OR {condition})")
            params.update(keyed)
        if filters.deadline_after:
            conditions.append("p.closing_date >= %(deadline_after)s")
            params["deadline_after"] = filters.deadline_after
        if filters.deadline_before:
            conditions.append("p.closing_date <= %(deadline_before)s")
            params["deadline_before"] = filters.deadline_before
        if filters.updated_since:
            conditions.append(f"{UPDATED} >= %(updated_since)s")
            params["updated_since"] = filters.updated_since
        if filters.q:
            key, condition, keyed = fulltext(self.dialect.name, filters.q)
            source += f" JOIN posting_search ON posting_search.{key} = p.id"
            conditions.append(condition)
            params.update(keyed)
        return source, conditions, params

    def _rank(self) -> str:
        """Higher is more relevant: title and post number weigh most, then organization, then text.
        PostgreSQL's rank is a float4: as float8, the cursor carries it exactly."""
        if self.dialect.name == "postgresql":
            return "ts_rank(posting_search.document, websearch_to_tsquery('unjobs_search', %(q)s))::float8"
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
        source, conditions, params = self._matching(query)
        key = self._rank() if query.sort == "relevance" else SORT_KEYS[query.sort]
        descending = DESCENDING[query.sort]
        if query.cursor:
            params["after_key"], params["after_number"] = decode_cursor(query.cursor, query.sort)
            conditions.append(f"({key}, p.post_number) {'<' if descending else '>'} (%(after_key)s, %(after_number)s)")
        order = "DESC" if descending else "ASC"
        description = ", p.post_content" if with_description else ""
        rows = self.dialect.execute(
            f"SELECT {self._published()}{description}, {key} AS sort_key FROM {source} WHERE {' AND '.join(conditions)}"
            f" ORDER BY sort_key {order}, p.post_number {order} LIMIT %(limit)s",
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
        """How many matching postings have each value (the most frequent ``FACET_VALUES``), and the total."""
        source, conditions, params = self._matching(filters)
        where = " AND ".join(conditions)
        languages = ", ".join(
            f"SUM(CASE WHEN j.languages LIKE %(required_{code})s THEN 1 ELSE 0 END) AS {code}" for code in LANGUAGES
        )
        required = {f"required_{code}": f'%"{code}": "required"%' for code in LANGUAGES}
        totals = self.dialect.execute(
            f"SELECT COUNT(*) AS total, {languages} FROM {source} WHERE {where}", {**params, **required}
        )[0]
        counts: dict[str, Any] = {"total": totals.pop("total")}
        for name, column in FACETS.items():
            rows = self.dialect.execute(
                f"SELECT {column} AS value, COUNT(*) AS n FROM {source} WHERE {where} AND {column} IS NOT NULL"
                f" GROUP BY {column} ORDER BY n DESC, value LIMIT {FACET_VALUES}",
                params,
            )
            counts[name] = [{"value": row["value"], "count": row["n"]} for row in rows]
        counts["language"] = [
            {"value": code, "count": totals[code] or 0}
            for code in sorted(LANGUAGES, key=lambda code: (-(totals[code] or 0), code))
            if totals[code]
        ]
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

    def matching(self, filters: PostingFilters, changed_since) -> list[dict[str, Any]]:
        """The postings stored (read again) since ``changed_since`` that match: a saved search's news."""
        source, conditions, params = self._matching(filters)
        rows = self.dialect.execute(
            f"SELECT {self._published()} FROM {source} WHERE {' AND '.join(conditions)}"
            " AND p.crawled_at >= %(changed_since)s ORDER BY p.post_number",
            {**params, "changed_since": changed_since},
        )
        for row in rows:
            row["job_ad"] = _job_ad(row)
        return rows

    def changed(self, post_numbers: list[str], changed_since) -> set[str]:
        """Which of these postings were stored again since then."""
        condition, params = self.where_in("post_number", post_numbers)
        rows = self.dialect.execute(
            f"SELECT post_number FROM {TABLE} WHERE {condition} AND crawled_at >= %(since)s",
            {**params, "since": changed_since},
        )
        return {row["post_number"] for row in rows}
