"""Extensions: the crawl's final stats as a JSON file, for scripts, schedulers and tests."""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from unjobs_scraper.config import crawler_config


class StatsFile:
    """Writes ``crawler.stats`` to ``STATS_FILE`` (JSON) when the spider closes."""

    def __init__(self, crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler_config(crawler).stats_file
        if not path:
            raise NotConfigured("STATS_FILE is not set")
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats(), finish_reason=reason)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True))
