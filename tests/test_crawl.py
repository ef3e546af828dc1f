"""End-to-end crawls of the replica into the real databases, through ``scrapy crawl``."""

from __future__ import annotations

import contextlib

import pytest

from tests.crawling import run_crawl, run_scrapy
from tests.databases import stored_rows, temporary_postgres_schema
from tests.replica import Replica
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.jobads.grades import normalize
from unjobs_scraper.storage import open_storage

pytestmark = pytest.mark.crawl


def assert_clean_crawl(result):
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert result.stats.get("log_count/ERROR", 0) == 0, result.log[-3000:]
    warnings = [
        line for line in result.log.splitlines() if "Warning" in line and "unjobs_scraper" in line
    ]
    assert warnings == []


@pytest.fixture(scope="module")
def big_replica():
    """Over 200 postings: nine index pages of 25."""
    with Replica(postings=210, seed=3) as running:
        yield running


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def big_crawl(request, big_replica, tmp_path_factory):
    """One crawl of the big replica per backend, shared by the tests that read what it stored:
    (the database URL, the crawl's result, what the replica served)."""
    with contextlib.ExitStack() as stack:
        if request.param == "postgresql":
            url = stack.enter_context(temporary_postgres_schema())
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('big') / 'unjobs.sqlite3'}"
        big_replica.reset_stats()
        result = run_crawl(big_replica.base_url, url)
        yield url, result, big_replica.stats()


def test_full_crawl_stores_every_posting_as_generated(big_replica, big_crawl):
    database_url, result, served = big_crawl
    assert_clean_crawl(result)
    rows = stored_rows(database_url)
    site = big_replica.site
    assert sorted(rows) == sorted(site.post_numbers())
    mismatches = [
        (number, field, rows[number][field], value)
        for number in site.post_numbers()
        for field, value in site.expected(number, big_replica.base_url).items()
        if rows[number][field] != value
    ]
    assert mismatches == []
    assert {
        (row["status"], row["processing_attempts"], row["processing_error"])
        for row in rows.values()
    } == {("processed", 1, None)}
    assert result.stats["unjobs/postings/processed"] == 210
    assert served["served"]["index"] == 9


def test_descriptions_become_clean_markdown_and_keep_their_html(big_replica, big_crawl):
    database_url, result, _ = big_crawl
    assert_clean_crawl(result)
    rows = stored_rows(database_url)
    for number in big_replica.site.post_numbers():
        spec = big_replica.site.posting(number)
        markdown = rows[number]["post_content"]
        assert [marker for marker in spec.description_markers if marker not in markdown] == [], (
            number
        )
        assert [bad for bad in spec.description_forbidden if bad in markdown] == [], number
        assert rows[number]["post_content_html"].strip()


def test_every_processed_posting_gets_its_job_ad(big_replica, big_crawl):
    database_url, result, _ = big_crawl
    store = open_storage(parse_database_url(database_url))
    try:
        ads = {number: store.job_ads.get(number) for number in big_replica.site.post_numbers()}
    finally:
        store.close()
    assert result.stats["unjobs/job_ads/derived"] == 210
    site_countries = {"Qatar": "QAT", "Switzerland": "CHE", "Colombia": "COL", "Côte d'Ivoire": "CIV",
                      "Brazil": "BRA", "Kenya": "KEN", "Jordan": "JOR", "China": "CHN", "Bangladesh": "BGD",
                      "United States of America": "USA", "Türkiye": "TUR", "Democratic Republic of the Congo": "COD",
                      "Senegal": "SEN", "Thailand": "THA", "Ukraine": "UKR", "Italy": "ITA", "Lebanon": "LBN",
                      "South Sudan": "SSD", "Singapore": "SGP"}
    wrong = [
        (number, spec.country, ad["country_code"], spec.grade, ad["grade"])
        for number, ad in ads.items()
        for spec in [big_replica.site.posting(number)]
        if ad["country_code"] != site_countries[spec.country]
        or (spec.grade is not None and (ad["grade"], ad["grade_source"]) != (normalize(spec.grade).value[0], spec.grade))
    ]
    assert wrong == []


def test_second_crawl_downloads_only_what_changed(database_url):
    with Replica(postings=80, seed=11) as replica:
        assert_clean_crawl(run_crawl(replica.base_url, database_url))
        assert len(replica.stats()["posting_hits"]) == 80

        replica.reset_stats()
        second = run_crawl(replica.base_url, database_url)
        assert_clean_crawl(second)
        assert replica.stats()["served"]["posting"] == 0
        assert replica.stats()["served"]["index"] == 1  # stops at the first all-known page

        updated = replica.site.update_listings(5)
        replica.reset_stats()
        assert_clean_crawl(run_crawl(replica.base_url, database_url))
        assert sorted(replica.stats()["posting_hits"]) == sorted(updated)
        rows = stored_rows(database_url)
        for number in updated:
            assert (
                rows[number]["post_name"]
                == replica.site.expected(number, replica.base_url)["post_name"]
            )
            assert (rows[number]["status"], rows[number]["processing_attempts"]) == ("processed", 1)


def test_max_index_pages_bounds_pagination(replica, sqlite_url):
    result = run_crawl(replica.base_url, sqlite_url, settings={"MAX_INDEX_PAGES": "1"})
    assert_clean_crawl(result)
    assert replica.stats()["served"]["index"] == 1
    assert result.stats["unjobs/postings/processed"] == 25


def test_listing_without_post_number_is_logged_and_skipped(replica, sqlite_url):
    result = run_crawl(replica.base_url, sqlite_url)
    assert_clean_crawl(result)
    assert result.stats["unjobs/listings/rejected"] == 1
    assert "Skipping a listing without a post number" in result.log
    assert len(stored_rows(sqlite_url)) == 60


def test_start_url_argument_crawls_one_listing(replica, sqlite_url):
    site = replica.site
    slugs = {
        slug
        for number in site.post_numbers()
        for slug in site.posting(number).facet_slugs("duty_stations")
    }
    slug = max(
        sorted(slugs),
        key=lambda s: sum(len(p.postings) for p in site.listing_pages("duty_stations", s)),
    )
    in_listing = {
        spec.post_number
        for page in site.listing_pages("duty_stations", slug)
        for spec in page.postings
    }
    assert 1 < len(in_listing) < len(site)
    result = run_crawl(
        replica.base_url, sqlite_url, spider_args={"start_url": f"/duty_stations/{slug}"}
    )
    assert_clean_crawl(result)
    assert set(stored_rows(sqlite_url)) == in_listing


def test_scrapy_parse_runs_the_posting_callback(replica, sqlite_url):
    number = replica.site.post_numbers()[0]
    expected = replica.site.expected(number, replica.base_url)
    completed = run_scrapy(
        sqlite_url,
        "parse",
        "--spider",
        "unjobs",
        "-c",
        "parse_posting",
        f"{replica.base_url}vacancies/{number}",
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "Scraped Items" in completed.stdout
    assert repr(expected["post_name"]) in completed.stdout
