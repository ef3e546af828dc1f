"""Settings: validated once, from the environment or -s, failing in one readable line."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from tests.crawling import run_scrapy
from unjobs_scraper import settings as project_settings
from unjobs_scraper.config import Config, ConfigError, parse_database_url, redact_url


def config_with(**overrides) -> Config:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict(overrides, priority="cmdline")
    return Config.from_settings(settings)


def test_no_database_url_means_the_sqlite_file_in_the_current_directory():
    for url in (None, ""):
        target = parse_database_url(url)
        assert (target.backend, target.location) == ("sqlite", "unjobs.sqlite3")


@pytest.mark.parametrize(
    ("url", "path"),
    [("sqlite:///data/unjobs.db", "data/unjobs.db"), ("sqlite:////var/lib/u.db", "/var/lib/u.db")],
)
def test_sqlite_urls_follow_the_sqlalchemy_convention(url, path):
    assert parse_database_url(url).location == path


def test_postgresql_url_is_kept_and_displayed_redacted():
    target = parse_database_url("postgresql://crawler:s3cret@db:5432/unjobs")
    assert target.backend == "postgresql"
    assert target.display == "postgresql://crawler:***@db:5432/unjobs"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:s3cret@localhost/db",
        "postgresql://u:s3cret@host:notaport/db",
        "sqlite://",
        "nonsense",
    ],
)
def test_bad_database_urls_name_the_setting_and_hide_the_password(url):
    with pytest.raises(ConfigError, match="^DATABASE_URL") as error:
        parse_database_url(url)
    assert "s3cret" not in str(error.value)
    assert "\n" not in str(error.value)


def test_redact_url_leaves_passwordless_urls_alone():
    assert redact_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert redact_url("redis://:pw@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAX_INDEX_PAGES", "many", "MAX_INDEX_PAGES must be a whole number"),
        ("MAX_INDEX_PAGES", "0", "MAX_INDEX_PAGES must be at least 1"),
        ("UNJOBS_BASE_URL", "ftp://unjobs.org", "UNJOBS_BASE_URL must be an http"),
        ("RETRY_BACKOFF_BASE", "-1", "RETRY_BACKOFF_BASE must be 0 or more seconds"),
        ("PROCESSING_LEASE", "nan", "PROCESSING_LEASE must be 0 or more seconds"),
        ("WORKER_IDLE_TIMEOUT", "soon", "WORKER_IDLE_TIMEOUT must be a number of seconds"),
        ("REDIS_URL", "http://:pw@127.0.0.1:6379", "REDIS_URL must start with redis://"),
    ],
)
def test_bad_values_name_their_setting(name, value, message):
    with pytest.raises(ConfigError, match=message):
        config_with(**{name: value})


def test_a_worker_can_wait_for_ever():
    assert config_with(WORKER_IDLE_TIMEOUT="inf").worker_idle_timeout == float("inf")


def test_defaults():
    config = config_with()
    assert (config.base_url, config.max_index_pages, config.redis_url) == (
        "https://unjobs.org/",
        40,
        None,
    )


def test_environment_variables_configure_and_dash_s_wins():
    from_env = run_scrapy(
        None, "settings", "--get", "MAX_INDEX_PAGES", env_overrides={"MAX_INDEX_PAGES": "7"}
    )
    overridden = run_scrapy(
        None,
        "settings",
        "--get",
        "MAX_INDEX_PAGES",
        "-s",
        "MAX_INDEX_PAGES=3",
        env_overrides={"MAX_INDEX_PAGES": "7"},
    )
    assert (from_env.stdout.strip(), overridden.stdout.strip()) == ("7", "3")


@pytest.mark.parametrize(
    "database_url",
    [
        "postgresql://crawler:s3cret@127.0.0.1:1/unjobs",  # nothing listens on port 1
        "mysql://crawler:s3cret@127.0.0.1/unjobs",
    ],
)
def test_crawl_with_a_bad_database_stops_in_one_line(database_url):
    result = run_scrapy(
        database_url, "crawl", "unjobs", "-s", "UNJOBS_BASE_URL=http://127.0.0.1:1/"
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2
    assert len(lines) == 1
    assert lines[0].startswith("unjobs-scraper: DATABASE_URL")
    assert "s3cret" not in result.stderr + result.stdout
