"""The project's settings, read and validated once into a ``Config``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from weakref import WeakKeyDictionary

from unjobs_scraper import defaults


class ConfigError(ValueError):
    """A setting that cannot be used; the message is one line naming it, secrets redacted."""


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` so it can be logged."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


@dataclass(frozen=True)
class DatabaseTarget:
    """Where postings are stored: an SQLite file path or a PostgreSQL conninfo URL."""

    backend: str
    location: str

    @property
    def display(self) -> str:
        return redact_url(self.location) if self.backend == "postgresql" else self.location

    def redact(self, text: str) -> str:
        """``text`` (an error message, say) with this target's password hidden."""
        password = urlsplit(self.location).password if self.backend == "postgresql" else None
        return text.replace(password, "***") if password else text


SQLITE_DEFAULT_PATH = "unjobs.sqlite3"
"""The embedded database when ``DATABASE_URL`` is unset: a file in the current directory."""


def parse_database_url(url: str | None) -> DatabaseTarget:
    """``None`` or empty means the embedded SQLite file in the current directory."""
    if not url:
        return DatabaseTarget("sqlite", SQLITE_DEFAULT_PATH)
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL is malformed ({exc}): {redact_url(url)}") from None
    if parts.scheme == "sqlite":
        # SQLAlchemy's convention: sqlite:///relative/file, sqlite:////absolute/file.
        if not url.startswith("sqlite:///") or len(url) == len("sqlite:///"):
            raise ConfigError(f"DATABASE_URL needs a file path: {url!r} (use sqlite:///path/to/file)")
        return DatabaseTarget("sqlite", url[len("sqlite:///") :])
    if parts.scheme in ("postgresql", "postgres"):
        try:
            parts.port  # noqa: B018 - raises ValueError for a non-numeric port
        except ValueError:
            raise ConfigError(f"DATABASE_URL has an invalid port: {redact_url(url)}") from None
        return DatabaseTarget("postgresql", url)
    raise ConfigError(
        f"DATABASE_URL must start with sqlite:/// or postgresql://, got {redact_url(url)}"
    )


def _setting(settings, name: str):
    """The setting (``settings.py`` gives every one, from the environment or ``defaults.py``),
    or its default when the settings are not the project's (a bare ``Settings`` in tests)."""
    value = settings.get(name)
    return getattr(defaults, name) if value is None else value


def _whole_number(settings, name: str, minimum: int) -> int:
    raw = _setting(settings, name)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _positive_int(settings, name: str) -> int:
    return _whole_number(settings, name, 1)


