"""Item pipelines: Markdown from the description, status-tracked upserts, then the job ad."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.items import Listing, Posting, PostingFailure
from unjobs_scraper.jobads import derive
from unjobs_scraper.markdown import html_to_markdown
from unjobs_scraper.stats import (
    FAILED_STAT,
    JOB_ADS_STAT,
    POSTINGS_STAT,
    PROCESSED_STAT,
)
from unjobs_scraper.status import PostingStatus, crawler_status
from unjobs_scraper.storage.columns import POSTING_COLUMNS
from unjobs_scraper.storage.writer import crawler_database


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
    """Hands every item to the posting's state machine: listings, parsed postings and final failures.

    It waits only while the database's write queue is full (back-pressure on the crawl)."""

    def __init__(self, status: PostingStatus, config: Config, stats) -> None:
        self.status = status
        self.config = config
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler_status(crawler), crawler_config(crawler), crawler.stats)

    async def process_item(self, item):
        await self.status.room()
        adapter = ItemAdapter(item)
        if isinstance(item, Listing):
            self.status.discover(adapter.asdict())
        elif isinstance(item, Posting):
            self._save_posting(adapter)
        elif isinstance(item, PostingFailure):
            self.status.end(adapter["post_number"], adapter["source_url"], adapter["status"], adapter["error"])
            self.stats.inc_value(POSTINGS_STAT + adapter["status"])
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
            self.status.give_up(adapter["post_number"], adapter["source_url"], error)
            self.stats.inc_value(FAILED_STAT)
            raise DropItem(f"posting {adapter['post_number']} {error}")
        self.status.succeed(adapter.asdict())
        self.stats.inc_value(PROCESSED_STAT)


class JobAdPipeline:
    """Derives each saved posting's structured job ad (``jobads``) and stores it in ``job_ads``.

    After the posting is saved, and derived data: a crawler killed outright loses at most the
    job ads still queued, which ``scrapy reparse`` derives again from the stored postings.
    """

    def __init__(self, database, stats) -> None:
        self.database = database
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler_database(crawler), crawler.stats)

    def process_item(self, item):
        if isinstance(item, Posting):
            row = derive(ItemAdapter(item))
            self.database.write(lambda s: s.job_ads.save([row]), f"the job ad of {row['post_number']}")
            self.stats.inc_value(JOB_ADS_STAT)
        return item
