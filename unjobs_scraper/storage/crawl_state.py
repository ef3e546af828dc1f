"""Small named facts that outlive a crawl (``crawl_state``), and the way past Cloudflare each
host settled on (``cloudflare_hosts``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from unjobs_scraper.storage.repository import Repository


class CrawlState(NamedTuple):
    value: str
    updated_at: datetime


class CrawlStateRepository(Repository):
    def set(self, name: str, value: str) -> None:
        self.dialect.execute(
            """
            INSERT INTO crawl_state (name, value, updated_at) VALUES (%(name)s, %(value)s, %(now)s)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """,
            self.params({"name": name, "value": value}),
        )

    def get(self, name: str) -> CrawlState | None:
        rows = self.dialect.execute("SELECT value, updated_at FROM crawl_state WHERE name = %(name)s", {"name": name})
        return CrawlState(**rows[0]) if rows else None

    def with_prefix(self, prefix: str) -> dict[str, CrawlState]:
        """Every entry whose name starts with ``prefix``."""
        rows = self.dialect.execute(
            "SELECT name, value, updated_at FROM crawl_state WHERE name LIKE %(pattern)s ORDER BY name",
            {"pattern": prefix + "%"},
        )  # LIKE's "_" matches any character: the names are checked again here
        return {row["name"]: CrawlState(row["value"], row["updated_at"]) for row in rows if row["name"].startswith(prefix)}

    def delete(self, name: str) -> None:
        self.dialect.execute("DELETE FROM crawl_state WHERE name = %(name)s", {"name": name})

    def save_host_strategy(self, host: str, strategy: str, reason: str | None = None) -> None:
        """What a crawl settled on for a host (``cloudflare/hosts.py``), and why it gave up if it did."""
        self.dialect.execute(
            """
            INSERT INTO cloudflare_hosts (host, strategy, reason, updated_at)
            VALUES (%(host)s, %(strategy)s, %(reason)s, %(now)s)
            ON CONFLICT (host) DO UPDATE SET strategy = excluded.strategy, reason = excluded.reason,
                updated_at = excluded.updated_at
            """,
            self.params({"host": host, "strategy": strategy, "reason": reason}),
        )

    def host_strategies(self) -> dict[str, dict[str, Any]]:
        rows = self.dialect.execute("SELECT host, strategy, reason, updated_at FROM cloudflare_hosts ORDER BY host")
        return {row["host"]: row for row in rows}
