"""Atom 1.0 feeds (RFC 4287) of searches: ``/feeds/postings.atom?<filters>`` for any search,
``/feeds/NAME.atom`` for a saved one. Newest first (by update time), the latest ``FEED_ENTRIES``.

An entry's id is a ``tag:`` URI of the post number, so it stays the same however often the posting
changes; its ``updated`` is the posting's update time; its content is the description as
``publish.description_html`` makes it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, HTTPException, Request, Response
from feedgen.feed import FeedGenerator

from unjobs_scraper.publish import description_html, http_url
from unjobs_scraper.search.query import PostingFilters, PostingQuery, parse
from unjobs_scraper.web.security import FEED_TOKEN_PARAMETER

router = APIRouter(prefix="/feeds", include_in_schema=False)
"""``API_TOKEN``, when set, is checked before any of these (``security.py``)."""
FEED_ENTRIES = 50
TAG_DATE = "2025"
"""The date in every ``tag:`` URI (RFC 4151): fixed, so ids never change."""
ATOM = "application/atom+xml; charset=utf-8"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def entry_id(site_host: str, post_number: str) -> str:
    return f"tag:{site_host},{TAG_DATE}:vacancies/{post_number}"


def atom(site_host: str, title: str, feed_id: str, self_url: str, postings: list[dict[str, Any]]) -> bytes:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.author({"name": "unjobs-scraper"})
    feed.link(href=self_url, rel="self")
    feed.generator("unjobs-scraper")
    feed.updated(max((posting["updated"] for posting in postings), default=datetime(1970, 1, 1, tzinfo=UTC)))
    for posting in reversed(postings):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(entry_id(site_host, posting["post_number"]))
        entry.title(xml_text(posting["post_name"] or posting["listing_title"] or posting["post_number"]))
        entry.updated(posting["updated"])
        if link := http_url(posting["source_url"]):
            entry.link(href=link, rel="alternate")
        if posting.get("organization_name"):
            entry.author({"name": xml_text(posting["organization_name"])})
        entry.summary(xml_text(_summary(posting)))
        entry.content(xml_text(description_html(posting.get("post_content"))), type="html")
    return feed.atom_str(pretty=True)


def xml_text(text: str) -> str:
    """Without the characters XML 1.0 cannot hold (control characters a site's text may carry)."""
    return _NOT_XML.sub("", text)


def _summary(posting: dict[str, Any]) -> str:
    place = ", ".join(part for part in (posting.get("location_city"), posting.get("location_country")) if part)
    closing = posting.get("closing_date")
    parts = [posting.get("organization_name"), place, f"closing {closing.isoformat()}" if closing else None]
    return " · ".join(part for part in parts if part)


def _without_token(request: Request) -> str:
    """The request's query string without ``?token=``: what it asks, and what a feed may show."""
    return urlencode([(name, value) for name, value in parse_qsl(request.url.query) if name != FEED_TOKEN_PARAMETER])


def _serve(request: Request, filters: PostingFilters, title: str, feed_id: str) -> Response:
    query = PostingQuery(**filters.model_dump(exclude_defaults=True), sort="-updated", limit=FEED_ENTRIES)
    page = request.app.state.database.run(lambda storage: storage.search.page(query, with_description=True))
    site_host = request.app.state.site_host
    self_url = str(request.url.replace(query=_without_token(request)))
    return Response(atom(site_host, title, feed_id, self_url, page.items), media_type=ATOM)


@router.get("/postings.atom")
def search_feed(request: Request) -> Response:
    filters = parse(PostingFilters, _without_token(request))
    query_string = filters.query_string()
    return _serve(request, filters, f"unjobs.org postings: {query_string or 'all open'}",
                  f"tag:{request.app.state.site_host},{TAG_DATE}:search?{query_string}")


@router.get("/{name}.atom")
def saved_search_feed(request: Request, name: str) -> Response:
    search = request.app.state.database.run(lambda storage: storage.saved_searches.get(name))
    if search is None:
        raise HTTPException(404, f"no saved search named {name!r}")
    filters = parse(PostingFilters, search["query"])
    return _serve(request, filters, f"unjobs.org postings: {name}", f"tag:{request.app.state.site_host},{TAG_DATE}:saved/{name}")


def site_host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "unjobs.org"
