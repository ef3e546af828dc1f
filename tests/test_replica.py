"""The unjobs.org replica serves what the markup doc describes and what its data model claims.

The crawler's end-to-end tests trust this replica, so these tests pin its behaviour down first.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from markdownify import markdownify
from parsel import Selector

from tests.replica import Replica, Site
from tests.replica.pages import render_index, render_posting

TIMEOUT_S = 5
POST_NUMBER_IN_HREF = re.compile(r"/vacancies/(\d+)$")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def fetch(url: str, method: str = "GET") -> tuple[int, str, str]:
    """(status, content type, body) for any status, closing the connection either way."""
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.status, response.headers.get_content_type(), response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get_content_type(), error.read().decode()


def page(url: str) -> Selector:
    status, _, body = fetch(url)
    assert status == 200, url
    return Selector(text=body)


def listed_post_numbers(index: Selector) -> list[str]:
    """Post numbers of an index page's rows, skipping rows whose href carries none."""
    hrefs = index.css("article div.job a.jtitle::attr(href)").getall()
    return [match[1] for href in hrefs if (match := POST_NUMBER_IN_HREF.search(href))]


def next_url(index: Selector) -> str | None:
    return index.xpath('//td[@class="nv"]/a[starts-with(normalize-space(), "Next")]/@href').get()


def crawl_listing(start_url: str, max_pages: int = 50) -> list[Selector]:
    """Every page of a listing, following Next links."""
    pages, url = [], start_url
    while url is not None:
        assert len(pages) < max_pages, "the Next links never end"
        pages.append(page(url))
        url = next_url(pages[-1])
    return pages


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    """A read-only replica shared by the tests that do not mutate or count."""
    with Replica(postings=120, seed=7) as running:
        yield running


def test_same_seed_gives_identical_pages() -> None:
    first, second = Site(postings=80, seed=3), Site(postings=80, seed=3)
    base_url = "http://127.0.0.1:1/"
    first_index, second_index = first.listing_pages()[0], second.listing_pages()[0]
    assert render_index(first_index, base_url) == render_index(second_index, base_url)
    assert [render_posting(first.posting(pn)) for pn in first.post_numbers()] == [
        render_posting(second.posting(pn)) for pn in second.post_numbers()
    ]
    assert first.update_listings(3) == second.update_listings(3)
    assert first.add_postings(2) == second.add_postings(2)


def test_different_seed_gives_different_site() -> None:
    assert Site(postings=50, seed=1).post_numbers() != Site(postings=50, seed=2).post_numbers()


def test_first_page_has_a_full_page_the_featured_row_and_next(replica: Replica) -> None:
    index = page(replica.base_url)
    rows = index.css("article > div.job")
    assert len(rows) == 26
    assert len(listed_post_numbers(index)) == 25
    assert index.css('a.jtitle[href="/vacancies/featured"]')
    assert index.css("article > div:not(.job)"), "ads are interleaved between the rows"
    assert next_url(index) == f"{replica.base_url}new/2"


def test_listing_rows_follow_the_markup_doc(replica: Replica) -> None:
    index = page(replica.base_url)
    first_pn = listed_post_numbers(index)[0]
    spec = replica.site.posting(first_pn)
    row = index.xpath(f'//div[@class="job"][a[contains(@href, "/vacancies/{first_pn}")]]')
    assert row.css("a.jtitle::text").get() == f"{spec.title.upper()}, {spec.city}, {spec.country}"
    organization = row.xpath("./a/following-sibling::br[1]/following-sibling::text()[1]").get()
    assert organization.strip() == spec.organization
    assert row.attrib["id"] != first_pn and row.attrib["id"].isdigit()
    assert row.css("time.upd::attr(datetime)").get() == spec.listing_updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    closing_text = row.css("span::text").get().removeprefix("Closing date: ")
    assert datetime.strptime(closing_text, "%A, %d %B %Y").date() == spec.closing_date


def test_all_pages_list_every_posting_once_newest_first(replica: Replica) -> None:
    pages = crawl_listing(replica.base_url)
    assert len(pages) == 5
    assert next_url(pages[-1]) is None
    listed = [pn for index in pages for pn in listed_post_numbers(index)]
    assert sorted(listed) == sorted(replica.site.post_numbers())
    updated = [stamp for index in pages for stamp in index.css("div.job time.upd::attr(datetime)").getall()]
    assert updated == sorted(updated, reverse=True)


def test_listing_stops_at_max_pages() -> None:
    with Replica(postings=40, per_page=5, max_pages=3) as capped:
        pages = crawl_listing(capped.base_url)
        assert len(pages) == 3
        assert len([pn for index in pages for pn in listed_post_numbers(index)]) == 15
        assert fetch(f"{capped.base_url}new/4")[0] == 404


def test_duty_station_listing_holds_exactly_its_postings(replica: Replica) -> None:
    spec = replica.site.posting(replica.site.post_numbers()[0])
    slug = spec.facet_slugs("duty_stations").pop()
    pages = crawl_listing(f"{replica.base_url}duty_stations/{slug}")
    listed = [pn for index in pages for pn in listed_post_numbers(index)]
    assert spec.post_number in listed
    assert all(slug in replica.site.posting(pn).facet_slugs("duty_stations") for pn in listed)
    assert fetch(f"{replica.base_url}duty_stations/atlantis")[0] == 404


