"""Saved searches, the postings each has matched, and their webhook deliveries with one row per try.

``unjobs_scraper.search.notify`` decides what to deliver and when; this module only stores it.
Foreign keys are not relied on (SQLite leaves them off): removing a search removes its rows here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from unjobs_scraper.storage.repository import TABLE, Repository, utc_now

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
"""A delivery's state: waiting for its (next) try, received, or given up after the last try."""
CHUNK = 1000
"""Post numbers named in one statement, well under every backend's limit of parameters."""


def chunks(values: Sequence[str]) -> Iterator[list[str]]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


class SavedSearchesRepository(Repository):
    def add(self, name: str, query: str, webhook_url: str | None, webhook_secret: str | None) -> bool:
        """False when a search of that name exists already."""
        rows = self.dialect.execute(
            "INSERT INTO saved_searches (name, query, webhook_url, webhook_secret, created_at, checked_until)"
            " VALUES (%(name)s, %(query)s, %(url)s, %(secret)s, %(now)s, %(now)s)"
            " ON CONFLICT (name) DO NOTHING RETURNING name",
            {"name": name, "query": query, "url": webhook_url, "secret": webhook_secret, "now": utc_now()},
        )
        return bool(rows)

    def remove(self, name: str) -> bool:
        """The search and everything of it; False when there is none of that name."""
        with self.dialect.transaction():
            params = {"name": name}
            self.dialect.execute(
                "DELETE FROM webhook_attempts WHERE delivery_id IN"
                " (SELECT id FROM webhook_deliveries WHERE search_name = %(name)s)", params,
            )
            self.dialect.execute("DELETE FROM webhook_deliveries WHERE search_name = %(name)s", params)
            self.dialect.execute("DELETE FROM saved_search_matches WHERE search_name = %(name)s", params)
            return bool(self.dialect.execute("DELETE FROM saved_searches WHERE name = %(name)s RETURNING name", params))

    def get(self, name: str) -> dict[str, Any] | None:
        rows = self.dialect.execute("SELECT * FROM saved_searches WHERE name = %(name)s", {"name": name})
        return rows[0] if rows else None

    def all(self) -> list[dict[str, Any]]:
        """Every search, with how many of its deliveries are pending, delivered and failed."""
        return self.dialect.execute(
            f"""
            SELECT s.name, s.query, s.webhook_url, s.created_at, s.checked_until,
                SUM(CASE WHEN d.state = '{PENDING}' THEN 1 ELSE 0 END) AS pending,
                SUM(CASE WHEN d.state = '{DELIVERED}' THEN 1 ELSE 0 END) AS delivered,
                SUM(CASE WHEN d.state = '{FAILED}' THEN 1 ELSE 0 END) AS failed
            FROM saved_searches s LEFT JOIN webhook_deliveries d ON d.search_name = s.name
            GROUP BY s.name, s.query, s.webhook_url, s.created_at, s.checked_until ORDER BY s.name
            """
        )

    # -- what each search has matched -------------------------------------------------------------

    def known_matches(self, name: str, post_numbers: Sequence[str]) -> set[str]:
        known = set()
        for chunk in chunks(post_numbers):
            condition, params = self.where_in("post_number", chunk)
            rows = self.dialect.execute(
                f"SELECT post_number FROM saved_search_matches WHERE search_name = %(name)s AND {condition}",
                {**params, "name": name},
            )
            known.update(row["post_number"] for row in rows)
        return known

    def matches_changed_since(self, name: str, since: datetime) -> set[str]:
        """Postings the search matched that were stored again since ``since``."""
        rows = self.dialect.execute(
            f"SELECT m.post_number FROM saved_search_matches m JOIN {TABLE} p ON p.post_number = m.post_number"
            " WHERE m.search_name = %(name)s AND p.crawled_at >= %(since)s",
            {"name": name, "since": since},
        )
        return {row["post_number"] for row in rows}

    def record_matches(self, name: str, post_numbers: Sequence[str]) -> None:
        if post_numbers:
            now = utc_now()
            self.dialect.executemany(
                "INSERT INTO saved_search_matches (search_name, post_number, matched_at)"
                " VALUES (%(name)s, %(post_number)s, %(now)s) ON CONFLICT DO NOTHING",
                [{"name": name, "post_number": number, "now": now} for number in post_numbers],
            )

    def forget_matches(self, name: str, post_numbers: Sequence[str]) -> None:
        """Postings that changed so that they match no more: matching again is news again."""
        for chunk in chunks(post_numbers):
            condition, params = self.where_in("post_number", chunk)
            self.dialect.execute(
                f"DELETE FROM saved_search_matches WHERE search_name = %(name)s AND {condition}", {**params, "name": name}
            )

    def checked(self, name: str, until: datetime) -> None:
        self.dialect.execute(
            "UPDATE saved_searches SET checked_until = %(until)s WHERE name = %(name)s", {"name": name, "until": until}
        )

    # -- deliveries -------------------------------------------------------------------------------

    def queue(self, deliveries: Sequence[dict[str, Any]]) -> None:
        """``idempotency_key``, ``search_name``, ``post_number``, ``payload``; a key queued before is
        left as it is (at least once, and once per key)."""
        if deliveries:
            now = utc_now()
            self.dialect.executemany(
                "INSERT INTO webhook_deliveries (idempotency_key, search_name, post_number, payload,"
                " next_attempt_at, created_at)"
                " VALUES (%(idempotency_key)s, %(search_name)s, %(post_number)s, %(payload)s, %(now)s, %(now)s)"
                " ON CONFLICT (idempotency_key) DO NOTHING",
                [{**delivery, "now": now} for delivery in deliveries],
            )

    def claim_due(self, until: datetime, limit: int = 500) -> list[dict[str, Any]]:
        """Pending deliveries due now, claimed until ``until`` so another notifier leaves them alone,
        each with its search's webhook."""
        now = utc_now()
        claimable = f"state = '{PENDING}' AND next_attempt_at <= %(now)s AND (claimed_until IS NULL OR claimed_until < %(now)s)"
        claimed = self.dialect.execute(
            f"UPDATE webhook_deliveries SET claimed_until = %(until)s WHERE {claimable} AND id IN"
            f" (SELECT id FROM webhook_deliveries WHERE {claimable} ORDER BY next_attempt_at, id LIMIT %(limit)s)"
            " RETURNING id",
            {"now": now, "until": until, "limit": limit},
        )
        if not claimed:
            return []
        condition, params = self.where_in("d.id", [row["id"] for row in claimed], key="id")
        return self.dialect.execute(
            "SELECT d.id, d.idempotency_key, d.search_name, d.post_number, d.payload, d.attempts,"
            " s.webhook_url, s.webhook_secret FROM webhook_deliveries d JOIN saved_searches s ON s.name = d.search_name"
            f" WHERE {condition} ORDER BY d.id",
            params,
        )

    def attempted(
        self, delivery: dict[str, Any], status_code: int | None, error: str | None, next_attempt_at: datetime | None
    ) -> None:
        """One try, logged; delivered (no error), due again at ``next_attempt_at``, or failed (None).
        Stored only if the delivery is still as it was claimed (not removed with its search, nor
        tried meanwhile by a notifier whose claim outlived this one's)."""
        now = utc_now()
        attempt = delivery["attempts"] + 1
        state = DELIVERED if error is None else PENDING if next_attempt_at is not None else FAILED
        with self.dialect.transaction():
            updated = self.dialect.execute(
                "UPDATE webhook_deliveries SET attempts = %(attempt)s, state = %(state)s, last_error = %(error)s,"
                " next_attempt_at = COALESCE(%(next)s, next_attempt_at), claimed_until = NULL,"
                " delivered_at = %(delivered_at)s WHERE id = %(id)s AND attempts = %(before)s RETURNING id",
                {"id": delivery["id"], "attempt": attempt, "before": delivery["attempts"], "state": state,
                 "error": error, "next": next_attempt_at, "delivered_at": now if state == DELIVERED else None},
            )
            if updated:
                self.dialect.execute(
                    "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error)"
                    " VALUES (%(id)s, %(attempt)s, %(now)s, %(status)s, %(error)s) ON CONFLICT DO NOTHING",
                    {"id": delivery["id"], "attempt": attempt, "now": now, "status": status_code, "error": error},
                )

    def unclaim(self, ids: Sequence[int], not_before: datetime) -> None:
        """Claimed but not tried (their receiver had just failed): due again, not before ``not_before``,
        no try counted."""
        if ids:
            condition, params = self.where_in("id", list(ids))
            self.dialect.execute(
                "UPDATE webhook_deliveries SET claimed_until = NULL, next_attempt_at = CASE"
                " WHEN next_attempt_at < %(not_before)s THEN %(not_before)s ELSE next_attempt_at END"
                f" WHERE {condition}",
                {**params, "not_before": not_before},
            )

    def next_due(self) -> datetime | None:
        """When the next pending delivery is due (one claimed by another notifier: when its claim ends)."""
        rows = self.dialect.execute(
            "SELECT MIN(CASE WHEN claimed_until > %(now)s THEN claimed_until ELSE next_attempt_at END)"
            f" AS next_attempt_at FROM webhook_deliveries WHERE state = '{PENDING}'",
            {"now": utc_now()},
        )
        return rows[0]["next_attempt_at"]

    def deliveries(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every delivery (of one search), oldest first, with its tries."""
        condition = "WHERE search_name = %(name)s" if name else ""
        return self.dialect.execute(
            f"SELECT * FROM webhook_deliveries {condition} ORDER BY id", {"name": name} if name else None
        )

    def attempts(self) -> list[dict[str, Any]]:
        return self.dialect.execute("SELECT * FROM webhook_attempts ORDER BY delivery_id, attempt")
