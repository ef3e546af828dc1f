"""Every default of the settings this project adds, in one place.

Each of them can also be given as an environment variable of the same name (read by
``settings.py``) and overridden per run with ``scrapy crawl unjobs -s NAME=value``.
"""

UNJOBS_BASE_URL = "https://unjobs.org/"
DATABASE_URL = None
SQLITE_DEFAULT_PATH = "unjobs.sqlite3"
REDIS_URL = None
MAX_INDEX_PAGES = 40
MAX_FIELD_CHARS = 4000
ERROR_MAX_CHARS = 2000
STATS_FILE = None
