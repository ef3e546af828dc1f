"""HTML for the dashboard: Jinja2 templates that escape every value, and Markdown without raw HTML.

Everything a posting carries came from the site, so nothing of it reaches a page unescaped:
templates autoescape, a description is shown as ``publish.description_html`` makes it, and a link
from the site becomes a link only when it is http(s).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from unjobs_scraper.publish import description_html, http_url

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

def render_markdown(text: str | None) -> Markup:
    return Markup(description_html(text))


def when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "–"


_environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters.update(markdown=render_markdown, http_url=http_url, when=when)


def render(template: str, **context) -> bytes:
    return _environment.get_template(template).render(**context).encode("utf-8")
