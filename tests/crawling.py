"""Runs ``scrapy crawl unjobs`` in a subprocess, as a user would, and reads back its stats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CRAWL_TIMEOUT_SECONDS = 240

# Lift the polite defaults: the replica is local and built for it.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
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
    return env


_PROJECT_VARIABLES = {"UNJOBS_BASE_URL", "DATABASE_URL", "REDIS_URL", "MAX_INDEX_PAGES", "STATS_FILE"}


def run_crawl(
    base_url: str,
    database_url: str,
    settings: dict[str, str] | None = None,
    spider_args: dict[str, str] | None = None,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
) -> CrawlResult:
    """Crawl ``base_url`` into ``database_url`` and return the exit code, stats and log."""
    with tempfile.TemporaryDirectory() as scratch:
        stats_path = Path(scratch) / "stats.json"
        options = {**FAST_SETTINGS, "UNJOBS_BASE_URL": base_url, "STATS_FILE": str(stats_path)}
        options.update(settings or {})
        command = [sys.executable, "-m", "scrapy", "crawl", "unjobs"]
        for name, value in options.items():
            command += ["-s", f"{name}={value}"]
        for name, value in (spider_args or {}).items():
            command += ["-a", f"{name}={value}"]
        completed = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=crawl_environment(database_url),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return CrawlResult(completed.returncode, stats, completed.stdout + completed.stderr)
