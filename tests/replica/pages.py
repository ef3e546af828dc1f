"""HTML of the replica's pages, following /work/shared/unjobs-markup.md.

Index pages list ``div.job`` rows inside ``<article>``, interleaved with ad divs that have no
class ``job``. Page 1 of the main index also carries one promotional ``div.job`` whose
``a.jtitle`` points at ``/vacancies/featured``: it has no post number, so a correct crawler logs
and skips it. It is not a posting and is not counted anywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import escape
from urllib.parse import urljoin

from tests.replica.site import ListingPage, PostingSpec, organization_slug, slugify
from tests.replica.urls import listing_path, posting_path

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
AD_EVERY = 7
"""An ad div follows every seventh job row, alternating between two kinds."""
FEATURED_AFTER = 2
"""How many job rows precede the post-number-less promotional row on page 1 of the main index."""

ADS = (
    '  <div class="ad"><a href="https://ads.example.com/click?id=42" rel="nofollow">'
    "Master's in Humanitarian Action – apply now</a></div>",
    '  <div style="margin:10px 0;"><ins class="adsbygoogle" style="display:block" '
    'data-ad-client="ca-pub-0000000000000000" data-ad-slot="1234567890"></ins>'
    "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>",
)
FEATURED_ROW = """  <div id="{row_id}" style="padding-right:8px;" class="job">
    <a style="margin-top:0px;" class="jtitle" href="/vacancies/featured">\
FEATURED EMPLOYERS: WORK WITH THE UN SYSTEM, Various, Worldwide</a>
    <br>
    UNjobs Partners
    <br>
  </div>"""
CATEGORY_LISTINGS = {
    "Organization": "organizations",
    "Country": "duty_stations",
    "City": "duty_stations",
    "Field location": "duty_stations",
    "Theme": "themes",
    "Grade": "grades",
    "Contract": "contracts",
}
"""Where each category row links; grades and contracts listings are linked but not served."""
ROBOTS_TXT = "User-agent: *\nDisallow: /__replica__/\n"


def closing_date_text(day: date) -> str:
    """``Wednesday, 15 October 2025``, independent of the process locale."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def time_ago(moment: datetime, now: datetime) -> str:
    """The text jquery-timeago puts inside ``<time class="timeago">``."""
    seconds = (now - moment).total_seconds()
    minutes, hours, days = round(seconds / 60), round(seconds / 3600), round(seconds / 86400)
    if seconds < 45:
        return "less than a minute ago"
    if seconds < 90:
        return "about a minute ago"
    if minutes < 45:
        return f"{minutes} minutes ago"
    if minutes < 90:
        return "about an hour ago"
    if hours < 24:
        return f"about {hours} hours ago"
    if hours < 42:
        return "a day ago"
    if days < 30:
        return f"{days} days ago"
    return "about a month ago" if days < 45 else f"{round(days / 30)} months ago"


def _document(title: str, body: str) -> str:
    """The shell every HTML page shares: head, navigation bar and footer."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/static/css/bootstrap.min.css">
</head>
<body>
<nav class="navbar navbar-default"><a class="navbar-brand" href="/">UNjobs</a>
  <ul class="nav navbar-nav"><li><a href="/">Latest</a></li><li><a href="/non-un">Non-UN</a></li>
    <li><a href="/themes/humanitarian-aid-coordination">Humanitarian</a></li><li><a href="/about">About</a></li></ul>
</nav>
{body}
<footer class="footer"><p>&copy; UNjobs Association &middot; <a href="/privacy">Privacy</a></p></footer>
</body>
</html>
"""


def _epoch_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000


def _job_row(spec: PostingSpec, index: int, base_url: str, now: datetime) -> str:
    """One ``div.job``; its id is the listing update time in ms, never the post number."""
    href = posting_path(spec.post_number)
    if not spec.relative_href:
        href = urljoin(base_url, href)
    updated = spec.listing_updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    ago = time_ago(spec.listing_updated_at, now)
    row_id = int(spec.listing_updated_at.timestamp()) * 1000 + int(spec.post_number) % 1000
    link_text = f"{spec.title.upper()}, {spec.city}, {spec.country}"
    return f"""  <div id="{row_id}" style="padding-right:8px;" class="job">
    <a style="margin-top:0px;" class="jtitle" href="{escape(href)}">{escape(link_text)}</a>
    <br>
    {escape(spec.organization)}
    <br>
    Updated:
    <time class="upd timeago" datetime="{updated}" title="{updated}">{ago}</time>
    <br>
    <span id="j{index}">Closing date: {closing_date_text(spec.closing_date)}</span>
  </div>"""


def render_index(page: ListingPage, base_url: str) -> str:
    """A listing page: job rows with ads between them, the closing-date script, then Next."""
    rows: list[str] = []
    for index, spec in enumerate(page.postings, start=1):
        rows.append(_job_row(spec, index, base_url, page.now))
        if index % AD_EVERY == 0:
            rows.append(ADS[(index // AD_EVERY) % len(ADS)])
    if page.facet is None and page.number == 1:
        featured_id = int(page.now.timestamp()) * 1000 + 1
        rows.insert(min(FEATURED_AFTER, len(rows)), FEATURED_ROW.format(row_id=featured_id))
    dates = " ".join(
        f"var j{index}i = new Date({_epoch_ms(spec.closing_date)});"
        for index, spec in enumerate(page.postings, start=1)
    )
    next_cell = ""
    if not page.is_last:
        next_url = urljoin(base_url, listing_path(page.number + 1, page.facet, page.slug))
        next_cell = f'<td class="nv"><a href="{escape(next_url)}">Next &gt;</a></td>'
    heading = f"Vacancies: {page.slug or page.facet}" if page.facet else "Latest UN jobs and vacancies"
    body = f"""<div class="container">
<h1>{escape(heading)}</h1>
<article>
{chr(10).join(rows)}
</article>
<script>{dates}</script>
<table><tr>{next_cell}</tr></table>
</div>"""
    suffix = f" - page {page.number}" if page.number > 1 else ""
    return _document(f"{heading}{suffix} | UNjobs", body)


def _category_href(label: str, value: str) -> str:
    slug = organization_slug(value) if label == "Organization" else slugify(value)
    return listing_path(1, CATEGORY_LISTINGS[label], slug)


def render_posting(spec: PostingSpec) -> str:
    """A vacancy page: h2 title, description, category rows in the posting's order, closing date, apply."""
    values = {
        "Organization": spec.organization,
        "Country": spec.country,
        spec.city_label: spec.city,
        "Theme": spec.theme,
        "Grade": spec.grade,
        "Contract": spec.contract,
    }
    categories = "\n".join(
        f'    <li class="list-group-item">{label}: '
        f'<a href="{escape(_category_href(label, value))}">{escape(value)}</a></li>'
        for label in spec.category_order
        if (value := values[label])
    )
    apply = (
        f'<p><a class="apply" href="{escape(spec.apply_url)}" target="_blank">Apply</a></p>\n'
        if spec.apply_url
        else ""
    )
    body = f"""<div class="container"><table><tbody><tr><td>
<h2>{escape(spec.title)}</h2>
<div class="fp-snippet">
{spec.description_html}
</div>
<div id="cats"><ul class="list-group">
{categories}
</ul></div>
<p>Closing date: {closing_date_text(spec.closing_date)}</p>
{apply}</td></tr></tbody></table></div>"""
    return _document(f"{spec.title} | UNjobs", body)


def render_not_found(path: str) -> str:
    body = f'<div class="container"><h1>Page not found</h1><p>No page at {escape(path)}.</p></div>'
    return _document("Page not found | UNjobs", body)
