"""Project commands (``COMMANDS_MODULE``); they appear in ``scrapy -h``."""

from __future__ import annotations

import sys

from unjobs_scraper.config import Config, ConfigError
from unjobs_scraper.storage import open_store


def check_configuration(settings) -> Config | None:
    """Validate settings and reach the database before anything is crawled.

    Prints one line naming the bad setting (passwords redacted) and returns None when
    the crawl cannot start, so a user sees the cause instead of a traceback per request.
    """
    try:
        config = Config.from_settings(settings)
        open_store(config.database).close()
    except ConfigError as error:
        print(f"unjobs-scraper: {error}", file=sys.stderr)
        return None
    return config
