"""The Cloudflare subsystem's parts, built in-process as Scrapy's own tests build components.

``get_crawler``, hand-made requests and responses, assertions on the result and on
``crawler.stats``. The browser solve itself is replaced by a canned clearance here (the crawl
tests in ``test_cloudflare.py`` solve in a real Chromium); the engine that re-sends a request runs
it through the middleware, as the real one does, and answers as each test scripts.
"""

from __future__ import annotations

import asyncio
import logging
import re
from types import SimpleNamespace

import pytest
from playwright._impl._errors import TargetClosedError
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from tests.test_config import config_with
from unjobs_scraper.cloudflare.handler import (
    BROWSER_GONE_LISTENER_ERRORS,
    BROWSER_PAGE,
    PLAYWRIGHT_LOGGER,
    client_for,
    unannounced_user_agent,
)
from unjobs_scraper.cloudflare.hosts import Clearance, Host, Strategy
from unjobs_scraper.cloudflare.middleware import CloudflareMiddleware, impersonation_target
from unjobs_scraper.config import ConfigError
from unjobs_scraper.meta import ATTEMPT_NOT_COUNTED_META, BLOCKED_META, IN_BROWSER_META
from unjobs_scraper.retry import BackoffRetryMiddleware, RetriesExhausted
from unjobs_scraper.spiders.unjobs import UnjobsSpider
from unjobs_scraper.stats import CLOUDFLARE_BLOCKED_STAT, CLOUDFLARE_STRATEGY_STAT
from unjobs_scraper.storage.writer import crawler_database

HTTPS_URL = "https://unjobs.org/vacancies/1758015049233"
HTTP_URL = "http://127.0.0.1:8000/vacancies/1758015049233"
CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
BROWSER_HEADERS = {
    "user-agent": CHROME_UA,
    "accept": "text/html,application/xhtml+xml",
    "accept-language": "en-US,en;q=0.9",
    "sec-ch-ua": '"Not:A-Brand";v="8", "Chromium";v="156"',
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-platform": '"Linux"',
    "sec-fetch-mode": "navigate",
    "host": "unjobs.org",
}
CHALLENGE = b"<html><head><title>Just a moment...</title></head><body></body></html>"


def clearance() -> Clearance:
    cookies = [{"name": "cf_clearance", "value": "token", "path": "/", "domain": "unjobs.org"}]
    return Clearance.from_browser(cookies, BROWSER_HEADERS, "156.0.8078.114")


def challenge(request) -> HtmlResponse:
    return HtmlResponse(request.url, status=403, headers={"cf-mitigated": "challenge"}, body=CHALLENGE, request=request)


def page(request) -> HtmlResponse:
    return HtmlResponse(request.url, status=200, body=b"<html><h2>A posting</h2></html>", request=request)


class FakePage:
    """What the middleware keeps of a solving page: whether it is open, and closing it."""

    context = SimpleNamespace(browser=None)

    def __init__(self) -> None:
        self.closed = False

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True


class ScriptedEngine:
    """``download_async`` as the engine does it for a re-sent request: the middleware, then an answer."""

    def __init__(self, middleware: CloudflareMiddleware, answers) -> None:
        self.middleware = middleware
        self.answers = list(answers)
        self.sent: list[Request] = []

    async def download_async(self, request):
        await self.middleware.process_request(request)
        self.sent.append(request)
        return self.answers.pop(0)(request)


@pytest.fixture
def crawler(sqlite_url):
    crawler = get_crawler(UnjobsSpider, {"DATABASE_URL": sqlite_url, "CLOUDFLARE_CHALLENGE_TIMEOUT": "0.05"})
    crawler.spider = crawler._create_spider()
    yield crawler
    crawler_database(crawler).close()


def middleware_for(crawler, answers=(), solved=(True,)) -> CloudflareMiddleware:
    """The middleware, its database open, with a solve that returns a canned clearance or fails:
    each solve takes the next outcome of ``solved``, the last one repeating."""
    middleware = CloudflareMiddleware.from_crawler(crawler)
    middleware.solves = 0

    async def solve(url):
        outcome = solved[min(middleware.solves, len(solved) - 1)]
        middleware.solves += 1
        crawler.stats.inc_value("cloudflare/solves")
        return (clearance(), FakePage()) if outcome else None

    middleware._solve = solve
    crawler.engine = ScriptedEngine(middleware, answers)
    return middleware


