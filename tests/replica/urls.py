"""The replica's URL scheme, both directions, so pages and routing cannot disagree.

- main index: page 1 is ``/``, page k is ``/new/k``;
- other listings: ``/<facet>/<slug>`` then ``/<facet>/<slug>/k`` for facet in ``FACETS``, and
  ``/non-un`` then ``/non-un/k`` (postings of organizations outside the UN system);
- postings: ``/vacancies/<post_number>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FACETS = ("duty_stations", "organizations", "themes")
"""Listings other than the main index, each filtered by one kind of slug."""
NON_UN = "non-un"
"""The one listing of a facet without slugs: ``/non-un``."""

POSTING_PATH = re.compile(r"/vacancies/(\d+)")
MAIN_LISTING_PATH = re.compile(r"/new/(\d+)")
FACET_LISTING_PATH = re.compile(rf"/({'|'.join(FACETS)})/([a-z0-9-]+)(?:/(\d+))?")
NON_UN_LISTING_PATH = re.compile(rf"/{NON_UN}(?:/(\d+))?")


@dataclass(frozen=True)
class ListingAddress:
    """Which listing and which page of it a path names."""

    number: int
    facet: str | None = None
    slug: str | None = None


def posting_path(post_number: str) -> str:
    return f"/vacancies/{post_number}"


def listing_path(number: int, facet: str | None = None, slug: str | None = None) -> str:
    if facet == NON_UN:
        return f"/{NON_UN}" if number == 1 else f"/{NON_UN}/{number}"
    if facet:
        return f"/{facet}/{slug}" if number == 1 else f"/{facet}/{slug}/{number}"
    return "/" if number == 1 else f"/new/{number}"


def parse_posting_path(path: str) -> str | None:
    """The post number in ``/vacancies/<digits>``, else None."""
    match = POSTING_PATH.fullmatch(path)
    return match[1] if match else None


def parse_listing_path(path: str) -> ListingAddress | None:
    """The listing page a path names, or None; page numbers below 2 are only valid implicitly."""
    if path == "/":
        return ListingAddress(1)
    if match := MAIN_LISTING_PATH.fullmatch(path):
        number = int(match[1])
        return ListingAddress(number) if number >= 2 else None
    if match := NON_UN_LISTING_PATH.fullmatch(path):
        number = int(match[1] or 1)
        return ListingAddress(number, NON_UN, "") if match[1] is None or number >= 2 else None
    if match := FACET_LISTING_PATH.fullmatch(path):
        number = int(match[3] or 1)
        return ListingAddress(number, match[1], match[2]) if match[3] is None or number >= 2 else None
    return None
