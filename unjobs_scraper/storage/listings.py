"""The ``listings`` table: the site's listings the crawl knows, and how each one's last walk went.

Written by ``unjobs_scraper.walks``, the owner of walks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from unjobs_scraper.storage.repository import Repository, utc_now


class ListingsRepository(Repository):
    def save_new(self, listings: Iterable[tuple[str, str]]) -> None:
        """Listings found on pages, as (first page URL, kind); known ones are left as they are."""
        rows = [{"url": url, "kind": kind, "now": utc_now()} for url, kind in listings]
        if rows:
            self.dialect.executemany(
                "INSERT INTO listings (url, kind, discovered_at) VALUES (%(url)s, %(kind)s, %(now)s)"
                " ON CONFLICT (url) DO NOTHING",
                rows,
            )

    def record_walk(self, url: str, kind: str, pages_seen: int, hit_cap: bool, postings_found: int) -> None:
        """A walk of a listing ended: how far it went, whether the site's cap stopped it."""
        self.dialect.execute(
            """
            INSERT INTO listings (url, kind, discovered_at, last_walked_at, pages_seen, hit_cap, postings_found)
            VALUES (%(url)s, %(kind)s, %(now)s, %(now)s, %(pages)s, %(cap)s, %(found)s)
            ON CONFLICT (url) DO UPDATE SET last_walked_at = excluded.last_walked_at,
                pages_seen = excluded.pages_seen, hit_cap = excluded.hit_cap,
                postings_found = excluded.postings_found
            """,
            {"url": url, "kind": kind, "pages": pages_seen, "cap": int(hit_cap), "found": postings_found, "now": utc_now()},
        )

    def forget(self, url: str) -> None:
        """A listing the site no longer serves."""
        self.dialect.execute("DELETE FROM listings WHERE url = %(url)s", {"url": url})

    def all(self) -> dict[str, dict[str, Any]]:
        """Every known listing by URL: kind, when walked, pages seen, whether it hit the cap."""
        rows = self.dialect.execute("SELECT * FROM listings ORDER BY kind, url")
        return {row["url"]: {**row, "hit_cap": bool(row["hit_cap"])} for row in rows}

    def count_by_kind(self) -> dict[str, int]:
        rows = self.dialect.execute("SELECT kind, COUNT(*) AS n FROM listings GROUP BY kind ORDER BY kind")
        return {row["kind"]: row["n"] for row in rows}

    def capped(self) -> list[str]:
        return [row["url"] for row in self.dialect.execute("SELECT url FROM listings WHERE hit_cap = 1 ORDER BY url")]
