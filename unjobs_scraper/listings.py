"""The site's listings: which URL is which listing, the URL of its page N, the families backfills walk.

The main listing (``/``, ``/new/N``) holds the newest postings only; every other listing has the
same markup: ``/organizations/<slug>``, ``/duty_stations/<slug>``, ``/themes/<slug>``, ``/non-un``,
each followed by ``…/N``. Each is capped at about 40 pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAIN = "main"
ORGANIZATIONS = "organizations"
DUTY_STATIONS = "duty_stations"
THEMES = "themes"
NON_UN = "non-un"
FAMILIES = (ORGANIZATIONS, DUTY_STATIONS, THEMES, NON_UN)
"""The order a backfill walks them in: every posting has one organization, so organizations cover
all of them unless one hits the cap; the next family then covers what the capped one hid."""
KINDS = (MAIN, *FAMILIES)

_MAIN_PATH = re.compile(r"/(?:new/(\d+))?")
_FACET_PATH = re.compile(rf"/({ORGANIZATIONS}|{DUTY_STATIONS}|{THEMES})/([A-Za-z0-9_.%-]+)(?:/(\d+))?/?")
_NON_UN_PATH = re.compile(rf"/{NON_UN}(?:/(\d+))?/?")


@dataclass(frozen=True)
class ListingAddress:
    """A listing page: the listing (its first page's URL), its kind, and the page's number."""

    url: str
    kind: str
    page: int = 1


def listing_address(url: str, base_url: str) -> ListingAddress | None:
    """The listing page ``url`` names on the site at ``base_url``, or None (a posting, elsewhere)."""
    parts, site = urlsplit(url), urlsplit(base_url)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc) or parts.query:
        return None
    path = parts.path or "/"
    if match := _MAIN_PATH.fullmatch(path):
        return ListingAddress(urljoin(base_url, "/"), MAIN, int(match[1] or 1))
    if match := _FACET_PATH.fullmatch(path):
        return ListingAddress(urljoin(base_url, f"/{match[1]}/{match[2]}"), match[1], int(match[3] or 1))
    if match := _NON_UN_PATH.fullmatch(path):
        return ListingAddress(urljoin(base_url, f"/{NON_UN}"), NON_UN, int(match[1] or 1))
    return None


def page_url(listing: ListingAddress, number: int) -> str:
    """The URL of page ``number`` of ``listing`` (the site's own ``…/N`` scheme)."""
    if number == 1:
        return listing.url
    if listing.kind == MAIN:
        return urljoin(listing.url, f"/new/{number}")
    return f"{listing.url.rstrip('/')}/{number}"
