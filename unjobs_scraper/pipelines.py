"""Item pipelines: Markdown from the description, status-tracked upserts, then the job ad."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.items import Listing, Posting, PostingFailure
from unjobs_scraper.jobads import derive
from unjobs_scraper.markdown import html_to_markdown
from unjobs_scraper.stats import (
    DATABASE_UNAVAILABLE_STAT,
    FAILED_STAT,
    JOB_ADS_STAT,
    POSTINGS_STAT,
    PROCESSED_STAT,
)
from unjobs_scraper.storage import crawler_store
from unjobs_scraper.storage.columns import POSTING_COLUMNS

JOB_AD_BATCH = 200
"""Job ads written in one transaction."""


class MarkdownPipeline:
    """Fills ``post_content`` from ``post_content_html``; the HTML is kept for re-parsing."""

    def process_item(self, item):
        if isinstance(item, Posting):
            adapter = ItemAdapter(item)
            adapter["post_content"] = html_to_markdown(
                adapter.get("post_content_html"), adapter["source_url"]
            )
        return item


class PostingStorePipeline:
    """Writes every item to the database: listings, parsed postings and final failures."""

    def __init__(self, crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        self.store = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler_config(crawler))

    def open_spider(self) -> None:
        self.store = crawler_store(self.crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        if isinstance(item, Listing):
            self.store.upsert_listing(adapter)
        elif isinstance(item, Posting):
            self._save_posting(adapter)
        elif isinstance(item, PostingFailure):
            self.store.record_failure(
                adapter["post_number"], adapter["source_url"], adapter["status"], adapter["error"]
            )
            self.crawler.stats.inc_value(POSTINGS_STAT + adapter["status"])
        return item

    def _save_posting(self, adapter: ItemAdapter) -> None:
        oversized = [
            f"{name} ({len(adapter[name])} characters)"
            for name in POSTING_COLUMNS
            if name not in ("post_content", "post_content_html")
            and isinstance(adapter.get(name), str)
            and len(adapter[name]) > self.config.max_field_chars
        ]
        if oversized:
            error = f"rejected: {', '.join(oversized)} over MAX_FIELD_CHARS={self.config.max_field_chars}"
            self.store.record_failure(
                adapter["post_number"], adapter["source_url"], "failed", error
            )
            self.crawler.stats.inc_value(FAILED_STAT)
            raise DropItem(f"posting {adapter['post_number']} {error}")
        self.store.save_posting(adapter)
        self.crawler.stats.inc_value(PROCESSED_STAT)


class JobAdPipeline:
    """Derives each saved posting's structured job ad (``jobads``) and stores it in ``job_ads``,
    ``JOB_AD_BATCH`` at a time and when the spider closes.

    After the posting is saved, and derived data: a crawler killed outright loses at most one
    batch of job ads, which ``scrapy reparse`` derives again from the stored postings.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = None
        self.pending: list[dict] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = crawler_store(self.crawler)

    def process_item(self, item):
        if isinstance(item, Posting):
            self.pending.append(derive(ItemAdapter(item)))
            if len(self.pending) >= JOB_AD_BATCH:
                self._flush()
        return item

    def close_spider(self) -> None:
        if not self.crawler.stats.get_value(DATABASE_UNAVAILABLE_STAT):
            self._flush()

    def _flush(self) -> None:
        self.store.save_job_ads(self.pending)
        self.crawler.stats.inc_value(JOB_ADS_STAT, len(self.pending))
        self.pending = []
