"""Cloudflare challenges: the one place that recognises them.

A challenge must never be parsed as a listing or a posting. Retries (``retry.py``) and the
solving middleware both ask ``is_challenge``.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict

from playwright.async_api import Error as PlaywrightError
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from unjobs_scraper.clearance import Clearance, Site
from unjobs_scraper.config import Config
from unjobs_scraper.middlewares import ATTEMPT_NOT_COUNTED_META
from unjobs_scraper.pages import close_idle_browser, close_page, page_response, wait_for_page

logger = logging.getLogger(__name__)

CHALLENGE_STATUSES = frozenset({403, 503})
CHALLENGE_MARKS = re.compile(
    rb"<title>\s*Just a moment\.\.\.|id\s*=\s*[\"']?challenge-form|cf-turnstile|_cf_chl_opt",
    re.IGNORECASE,
)


def has_challenge_marks(html: str | bytes) -> bool:
    """The interstitial's markup: its title, its form, the Turnstile widget or its options script."""
    body = html.encode("utf-8", "replace") if isinstance(html, str) else html
    return CHALLENGE_MARKS.search(body) is not None


def is_challenge(response) -> bool:
    """``cf-mitigated: challenge``, or a 403/503 carrying the interstitial's markup.

    The status matters for the markup test: a posting that merely quotes the interstitial
    (a 200) is a posting.
    """
    if (response.headers.get(b"cf-mitigated") or b"").strip().lower() == b"challenge":
        return True
    return response.status in CHALLENGE_STATUSES and has_challenge_marks(response.body)


def challenge_error(timeout_seconds: float) -> str:
    """The readable reason an attempt failed on a challenge, as ``processing_error`` shows it."""
    return f"Cloudflare challenge not solved within {timeout_seconds:g} s"


SOLVE_META = "cloudflare_solve"
"""The browser visit that solves a challenge: every middleware lets it through as it is."""
REISSUE_META = ATTEMPT_NOT_COUNTED_META
"""A request sent again right after a solve: the same attempt, not a new one."""
GENERATION_META = "cloudflare_generation"
PAGE_META = "playwright_page"
ROBOTS_PATH = "/robots.txt"


class CloudflareMiddleware:
    """Gets requests past Cloudflare's interstitial, with the browser only where it is needed.

    ``PLAYWRIGHT_RENDER=auto``: plain HTTP first; a challenge makes one browser page solve it
    (one solve per host at a time, the others wait for it) and its cookies and User-Agent go on
    every later plain request to that host. ``always``: every page is rendered and waits out its
    challenge in the page. A challenge not solved in ``CLOUDFLARE_CHALLENGE_TIMEOUT`` seconds is
    returned unchanged, for the retry middleware below (550) to retry or give up on.
    """

    def __init__(self, crawler, config: Config) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.timeout = config.cloudflare_challenge_timeout
        self.render_always = config.playwright_render == "always"
        self.cookies_enabled = crawler.settings.getbool("COOKIES_ENABLED")
        self.sites: defaultdict[str, Site] = defaultdict(Site)

    @classmethod
    def from_crawler(cls, crawler):
        config = Config.from_settings(crawler.settings)
        if config.playwright_render == "never":
            raise NotConfigured("PLAYWRIGHT_RENDER=never: challenges are left to the retry rules")
        return cls(crawler, config)

    async def process_request(self, request):
        if request.meta.get(SOLVE_META):
            return None
        if self.render_always:
            if urlparse_cached(request).path == ROBOTS_PATH:
                return None  # text, not a page: a browser would wrap it in HTML
            request.meta.update(
                playwright=True,
                playwright_include_page=True,
                playwright_page_goto_kwargs={"wait_until": "domcontentloaded"},
            )
            return None
        site = self.sites[urlparse_cached(request).netloc]
        if site.lock.locked():
            async with site.lock:  # a solve is running: wait for it rather than meet the challenge
                pass
        request.meta[GENERATION_META] = site.generation
        if site.clearance is not None:
            site.clearance.apply(request, self.cookies_enabled)
        return None

    async def process_response(self, request, response):
        if request.meta.get(SOLVE_META):
            return response
        if PAGE_META in request.meta:
            return await self._rendered(request, response)
        if request.meta.get(REISSUE_META) or GENERATION_META not in request.meta or not is_challenge(response):
            return response
        self.stats.inc_value("cloudflare/challenges")
        clearance = await self._clearance_after(request)
        if clearance is None:
            return response
        reissued = request.replace(dont_filter=True)
        # Retries belong to the original request, whose response this one replaces.
        reissued.meta.update({REISSUE_META: True, "dont_retry": True})
        try:
            return await self.crawler.engine.download_async(reissued)
        except Exception as error:  # noqa: BLE001 - the original's retry rules take it from here
            logger.warning("Re-sending %s after the challenge failed: %r", request, error)
            return response

    async def process_exception(self, request, exception):
        """A page scrapy-playwright opened for a download that then failed is closed here."""
        await close_page(request.meta.pop(PAGE_META, None))
        return None

    async def _clearance_after(self, request) -> Clearance | None:
        """Solve, unless a solve finished since the request left (then share its outcome)."""
        site = self.sites[urlparse_cached(request).netloc]
        async with site.lock:
            if site.generation != request.meta[GENERATION_META]:
                return site.clearance
            if time.monotonic() < site.quiet_until:
                return None
            site.generation += 1
            site.clearance = await self._solve(request.url)
            if site.clearance is None:
                site.quiet_until = time.monotonic() + self.timeout
            return site.clearance

    async def _solve(self, url: str) -> Clearance | None:
        """One browser page: open the challenged URL, wait it out, keep its cookies and User-Agent."""
        self.stats.inc_value("cloudflare/solves")
        goto = {"wait_until": "domcontentloaded", "timeout": self.timeout * 1000}
        request = Request(
            url,
            dont_filter=True,
            meta={
                SOLVE_META: True,
                "dont_retry": True,
                "playwright": True,
                "playwright_include_page": True,
                "playwright_page_goto_kwargs": goto,
            },
        )
        try:
            response = await self.crawler.engine.download_async(request)
            page = response.meta[PAGE_META]
            if await wait_for_page(page, self._cleared, self.timeout):
                cookies = await page.context.cookies(url)
                user_agent = await page.evaluate("navigator.userAgent")
                self.stats.inc_value("cloudflare/solved")
                return Clearance.from_browser(cookies, user_agent)
            logger.warning("%s at %s", challenge_error(self.timeout), url)
        except Exception as error:  # noqa: BLE001 - whatever broke the browser, the challenge stays
            logger.warning("The browser could not solve the challenge at %s: %r", url, error)
        finally:
            page = request.meta.get(PAGE_META)
            await close_page(page)
            await close_idle_browser(page)
        return None

    async def _rendered(self, request, response):
        """``always``: the rendered page, after waiting out a challenge in it; the page is closed."""
        page = request.meta.pop(PAGE_META)
        try:
            if not is_challenge(response):
                return response
            if await wait_for_page(page, self._cleared, self.timeout):
                return await page_response(page, request)
            logger.warning("%s at %s", challenge_error(self.timeout), request.url)
        except PlaywrightError as error:
            logger.warning("The browser lost %s while waiting out its challenge: %r", request.url, error)
        finally:
            await close_page(page)
        return response

    @staticmethod
    def _cleared(html: str) -> bool:
        """Real content, or any page that is not the interstitial."""
        return not has_challenge_marks(html)
