"""Extraction of listings and postings from unjobs.org pages, apart from crawling.

Plain functions over a Scrapy response (web-poet style), so they run in ``scrapy shell``,
``scrapy parse`` and unit tests alike. Real pages vary: every element is optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath
from scrapy.http import TextResponse

from unjobs_scraper.items import Listing, Posting

_WHITESPACE = re.compile(r"\s+")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
_MONTHS = {key: n for n, name in enumerate(_MONTH_NAMES, 1) for key in (name, name[:3])}
_MONTHS["sept"] = 9
_CLOSING_DATE_LABEL = re.compile(r"closing\s+date", re.IGNORECASE)
_DATE_PATTERNS = (  # "15 October 2025" first, then "October 15, 2025"
    re.compile(r"\b(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})\b"),
    re.compile(r"\b(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b"),
)
# Up to 14 digits of epoch milliseconds: dates before the year 5000, which datetime can hold.
_SCRIPT_DATE_VAR = re.compile(r"var\s+(\w+?)i\s*=\s*new\s+Date\(\s*(\d{1,14})\s*\)")
_SEPARATOR = r"\s*[|\-\u2013\u2014:\u00b7]\s*"
_TITLE_SITE_NAME = re.compile(rf"^\s*UNjobs{_SEPARATOR}|{_SEPARATOR}UNjobs\b.*$", re.IGNORECASE)
_SITE_NAME_ONLY = re.compile(r"\s*UNjobs(?:\.org)?\s*", re.IGNORECASE)
"""The site's generic ``<title>``: no title at all (a notice page, not a posting)."""
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in b"\t\n\v\f\r")
_PAGE_END = re.compile(rb"</(?:body|html)\s*>", re.IGNORECASE)
_ROW_LABEL = re.compile(r"^(updated|closing date)\b", re.IGNORECASE)

# lxml speaks XPath 1.0 only: lower-case by translate() for case-insensitive matching.
_LOWER = "translate(normalize-space(), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_NEXT_LINK_XPATHS = (
    css2xpath("td.nv a") + "[starts-with(normalize-space(), 'Next')]/@href",
    "//a[starts-with(normalize-space(), 'Next')]/@href",
)
_TITLE_XPATHS = (css2xpath(".container table td h2"), "//body//h2")
_CLOSING_LINE = f"//body//*[not(self::script)][text()[contains({_LOWER}, 'closing date')]]"
_CLOSING_LINE_XPATHS = (  # the page's own line first, then one quoted in the description
    f"{_CLOSING_LINE}[not(ancestor::div[contains(@class, 'fp-snippet')])]",
    _CLOSING_LINE,
)
_APPLY_LINK_XPATHS = (
    css2xpath("a.apply::attr(href)"),
    f"//body//a[starts-with({_LOWER}, 'apply')]/@href",
)
_CATEGORY_FIELDS = {  # #cats label (lower case) -> Posting field
    "organization": "organization_name", "organisation": "organization_name",
    "country": "location_country", "city": "location_city", "field location": "location_city",
    "theme": "theme", "grade": "grade", "contract": "contract",
}


class PostingParseError(ValueError):
    """A page from which no posting can be read; the message is stored as ``processing_error``."""


@dataclass
class ListingPage:
    """What one index page yields: its rows, where to go next, and rows that could not be used."""

    listings: list[Listing] = field(default_factory=list)
    next_url: str | None = None
    rejected_urls: list[str] = field(default_factory=list)


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace (including non-breaking spaces); empty text becomes ``None``."""
    return (_WHITESPACE.sub(" ", text).strip() or None) if text else None


def post_number_from_url(url: str) -> str | None:
    """The posting number is the URL's last path segment, when it is digits only."""
    segment = urlsplit(url).path.rstrip("/").rpartition("/")[2]
    return segment if segment.isascii() and segment.isdigit() else None


