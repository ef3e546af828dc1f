"""What the project commands share: one-line configuration errors and database-only commands.

Kept outside `unjobs_scraper.commands`, where Scrapy would take every command class for a command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from scrapy.commands import ScrapyCommand

from unjobs_scraper.config import Config, ConfigError
from unjobs_scraper.storage import Storage, open_storage

CONFIGURATION_ERROR_EXIT_CODE = 2


@contextmanager
def one_line_errors() -> Iterator[None]:
    """A ``ConfigError`` in the block stops the command with one line naming the setting
    (passwords redacted) and exit code 2, instead of a traceback."""
    try:
        yield
    except ConfigError as error:
        print(f"unjobs-scraper: {error}", file=sys.stderr)
        sys.exit(CONFIGURATION_ERROR_EXIT_CODE)


def configuration(settings) -> Config:
    """The validated settings, or stop in one line naming the bad one."""
    with one_line_errors():
        return Config.from_settings(settings)


def open_configured_store(settings) -> Storage:
    """Validate settings and open the database, or stop in one line saying why."""
    with one_line_errors():
        return open_storage(Config.from_settings(settings).database)


class StoreCommand(ScrapyCommand):
    """A command that works on the database only: no crawler process, no Scrapy banner."""

    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}