def sent_through(middleware, request) -> Request:
    asyncio.run(middleware.process_request(request))
    return request


def respond(middleware, request, response):
    return asyncio.run(middleware.process_response(request, response))


# -- what a request carries ---------------------------------------------------------------------


def test_before_any_challenge_requests_go_plain_and_carry_nothing(crawler):
    middleware = middleware_for(crawler)
    request = sent_through(middleware, Request(HTTPS_URL))
    assert client_for(request) == "plain"
    assert (request.cookies, request.headers.get("User-Agent")) == ({}, None)
    assert crawler.stats.get_value(CLOUDFLARE_STRATEGY_STAT + "unjobs.org") == "plain"


def test_impersonated_requests_say_what_the_solving_browser_said(crawler):
    middleware = middleware_for(crawler)
    host = middleware.host_for(Request(HTTPS_URL))
    host.clearance, host.strategy = clearance(), Strategy.IMPERSONATED
    request = sent_through(middleware, Request(HTTPS_URL, headers={"Accept-Language": "en"}))
    assert client_for(request) == "impersonated"
    assert request.meta["impersonate"] == "chrome152"
    assert request.meta["impersonate_args"] == {"verify": False, "cookies": {}}
    assert request.headers.to_unicode_dict() == {
        name.title(): value for name, value in BROWSER_HEADERS.items() if not name.startswith(("sec-fetch", "host"))
    }
    assert request.cookies == [{"name": "cf_clearance", "value": "token", "path": "/"}]


def test_plain_requests_after_a_solve_take_the_cookie_and_user_agent_only(crawler):
    middleware = middleware_for(crawler)
    host = middleware.host_for(Request(HTTP_URL))
    host.clearance = clearance()
    request = sent_through(middleware, Request(HTTP_URL))
    assert client_for(request) == "plain"
    assert request.headers.to_unicode_dict() == {"User-Agent": CHROME_UA}
    assert request.cookies == [{"name": "cf_clearance", "value": "token", "path": "/"}]


def test_in_browser_requests_name_their_host_for_the_handler(crawler):
    middleware = middleware_for(crawler)
    host = middleware.host_for(Request(HTTPS_URL))
    host.clearance, host.strategy, host.page = clearance(), Strategy.IN_BROWSER, FakePage()
    request = sent_through(middleware, Request(HTTPS_URL, meta={"impersonate": "chrome152"}))
    assert (client_for(request), request.meta[IN_BROWSER_META]) == ("in-browser", "unjobs.org")
    assert "impersonate" not in request.meta


def test_the_handler_chooses_the_browser_page_first_then_in_browser_then_impersonated_then_plain():
    assert client_for(Request(HTTPS_URL, meta={"playwright": True, IN_BROWSER_META: "h"})) == BROWSER_PAGE
    assert client_for(Request(HTTPS_URL, meta={IN_BROWSER_META: "h", "impersonate": "chrome"})) == "in-browser"
    assert client_for(Request(HTTPS_URL, meta={"impersonate": "chrome"})) == "impersonated"
    assert client_for(Request(HTTPS_URL)) == "plain"


# -- strategy switches ---------------------------------------------------------------------------


def test_a_challenge_over_https_is_solved_once_and_resent_impersonated(crawler):
    middleware = middleware_for(crawler, answers=[page])
    request = sent_through(middleware, Request(HTTPS_URL))
    answer = respond(middleware, request, challenge(request))
    assert answer.status == 200
    resent = crawler.engine.sent[0]
    assert (client_for(resent), resent.meta[ATTEMPT_NOT_COUNTED_META], resent.meta["dont_retry"]) == ("impersonated", True, True)
    assert (middleware.solves, crawler.stats.get_value("cloudflare/challenges")) == (1, 1)
    assert crawler.stats.get_value(CLOUDFLARE_STRATEGY_STAT + "unjobs.org") == "impersonated"


