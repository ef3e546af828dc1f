"""What the project publishes, made safe and plain: HTML only from the stored Markdown, JSON only
of what the API documents.

A posting's description is the hiring organization's HTML, with whatever scripts, inline styles
and event handlers the site carries. None of it is published: every HTML the project gives out
(the API's ``description_html``, feed entries, the JSON-LD ``description``, the dashboard) is the
stored Markdown rendered with raw HTML off (a tag in the text stays text), then cleaned by nh3
(ammonia's allow-list: no script, no style, no event handler, only http(s) and mailto links, and no
images: a remote image in a feed reader is a tracking pixel). A URL the site gave is published only
when it is http(s).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

# CommonMark plus the tables and strikethrough that html_to_markdown writes; "html": False
# escapes any tag in the text, and markdown-it drops javascript:, vbscript: and data: links.
_markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
LINK_SCHEMES = {"http", "https", "mailto"}
TAGS = nh3.ALLOWED_TAGS - {"img"}
URL_FIELDS = ("source_url", "apply_url")


def http_url(value: str | None) -> str | None:
    """The URL when it is an absolute http(s) one (safe as a link), else None."""
    parts = urlsplit(value or "")
    return value if parts.scheme in ("http", "https") and parts.netloc and value.isprintable() else None


def published(row: dict[str, Any]) -> dict[str, Any]:
    """A row as published: its URLs only when http(s) (an ``apply_url`` of ``java\tscript:``, say, is
    dropped)."""
    return {**row, **{name: http_url(row[name]) for name in URL_FIELDS if name in row}}


@lru_cache(maxsize=4096)
def description_html(markdown: str | None) -> str:
    """Safe HTML of a stored Markdown description. A pure function of the text, so the latest
    thousands are kept: a feed polled again renders only what changed (0.7 ms a description)."""
    return nh3.clean(
        _markdown.render(markdown or ""), tags=TAGS, url_schemes=LINK_SCHEMES, link_rel="nofollow noopener noreferrer"
    )


def jsonable(value: Any) -> Any:
    """Dates and times as ISO 8601 text, all the way down."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def posting_detail(row: dict[str, Any]) -> dict[str, Any]:
    """A posting as the API gives it one at a time: its stored fields, its Markdown description
    (``post_content``), that description as safe HTML, and its job ad with the text of each value."""
    return jsonable({**published(row), "description_html": description_html(row.get("post_content"))})


def dumps(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"))
