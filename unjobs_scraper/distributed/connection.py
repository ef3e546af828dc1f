"""One Redis client per component, checked at once so a bad URL fails in one line."""

from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from unjobs_scraper.config import ConfigError, redact_url

SOCKET_TIMEOUT_SECONDS = 30
CONNECT_TIMEOUT_SECONDS = 5
OUTAGE_ERRORS = (redis.ConnectionError, redis.TimeoutError)
"""Redis is away (stopped, restarting, unreachable): wait for it, ``REDIS_OUTAGE_TIMEOUT``."""


def connect(url: str) -> redis.Redis:
    """A client for ``url`` that has answered a PING; ``ConfigError`` naming REDIS_URL if not.

    A command whose connection broke is tried once more on a new connection (a restarted
    server), then fails at once: the scheduler waits for an outage itself, without blocking
    the crawl in redis-py's own retries.
    """
    try:
        client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=list(OUTAGE_ERRORS),
        )
        client.ping()
    except (redis.RedisError, ValueError) as error:
        raise ConfigError(f"REDIS_URL: cannot use {redact_url(url)}: {describe_redis_error(url, error)}") from None
    return client


def describe_redis_error(url: str, error: Exception) -> str:
    """The error on one line, the URL's password hidden."""
    password = redis.connection.parse_url(url).get("password") if "://" in url else None
    reason = " ".join(str(error).split()) or type(error).__name__
    return reason.replace(password, "***") if password else reason