def test_posting_page_matches_expected_fields(replica: Replica) -> None:
    for post_number in replica.site.post_numbers()[:40]:
        spec = replica.site.posting(post_number)
        expected = replica.site.expected(post_number, replica.base_url)
        posting = page(expected["source_url"])
        assert posting.css(".container > table > tbody > tr > td > h2::text").get() == expected["post_name"]
        assert posting.css("title::text").get() == f"{spec.title} | UNjobs"
        assert posting.css("div.fp-snippet").get()
        rows = {
            label.strip().rstrip(":"): value
            for label, value in (
                (item.xpath("./text()").get(), item.css("a::text").get())
                for item in posting.css("#cats ul.list-group li.list-group-item")
            )
        }
        assert list(rows) == list(spec.category_order)
        assert rows["Organization"] == expected["organization_name"]
        assert rows[spec.city_label] == expected["location_city"]
        assert (rows.get("Grade"), rows.get("Theme")) == (expected["grade"], expected["theme"])
        assert posting.css("a.apply::attr(href)").get() == expected["apply_url"]


def test_descriptions_keep_markers_and_drop_code_in_markdown() -> None:
    site = Site(postings=300, seed=1)
    for post_number in site.post_numbers():
        spec = site.posting(post_number)
        markdown = markdownify(spec.description_html)
        assert all(marker in markdown for marker in spec.description_markers), post_number
        assert not any(code in markdown for code in spec.description_forbidden), post_number


def test_site_has_the_variety_parsers_must_survive() -> None:
    site = Site(postings=300, seed=1)
    specs = [site.posting(pn) for pn in site.post_numbers()]
    titles = " ".join(spec.title for spec in specs)
    for fragment in ("'); DROP TABLE raw_job_data; --", '"', "&", "é", "مسؤول", "项目", "🌍"):
        assert fragment in titles
    html = " ".join(spec.description_html for spec in specs)
    for tag in ("<h3>", "<h4>", "<table", "<ol>", "<script", "<style>", "onclick=", 'style="', 'href="/'):
        assert tag in html
    assert {spec.city_label for spec in specs} == {"City", "Field location"}
    assert any(spec.grade is None for spec in specs) and any(spec.apply_url is None for spec in specs)
    assert any(spec.relative_href for spec in specs) and not all(spec.relative_href for spec in specs)
    assert len({spec.category_order for spec in specs}) > 5


def test_stats_count_what_was_served() -> None:
    with Replica(postings=30) as counted:
        post_number = counted.site.post_numbers()[0]
        page(counted.base_url)
        page(f"{counted.base_url}vacancies/{post_number}")
        page(f"{counted.base_url}vacancies/{post_number}")
        assert fetch(f"{counted.base_url}robots.txt")[2].startswith("User-agent: *")
        status, content_type, body = fetch(f"{counted.base_url}__replica__/stats")
        assert (status, content_type) == (200, "application/json")
        expected = {
            "served": {"index": 1, "posting": 2, "other": 1},
            "posting_hits": {post_number: 2},
            "postings": 30,
        }
        served_now = {key: json.loads(body)[key] for key in expected}
        assert served_now == expected == {key: counted.stats()[key] for key in expected}
        reset_body = fetch(f"{counted.base_url}__replica__/reset", method="POST")[2]
        assert json.loads(reset_body)["served"]["posting"] == 0
        page(counted.base_url)
        counted.reset_stats()
        assert counted.stats()["served"] == {"index": 0, "posting": 0, "other": 0}


def test_unknown_posting_is_404_and_counts_as_other(replica: Replica) -> None:
    before = replica.stats()["served"]["other"]
    assert fetch(f"{replica.base_url}vacancies/1000000000000")[0] == 404
    assert fetch(f"{replica.base_url}vacancies/featured")[0] == 404
    assert replica.stats()["served"]["other"] == before + 2


def test_updated_listings_move_to_page_one_with_new_titles() -> None:
    with Replica(postings=100) as mutable:
        old_titles = {pn: mutable.site.posting(pn).title for pn in mutable.site.post_numbers()}
        first_page_before = set(listed_post_numbers(page(mutable.base_url)))
        updated = mutable.site.update_listings(5)
        assert not first_page_before & set(updated), "picked from later pages, so the move is visible"
        assert set(listed_post_numbers(page(mutable.base_url))[:5]) == set(updated)
        for post_number in updated:
            title = page(f"{mutable.base_url}vacancies/{post_number}").css("h2::text").get()
            assert title == mutable.site.expected(post_number, mutable.base_url)["post_name"]
            assert title != old_titles[post_number]


def test_added_postings_are_newest() -> None:
    with Replica(postings=40) as growing:
        added = growing.site.add_postings(3)
        assert len(growing.site) == 43 and growing.stats()["postings"] == 43
        assert listed_post_numbers(page(growing.base_url))[:3] == added[::-1]


def test_cli_serves_until_interrupted() -> None:
    command = [sys.executable, "-m", "tests.replica", "--port", "0", "--postings", "10"]
    with subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True) as process:
        try:
            base_url = re.search(r"http://\S+", process.stdout.readline())[0]
            assert listed_post_numbers(page(base_url))
        finally:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=TIMEOUT_S)
    assert process.returncode == 0