def _seconds(settings, name: str) -> float:
    raw = _setting(settings, name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value >= 0:
        raise ConfigError(f"{name} must be 0 or more seconds, got {raw!r}")
    return value


def _positive_seconds(settings, name: str) -> float:
    value = _seconds(settings, name)
    if value == 0:
        raise ConfigError(f"{name} must be more than 0 seconds, got {_setting(settings, name)!r}")
    return value


def _choice(settings, name: str, choices: tuple[str, ...]) -> str:
    value = str(_setting(settings, name)).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _redis_url(settings) -> str | None:
    url = _setting(settings, "REDIS_URL") or None
    if url and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix://, got {redact_url(url)}")
    return url


def _namespace(settings) -> str:
    namespace = str(_setting(settings, "REDIS_NAMESPACE") or "")
    if not re.fullmatch(r"[\w.-]+", namespace):
        raise ConfigError(f"REDIS_NAMESPACE must be letters, digits, '.', '-' or '_', got {namespace!r}")
    return namespace


def _http_url(settings, name: str) -> str:
    url = str(_setting(settings, name) or "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


def _rate(settings, name: str) -> float:
    raw = _setting(settings, name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = 0.0
    if not value > 0:
        raise ConfigError(f"{name} must be more than 0 requests a second, got {raw!r}")
    return value


def _ratio(settings, name: str) -> float:
    raw = _setting(settings, name)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not 0 <= value <= 1:
        raise ConfigError(f"{name} must be a ratio from 0 to 1, got {raw!r}")
    return value


_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False, "": False}


def _flag(settings, name: str) -> bool:
    raw = _setting(settings, name)
    value = _FLAGS.get(str(raw).strip().lower())
    if value is None:
        raise ConfigError(f"{name} must be 1 or 0 (true or false), got {raw!r}")
    return value


def _names(settings, name: str) -> frozenset[str]:
    """A comma-separated list (or a list), at least one name."""
    raw = _setting(settings, name)
    parts = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
    names = frozenset(part.strip() for part in parts if part.strip())
    if not names:
        raise ConfigError(f"{name} must name at least one value, got {raw!r}")
    return names


def _impersonation(settings) -> str:
    """``auto``, ``off``, or one of curl_cffi's browser profiles (curl_cffi loaded only to check one)."""
    value = str(_setting(settings, "CLOUDFLARE_IMPERSONATE") or "").strip().lower()
    if value in ("auto", "off"):
        return value
    from curl_cffi import BrowserType

    profiles = {b.value for b in BrowserType}
    families = {re.match(r"[a-z]+", profile)[0] for profile in profiles}  # "chrome": its newest
    if value in ("auto", "off") or value in profiles or value in families:
        return value
    raise ConfigError(
        f"CLOUDFLARE_IMPERSONATE must be auto, off or a curl_cffi browser (chrome, safari, ...), got {value!r}"
    )


API_TOKEN_MIN_CHARS = 16


def _api_token(settings) -> str | None:
    token = str(_setting(settings, "API_TOKEN") or "")
    if token and (len(token) < API_TOKEN_MIN_CHARS or not token.isprintable() or " " in token):
        raise ConfigError(f"API_TOKEN must be at least {API_TOKEN_MIN_CHARS} printable characters without spaces")
    return token or None


RENDER_MODES = ("auto", "always", "never")
"""PLAYWRIGHT_RENDER: the browser only for challenges, for every page, or not at all."""


@dataclass(frozen=True)
class Config:
    """Validated project settings; build it with ``Config.from_settings``."""

    base_url: str
    database: DatabaseTarget
    redis_url: str | None
    redis_namespace: str
    max_index_pages: int
    listing_page_cap: int
    max_field_chars: int
    stats_file: str | None
    retry_backoff_base: float
    retry_backoff_max: float
    retry_max_idle_wait: float
    processing_lease: float
    worker_idle_timeout: float
    backfill_every: float
    database_outage_timeout: float
    database_write_queue: int
    redis_outage_timeout: float
    site_rate_limit: float
    site_concurrency: int
    site_ban_cooldown: float
    site_ban_timeout: float
    retry_times: int
    chromium_path: str | None
    playwright_render: str
    cloudflare_challenge_timeout: float
    cloudflare_impersonate: str
    cloudflare_max_failed_solves: int
    browser_fetch_concurrency: int
    browser_ignore_https_errors: bool
    progress_interval: float
    monitors_fail_exit: bool
    expected_finish_reasons: frozenset[str]
    max_errors: int
    max_item_validation_errors: int
    monitor_max_failed_ratio: float
    monitor_min_listings: int
    api_token: str | None
    notify_after_crawl: bool
    webhook_timeout: float
    webhook_max_attempts: int
    webhook_backoff_base: float

    @property
    def only_consumes_shared_queue(self) -> bool:
        """A Redis worker that waits for work takes it from the queue; ``scrapy seed`` walks the index."""
        return bool(self.redis_url) and self.worker_idle_timeout > 0

    @classmethod
    def from_settings(cls, settings) -> Config:
        return cls(
            base_url=_http_url(settings, "UNJOBS_BASE_URL"),
            database=parse_database_url(_setting(settings, "DATABASE_URL")),
            redis_url=_redis_url(settings),
            redis_namespace=_namespace(settings),
            max_index_pages=_positive_int(settings, "MAX_INDEX_PAGES"),
            listing_page_cap=_positive_int(settings, "LISTING_PAGE_CAP"),
            max_field_chars=_positive_int(settings, "MAX_FIELD_CHARS"),
            stats_file=_setting(settings, "STATS_FILE") or None,
            retry_backoff_base=_seconds(settings, "RETRY_BACKOFF_BASE"),
            retry_backoff_max=_seconds(settings, "RETRY_BACKOFF_MAX"),
            retry_max_idle_wait=_seconds(settings, "RETRY_MAX_IDLE_WAIT"),
            processing_lease=_seconds(settings, "PROCESSING_LEASE"),
            worker_idle_timeout=_seconds(settings, "WORKER_IDLE_TIMEOUT"),
            backfill_every=_seconds(settings, "BACKFILL_EVERY"),
            database_outage_timeout=_seconds(settings, "DATABASE_OUTAGE_TIMEOUT"),
            database_write_queue=_positive_int(settings, "DATABASE_WRITE_QUEUE"),
            redis_outage_timeout=_seconds(settings, "REDIS_OUTAGE_TIMEOUT"),
            site_rate_limit=_rate(settings, "SITE_RATE_LIMIT"),
            site_concurrency=_positive_int(settings, "SITE_CONCURRENCY"),
            site_ban_cooldown=_positive_seconds(settings, "SITE_BAN_COOLDOWN"),
            site_ban_timeout=_positive_seconds(settings, "SITE_BAN_TIMEOUT"),
            retry_times=settings.getint("RETRY_TIMES"),
            chromium_path=_setting(settings, "CHROMIUM_PATH") or None,
            playwright_render=_choice(settings, "PLAYWRIGHT_RENDER", RENDER_MODES),
            cloudflare_challenge_timeout=_positive_seconds(settings, "CLOUDFLARE_CHALLENGE_TIMEOUT"),
            cloudflare_impersonate=_impersonation(settings),
            cloudflare_max_failed_solves=_positive_int(settings, "CLOUDFLARE_MAX_FAILED_SOLVES"),
            browser_fetch_concurrency=_positive_int(settings, "BROWSER_FETCH_CONCURRENCY"),
            browser_ignore_https_errors=_flag(settings, "BROWSER_IGNORE_HTTPS_ERRORS"),
            progress_interval=_seconds(settings, "PROGRESS_INTERVAL"),
            monitors_fail_exit=_flag(settings, "MONITORS_FAIL_EXIT"),
            expected_finish_reasons=_names(settings, "SPIDERMON_EXPECTED_FINISH_REASONS"),
            max_errors=_whole_number(settings, "SPIDERMON_MAX_ERRORS", 0),
            max_item_validation_errors=_whole_number(settings, "SPIDERMON_MAX_ITEM_VALIDATION_ERRORS", 0),
            monitor_max_failed_ratio=_ratio(settings, "MONITOR_MAX_FAILED_RATIO"),
            monitor_min_listings=_whole_number(settings, "MONITOR_MIN_LISTINGS", 0),
            api_token=_api_token(settings),
            notify_after_crawl=_flag(settings, "NOTIFY_AFTER_CRAWL"),
            webhook_timeout=_positive_seconds(settings, "WEBHOOK_TIMEOUT"),
            webhook_max_attempts=_positive_int(settings, "WEBHOOK_MAX_ATTEMPTS"),
            webhook_backoff_base=_seconds(settings, "WEBHOOK_BACKOFF_BASE"),
        )


_crawler_configs: WeakKeyDictionary = WeakKeyDictionary()


def crawler_config(crawler) -> Config:
    """The crawl's one ``Config``, read and validated from its settings once and handed to every
    component by its ``from_crawler`` (like ``crawler.stats``, one object per crawl)."""
    config = _crawler_configs.get(crawler)
    if config is None:
        config = _crawler_configs[crawler] = Config.from_settings(crawler.settings)
    return config
