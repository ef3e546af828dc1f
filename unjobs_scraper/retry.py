"""Retries through Scrapy's own machinery, with backoff and a readable last error.

One place decides what is retried: 5xx and 429 (honouring ``Retry-After``), timeouts and
connection errors (``RETRY_EXCEPTIONS``), unsolved Cloudflare challenges, and posting pages
that cannot be used (truncated, binary, no title). 404 and 410 are not retried: the spider
marks those postings ``skipped``. A retry waits ``RETRY_BACKOFF_BASE * 2**(n-1)`` seconds
(at most ``RETRY_BACKOFF_MAX``, with jitter) in ``BackoffScheduler``, not in a download slot,
and its due time is stored with the posting so that a crash does not lose the wait.
"""

from __future__ import annotations

import random
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import psycopg
import redis
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from unjobs_scraper import parsing
from unjobs_scraper.cloudflare import challenge_error, is_challenge
from unjobs_scraper.config import Config, crawler_config
from unjobs_scraper.meta import BLOCKED_META, NOT_BEFORE_META, POST_NUMBER_META
from unjobs_scraper.sitegate.gate import GateClosed
from unjobs_scraper.status import PostingStatus, crawler_status

_TWISTED_FAILURE = re.compile(r"<twisted\.python\.failure\.Failure (?:[\w.]+\.)?(\w+): ([^>]*)>")


def describe_exception(error: BaseException) -> str:
    """``Kind: message``, with Twisted's wrapped failures written out readably."""
    message = _TWISTED_FAILURE.sub(r"\1: \2", str(error)).strip("[] ")
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


GONE_STATUSES = frozenset({404, 410})
_BROWSER_GONE = re.compile(
    r"Target page, context or browser has been closed|Browser has been closed|browser has disconnected"
    r"|Target crashed|Browser closed",
    re.IGNORECASE,
)


def own_service_fault(failure) -> str | None:
    """Why a request failed because of one of our own services (the database, Redis, the browser
    crashing or closing, the site gate closing on it), not because of the posting; None when the
    posting or the site is why.

    A posting is never marked ``failed`` (nor dead-lettered) for such a fault.
    """
    error = failure.value
    if isinstance(error, (psycopg.OperationalError, redis.RedisError, GateClosed)) or (
        type(error).__module__.startswith("playwright") and _BROWSER_GONE.search(str(error))
    ):
        return describe_exception(error)
    return None


class RetriesExhausted(IgnoreRequest):
    """The last attempt failed too; the message is the posting's final ``processing_error``."""


def describe_failure(failure) -> tuple[str, str]:
    """(final status, readable error) for a request that ended without a usable page.

    404 and 410 mean the posting was withdrawn: ``skipped``, not retried.
    """
    if failure.check(RetriesExhausted):
        return "failed", str(failure.value)
    if failure.check(HttpError):
        response = failure.value.response
        if response.status in GONE_STATUSES:
            return "skipped", f"HTTP {response.status} from {response.url} (gone)"
        return "failed", f"HTTP {response.status} from {response.url} (not retried)"
    return "failed", describe_exception(failure.value)


def retry_after_seconds(value: bytes | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def backoff_delay(
    retry_number: int,
    base: float,
    maximum: float,
    rng: random.Random,
    retry_after: float | None = None,
) -> float:
    """Exponential, capped, with jitter (half to all of it) so retries do not arrive together."""
    exponential = min(maximum, base * 2 ** (retry_number - 1))
    delay = exponential * rng.uniform(0.5, 1.0)
    return min(maximum, max(delay, retry_after or 0.0))


def _http_reason(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


class BackoffRetryMiddleware(RetryMiddleware):
    """Replaces Scrapy's RetryMiddleware (same settings, same stats) at the same priority."""

    def __init__(self, crawler, config: Config, status: PostingStatus) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.config = config
        self.status = status
        self.rng = random.Random()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler_config(crawler), crawler_status(crawler))

    def process_response(self, request, response):
        if request.meta.get("dont_retry", False):
            return response
        problem = self._response_problem(request, response)
        if problem is None:
            return response
        kind, message = problem
        retry_after = (
            retry_after_seconds(response.headers.get("Retry-After"))
            if response.status == 429
            else None
        )
        return self._retry_later(request, kind, message, retry_after)

    def process_exception(self, request, exception):
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        return self._retry_later(request, type(exception).__name__, describe_exception(exception))

    def _response_problem(self, request, response) -> tuple[str, str] | None:
        """(short kind for stats, readable message) when the response is worth another try."""
        if is_challenge(response):
            reason = request.meta.get(BLOCKED_META) or challenge_error(self.config.cloudflare_challenge_timeout)
            return "cloudflare_challenge", f"{reason} at {response.url}"
        if response.status in self.retry_http_codes:
            return f"http_{response.status}", f"{_http_reason(response.status)} from {response.url}"
        if POST_NUMBER_META in request.meta and 200 <= response.status < 300:
            problem = parsing.posting_page_problem(response)
            if problem is not None:
                return problem.split(":", 1)[0].replace(" ", "_"), problem
        return None

    def _retry_later(self, request, kind: str, message: str, retry_after: float | None = None):
        attempt = request.meta.get("retry_times", 0) + 1
        # A request of a host Cloudflare keeps out (BLOCKED_META) has no retry left.
        blocked = request.meta.get(BLOCKED_META) is not None
        retry = get_retry_request(
            request,
            reason=kind,
            spider=self.crawler.spider,
            max_retry_times=attempt - 1 if blocked else request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )
        if retry is None:
            raise RetriesExhausted(f"{message} (gave up after {attempt} attempts)")
        delay = backoff_delay(
            retry.meta["retry_times"],
            self.config.retry_backoff_base,
            self.config.retry_backoff_max,
            self.rng,
            retry_after,
        )
        retry.meta[NOT_BEFORE_META] = time.time() + delay
        post_number = request.meta.get(POST_NUMBER_META)
        if post_number is not None:
            due_at = datetime.now(UTC) + timedelta(seconds=delay)
            self.status.retry_later(post_number, f"{message} (attempt {attempt}, retrying)", due_at)
        return retry
