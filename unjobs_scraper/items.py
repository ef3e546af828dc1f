"""Items the spider yields; pipelines read them through ``ItemAdapter``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime


@dataclass
class Listing:
    """One row of an index page: enough to decide whether the posting needs a download."""

    post_number: str
    source_url: str
    listing_title: str | None = None
    organization_name: str | None = None
    listing_updated_at: datetime | None = None
    closing_date: date | None = None


@dataclass
class Posting:
    """A parsed posting page. ``post_content`` (Markdown) is filled by the Markdown pipeline."""

    post_number: str
    source_url: str
    post_name: str
    organization_name: str | None = None
    location_country: str | None = None
    location_city: str | None = None
    closing_date: date | None = None
    grade: str | None = None
    contract: str | None = None
    theme: str | None = None
    apply_url: str | None = None
    post_content_html: str | None = None
    post_content: str | None = None
    listing_title: str | None = None
    """The index row's "TITLE, City, Country", when the posting was found on one: the job ad reads
    the country from it when the page has no Country row (stored with the listing, not here)."""


@dataclass
class PostingFailure:
    """A posting that ended without a usable page: ``status`` is ``failed`` or ``skipped``."""

    post_number: str
    source_url: str
    status: str
    error: str


FEED_FIELDS = tuple(field.name for field in fields(Posting))
"""The columns of ``-o``/``-O`` feeds, in this order, whatever a posting lacks."""
