"""What each dashboard page shows, gathered in one trip to a database worker per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unjobs_scraper.dashboard.chart import first_hour, hourly_chart
from unjobs_scraper.jobads.languages import LANGUAGES
from unjobs_scraper.status import PostingStatus
from unjobs_scraper.storage import Storage
from unjobs_scraper.storage.dashboard_queries import (
    Filters,
    dead_letter_page,
    facet_values,
    matching_count,
    postings_page,
    processed_per_hour,
)
from unjobs_scraper.storage.repository import utc_now
from unjobs_scraper.storage.schema import LIFECYCLES, STATUSES, Status
from unjobs_scraper.storage.writer import InlineWriter


@dataclass(frozen=True)
class Limits:
    """How much each page shows."""

    page_size: int = 50
    chart_days: int = 7
    recent_failures: int = 10
    dead_letters: int = 50
    count_cap: int = 1_000


def overview(store: Storage, limits: Limits) -> dict[str, Any]:
    """Counts per status, the chart, the latest errors and the head of the dead-letter queue."""
    start = first_hour(utc_now(), limits.chart_days)
    return {
        "summary": store.summary(recent_errors=limits.recent_failures),
        "chart": hourly_chart(processed_per_hour(store, start), start, limits.chart_days),
        "chart_days": limits.chart_days,
        "dead_letters": dead_letter_page(store, limits.dead_letters),
    }


def postings(store: Storage, query: dict[str, list[str]], limits: Limits) -> dict[str, Any]:
    """One page of the postings table, with what its filter form offers."""
    filters = Filters.from_query(query)
    cursor = {name: (query.get(name) or [""])[0] for name in ("after", "before")}
    return {
        "filters": filters,
        "page": postings_page(store, filters, limits.page_size, **cursor),
        "matching": matching_count(store, filters, limits.count_cap),
        "count_cap": limits.count_cap,
        "statuses": STATUSES,
        "lifecycles": LIFECYCLES,
        "organizations": facet_values(store, "organization"),
        "countries": facet_values(store, "country"),
        "grade_categories": facet_values(store, "grade_category"),
        "grades": facet_values(store, "grade"),
        "languages": LANGUAGES,
    }


def requeue(store: Storage, post_numbers: list[str]) -> list[str]:
    """Failed postings back to ``pending``: those given, or the whole dead-letter queue."""
    return PostingStatus(InlineWriter(store)).requeue(statuses=[Status.FAILED], post_numbers=post_numbers)
