"""Browser pages, as every user of one needs them: waited on, read, fetched from, always closed."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from contextlib import suppress

from playwright.async_api import Error as PlaywrightError
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes


class BrowserPageLost(DownloadTimeoutError):
    """The page that held a host's clearance closed under an in-page fetch; retried like a timeout."""


POLL_SECONDS = 0.25
DECODED_HEADERS = (b"Content-Encoding", b"Content-Length", b"Transfer-Encoding")
"""What ``fetch()`` has already undone: the body it hands over is decoded and whole."""
FETCH_SCRIPT = """async ([url, method, timeoutMs]) => {
  const response = await fetch(url, {
    method, credentials: "include", cache: "no-store", signal: AbortSignal.timeout(timeoutMs),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(at, at + 0x8000));
  }
  return {url: response.url, status: response.status, headers: [...response.headers], body: btoa(binary)};
}"""


def page_usable(page) -> bool:
    return page is not None and not page.is_closed()


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


async def fetch_in_page(page, request, timeout: float):
    """``request`` fetched by the page's own network stack (its cookies, TLS and HTTP/2), not rendered.

    The page must be on the request's origin; the response is typed from its headers as
    Scrapy's own handlers do.
    """
    answer = await page.evaluate(FETCH_SCRIPT, [request.url, request.method, int(timeout * 1000)])
    headers = Headers(answer["headers"])
    for name in DECODED_HEADERS:
        headers.pop(name, None)
    body = base64.b64decode(answer["body"])
    response_class = responsetypes.from_args(headers=headers, url=answer["url"], body=body)
    return response_class(
        answer["url"], status=answer["status"], headers=headers, body=body, request=request, flags=["in-browser"]
    )
