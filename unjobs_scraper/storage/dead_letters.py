"""The dead-letter queue: every posting that failed after its retries (a view of the postings,
so it can never disagree with their status)."""

from __future__ import annotations

from typing import Any

from unjobs_scraper.storage.repository import Repository


class DeadLettersRepository(Repository):
    def all(self) -> list[dict[str, Any]]:
        return self.dialect.execute("SELECT * FROM dead_letter ORDER BY failed_at, post_number")

    def count(self) -> int:
        return self.dialect.execute("SELECT COUNT(*) AS n FROM dead_letter")[0]["n"]