def test_over_http_the_clearance_is_handed_to_plain_requests(crawler):
    middleware = middleware_for(crawler, answers=[page])
    request = sent_through(middleware, Request(HTTP_URL))
    assert respond(middleware, request, challenge(request)).status == 200
    assert client_for(crawler.engine.sent[0]) == "plain"
    assert crawler.stats.get_value(CLOUDFLARE_STRATEGY_STAT + "127.0.0.1:8000") == "plain"


def test_a_fresh_clearance_challenged_again_moves_up_without_another_solve(crawler):
    middleware = middleware_for(crawler, answers=[challenge, page])
    request = sent_through(middleware, Request(HTTPS_URL))
    assert respond(middleware, request, challenge(request)).status == 200
    assert [client_for(sent) for sent in crawler.engine.sent] == ["impersonated", "in-browser"]
    assert (middleware.solves, crawler.stats.get_value("cloudflare/switches")) == (1, 2)
    assert crawler.stats.get_value(CLOUDFLARE_STRATEGY_STAT + "unjobs.org") == "in-browser"


def test_the_strategy_that_got_through_is_saved_and_the_next_crawl_starts_there(crawler, sqlite_url):
    middleware = middleware_for(crawler, answers=[challenge, page])
    request = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, request, challenge(request))
    later = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, later, page(later))
    assert crawler_database(crawler).read_now(lambda s: s.state.host_strategies())["unjobs.org"]["strategy"] == "in-browser"
    asyncio.run(middleware.spider_closed())

    next_crawl = get_crawler(UnjobsSpider, {"DATABASE_URL": sqlite_url})
    successor = middleware_for(next_crawl, answers=[page])
    request = sent_through(successor, Request(HTTPS_URL))
    respond(successor, request, challenge(request))
    assert [client_for(sent) for sent in next_crawl.engine.sent] == ["in-browser"]  # impersonated not tried
    crawler_database(next_crawl).close()


def test_an_expired_clearance_is_solved_again_and_keeps_its_strategy(crawler):
    middleware = middleware_for(crawler, answers=[page, page])
    request = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, request, challenge(request))
    accepted = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, accepted, page(accepted))
    expired = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, expired, challenge(expired))
    assert middleware.solves == 2
    assert [client_for(sent) for sent in crawler.engine.sent] == ["impersonated", "impersonated"]


def test_requests_challenged_during_a_solve_are_resent_without_solving_again(crawler):
    middleware = middleware_for(crawler, answers=[page, page])
    first, second = (sent_through(middleware, Request(f"{HTTPS_URL}?n={n}")) for n in (1, 2))
    respond(middleware, first, challenge(first))
    assert respond(middleware, second, challenge(second)).status == 200
    assert middleware.solves == 1


# -- a host that cannot be got past --------------------------------------------------------------


def test_failed_solves_block_the_host_and_its_requests_then_fail_at_once_naming_cloudflare(crawler):
    middleware = middleware_for(crawler, solved=(False,))
    for _ in range(3):
        request = sent_through(middleware, Request(HTTPS_URL))
        assert respond(middleware, request, challenge(request)).status == 403
        asyncio.run(asyncio.sleep(0.06))  # past the pause after a failed solve
    assert middleware.solves == 3
    reason = crawler.stats.get_value(CLOUDFLARE_BLOCKED_STAT + "unjobs.org")
    assert reason == (
        "Cloudflare kept challenging unjobs.org: 3 solves in a row did not get through"
        " (Cloudflare challenge not solved within 0.05 s)"
    )
    blocked = Request(HTTPS_URL, meta={"retry_times": 1})
    answer = asyncio.run(middleware.process_request(blocked))
    assert (answer.status, answer.meta[BLOCKED_META]) == (403, reason)
    assert "max_retry_times" not in answer.meta  # the retry rules read BLOCKED_META
    assert middleware.solves == 3
    retry = BackoffRetryMiddleware.from_crawler(crawler)
    with pytest.raises(RetriesExhausted, match=re.escape(f"{reason} at {HTTPS_URL} (gave up after 2 attempts)")):
        retry.process_response(blocked, answer)
    assert crawler_database(crawler).read_now(lambda s: s.state.host_strategies())["unjobs.org"]["strategy"] == "blocked"


