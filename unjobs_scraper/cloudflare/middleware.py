"""``CloudflareMiddleware``: gets requests past Cloudflare's interstitial, per host, cheapest way first.

``PLAYWRIGHT_RENDER=auto``: plain HTTP first. A challenge makes one browser page solve it (one
solve per host at a time, the others wait), and the requests that follow carry its clearance
with the host's strategy (``hosts.py``): the solving browser's cookies and User-Agent on plain
requests over ``http``, the impersonated client over ``https``, and, when a fresh clearance is
challenged again (it does not stick to that client), in-page fetches from the page that solved.
Each switch re-sends the challenged request at once, as the same attempt; a clearance that
expired later is solved again. ``always``: every page is rendered and waits out its challenge in
the page. A host whose challenge is not solved ``CLOUDFLARE_MAX_FAILED_SOLVES`` times in a row is
blocked: its requests fail at once, naming Cloudflare, and the crawl exits non-zero.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Error as PlaywrightError
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.httpobj import urlparse_cached

from unjobs_scraper.cloudflare.browser_pages import (
    BrowserPageLost,
    close_idle_browser,
    close_page,
    page_response,
    page_usable,
    wait_for_page,
)
from unjobs_scraper.cloudflare.detection import challenge_error, has_challenge_marks, is_challenge
from unjobs_scraper.cloudflare.hosts import LADDER, Clearance, Host, Strategy
from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.meta import (
    ATTEMPT_NOT_COUNTED_META,
    BLOCKED_META,
    GENERATION_META,
    IN_BROWSER_META,
    PAGE_META,
    SOLVE_META,
    STRATEGY_META,
)
from unjobs_scraper.stats import (
    CLOUDFLARE_BLOCKED_REQUESTS_STAT,
    CLOUDFLARE_BLOCKED_STAT,
    CLOUDFLARE_CHALLENGES_STAT,
    CLOUDFLARE_SOLVED_STAT,
    CLOUDFLARE_SOLVES_STAT,
    CLOUDFLARE_STRATEGY_STAT,
    CLOUDFLARE_SWITCHES_STAT,
)
from unjobs_scraper.storage.writer import crawler_database

logger = logging.getLogger(__name__)

ROBOTS_PATH = "/robots.txt"
IMPERSONATE_AUTO, IMPERSONATE_OFF = "auto", "off"
_CHROME_TARGET = re.compile(r"chrome(\d+)")


def impersonation_target(browser_version: str) -> str:
    """The newest curl_cffi Chrome profile not newer than the solving browser (its TLS fingerprint);
    the newest of all when the version is unknown. curl_cffi is loaded here, after a solve: most
    crawls never need it."""
    from curl_cffi import BrowserType

    major = int(browser_version.split(".")[0]) if browser_version[:1].isdigit() else 0
    versions = sorted(
        int(match[1]) for b in BrowserType if (match := _CHROME_TARGET.fullmatch(b.value))
    )
    fitting = [v for v in versions if v <= major] or versions
    return f"chrome{fitting[-1]}"


class CloudflareMiddleware:
    def __init__(self, crawler, config: Config, database) -> None:
        self.crawler = crawler
        self.database = database
        self.stats = crawler.stats
        self.timeout = config.cloudflare_challenge_timeout
        self.render_always = config.playwright_render == "always"
        self.impersonate = config.cloudflare_impersonate
        self.max_failed_solves = config.cloudflare_max_failed_solves
        self.fetch_concurrency = config.browser_fetch_concurrency
        self.cookies_enabled = crawler.settings.getbool("COOKIES_ENABLED")
        self.hosts: dict[str, Host] = {}
        self.remembered: dict[str, Strategy] = {
            host: Strategy(row["strategy"]) for host, row in database.read_now(lambda s: s.state.host_strategies()).items()
        }
        """What earlier crawls settled on, by host."""

    @classmethod
    def from_crawler(cls, crawler):
        config = crawler_config(crawler)
        if config.playwright_render == "never":
            raise NotConfigured("PLAYWRIGHT_RENDER=never: challenges are left to the retry rules")
        middleware = cls(crawler, config, crawler_database(crawler))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def spider_closed(self) -> None:
        for host in self.hosts.values():
            await self._release_page(host)
            if host.strategy is not host.saved:
                self._settled(host)

    @property
    def impersonation(self) -> bool:
        return self.impersonate != IMPERSONATE_OFF

    def host_for(self, request) -> Host:
        name = urlparse_cached(request).netloc
        host = self.hosts.get(name)
        if host is None:
            saved = self.remembered.get(name)
            floor = Strategy.IN_BROWSER if saved is Strategy.BLOCKED else saved or Strategy.PLAIN
            host = self.hosts[name] = Host(
                name, floor=floor, saved=saved, fetch_slots=asyncio.Semaphore(self.fetch_concurrency)
            )
            self.stats.set_value(CLOUDFLARE_STRATEGY_STAT + name, host.strategy.value)
        return host

    @asynccontextmanager
    async def clearance_page(self, request) -> AsyncIterator[object]:
        """For the download handler's in-page fetch: the page holding the host's clearance, at most
        ``BROWSER_FETCH_CONCURRENCY`` fetches at once per host."""
        host = self.host_for(request)
        async with host.fetch_slots:
            if not page_usable(host.page):
                raise BrowserPageLost(f"the browser page holding {host.name}'s clearance closed")
            yield host.page

    # -- requests ---------------------------------------------------------------------------

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
        host = self.host_for(request)
        if host.lock.locked():
            async with host.lock:  # a solve or switch is running: wait for it, rather than meet the challenge
                pass
        if host.strategy is Strategy.IN_BROWSER and not page_usable(host.page):
            async with host.lock:  # the page that held the clearance is gone (a crashed browser, say)
                if host.strategy is Strategy.IN_BROWSER and not page_usable(host.page):
                    await self._solve_for(host, request.url)
        if host.strategy is Strategy.BLOCKED:
            return self._blocked_response(request, host)
        self._apply(request, host)
        return None

    def _apply(self, request, host: Host) -> None:
        """Send ``request`` the way the host's strategy says, with its clearance."""
        for key in ("impersonate", "impersonate_args", IN_BROWSER_META):
            request.meta.pop(key, None)
        request.meta[GENERATION_META] = host.generation
        request.meta[STRATEGY_META] = host.strategy.value
        clearance = host.clearance
        if clearance is None:
            return
        if host.strategy is Strategy.IN_BROWSER:
            request.meta[IN_BROWSER_META] = host.name
        elif host.strategy is Strategy.IMPERSONATED:
            clearance.apply(request, self.cookies_enabled, identity=True)
            request.meta["impersonate"] = self._target(clearance)
            # Scrapy's rule for certificates (not verified); cookies come from the jar's header.
            request.meta["impersonate_args"] = {"verify": False, "cookies": {}}
        else:
            clearance.apply(request, self.cookies_enabled)

    def _target(self, clearance: Clearance) -> str:
        if self.impersonate == IMPERSONATE_AUTO:
            return impersonation_target(clearance.browser_version)
        return self.impersonate

    def _blocked_response(self, request, host: Host):
        """The host's last interstitial, in place of a request it would only challenge again."""
        self.stats.inc_value(CLOUDFLARE_BLOCKED_REQUESTS_STAT)
        self._mark_blocked(request, host)
        body = host.last_challenge or b"<title>Just a moment...</title>"
        return HtmlResponse(
            request.url, status=403, headers={"cf-mitigated": "challenge"}, body=body, request=request
        )

    def _mark_blocked(self, request, host: Host) -> None:
        """No retry for it: the retry rules give it up with the reason as its last error."""
        request.meta[BLOCKED_META] = host.blocked_reason

    # -- responses --------------------------------------------------------------------------

    async def process_response(self, request, response):
        if request.meta.get(SOLVE_META):
            return response
        if PAGE_META in request.meta:
            return await self._rendered(request, response)
        if GENERATION_META not in request.meta:
            return response
        host = self.host_for(request)
        if not is_challenge(response):
            await self._got_through(host, request)
            return response
        if request.meta.get(ATTEMPT_NOT_COUNTED_META):
            return response  # the original request's loop below decides what comes next
        self.stats.inc_value(CLOUDFLARE_CHALLENGES_STAT)
        host.last_challenge = response.body
        sent = request
        for _ in range(len(LADDER) + self.max_failed_solves):
            if not await self._get_past(host, sent):
                break
            sent = request.replace(dont_filter=True)
            # Retries belong to the original request, whose response this one replaces.
            sent.meta.update({ATTEMPT_NOT_COUNTED_META: True, "dont_retry": True})
            try:
                answer = await self.crawler.engine.download_async(sent)
            except Exception as error:  # noqa: BLE001 - the original's retry rules take it from here
                logger.warning("Re-sending %s past the challenge failed: %r", request, error)
                return response
            if not is_challenge(answer):
                return answer
            self.stats.inc_value(CLOUDFLARE_CHALLENGES_STAT)
            response = answer
        if host.strategy is Strategy.BLOCKED:
            self._mark_blocked(request, host)
        return response

    async def _got_through(self, host: Host, request) -> None:
        """The first page under a new clearance or strategy: the hand-off works, remember it."""
        if host.accepted or host.clearance is None or request.meta[GENERATION_META] != host.generation:
            return
        host.accepted = True
        if host.failed_solves:
            host.failed_solves = 0
            self.stats.get_stats().pop(CLOUDFLARE_BLOCKED_STAT + host.name, None)  # no longer kept out
        self._settled(host)
        if host.strategy is not Strategy.IN_BROWSER:
            await self._release_page(host)

    async def _get_past(self, host: Host, sent) -> bool:
        """Whether ``sent``, challenged, is worth sending again: after a switch, a solve, or neither."""
        async with host.lock:
            if host.strategy is Strategy.BLOCKED:
                return False
            if sent.meta.get(GENERATION_META) != host.generation:
                return True  # solved or switched since it left: send it as things are now
            if host.clearance is not None and not host.accepted:
                following = host.escalate(self.impersonation)
                if following is not None:
                    self._switch(host, following, f"a fresh clearance was challenged again over {host.strategy}")
                    return True
                if self._count_failed_solve(host, "a fresh clearance was challenged even in the browser"):
                    return False
                return await self._solve_for(host, sent.url)
            if time.monotonic() < host.quiet_until:
                return False
            return await self._solve_for(host, sent.url)

    def _switch(self, host: Host, strategy: Strategy, why: str) -> None:
        logger.info("Cloudflare: %s goes %s (%s)", host.name, strategy, why)
        host.strategy = strategy
        host.generation += 1
        host.accepted = False
        self.stats.inc_value(CLOUDFLARE_SWITCHES_STAT)
        self.stats.set_value(CLOUDFLARE_STRATEGY_STAT + host.name, strategy.value)

    def _settled(self, host: Host) -> None:
        """In the stats and the database, so that the next crawl starts with what worked."""
        self.stats.set_value(CLOUDFLARE_STRATEGY_STAT + host.name, host.strategy.value)
        host.saved = host.strategy
        name, strategy, reason = host.name, host.strategy.value, host.blocked_reason
        self.database.write(lambda s: s.state.save_host_strategy(name, strategy, reason), f"the strategy for {name}")

    def _count_failed_solve(self, host: Host, why: str) -> bool:
        """One more solve that did not get through; True when that blocks the host."""
        host.failed_solves += 1
        host.clearance = None
        host.quiet_until = time.monotonic() + self.timeout
        solves = "the last solve" if host.failed_solves == 1 else f"{host.failed_solves} solves in a row"
        reason = f"Cloudflare kept challenging {host.name}: {solves} did not get through ({why})"
        # Until a clearance gets through, the host keeps the crawl out: the crawl exits non-zero.
        self.stats.set_value(CLOUDFLARE_BLOCKED_STAT + host.name, reason)
        if host.failed_solves < self.max_failed_solves:
            return False
        host.blocked_reason = reason
        host.strategy = Strategy.BLOCKED
        host.generation += 1
        self._settled(host)
        logger.error("%s; its requests fail from now on", reason)
        return True

    async def _solve_for(self, host: Host, url: str) -> bool:
        """Solve in the browser; on success the host goes the way its clearance can be carried."""
        host.generation += 1
        await self._release_page(host)
        solved = await self._solve(url)
        if solved is None:
            self._count_failed_solve(host, challenge_error(self.timeout))
            return False
        host.clearance, host.page = solved
        host.accepted = False
        secure = url.startswith("https:")
        strategy = max(host.handoff(secure, self.impersonation), host.strategy, key=lambda s: s.rank)
        if strategy is not host.strategy:
            self._switch(host, strategy, "after a solve")
        return True

    async def _solve(self, url: str) -> tuple[Clearance, object] | None:
        """One browser page: open the challenged URL, wait it out, keep its cookies and identity."""
        self.stats.inc_value(CLOUDFLARE_SOLVES_STAT)
        navigations: list = []

        async def watch_navigations(page, request) -> None:
            page.on("request", lambda r: navigations.append(r) if r.is_navigation_request() else None)

        request = Request(
            url,
            dont_filter=True,
            meta={
                SOLVE_META: True,
                "dont_retry": True,
                "playwright": True,
                "playwright_include_page": True,
                "playwright_page_init_callback": watch_navigations,
                "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded", "timeout": self.timeout * 1000},
            },
        )
        try:
            response = await self.crawler.engine.download_async(request)
            page = response.meta[PAGE_META]
            if await wait_for_page(page, self._cleared, self.timeout):
                cookies = await page.context.cookies(url)
                headers = await navigations[-1].all_headers()
                self.stats.inc_value(CLOUDFLARE_SOLVED_STAT)
                return Clearance.from_browser(cookies, headers, page.context.browser.version), page
            logger.warning("%s at %s", challenge_error(self.timeout), url)
        except Exception as error:  # noqa: BLE001 - whatever broke the browser, the challenge stays
            logger.warning("The browser could not solve the challenge at %s: %r", url, error)
        page = request.meta.get(PAGE_META)
        await close_page(page)
        await close_idle_browser(page)
        return None

    async def _release_page(self, host: Host) -> None:
        """Close the page that solved, and the browser once nothing else uses it."""
        page, host.page = host.page, None
        await close_page(page)
        await close_idle_browser(page)

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

    async def process_exception(self, request, exception):
        """A page scrapy-playwright opened for a download that then failed is closed here."""
        await close_page(request.meta.pop(PAGE_META, None))
        return None

    @staticmethod
    def _cleared(html: str) -> bool:
        """Real content, or any page that is not the interstitial."""
        return not has_challenge_marks(html)
