"""One download handler for ``http`` and ``https``: it chooses the client per request.

- ``meta["playwright"]``: a browser page (scrapy-playwright), for a solve or ``always``;
- ``meta[IN_BROWSER_META]``: an in-page ``fetch()`` from the page that solved the host's challenge;
- ``meta["impersonate"]``: curl_cffi through scrapy-impersonate's handler, with a browser's TLS;
- anything else: Scrapy's own HTTP/1.1 client, the cheapest.

scrapy-playwright, scrapy-impersonate and Scrapy each want the http(s) handlers; this handler is
scrapy-playwright's (which falls back to Scrapy's own) and keeps scrapy-impersonate's beside it.

Every browser download is bounded by ``DOWNLOAD_TIMEOUT``: when the browser crashes,
scrapy-playwright 0.0.48 drops the crashed context, but a request waiting for one of its page
slots would wait for ever; the timeout makes it a ``DownloadTimeoutError``, which is retried.

When a browser crashes, the listeners scrapy-playwright hangs on its pages (stats, routes) fail
with ``TargetClosedError`` and Playwright logs each at ERROR; the crash itself is handled (pages
retried, browser relaunched), so those lines are logged as warnings (``BrowserGoneListenerErrors``)
and do not count as the crawl's errors.

Browser contexts present the browser's own User-Agent with ``HeadlessChrome`` replaced (header
and ``navigator.userAgent``; the client hints already name Chromium), and accept a self-signed
certificate with ``BROWSER_IGNORE_HTTPS_ERRORS``.

Every download to the site's hosts waits for its turn at the fleet's gate (``sitegate``) first:
a token and a slot. A browser page holds a slot while it loads, and each request it sends to the
site (its navigations, the challenge's own, not the in-page fetches, which took theirs here)
waits for a token in scrapy-playwright's per-request hook (``PLAYWRIGHT_ABORT_REQUEST``, which it
still honours).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from playwright._impl._errors import TargetClosedError  # not exported by playwright.async_api
from scrapy.exceptions import DownloadTimeoutError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from unjobs_scraper.cloudflare.browser_pages import fetch_in_page
from unjobs_scraper.cloudflare.hosts import Strategy
from unjobs_scraper.cloudflare.middleware import CloudflareMiddleware
from unjobs_scraper.config import crawler_config
from unjobs_scraper.meta import IN_BROWSER_META
from unjobs_scraper.sitegate.gate import crawler_gate
from unjobs_scraper.stats import CLIENT_STAT

HEADLESS_MARK = "HeadlessChrome"
BROWSER_PAGE = "browser-page"
"""Downloads per client: ``client/plain``, ``client/impersonated``, ``client/in-browser``, ``client/browser-page``."""


def client_for(request) -> str:
    """Which client downloads ``request``, from what the middleware (or ``always``) put in its meta."""
    if request.meta.get("playwright"):
        return BROWSER_PAGE
    if request.meta.get(IN_BROWSER_META):
        return Strategy.IN_BROWSER.value
    if request.meta.get("impersonate"):
        return Strategy.IMPERSONATED.value
    return Strategy.PLAIN.value


def unannounced_user_agent(user_agent: str) -> str:
    """The browser's own User-Agent, without the word that tells sites it is automated."""
    return user_agent.replace(HEADLESS_MARK, "Chrome")


class BrowserGoneListenerErrors(logging.Filter):
    """Playwright's ERROR for a listener whose page or browser is gone, as one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, TargetClosedError) and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.msg, record.args = "A page listener ran after its browser went away: %s", (
                str(error).splitlines()[0],
            )
            record.exc_info = record.exc_text = None
        return True


PLAYWRIGHT_LOGGER = logging.getLogger("playwright")
BROWSER_GONE_LISTENER_ERRORS = BrowserGoneListenerErrors()


async def _maybe_awaited(value):
    return await value if asyncio.iscoroutine(value) else value


class CloudflareDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        config = crawler_config(crawler)
        self.ignore_https_errors = config.browser_ignore_https_errors
        self._impersonated = None
        """scrapy-impersonate's handler, made (and imported: curl_cffi costs every crawl process a
        third of a second to load) for the first impersonated request."""
        self._cloudflare: CloudflareMiddleware | None = None
        self.gate = crawler_gate(crawler)
        self._configured_abort = self.abort_request
        self.abort_request = self._browser_turn
        self._fetching: Counter[str] = Counter()
        """URLs being fetched in a page: they took their token before the page sent them."""
        PLAYWRIGHT_LOGGER.addFilter(BROWSER_GONE_LISTENER_ERRORS)

    async def download_request(self, request):
        client = client_for(request)
        self.stats.inc_value(CLIENT_STAT + client)
        if not self.gate.covers(request.url):
            return await self._download(client, request)
        slot = await self.gate.admit(token=client != BROWSER_PAGE, slot=True)
        try:
            return await self._download(client, request)
        finally:
            self.gate.release(slot)

    async def _browser_turn(self, playwright_request) -> bool:
        """Each request a browser page sends to the site waits for a token; whether to abort it
        is still the configured hook's to say."""
        url = playwright_request.url
        if self.gate.covers(url) and not self._fetching[url]:
            await self.gate.admit(token=True, slot=False)
        return bool(self._configured_abort and await _maybe_awaited(self._configured_abort(playwright_request)))

    async def _download(self, client: str, request):
        if client == Strategy.IN_BROWSER:
            return await self._bounded(request, self._fetch_in_browser(request))
        if client == Strategy.IMPERSONATED:
            if self._impersonated is None:
                from scrapy_impersonate import ImpersonateDownloadHandler

                self._impersonated = ImpersonateDownloadHandler(self._crawler)
            return await self._impersonated.download_request(request)
        return await super().download_request(request)  # a browser page, or Scrapy's own client

    async def _download_request(self, request, spider=None):
        return await self._bounded(request, super()._download_request(request, spider))

    @staticmethod
    async def _bounded(request, download):
        timeout = request.meta.get("download_timeout") or None
        try:
            return await asyncio.wait_for(download, timeout)
        except TimeoutError:
            raise DownloadTimeoutError(
                f"Getting {request.url} in the browser took longer than {timeout} seconds"
            ) from None

    async def _fetch_in_browser(self, request):
        if self._cloudflare is None:
            self._cloudflare = self._crawler.get_downloader_middleware(CloudflareMiddleware)
        async with self._cloudflare.clearance_page(request) as page:
            timeout = request.meta.get("download_timeout") or 180
            self._fetching[request.url] += 1
            try:
                return await fetch_in_page(page, request, timeout)
            finally:
                self._fetching[request.url] -= 1
                if not self._fetching[request.url]:
                    del self._fetching[request.url]

    async def _create_browser_context(self, name, context_kwargs, spider=None):
        """Every context with the unannounced User-Agent (and, for tests, any certificate)."""
        await self._maybe_launch_browser()
        defaults = {"user_agent": await self._browser_user_agent()}
        if self.ignore_https_errors:
            defaults["ignore_https_errors"] = True
        return await super()._create_browser_context(name, {**defaults, **(context_kwargs or {})}, spider)

    async def _browser_user_agent(self) -> str:
        """What this browser calls itself, read from a blank page of its own."""
        probe = await self.browser.new_page()
        try:
            return unannounced_user_agent(await probe.evaluate("navigator.userAgent"))
        finally:
            await probe.close()

    async def _close(self) -> None:
        if self._impersonated is not None:
            await self._impersonated.close()
        await super()._close()
        PLAYWRIGHT_LOGGER.removeFilter(BROWSER_GONE_LISTENER_ERRORS)