def test_a_host_that_gets_through_after_a_failed_solve_no_longer_keeps_the_crawl_out(crawler):
    middleware = middleware_for(crawler, answers=[page], solved=(False, True))
    request = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, request, challenge(request))
    assert crawler.stats.get_value(CLOUDFLARE_BLOCKED_STAT + "unjobs.org")
    asyncio.run(asyncio.sleep(0.06))
    request = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, request, challenge(request))
    accepted = sent_through(middleware, Request(HTTPS_URL))
    respond(middleware, accepted, page(accepted))
    assert crawler.stats.get_value(CLOUDFLARE_BLOCKED_STAT + "unjobs.org") is None


# -- parts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "target"),
    [("156.0.8078.114", "chrome152"), ("120.0.6099.0", "chrome120"), ("121.0.1", "chrome120"), ("", "chrome152")],
)
def test_the_impersonated_profile_is_the_newest_not_newer_than_the_solving_browser(version, target):
    assert impersonation_target(version) == target


def test_the_strategy_after_a_solve_depends_on_tls_and_what_worked_before():
    assert Host("h").handoff(secure=True, impersonation=True) is Strategy.IMPERSONATED
    assert Host("h").handoff(secure=True, impersonation=False) is Strategy.IN_BROWSER
    assert Host("h").handoff(secure=False, impersonation=True) is Strategy.PLAIN
    assert Host("h", floor=Strategy.IN_BROWSER).handoff(secure=False, impersonation=True) is Strategy.IN_BROWSER
    assert Host("h").escalate(impersonation=False) is Strategy.IN_BROWSER
    assert Host("h", strategy=Strategy.IMPERSONATED).escalate(impersonation=True) is Strategy.IN_BROWSER
    assert Host("h", strategy=Strategy.IN_BROWSER).escalate(impersonation=True) is None


def test_the_browser_user_agent_loses_only_the_headless_mark():
    own = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
    assert unannounced_user_agent(own) == CHROME_UA


def test_a_listener_failing_on_a_gone_browser_is_a_warning_and_other_listener_errors_stay_errors(caplog):
    """What Playwright logs when a crashed browser's page listeners fail (seen under load): the
    crash is handled, so it must not count as a crawl error (Spidermon's error_count)."""
    closed = TargetClosedError("Response.header_value: Target page, context or browser has been closed")
    PLAYWRIGHT_LOGGER.addFilter(BROWSER_GONE_LISTENER_ERRORS)
    try:
        with caplog.at_level(logging.WARNING, logger="playwright"):
            PLAYWRIGHT_LOGGER.error("Error occurred in event listener", exc_info=closed)
            PLAYWRIGHT_LOGGER.error("Error occurred in event listener", exc_info=ValueError("a bug"))
    finally:
        PLAYWRIGHT_LOGGER.removeFilter(BROWSER_GONE_LISTENER_ERRORS)
    assert [(record.levelname, record.getMessage(), bool(record.exc_info)) for record in caplog.records] == [
        ("WARNING", "A page listener ran after its browser went away: Response.header_value: "
                    "Target page, context or browser has been closed", False),
        ("ERROR", "Error occurred in event listener", True),
    ]


def test_new_settings_have_their_defaults_and_bad_values_name_themselves():
    config = config_with()
    assert (config.cloudflare_impersonate, config.cloudflare_max_failed_solves) == ("auto", 3)
    assert (config.browser_fetch_concurrency, config.browser_ignore_https_errors) == (4, False)
    assert config_with(CLOUDFLARE_IMPERSONATE="Safari").cloudflare_impersonate == "safari"
    assert config_with(CLOUDFLARE_IMPERSONATE="chrome136").cloudflare_impersonate == "chrome136"
    assert config_with(BROWSER_IGNORE_HTTPS_ERRORS="1").browser_ignore_https_errors is True
    with pytest.raises(ConfigError, match="^CLOUDFLARE_IMPERSONATE must be auto, off or a curl_cffi browser"):
        config_with(CLOUDFLARE_IMPERSONATE="netscape")
    with pytest.raises(ConfigError, match="^BROWSER_FETCH_CONCURRENCY must be at least 1"):
        config_with(BROWSER_FETCH_CONCURRENCY="0")
    with pytest.raises(ConfigError, match="^BROWSER_IGNORE_HTTPS_ERRORS must be 1 or 0"):
        config_with(BROWSER_IGNORE_HTTPS_ERRORS="maybe")
