"""Pipelines and the spider's posting callback against a real database, without a crawl."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from unjobs_scraper.items import Listing, Posting, PostingFailure
from unjobs_scraper.pipelines import MarkdownPipeline, PostingStorePipeline
from unjobs_scraper.spiders.unjobs import UnjobsSpider
from unjobs_scraper.storage import crawler_store

FIXTURES = Path(__file__).parent / "fixtures"
URL = "https://unjobs.org/vacancies/1758015049233"


@pytest.fixture
def crawler(database_url):
    crawler = get_crawler(UnjobsSpider, {"DATABASE_URL": database_url, "MAX_FIELD_CHARS": "100"})
    yield crawler
    crawler_store(crawler).close()


@pytest.fixture
def store_pipeline(crawler):
    pipeline = PostingStorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def fixture_response(name: str) -> HtmlResponse:
    return HtmlResponse(url=URL, body=(FIXTURES / name).read_bytes(), encoding="utf-8")


def test_markdown_pipeline_fills_post_content_from_the_html():
    item = Posting(
        "1",
        URL,
        "Officer",
        post_content_html='<h3>Duties</h3><script>x()</script><a href="/a">a</a>',
    )
    MarkdownPipeline().process_item(item)
    assert item.post_content == "### Duties\n\n[a](https://unjobs.org/a)"


def test_listing_then_posting_ends_processed(store_pipeline, crawler):
    store_pipeline.process_item(Listing("1758015049233", URL, "OFFICER, Doha, Qatar", "UNOCT"))
    store_pipeline.process_item(Posting("1758015049233", URL, "Officer", post_content="text"))
    row = crawler_store(crawler).get("1758015049233")
    assert (row["status"], row["organization_name"], row["post_content"]) == (
        "processed",
        "UNOCT",
        "text",
    )
    assert crawler.stats.get_value("unjobs/postings/processed") == 1


def test_oversized_field_is_rejected_with_a_clear_error(store_pipeline, crawler):
    with pytest.raises(DropItem, match="post_name"):
        store_pipeline.process_item(Posting("1758015049233", URL, "T" * 1_000_000))
    row = crawler_store(crawler).get("1758015049233")
    assert row["status"] == "failed"
    assert (
        row["processing_error"]
        == "rejected: post_name (1000000 characters) over MAX_FIELD_CHARS=100"
    )


def test_page_without_title_becomes_a_readable_processing_error(store_pipeline, crawler):
    spider = UnjobsSpider.from_crawler(crawler)
    (failure,) = spider.parse_posting(fixture_response("posting_no_title.html"))
    assert isinstance(failure, PostingFailure)
    store_pipeline.process_item(failure)
    row = crawler_store(crawler).get("1758015049233")
    assert row["status"] == "failed"
    assert row["processing_error"].startswith("no title")


def test_full_posting_page_parses_through_the_spider_callback(crawler):
    spider = UnjobsSpider.from_crawler(crawler)
    (posting,) = spider.parse_posting(fixture_response("posting_full.html"))
    assert isinstance(posting, Posting)
    assert posting.post_number == "1758015049233"
