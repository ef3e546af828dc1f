"""The project's settings, read and validated once into a ``Config``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

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


def parse_database_url(url: str | None) -> DatabaseTarget:
    """``None`` or empty means the embedded SQLite file in the current directory."""
    if not url:
        return DatabaseTarget("sqlite", defaults.SQLITE_DEFAULT_PATH)
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
    """The setting, or its project default when it is absent (a bare ``Settings`` in tests)."""
    return settings.get(name, getattr(defaults, name))


def _positive_int(settings, name: str) -> int:
    raw = _setting(settings, name)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _http_url(settings, name: str) -> str:
    url = str(_setting(settings, name) or "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True)
class Config:
    """Validated project settings; build it with ``Config.from_settings``."""

    base_url: str
    database: DatabaseTarget
    redis_url: str | None
    max_index_pages: int
    max_field_chars: int
    stats_file: str | None

    @classmethod
    def from_settings(cls, settings) -> Config:
        return cls(
            base_url=_http_url(settings, "UNJOBS_BASE_URL"),
            database=parse_database_url(_setting(settings, "DATABASE_URL")),
            redis_url=_setting(settings, "REDIS_URL") or None,
            max_index_pages=_positive_int(settings, "MAX_INDEX_PAGES"),
            max_field_chars=_positive_int(settings, "MAX_FIELD_CHARS"),
            stats_file=_setting(settings, "STATS_FILE") or None,
        )


def environment_or_default(name: str):
    """The value of environment variable ``name``, else the project default."""
    return os.environ.get(name, getattr(defaults, name))