def parse_closing_date(text: str | None) -> date | None:
    """Read ``Closing date: Wednesday, 15 October 2025`` and the like, whatever the locale.

    When the text carries a "Closing date" label, only a date after the label counts.
    """
    if not text:
        return None
    text = _CLOSING_DATE_LABEL.split(text, maxsplit=1)[-1]  # what follows the label, if any
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                return date(int(match["year"]), _MONTHS[match["month"].lower()], int(match["day"]))
            except (KeyError, ValueError):  # not a month name, or a day the month does not have
                continue
    return None


def parse_listing_page(response: TextResponse) -> ListingPage:
    """Read every ``div.job`` row of an index page; ads and other blocks are ignored."""
    page = ListingPage(next_url=_first_url(response, _NEXT_LINK_XPATHS))
    script_dates = _script_dates(response)
    for row in response.css("div.job"):
        link = row.css("a.jtitle") or row.css("a[href]")
        href = link.attrib.get("href", "").strip()
        if not href:
            continue
        source_url = response.urljoin(href)
        post_number = post_number_from_url(source_url)
        if post_number is None:
            page.rejected_urls.append(source_url)
            continue
        page.listings.append(
            Listing(
                post_number=post_number,
                source_url=source_url,
                listing_title=clean_text(link[0].xpath("string()").get()),
                organization_name=_row_organization(row),
                listing_updated_at=_parse_utc_datetime(row.xpath(".//time/@datetime").get()),
                closing_date=_row_closing_date(row, script_dates),
            )
        )
    return page


def linked_urls(response: TextResponse) -> list[str]:
    """Every link on the page, made absolute, in page order without repeats.

    ``listings.listing_address`` tells which of them are listings: a posting's ``#cats`` rows
    link its organization, duty stations and themes; the navigation links a few more.
    """
    seen: dict[str, None] = {}
    for href in response.xpath("//body//a/@href").getall():
        href = href.strip()
        if href and not href.startswith("#") and not href.lower().startswith(("javascript:", "mailto:")):
            seen.setdefault(response.urljoin(href).split("#", 1)[0], None)
    return list(seen)


def posting_page_problem(response) -> str | None:
    """Why a downloaded posting page cannot be read as it is, or None.

    Each of these may be a passing fault (a half-written page, a wrong body), so the retry
    middleware asks this before the page reaches the spider, and retries.
    """
    if not isinstance(response, TextResponse):
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or "none"
        return f"not an HTML page: Content-Type {content_type}, {len(response.body)} bytes"
    head = response.body[:4096]
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) // 20:
        return f"binary content: not an HTML page ({len(response.body)} bytes)"
    if not _PAGE_END.search(response.body):
        return f"truncated page: no closing </body> or </html> in {len(response.body)} bytes"
    if not response.xpath("//h2 | //title | //div[contains(@class, 'fp-snippet')]"):
        return "no title: the page has no <h2>, <title> or div.fp-snippet"
    if not response.xpath("//h2 | //div[contains(@class, 'fp-snippet')]") and _page_title(response) is None:
        return "not a posting: no <h2>, no description (div.fp-snippet), and a <title> that is only the site's name"
    return None


def _page_title(response: TextResponse) -> str | None:
    """``<title>`` without the site's name; the site's name alone is no title."""
    title = clean_text(_TITLE_SITE_NAME.sub("", response.xpath("string(//title)").get("")))
    return None if title is None or _SITE_NAME_ONLY.fullmatch(title) else title


def parse_posting(response: TextResponse, listing: Listing | None = None) -> Posting:
    """Read a posting page; what the listing row already told fills what the page lacks."""
    problem = posting_page_problem(response)
    if problem is not None:
        raise PostingParseError(problem)
    post_number = post_number_from_url(response.url) or (listing.post_number if listing else None)
    if not post_number:
        raise PostingParseError(f"no post number: {response.url} does not end in digits")
    snippet = response.css("div.fp-snippet")[:1]
    fields = _categories(response)
    if listing:
        fields.setdefault("organization_name", listing.organization_name)
    return Posting(
        post_number=post_number,
        source_url=response.url,
        post_name=_title(response, snippet, listing),
        closing_date=_page_closing_date(response) or (listing.closing_date if listing else None),
        apply_url=_first_url(response, _APPLY_LINK_XPATHS),
        post_content_html=_inner_html(snippet),
        listing_title=listing.listing_title if listing else None,
        **fields,
    )


