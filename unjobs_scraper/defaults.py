"""Every default of the settings this project adds, in one place.

Each of them can also be given as an environment variable of the same name (read by
``settings.py``) and overridden per run with ``scrapy crawl unjobs -s NAME=value``.
"""

UNJOBS_BASE_URL = "https://unjobs.org/"
DATABASE_URL = None
SQLITE_DEFAULT_PATH = "unjobs.sqlite3"
REDIS_URL = None
REDIS_NAMESPACE = "unjobs"
MAX_INDEX_PAGES = 40
MAX_FIELD_CHARS = 4000
ERROR_MAX_CHARS = 2000
STATS_FILE = None
RETRY_BACKOFF_BASE = 60.0
RETRY_BACKOFF_MAX = 3600.0
RETRY_MAX_IDLE_WAIT = 300.0
PROCESSING_LEASE = 600.0
WORKER_IDLE_TIMEOUT = 0.0
# Cloudflare and the browser (README: "Cloudflare and the browser").
CHROMIUM_PATH = None
PLAYWRIGHT_RENDER = "auto"
CLOUDFLARE_CHALLENGE_TIMEOUT = 30.0
# Seeing what the crawler does (README: "Progress, monitors and the dashboard").
PROGRESS_INTERVAL = 30.0
MONITORS_FAIL_EXIT = False
MONITOR_EXPECTED_FINISH_REASONS = "finished"
MONITOR_MAX_ERRORS = 0
MONITOR_MAX_FAILED_RATIO = 0.1
MONITOR_MIN_LISTINGS = 1
MONITOR_MAX_VALIDATION_ERRORS = 0
DASHBOARD_HOST = "127.0.0.1"
DASHBOARD_PORT = 8050
DASHBOARD_PAGE_SIZE = 50
DASHBOARD_CHART_DAYS = 7
DASHBOARD_RECENT_FAILURES = 10
DASHBOARD_DEAD_LETTERS = 50
DASHBOARD_COUNT_CAP = 1_000
