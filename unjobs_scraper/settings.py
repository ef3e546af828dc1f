"""Scrapy settings for unjobs-scraper.

Defaults are polite to the real site. The project's own settings (see ``defaults.py``)
are also read from environment variables of the same name; ``-s NAME=value`` wins over both.
"""

from unjobs_scraper.config import environment_or_default

BOT_NAME = "unjobs_scraper"
SPIDER_MODULES = ["unjobs_scraper.spiders"]
NEWSPIDER_MODULE = "unjobs_scraper.spiders"
COMMANDS_MODULE = "unjobs_scraper.commands"

UNJOBS_BASE_URL = environment_or_default("UNJOBS_BASE_URL")
DATABASE_URL = environment_or_default("DATABASE_URL")
REDIS_URL = environment_or_default("REDIS_URL")
MAX_INDEX_PAGES = environment_or_default("MAX_INDEX_PAGES")
MAX_FIELD_CHARS = environment_or_default("MAX_FIELD_CHARS")

USER_AGENT = "unjobs-scraper/0.1 (+https://github.com/unjobs-scraper; vacancy tracker)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 60
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_TIMES = 5

DOWNLOADER_MIDDLEWARES = {
    "unjobs_scraper.middlewares.PostingStatusMiddleware": 950,
}
EXTENSIONS = {
    "unjobs_scraper.extensions.StatsFile": 900,
}
STATS_FILE = environment_or_default("STATS_FILE")
ITEM_PIPELINES = {
    "unjobs_scraper.pipelines.MarkdownPipeline": 300,
    "unjobs_scraper.pipelines.PostingStorePipeline": 800,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