def _first_url(response: TextResponse, xpaths: tuple[str, ...]) -> str | None:
    """The first usable href found by the XPaths, tried in order of preference, made absolute."""
    for xpath in xpaths:
        for href in response.xpath(xpath).getall():
            href = href.strip()
            if href and not href.startswith("#") and not href.lower().startswith("javascript:"):
                return response.urljoin(href)
    return None


def _parse_utc_datetime(value: str | None) -> datetime | None:
    """ISO 8601 text as an aware UTC datetime; a value without an offset is taken as UTC."""
    try:
        parsed = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _script_dates(response: TextResponse) -> dict[str, date]:
    """Closing dates the page script sets per span id (``var j9i = new Date(<epoch ms>)``)."""
    return {
        span_id: datetime.fromtimestamp(int(epoch_ms) / 1000, UTC).date()
        for script in response.xpath("//script/text()").getall()
        for span_id, epoch_ms in _SCRIPT_DATE_VAR.findall(script)
    }


def _row_organization(row: Selector) -> str | None:
    """The organization is the bare text node right after the row's first ``<br>``."""
    text = clean_text(row.xpath("./br[1]/following-sibling::node()[1][self::text()]").get())
    return None if text is None or _ROW_LABEL.match(text) else text


def _row_closing_date(row: Selector, script_dates: dict[str, date]) -> date | None:
    """The span's own text wins; the script variable covers spans rendered without a date."""
    for span in row.xpath(".//span"):
        text_date = parse_closing_date(span.xpath("string()").get())
        if found := text_date or script_dates.get(span.attrib.get("id", "")):
            return found
    return None


def _title(response: TextResponse, snippet: SelectorList, listing: Listing | None) -> str:
    """The content's <h2>, else <title> without the site name, else the listing row's title."""
    for xpath in _TITLE_XPATHS:
        for heading in response.xpath(xpath):
            title = clean_text(heading.xpath("string()").get())
            if title:
                return title
    title = _page_title(response)
    if title:
        return title
    if not snippet:  # without a description the page is not recognisably a posting
        raise PostingParseError("no title: the page has no <h2>, <title> or div.fp-snippet")
    if listing and listing.listing_title:
        return listing.listing_title
    raise PostingParseError("no title: the page has no <h2>, <title> or listing title")


def _categories(response: TextResponse) -> dict[str, str | None]:
    """``#cats`` rows shaped ``Label: <a>Value</a>``, keyed by Posting field; first row wins."""
    found: dict[str, str | None] = {}
    for row in response.css("#cats li"):
        label, colon, rest = row.xpath("string()").get("").partition(":")
        target = _CATEGORY_FIELDS.get((clean_text(label) or "").lower())
        if not colon or target is None or target in found:
            continue
        links = [text for text in map(clean_text, row.css("a").xpath("string()").getall()) if text]
        value = ", ".join(links) if links else clean_text(rest)
        if value:
            found[target] = value
    return found


def _page_closing_date(response: TextResponse) -> date | None:
    """Prefer the page's own closing-date line over one quoted inside the description."""
    for xpath in _CLOSING_LINE_XPATHS:
        for element in response.xpath(xpath):
            # The date may sit in a sibling element: "<b>Closing date:</b> 15 October 2025".
            for scope in (".", ".."):
                found = parse_closing_date(element.xpath(f"string({scope})").get())
                if found:
                    return found
    return None


def _inner_html(snippet: SelectorList) -> str | None:
    """The description's markup, unconverted (lxml's serialisation); ``None`` if absent or blank."""
    html = "".join(snippet.xpath("node()").getall())
    return html if html.strip() else None
