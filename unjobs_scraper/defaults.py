"""Every default of the settings this project adds, in one place, and nothing else.

Each of them can also be given as an environment variable of the same name and overridden per
run with ``scrapy crawl unjobs -s NAME=value``; ``config.Config.from_settings`` reads them, in
that order (``-s``, environment, default), and validates them once per crawl.
"""

UNJOBS_BASE_URL = "https://unjobs.org/"
DATABASE_URL = None
REDIS_URL = None
REDIS_NAMESPACE = "unjobs"
MAX_INDEX_PAGES = 40
LISTING_PAGE_CAP = 40
MAX_FIELD_CHARS = 4000
STATS_FILE = None
RETRY_BACKOFF_BASE = 60.0
RETRY_BACKOFF_MAX = 3600.0
RETRY_MAX_IDLE_WAIT = 300.0
PROCESSING_LEASE = 600.0
WORKER_IDLE_TIMEOUT = 0.0
BACKFILL_EVERY = 7 * 24 * 3600.0
DATABASE_OUTAGE_TIMEOUT = 300.0
DATABASE_WRITE_QUEUE = 10_000
REDIS_OUTAGE_TIMEOUT = 300.0
# One polite fleet (docs/operations.md: "Politeness"): the site's limits, all workers together.
SITE_RATE_LIMIT = 1.0
SITE_CONCURRENCY = 2
SITE_BAN_COOLDOWN = 30.0
SITE_BAN_TIMEOUT = 3600.0
# Cloudflare and the browser (docs/cloudflare.md).
CHROMIUM_PATH = None
PLAYWRIGHT_RENDER = "auto"
CLOUDFLARE_CHALLENGE_TIMEOUT = 30.0
CLOUDFLARE_IMPERSONATE = "auto"
CLOUDFLARE_MAX_FAILED_SOLVES = 3
BROWSER_FETCH_CONCURRENCY = 4
BROWSER_IGNORE_HTTPS_ERRORS = False
# Seeing what the crawler does (docs/operations.md: "Progress, monitors and the dashboard").
PROGRESS_INTERVAL = 30.0
MONITORS_FAIL_EXIT = True
# Spidermon's own monitors read theirs (docs/operations.md: "Run monitors"); the old MONITOR_* names of the
# first three still work for one release, with a deprecation warning (monitors.RENAMED_SETTINGS).
SPIDERMON_EXPECTED_FINISH_REASONS = "finished,shutdown"
SPIDERMON_MAX_ERRORS = 0
SPIDERMON_MAX_ITEM_VALIDATION_ERRORS = 0
MONITOR_MAX_FAILED_RATIO = 0.1
MONITOR_MIN_LISTINGS = 1
# Finding jobs (docs/api.md): the query API's token, saved searches' webhooks.
API_TOKEN = None
NOTIFY_AFTER_CRAWL = True
WEBHOOK_TIMEOUT = 10.0
WEBHOOK_MAX_ATTEMPTS = 8
WEBHOOK_BACKOFF_BASE = 60.0
