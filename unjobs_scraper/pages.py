"""Browser pages, as every user of one needs them: waited on, read, and always closed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import suppress

from playwright.async_api import Error as PlaywrightError
from scrapy.http import HtmlResponse

POLL_SECONDS = 0.25


async def close_page(page) -> None:
    """Pages are bounded (``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT``): each is closed, whatever happened."""
    if page is not None and not page.is_closed():
        with suppress(PlaywrightError):
            await page.close()


async def close_idle_browser(page) -> None:
    """Close the page's browser once no page is open in it.

    A solve needs the browser for a few seconds per clearance period; between solves it would
    only hold memory. scrapy-playwright launches a new one for the next request that asks.
    """
    browser = page.context.browser if page is not None else None
    if browser is not None and browser.is_connected() and not any(c.pages for c in browser.contexts):
        with suppress(PlaywrightError):
            await browser.close()


async def wait_for_page(page, done: Callable[[str], bool], timeout: float) -> bool:
    """Whether the page's HTML satisfied ``done`` within ``timeout`` seconds (it may reload meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if done(await page.content()):
                return True
        except PlaywrightError:
            if page.is_closed():
                raise
            # Between two documents: the old one is gone, the new one not yet readable.
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)


async def page_response(page, request) -> HtmlResponse:
    """The page as it is now, with the status its current document was served with."""
    await page.wait_for_load_state("domcontentloaded")
    status = await page.evaluate("performance.getEntriesByType('navigation')[0]?.responseStatus")
    body = (await page.content()).encode("utf-8")
    return HtmlResponse(
        page.url, status=status or 200, body=body, encoding="utf-8", request=request, flags=["playwright"]
    )
