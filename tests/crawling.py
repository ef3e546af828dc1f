"""Runs ``scrapy crawl unjobs`` in a subprocess, as a user would, and reads back its stats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from unjobs_scraper import defaults

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CRAWL_TIMEOUT_SECONDS = 240

# Lift the polite defaults: the replica is local and built for it. The fleet's limits go far
# above what a test sends (its gate still runs); the rate limiting tests set their own.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "SITE_RATE_LIMIT": "100000",
    "SITE_CONCURRENCY": "1000",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    returncode: int
    stats: dict
    log: str


def crawl_environment(database_url: str) -> dict[str, str]:
    """The crawler's environment: only what the test sets, nothing from the developer's shell."""
    env = {key: value for key, value in os.environ.items() if key not in _PROJECT_VARIABLES}
    env["DATABASE_URL"] = database_url
    env["PYTHONWARNINGS"] = "always::DeprecationWarning"
    # Tests talk to 127.0.0.1 only. Anything that would reach out over HTTPS (Scrapy's cookie
    # middleware fetching the public suffix list through tldextract, say) goes to a closed local
    # port instead, and falls back to its bundled data.
    env["HTTPS_PROXY"] = env["https_proxy"] = CLOSED_LOCAL_PROXY
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


_PROJECT_VARIABLES = {name for name in vars(defaults) if name.isupper()}
CLOSED_LOCAL_PROXY = "http://127.0.0.1:9"


def crawl_command(
    base_url: str,
    stats_path: Path,
    settings: dict[str, str] | None = None,
    spider_args: dict[str, str] | None = None,
) -> list[str]:
    """``scrapy crawl unjobs`` with the fast settings, the replica as the site, and a stats file."""
    options = {**FAST_SETTINGS, "UNJOBS_BASE_URL": base_url, "STATS_FILE": str(stats_path)}
    options.update(settings or {})
    command = [sys.executable, "-m", "scrapy", "crawl", "unjobs"]
    for name, value in options.items():
        command += ["-s", f"{name}={value}"]
    for name, value in (spider_args or {}).items():
        command += ["-a", f"{name}={value}"]
    return command


def start_crawl(
    base_url: str, database_url: str, log_path: Path, settings: dict[str, str] | None = None
):
    """A crawl running in the background (to be killed by the test), logging to ``log_path``."""
    log = log_path.open("w")
    try:
        return subprocess.Popen(
            crawl_command(base_url, log_path.with_suffix(".stats.json"), settings),
            cwd=PROJECT_ROOT,
            env=crawl_environment(database_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()


def run_crawl(
    base_url: str,
    database_url: str,
    settings: dict[str, str] | None = None,
    spider_args: dict[str, str] | None = None,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
    project_root: Path = PROJECT_ROOT,
) -> CrawlResult:
    """Crawl ``base_url`` into ``database_url`` and return the exit code, stats and log
    (``project_root``: another checkout's code, for a benchmark's "before")."""
    with tempfile.TemporaryDirectory() as scratch:
        stats_path = Path(scratch) / "stats.json"
        completed = subprocess.run(
            crawl_command(base_url, stats_path, settings, spider_args),
            cwd=project_root,
            env=crawl_environment(database_url),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return CrawlResult(completed.returncode, stats, completed.stdout + completed.stderr)


def run_scrapy(
    database_url: str | None,
    *args: str,
    env_overrides: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess:
    """Any other ``scrapy`` command of the project, against ``database_url``."""
    env = crawl_environment(database_url or "")
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
