"""Extraction from saved unjobs.org pages (see the comment at the top of each fixture)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from unjobs_scraper.items import Listing, Posting
from unjobs_scraper.parsing import (
    ListingPage,
    PostingParseError,
    parse_closing_date,
    parse_listing_page,
    parse_posting,
    post_number_from_url,
    posting_page_problem,
)

FIXTURES = Path(__file__).parent / "fixtures"
LISTING_URL = "https://unjobs.org/new/2"
VACANCY = "https://unjobs.org/vacancies/"


def load(name: str, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=(FIXTURES / name).read_bytes(), encoding="utf-8")


def page_response(html: str, url: str = f"{VACANCY}1700000000001") -> HtmlResponse:
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


@pytest.fixture(scope="module")
def listing_page() -> ListingPage:
    return parse_listing_page(load("listing_page.html", LISTING_URL))


@pytest.fixture(scope="module")
def listings(listing_page: ListingPage) -> dict[str, Listing]:
    return {listing.post_number: listing for listing in listing_page.listings}


# --- index pages -------------------------------------------------------------------------------


def test_listing_page_reads_job_rows_in_order_and_skips_ads(listing_page: ListingPage) -> None:
    assert [listing.post_number for listing in listing_page.listings] == [
        "1758015049233", "1758014400123", "1758012345678", "1758009999001",
    ]


LISTING_FIELDS = [
    ("1758015049233", "source_url", f"{VACANCY}1758015049233"),
    ("1758015049233", "listing_title", "PROGRAMME MANAGEMENT OFFICER, Doha, Qatar"),
    ("1758015049233", "organization_name", "UNOCT - Office of Counter-Terrorism"),
    ("1758015049233", "listing_updated_at", datetime(2025, 9, 16, 10, 45, 52, tzinfo=UTC)),
    ("1758015049233", "closing_date", date(2025, 10, 15)),
    # relative href, no <time>
    ("1758014400123", "source_url", f"{VACANCY}1758014400123"),
    ("1758014400123", "organization_name", "UNEP - United Nations Environment Programme"),
    ("1758014400123", "listing_updated_at", None),
    ("1758014400123", "closing_date", date(2025, 10, 3)),
    # title over two lines with an entity, +02:00 update time, empty span: date from the script
    ("1758012345678", "listing_title", "Consultant – Data Analyst (Home-based), Home-based"),
    ("1758012345678", "organization_name", "UNICEF - United Nations Children's Fund"),
    ("1758012345678", "listing_updated_at", datetime(2025, 9, 16, 7, 20, 11, tzinfo=UTC)),
    ("1758012345678", "closing_date", date(2025, 10, 31)),
    # trailing slash in the href, blank organization, whitespace runs in the title
    ("1758009999001", "source_url", f"{VACANCY}1758009999001/"),
    ("1758009999001", "listing_title", "Driver, Juba, South Sudan"),
    ("1758009999001", "organization_name", None),
    ("1758009999001", "closing_date", date(2025, 10, 20)),
]


@pytest.mark.parametrize(("post_number", "field", "expected"), LISTING_FIELDS)
def test_listing_row_field(
    listings: dict[str, Listing], post_number: str, field: str, expected: object
) -> None:
    assert getattr(listings[post_number], field) == expected


def test_listing_updated_at_is_expressed_in_utc(listings: dict[str, Listing]) -> None:
    updated_at = listings["1758012345678"].listing_updated_at
    assert updated_at is not None and updated_at.utcoffset() == timedelta(0)


def test_rows_without_post_number_are_rejected_with_absolute_url(listing_page: ListingPage) -> None:
    assert listing_page.rejected_urls == [f"{VACANCY}senior-advisor-climate-finance"]


def test_next_url_is_the_absolute_next_link(listing_page: ListingPage) -> None:
    assert listing_page.next_url == "https://unjobs.org/new/3"


def test_last_page_has_no_next_url() -> None:
    page = parse_listing_page(load("listing_last_page.html", "https://unjobs.org/new/40"))
    assert page.next_url is None


def test_last_page_still_yields_its_rows() -> None:
    page = parse_listing_page(load("listing_last_page.html", "https://unjobs.org/new/40"))
    assert [listing.post_number for listing in page.listings] == ["1757390000001", "1757390000002"]


@pytest.mark.parametrize("link_text", ["Next ›", "Next »", "  Next  "])
def test_next_link_outside_td_nv_is_found(link_text: str) -> None:
    html = f'<html><body><div class="pager"><a href="/new/5">{link_text}</a></div></body></html>'
    page = parse_listing_page(page_response(html, "https://unjobs.org/new/4"))
    assert page.next_url == "https://unjobs.org/new/5"


# --- posting pages -------------------------------------------------------------------------------

FULL = ("posting_full.html", "1758015049233")
FIELD_LOCATION = ("posting_field_location.html", "1757990000555")
TITLE_IN_HEAD = ("posting_title_only_in_head.html", "1758012345678")
NON_ASCII = ("posting_non_ascii.html", "1757900000777")


def parse_fixture(fixture: tuple[str, str], listing: Listing | None = None) -> Posting:
    name, post_number = fixture
    return parse_posting(load(name, VACANCY + post_number), listing)


POSTING_FIELDS = [
    (FULL, "post_number", "1758015049233"),
    (FULL, "source_url", f"{VACANCY}1758015049233"),
    (FULL, "post_name", "Programme Management Officer"),
    (FULL, "organization_name", "UNOCT - Office of Counter-Terrorism"),
    (FULL, "location_country", "Qatar"),
    (FULL, "location_city", "Doha"),
    (FULL, "theme", "Peace and Security"),
    (FULL, "grade", "P-3"),
    (FULL, "contract", "Fixed-term"),
    (FULL, "closing_date", date(2025, 10, 15)),
    (FULL, "apply_url", "https://careers.un.org/jobSearchDescription/262626?language=en"),
    (FULL, "post_content", None),
    (FIELD_LOCATION, "post_name", "Logistics Officer"),
    (FIELD_LOCATION, "organization_name", "WFP - World Food Programme"),
    (FIELD_LOCATION, "location_country", "Nigeria"),
    (FIELD_LOCATION, "location_city", "Maiduguri"),
    (FIELD_LOCATION, "theme", "Logistics"),
    (FIELD_LOCATION, "grade", "P-3"),
    (FIELD_LOCATION, "contract", "Temporary Appointment"),
    (FIELD_LOCATION, "closing_date", date(2025, 10, 6)),
    (FIELD_LOCATION, "apply_url", f"{VACANCY}1757990000555/apply"),
    (TITLE_IN_HEAD, "post_name", "Senior Logistics Assistant"),
    (TITLE_IN_HEAD, "location_city", "Abeche"),
    (TITLE_IN_HEAD, "closing_date", date(2025, 10, 12)),
    (TITLE_IN_HEAD, "apply_url", None),
    (NON_ASCII, "post_name", "Chargé(e) de programme – Santé & Nutrition"),
    (NON_ASCII, "organization_name", "OIM – Organisation internationale pour les migrations"),
    (NON_ASCII, "location_country", "Suisse"),
    (NON_ASCII, "location_city", "Genève"),
    (NON_ASCII, "theme", "Santé & nutrition"),
    (NON_ASCII, "closing_date", date(2025, 11, 7)),
    (NON_ASCII, "grade", None),
]


@pytest.mark.parametrize(("fixture", "field", "expected"), POSTING_FIELDS)
def test_posting_field(fixture: tuple[str, str], field: str, expected: object) -> None:
    assert getattr(parse_fixture(fixture), field) == expected


@pytest.mark.parametrize(
    ("fixture", "fragment"),
    [
        (FULL, "<h3>Org. Setting and Reporting</h3>"),
        (FULL, "<script"),  # raw: the Markdown pipeline does the cleaning
        (FULL, '<a href="/organizations/unoct"'),
        (NON_ASCII, "مسؤول البرامج"),
        (NON_ASCII, "项目官员"),
        (NON_ASCII, "🌍"),
    ],
)
def test_post_content_html_is_the_raw_description(fixture: tuple[str, str], fragment: str) -> None:
    assert fragment in parse_fixture(fixture).post_content_html


def test_post_content_html_excludes_the_snippet_div_itself() -> None:
    assert 'class="fp-snippet"' not in parse_fixture(FULL).post_content_html


MISSING_FIELDS_FALLBACK = [
    ("post_name", "Associate Programme Officer (Gender)"),
    ("organization_name", "UNEP - United Nations Environment Programme"),
    ("closing_date", date(2025, 10, 3)),
    ("location_country", None),
    ("location_city", None),
    ("theme", None),
    ("grade", None),
    ("contract", None),
    ("apply_url", None),
]


@pytest.mark.parametrize(("field", "expected"), MISSING_FIELDS_FALLBACK)
def test_listing_row_fills_what_the_page_lacks(
    listings: dict[str, Listing], field: str, expected: object
) -> None:
    response = load("posting_missing_fields.html", f"{VACANCY}1758014400123")
    posting = parse_posting(response, listings["1758014400123"])
    assert getattr(posting, field) == expected


def test_page_values_win_over_the_listing_row() -> None:
    listing = Listing(
        post_number="1758015049233",
        source_url=f"{VACANCY}1758015049233",
        organization_name="Other org",
        closing_date=date(2030, 1, 1),
    )
    posting = parse_fixture(FULL, listing)
    assert (posting.organization_name, posting.closing_date) == (
        "UNOCT - Office of Counter-Terrorism",
        date(2025, 10, 15),
    )


def test_page_without_title_or_description_raises_a_readable_error() -> None:
    message = "no title: the page has no <h2>, <title> or div.fp-snippet"
    with pytest.raises(PostingParseError, match=f"^{re.escape(message)}$"):
        parse_posting(load("posting_no_title.html", f"{VACANCY}1757800000888"))


def test_page_without_title_or_description_raises_even_with_a_listing(
    listings: dict[str, Listing],
) -> None:
    response = load("posting_no_title.html", f"{VACANCY}1758014400123")
    with pytest.raises(PostingParseError):
        parse_posting(response, listings["1758014400123"])


SNIPPET_ONLY = '<html><body><div class="fp-snippet"><p>Duties.</p></div></body></html>'


def test_description_without_title_takes_the_listing_title() -> None:
    listing = Listing("1700000000001", f"{VACANCY}1700000000001", "Driver, Juba, South Sudan")
    posting = parse_posting(page_response(SNIPPET_ONLY), listing)
    assert posting.post_name == "Driver, Juba, South Sudan"


def test_description_without_any_title_raises() -> None:
    with pytest.raises(PostingParseError, match=r"^no title: "):
        parse_posting(page_response(SNIPPET_ONLY))


@pytest.mark.parametrize(
    "page_title",
    [
        "Programme Officer | UNjobs",
        "Programme Officer - UNjobs",
        "Programme Officer – UNjobs",
        "Programme Officer | UNjobs.org",
        "UNjobs | Programme Officer",
        "  Programme   Officer  ",
    ],
)
def test_site_name_is_removed_from_the_page_title(page_title: str) -> None:
    html = f"<html><head><title>{page_title}</title></head><body><p>x</p></body></html>"
    assert parse_posting(page_response(html)).post_name == "Programme Officer"


def test_post_number_comes_from_the_listing_when_the_url_has_none() -> None:
    listing = Listing("1700000000002", f"{VACANCY}1700000000002")
    html = SNIPPET_ONLY.replace("<body>", "<body><h2>Driver</h2>")
    response = page_response(html, f"{VACANCY}driver-juba")
    assert parse_posting(response, listing).post_number == "1700000000002"


def test_url_without_post_number_and_no_listing_raises() -> None:
    response = page_response("<html><body><h2>Driver</h2></body></html>", f"{VACANCY}driver-juba")
    with pytest.raises(PostingParseError, match=r"^no post number: "):
        parse_posting(response)


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://unjobs.org/vacancies/1758015049233", "1758015049233"),
        ("/vacancies/123", "123"),
        ("https://unjobs.org/vacancies/1758015049233/", "1758015049233"),
        ("https://unjobs.org/vacancies/1758015049233?utm_source=feed", "1758015049233"),
        ("https://unjobs.org/vacancies/1758015049233#apply", "1758015049233"),
        ("https://unjobs.org/vacancies/senior-advisor", None),
        ("https://unjobs.org/vacancies/12a3", None),
        ("https://unjobs.org/", None),
        ("", None),
    ],
)
def test_post_number_from_url(url: str, expected: str | None) -> None:
    assert post_number_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Closing date: Wednesday, 15 October 2025", date(2025, 10, 15)),
        ("Closing date: 15 October 2025", date(2025, 10, 15)),
        ("Wednesday, 15 October 2025", date(2025, 10, 15)),
        ("15 October 2025", date(2025, 10, 15)),
        ("closing date:\n  Friday,\u00a03 October 2025", date(2025, 10, 3)),
        ("Closing date: 7 Nov 2025", date(2025, 11, 7)),
        ("Closing date: 30 Sept. 2025", date(2025, 9, 30)),
        ("Closing date: October 15, 2025", date(2025, 10, 15)),
        ("Posted 1 September 2025. Closing date: 15 October 2025", date(2025, 10, 15)),
        ("Closing date:", None),
        ("Closing date: open until filled", None),
        ("Closing date: 31 February 2025", None),
        ("15 Octember 2025", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_closing_date(text: str | None, expected: date | None) -> None:
    assert parse_closing_date(text) == expected


@pytest.mark.parametrize("page_title", ["UNjobs", " unjobs.org ", "UNjobs | UNjobs"])
def test_a_page_titled_only_with_the_site_name_and_no_description_is_not_a_posting(page_title: str) -> None:
    html = (
        f"<html><head><title>{page_title}</title></head><body>"
        "<p>This vacancy cannot be displayed.</p></body></html>"
    )
    response = page_response(html)
    expected = "not a posting: no <h2>, no description (div.fp-snippet), and a <title> that is only the site's name"
    assert posting_page_problem(response) == expected
    with pytest.raises(PostingParseError, match=f"^{re.escape(expected)}$"):
        parse_posting(response)
