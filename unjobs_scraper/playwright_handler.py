"""scrapy-playwright's download handler, with ``DOWNLOAD_TIMEOUT`` over the whole browser download.

When the browser crashes, scrapy-playwright 0.0.48 drops the crashed context, but a request that
was waiting for one of its page slots keeps waiting on it for ever, and the crawl never ends. The
timeout turns that wait into a ``DownloadTimeoutError``, which the retry rules retry in the
relaunched browser. Plain HTTP requests are untouched: Scrapy's own handler times them out.
"""

from __future__ import annotations

import asyncio

from scrapy.exceptions import DownloadTimeoutError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class BoundedPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    async def _download_request(self, request, spider=None):
        timeout = request.meta.get("download_timeout") or None
        try:
            return await asyncio.wait_for(super()._download_request(request, spider), timeout)
        except TimeoutError:
            raise DownloadTimeoutError(
                f"Getting {request.url} in the browser took longer than {timeout} seconds"
            ) from None
