"""Scrapy settings for unjobs-scraper.

Defaults are polite to the real site. The project's own settings have their defaults in
``defaults.py``; an environment variable of the same name overrides one (scrapyd, docker
compose), and ``-s NAME=value`` wins over both. ``config.Config.from_settings`` validates them,
once per crawl.
"""

import os

from scrapy.settings.default_settings import RETRY_EXCEPTIONS as SCRAPY_RETRY_EXCEPTIONS

from unjobs_scraper import defaults

globals().update(
    {name: os.environ.get(name, default) for name, default in vars(defaults).items() if name.isupper()}
)

BOT_NAME = "unjobs_scraper"
SPIDER_MODULES = ["unjobs_scraper.spiders"]
NEWSPIDER_MODULE = "unjobs_scraper.spiders"
COMMANDS_MODULE = "unjobs_scraper.commands"

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
# A posting that gives up is recorded as failed (and dead-lettered): a data problem, not a crawler error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# Scrapy's transient network errors, plus a browser that crashed or timed out in always mode.
RETRY_EXCEPTIONS = [*SCRAPY_RETRY_EXCEPTIONS, "playwright.async_api.Error"]
# A posting page is a few tens of KB; anything this large is broken, not worth storing.
DOWNLOAD_MAXSIZE = 2 * 1024 * 1024
SCHEDULER = "unjobs_scraper.scheduler.BackoffScheduler"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "unjobs_scraper.retry.BackoffRetryMiddleware": 550,
    "unjobs_scraper.cloudflare.middleware.CloudflareMiddleware": 560,
    # The site's throttling answers, read first: a ban is neither a challenge nor a retry.
    "unjobs_scraper.sitegate.middleware.SiteRateLimitMiddleware": 580,
    "unjobs_scraper.middlewares.PostingStatusMiddleware": 950,
}
EXTENSIONS = {
    "unjobs_scraper.progress.Progress": 500,
    "unjobs_scraper.monitors.MonitorsExtension": 510,
    "unjobs_scraper.leases.WorkerLease": 520,
    "unjobs_scraper.extensions.StatsFile": 900,  # after the monitors: their results are in the file
}
ITEM_PIPELINES = {
    "unjobs_scraper.pipelines.MarkdownPipeline": 300,
    "unjobs_scraper.validation.ItemValidationPipeline": 400,
    "unjobs_scraper.pipelines.PostingStorePipeline": 800,
    "unjobs_scraper.pipelines.JobAdPipeline": 850,
}

# Progress and run monitors (docs/operations.md: "Progress, monitors and the dashboard").
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["unjobs_scraper.monitors.CloseMonitors"]
# A process that read no index page has nothing to judge "postings discovered" on.
SPIDERMON_MONITOR_SKIPPING_RULES = {"Postings discovered": [["unjobs/index/parsed", "==", 0]]}


TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Cloudflare and the browser (docs/cloudflare.md). scrapy-playwright handles
# http(s) but only opens Chromium for requests with meta["playwright"], which CloudflareMiddleware
# sets for a challenge (or for every page with PLAYWRIGHT_RENDER=always).
# One handler chooses per request: browser page, in-page fetch, impersonated (curl_cffi) or plain.
DOWNLOAD_HANDLERS = {
    "http": "unjobs_scraper.cloudflare.handler.CloudflareDownloadHandler",
    "https": "unjobs_scraper.cloudflare.handler.CloudflareDownloadHandler",
}
ADDONS = {
    "unjobs_scraper.monitors.MonitorSettings": -1,  # the renamed monitor settings, first
    "unjobs_scraper.cloudflare.launch.BrowserAddon": 0,  # PLAYWRIGHT_LAUNCH_OPTIONS from CHROMIUM_PATH
}
PLAYWRIGHT_BROWSER_PROVIDER = "unjobs_scraper.cloudflare.launch.LazyBrowserProvider"
PLAYWRIGHT_MAX_CONTEXTS = 1  # one context: every page shares the clearance cookie
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_ABORT_REQUEST = "unjobs_scraper.cloudflare.launch.abort_request"
# The browser sends its own headers: Cloudflare binds clearance to the User-Agent that solved it.
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
