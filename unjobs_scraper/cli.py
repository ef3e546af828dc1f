"""What the project commands share: one-line configuration errors and database-only commands.

Kept outside `unjobs_scraper.commands`, where Scrapy would take every command class for a command."""

from __future__ import annotations

import sys

from scrapy.commands import ScrapyCommand

from unjobs_scraper.config import Config, ConfigError
from unjobs_scraper.storage import Store, open_store

CONFIGURATION_ERROR_EXIT_CODE = 2


def fail_in_one_line(error: ConfigError) -> None:
    """Print the error (it names the setting, passwords redacted) and exit with code 2."""
    print(f"unjobs-scraper: {error}", file=sys.stderr)
    sys.exit(CONFIGURATION_ERROR_EXIT_CODE)


def configuration(settings) -> Config:
    """The validated settings, or stop in one line naming the bad one."""
    try:
        return Config.from_settings(settings)
    except ConfigError as error:
        fail_in_one_line(error)


def open_configured_store(settings) -> Store:
    """Validate settings and open the database, or stop in one line saying why."""
    try:
        return open_store(Config.from_settings(settings).database)
    except ConfigError as error:
        fail_in_one_line(error)


def check_redis(settings) -> None:
    """With ``REDIS_URL`` set, Redis must answer, or the crawl stops in one line."""
    config = configuration(settings)
    if config.redis_url:
        from unjobs_scraper.distributed.connection import connect

        try:
            connect(config.redis_url).close()
        except ConfigError as error:
            fail_in_one_line(error)


class StoreCommand(ScrapyCommand):
    """A command that works on the database only: no crawler process, no Scrapy banner."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}
