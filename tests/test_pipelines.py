"""Pipelines and the spider's posting callback, built in-process over an in-memory store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from tests.databases import memory_storage, posting_status
from unjobs_scraper.config import crawler_config
from unjobs_scraper.items import Listing, Posting, PostingFailure
from unjobs_scraper.pipelines import MarkdownPipeline, PostingStorePipeline
from unjobs_scraper.spiders.unjobs import UnjobsSpider

FIXTURES = Path(__file__).parent / "fixtures"
URL = "https://unjobs.org/vacancies/1758015049233"


@pytest.fixture
def crawler():
    return get_crawler(UnjobsSpider, {"MAX_FIELD_CHARS": "100"})


@pytest.fixture
def storage():
    storage = memory_storage()
    yield storage
    storage.close()


class StorePipeline:
    """The pipeline over an in-memory store, its coroutine run to the end."""

    def __init__(self, crawler, storage) -> None:
        self.pipeline = PostingStorePipeline(posting_status(storage), crawler_config(crawler), crawler.stats)

    def process_item(self, item):
        return asyncio.run(self.pipeline.process_item(item))


@pytest.fixture
def store_pipeline(crawler, storage):
    return StorePipeline(crawler, storage)


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


def test_listing_then_posting_ends_processed(store_pipeline, crawler, storage):
    store_pipeline.process_item(Listing("1758015049233", URL, "OFFICER, Doha, Qatar", "UNOCT"))
    store_pipeline.process_item(Posting("1758015049233", URL, "Officer", post_content="text"))
    row = storage.postings.get("1758015049233")
    assert (row["status"], row["organization_name"], row["post_content"]) == (
        "processed",
        "UNOCT",
        "text",
    )
    assert crawler.stats.get_value("unjobs/postings/processed") == 1


def test_oversized_field_is_rejected_with_a_clear_error(store_pipeline, storage):
    with pytest.raises(DropItem, match="post_name"):
        store_pipeline.process_item(Posting("1758015049233", URL, "T" * 1_000_000))
    row = storage.postings.get("1758015049233")
    assert row["status"] == "failed"
    assert (
        row["processing_error"]
        == "rejected: post_name (1000000 characters) over MAX_FIELD_CHARS=100"
    )


def test_page_without_title_becomes_a_readable_processing_error(store_pipeline, storage):
    spider = UnjobsSpider()
    (failure,) = spider.parse_posting(fixture_response("posting_no_title.html"))
    assert isinstance(failure, PostingFailure)
    store_pipeline.process_item(failure)
    row = storage.postings.get("1758015049233")
    assert row["status"] == "failed"
    assert row["processing_error"].startswith("no title")


def test_full_posting_page_parses_through_the_spider_callback():
    spider = UnjobsSpider()
    (posting,) = spider.parse_posting(fixture_response("posting_full.html"))
    assert isinstance(posting, Posting)
    assert posting.post_number == "1758015049233"
