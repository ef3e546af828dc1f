"""One Redis client per component, checked at once so a bad URL fails in one line."""

from __future__ import annotations

import redis

from unjobs_scraper.config import ConfigError, redact_url

SOCKET_TIMEOUT_SECONDS = 30
CONNECT_TIMEOUT_SECONDS = 5


def connect(url: str) -> redis.Redis:
    """A client for ``url`` that has answered a PING; ``ConfigError`` naming REDIS_URL if not."""
    try:
        client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            retry_on_timeout=True,
        )
        client.ping()
    except (redis.RedisError, ValueError) as error:
        password = redis.connection.parse_url(url).get("password") if "://" in url else None
        reason = " ".join(str(error).split())
        if password:
            reason = reason.replace(password, "***")
        raise ConfigError(f"REDIS_URL: cannot use {redact_url(url)}: {reason}") from None
    return client
