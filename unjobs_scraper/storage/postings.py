"""The postings table (``raw_job_data``): what is stored of each posting and its status.

The statements that move a posting's status or lifecycle are called by
``unjobs_scraper.status`` only, which says when and why each one runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from unjobs_scraper.storage.columns import JOB_AD_FIELDS, LISTING_COLUMNS, POSTING_COLUMNS
from unjobs_scraper.storage.repository import TABLE, Repository, utc_now
from unjobs_scraper.storage.schema import LIFECYCLES, STATUSES, Lifecycle, Status, literal

LISTING_FILLED_COLUMNS = frozenset({"organization_name", "closing_date"})
"""Values the posting page may lack but its listing row told: keep what is known."""
PENDING, PROCESSING, PROCESSED = literal(Status.PENDING), literal(Status.PROCESSING), literal(Status.PROCESSED)
SKIPPED, FAILED = literal(Status.SKIPPED), literal(Status.FAILED)
OPEN, CLOSED, WITHDRAWN = literal(Lifecycle.OPEN), literal(Lifecycle.CLOSED), literal(Lifecycle.WITHDRAWN)


class ListingState(NamedTuple):
    """What the database knows of a posting, to decide whether to download it again."""

    status: str
    listing_updated_at: datetime | None
    next_attempt_at: datetime | None = None


class Recoverable(NamedTuple):
    """A posting that should be in the queue but may not be: pending and due, or stale processing."""

    post_number: str
    source_url: str
    status: str
    processing_attempts: int
    closing_date: date | None


class PostingsRepository(Repository):
    def __init__(self, dialect) -> None:
        super().__init__(dialect)
        self._discover = self._build_discover()
        self._succeed = self._build_succeed()

    # -- statements built once from column lists ------------------------------------------

    def _build_discover(self) -> str:
        quote = self.dialect.quote
        kept = ", ".join(
            f"{quote(c)} = COALESCE({TABLE}.{quote(c)}, excluded.{quote(c)})" for c in sorted(LISTING_FILLED_COLUMNS)
        )
        return f"""
            INSERT INTO {TABLE} ({self.quoted(LISTING_COLUMNS)}, status, processing_attempts,
                last_listed_at, created_at, updated_at)
            VALUES ({", ".join(f"%({c})s" for c in LISTING_COLUMNS)}, {PENDING}, 0, %(now)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                source_url = excluded.source_url,
                listing_title = excluded.listing_title,
                listing_updated_at = excluded.listing_updated_at,
                last_listed_at = excluded.last_listed_at,
                {kept},
                status = {PENDING},
                processing_attempts = 0,
                processing_error = NULL,
                next_attempt_at = NULL,
                updated_at = excluded.updated_at
            WHERE {TABLE}.listing_updated_at IS DISTINCT FROM excluded.listing_updated_at
        """

    def _build_succeed(self) -> str:
        quote = self.dialect.quote
        assignments = []
        for column in POSTING_COLUMNS[1:]:
            value = f"excluded.{quote(column)}"
            if column in LISTING_FILLED_COLUMNS:
                value = f"COALESCE({value}, {TABLE}.{quote(column)})"
            assignments.append(f"{quote(column)} = {value}")
        return f"""
            INSERT INTO {TABLE} ({self.quoted(POSTING_COLUMNS)}, status, processing_attempts,
                crawled_at, created_at, updated_at)
            VALUES ({", ".join(f"%({c})s" for c in POSTING_COLUMNS)}, {PROCESSED}, 1, %(now)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                {", ".join(assignments)},
                status = {PROCESSED},
                processing_error = NULL,
                next_attempt_at = NULL,
                lifecycle_changed_at = CASE WHEN {TABLE}.lifecycle = {WITHDRAWN} THEN excluded.updated_at
                    ELSE {TABLE}.lifecycle_changed_at END,
                lifecycle = CASE WHEN {TABLE}.lifecycle = {WITHDRAWN} THEN {OPEN} ELSE {TABLE}.lifecycle END,
                crawled_at = excluded.crawled_at,
                updated_at = excluded.updated_at
        """

    # -- status writes (``unjobs_scraper.status`` only) ----------------------------------------

    def write_discovered(self, listing: Mapping[str, Any]) -> None:
        self.dialect.execute(self._discover, self.params(listing, LISTING_COLUMNS))

    def write_taken(self, post_number: str, source_url: str, worker_id: str) -> None:
        self.dialect.execute(
            f"""
            INSERT INTO {TABLE} (post_number, source_url, status, processing_attempts,
                last_processing_attempt, processing_worker, created_at, updated_at)
            VALUES (%(post_number)s, %(source_url)s, {PROCESSING}, 1, %(now)s, %(worker)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                status = {PROCESSING},
                processing_attempts = {TABLE}.processing_attempts + 1,
                last_processing_attempt = excluded.last_processing_attempt,
                processing_worker = excluded.processing_worker,
                updated_at = excluded.updated_at
            """,
            self.params({"post_number": post_number, "source_url": source_url, "worker": worker_id}),
        )

    def write_succeeded(self, posting: Mapping[str, Any]) -> None:
        self.dialect.execute(self._succeed, self.params(posting, POSTING_COLUMNS))

    def write_ended(self, post_number: str, source_url: str, status: Status, error: str) -> None:
        """``failed`` or ``skipped``, with the reason."""
        self.dialect.execute(
            f"""
            INSERT INTO {TABLE} (post_number, source_url, status, processing_error, created_at, updated_at)
            VALUES (%(post_number)s, %(source_url)s, %(status)s, %(error)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                status = excluded.status,
                processing_error = excluded.processing_error,
                next_attempt_at = NULL,
                updated_at = excluded.updated_at
            """,
            self.params({"post_number": post_number, "source_url": source_url, "status": str(status), "error": error}),
        )

    def write_retry_due(self, post_number: str, error: str, due_at: datetime) -> None:
        self.dialect.execute(
            f"""
            UPDATE {TABLE} SET status = {PENDING}, processing_error = %(error)s,
                next_attempt_at = %(due_at)s, updated_at = %(now)s
            WHERE post_number = %(post_number)s
            """,
            self.params({"post_number": post_number, "error": error, "due_at": due_at}),
        )

    def write_given_back(self, post_numbers: Sequence[str]) -> int:
        """``processing`` ones back to ``pending``, the attempt not counted; how many."""
        if not post_numbers:
            return 0
        where, params = self.where_in("post_number", list(post_numbers))
        rows = self.dialect.execute(
            f"UPDATE {TABLE} SET status = {PENDING}, processing_attempts = CASE WHEN processing_attempts > 0"
            " THEN processing_attempts - 1 ELSE 0 END,"
            f" next_attempt_at = NULL, updated_at = %(now)s WHERE {where} AND status = {PROCESSING}"
            " RETURNING post_number",
            {**params, "now": utc_now()},
        )
        return len(rows)

    def write_requeued(self, statuses: Sequence[str] = (), post_numbers: Sequence[str] = (), dry_run: bool = False) -> list[str]:
        """Matching postings back to ``pending`` with a fresh budget; the post numbers matched."""
        if not statuses and not post_numbers:
            return []
        conditions, params = [], {}
        for name, values in (("status", statuses), ("post_number", post_numbers)):
            if values:
                condition, values_by_key = self.where_in(name, [str(value) for value in values])
                conditions.append(condition)
                params.update(values_by_key)
        where = " AND ".join(conditions)
        with self.dialect.transaction():
            matched = [
                row["post_number"]
                for row in self.dialect.execute(f"SELECT post_number FROM {TABLE} WHERE {where} ORDER BY post_number", params)
            ]
            if matched and not dry_run:
                self.dialect.execute(
                    f"UPDATE {TABLE} SET status = {PENDING}, processing_attempts = 0,"
                    f" next_attempt_at = NULL, updated_at = %(now)s WHERE {where}",
                    {**params, "now": utc_now()},
                )
        return matched

    # -- lifecycle writes (``unjobs_scraper.status`` only) -------------------------------------

    def write_lifecycle(self, post_numbers: Sequence[str], lifecycle: Lifecycle, only_from: Lifecycle | None = None) -> None:
        """Stamped when it changes; ``only_from``: only postings now in that lifecycle, and not gone."""
        if not post_numbers:
            return
        where, params = self.where_in("post_number", list(post_numbers))
        condition = f" AND lifecycle = %(from)s AND status <> {SKIPPED}" if only_from else ""
        self.dialect.execute(
            f"UPDATE {TABLE} SET lifecycle = %(lifecycle)s, lifecycle_changed_at = %(now)s"
            f" WHERE {where} AND lifecycle <> %(lifecycle)s{condition}",
            {**params, "lifecycle": str(lifecycle), "from": only_from and str(only_from), "now": utc_now()},
        )

    def write_listed(self, post_numbers: Sequence[str]) -> None:
        if not post_numbers:
            return
        where, params = self.where_in("post_number", list(post_numbers))
        self.dialect.execute(f"UPDATE {TABLE} SET last_listed_at = %(now)s WHERE {where}", {**params, "now": utc_now()})

    def write_expired_closed(self, today: date) -> int:
        rows = self.dialect.execute(
            f"UPDATE {TABLE} SET lifecycle = {CLOSED}, lifecycle_changed_at = %(now)s"
            f" WHERE lifecycle = {OPEN} AND closing_date < %(today)s RETURNING post_number",
            {"today": today, "now": utc_now()},
        )
        return len(rows)

    def write_unlisted_withdrawn(self, since: datetime) -> int:
        rows = self.dialect.execute(
            f"UPDATE {TABLE} SET lifecycle = {WITHDRAWN}, lifecycle_changed_at = %(now)s"
            f" WHERE lifecycle = {OPEN} AND (last_listed_at IS NULL OR last_listed_at < %(since)s)"
            " RETURNING post_number",
            {"since": since, "now": utc_now()},
        )
        return len(rows)

    # -- reading ------------------------------------------------------------------------------

    def listing_states(self, post_numbers: Iterable[str]) -> dict[str, ListingState]:
        numbers = list(post_numbers)
        if not numbers:
            return {}
        where, params = self.where_in("post_number", numbers)
        rows = self.dialect.execute(
            f"SELECT post_number, status, listing_updated_at, next_attempt_at FROM {TABLE} WHERE {where}", params
        )
        return {
            row["post_number"]: ListingState(row["status"], row["listing_updated_at"], row["next_attempt_at"])
            for row in rows
        }

    def recoverable(self, processing_lease_seconds: float, live_workers: Iterable[str], limit: int = 10_000) -> list[Recoverable]:
        """Pending and due, or ``processing`` by a worker not in ``live_workers`` or for longer than the lease."""
        now = utc_now()
        live, params = self.where_in("processing_worker", sorted(live_workers))
        rows = self.dialect.execute(
            f"""
            SELECT post_number, source_url, status, processing_attempts, closing_date FROM {TABLE}
            WHERE (status = {PENDING} AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s))
               OR (status = {PROCESSING} AND (last_processing_attempt < %(lease_cutoff)s
                   OR (processing_worker IS NOT NULL AND NOT ({live}))))
            ORDER BY post_number
            LIMIT %(limit)s
            """,
            {**params, "now": now, "lease_cutoff": now - timedelta(seconds=processing_lease_seconds), "limit": limit},
        )
        return [Recoverable(**row) for row in rows]

    def get(self, post_number: str) -> dict[str, Any] | None:
        rows = self.dialect.execute(f"SELECT * FROM {TABLE} WHERE post_number = %(post_number)s", {"post_number": post_number})
        return rows[0] if rows else None

    def all(self) -> list[dict[str, Any]]:
        return self.dialect.execute(f"SELECT * FROM {TABLE} ORDER BY post_number")

    def iter_all(self, lifecycle: str | None = None, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every stored posting (or those of one lifecycle), in post-number order: memory stays flat."""
        for rows in self.iter_batches(lifecycle=lifecycle, batch=batch):
            yield from rows

    def iter_batches(self, lifecycle: str | None = None, batch: int = 1000, after: str = "") -> Iterator[list[dict[str, Any]]]:
        """Stored postings after ``after``, in post-number order, ``batch`` rows at a time (keyset
        pages, never OFFSET), each posting with its job ad's columns (``job_ad_*``, null without one)."""
        condition = " AND lifecycle = %(lifecycle)s" if lifecycle else ""
        quote = self.dialect.quote
        joined = ", ".join(f"job_ads.{quote(name)} AS {quote('job_ad_' + name)}" for name in JOB_AD_FIELDS)
        while True:
            rows = self.dialect.execute(
                f"SELECT {TABLE}.*, {joined} FROM {TABLE} LEFT JOIN job_ads USING (post_number)"
                f" WHERE post_number > %(after)s{condition} ORDER BY post_number LIMIT %(batch)s",
                {"after": after, "lifecycle": lifecycle, "batch": batch},
            )
            if rows:
                yield rows
            if len(rows) < batch:
                return
            after = rows[-1]["post_number"]

    def count_by_status(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        counts.update({row["status"]: row["n"] for row in self.dialect.execute(f"SELECT status, COUNT(*) AS n FROM {TABLE} GROUP BY status")})
        return counts

    def count_by_lifecycle(self) -> dict[str, int]:
        counts = dict.fromkeys(LIFECYCLES, 0)
        rows = self.dialect.execute(f"SELECT lifecycle, COUNT(*) AS n FROM {TABLE} GROUP BY lifecycle")
        counts.update({row["lifecycle"]: row["n"] for row in rows})
        return counts

    def oldest_pending(self) -> dict[str, Any] | None:
        rows = self.dialect.execute(
            f"SELECT post_number, source_url, created_at AS oldest_pending_at FROM {TABLE}"
            f" WHERE status = {PENDING} ORDER BY created_at, post_number LIMIT 1"
        )
        return rows[0] if rows else None

    def recent_errors(self, limit: int = 10) -> list[dict[str, Any]]:
        return self.dialect.execute(
            f"SELECT post_number, status, processing_attempts, processing_error, updated_at FROM {TABLE}"
            " WHERE processing_error IS NOT NULL ORDER BY updated_at DESC, post_number LIMIT %(limit)s",
            {"limit": limit},
        )
