"""Chromium for scrapy-playwright: which one, its launch options, and a start only once needed.

The browser is found in this order: ``CHROMIUM_PATH`` (environment or setting), a system
Chromium, then Playwright's own download (``playwright install chromium``). ``python -m
unjobs_scraper.cloudflare.launch`` prints the one a crawl would use, or exits 2 (``make browser``).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import playwright
from scrapy_playwright.provider import PlaywrightBrowserProvider

from unjobs_scraper.cli import one_line_errors
from unjobs_scraper.config import Config, ConfigError, crawler_config

SYSTEM_CHROMIUM = ("/usr/bin/chromium",)
CHROMIUM_COMMANDS = ("chromium-browser", "google-chrome")
"""Looked up on PATH after ``SYSTEM_CHROMIUM``."""
LAUNCH_ARGS = (
    # No sandbox: crawlers often run as root in containers, where Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-gpu",
    # No calls home: the crawl host may have no internet beyond the site.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # navigator.webdriver stays false: Cloudflare's challenge fails a browser that announces automation.
    "--disable-blink-features=AutomationControlled",
)
ABORTED_RESOURCE_TYPES = frozenset({"image", "font", "media"})


@dataclass(frozen=True)
class Chromium:
    """A browser to launch; ``path`` None means Playwright's own download, which it finds itself."""

    path: str | None
    source: str

    def launch_options(self) -> dict:
        options = {"headless": True, "args": list(LAUNCH_ARGS)}
        if self.path:
            options["executable_path"] = self.path
        return options


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def playwright_download_installed() -> bool:
    """Whether ``playwright install chromium`` put the headless shell this Playwright launches."""
    package = Path(playwright.__file__).parent / "driver" / "package"
    browsers = json.loads((package / "browsers.json").read_text())["browsers"]
    revision = next(b["revision"] for b in browsers if b["name"] == "chromium-headless-shell")
    location = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if location == "0":
        root = package / ".local-browsers"
    elif location:
        root = Path(location)
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ms-playwright"
    return (root / f"chromium_headless_shell-{revision}").is_dir()


def find_chromium(configured: str | None) -> Chromium | None:
    """The first browser in the documented order, or None; a bad ``CHROMIUM_PATH`` is an error."""
    if configured:
        if not _executable(configured):
            raise ConfigError(f"CHROMIUM_PATH is not an executable file: {configured}")
        return Chromium(configured, "CHROMIUM_PATH")
    on_path = (shutil.which(command) for command in CHROMIUM_COMMANDS)
    for candidate in (*SYSTEM_CHROMIUM, *on_path):
        if candidate and _executable(candidate):
            return Chromium(candidate, "system")
    if playwright_download_installed():
        return Chromium(None, "Playwright's download")
    return None


def required_chromium(config: Config) -> Chromium | None:
    """The crawl's browser; a one-line ``ConfigError`` when it needs one and none is installed."""
    if config.playwright_render == "never":
        return None
    chromium = find_chromium(config.chromium_path)
    if chromium is None:
        raise ConfigError(
            f"PLAYWRIGHT_RENDER={config.playwright_render} needs Chromium and none was found"
            f" (CHROMIUM_PATH unset; no {', '.join(SYSTEM_CHROMIUM + CHROMIUM_COMMANDS)};"
            " no Playwright download): run `make browser`, set CHROMIUM_PATH, or PLAYWRIGHT_RENDER=never"
        )
    return chromium


def abort_request(request) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: a challenge or a posting needs none of these."""
    return request.resource_type in ABORTED_RESOURCE_TYPES


class LazyBrowserProvider(PlaywrightBrowserProvider):
    """Starts Playwright with the first browser launch, not with the crawl.

    scrapy-playwright starts its provider when the engine starts; a crawl that meets no
    challenge then never starts the Playwright driver, let alone Chromium.
    """

    async def start(self) -> None:
        """Deferred to ``launch_browser``."""

    async def launch_browser(self):
        if self.playwright is None:
            await super().start()
        return await super().launch_browser()

    async def close(self) -> None:
        if self.playwright is not None:
            await super().close()


class BrowserAddon:
    """Sets ``PLAYWRIGHT_LAUNCH_OPTIONS`` from ``CHROMIUM_PATH`` once ``-s`` options are known.

    An add-on, because settings.py cannot see ``-s``; an explicit ``-s
    PLAYWRIGHT_LAUNCH_OPTIONS=...`` still wins (add-on priority is below the command line's).
    """

    def __init__(self, config: Config) -> None:
        self.config = config

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler_config(crawler))

    def update_settings(self, settings) -> None:
        config = self.config
        chromium = None if config.playwright_render == "never" else find_chromium(config.chromium_path)
        if chromium is not None:
            settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", chromium.launch_options(), priority="addon")


def main() -> None:
    """``make browser``: the browser a crawl would find, or one line saying there is none (exit 2)."""
    with one_line_errors():
        chromium = find_chromium(os.environ.get("CHROMIUM_PATH"))
        if chromium is None:
            raise ConfigError("no Chromium found (CHROMIUM_PATH, system, Playwright's download)")
    print(f"Chromium: {chromium.path or 'Playwright download'} ({chromium.source})")


if __name__ == "__main__":
    main()
