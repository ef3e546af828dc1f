"""What the crawl reads from and writes to the database, the same on every backend."""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from unjobs_scraper.storage import schema
from unjobs_scraper.storage.columns import JOB_AD_FIELDS, LISTING_COLUMNS, POSTING_COLUMNS

TABLE = "raw_job_data"
BACKFILL_STATE = "backfill"
"""``crawl_state`` entry: the last backfill as JSON (started, finished, seconds, full, reason)."""
# Values the posting page may lack but its listing row told: keep what is known.
LISTING_FILLED_COLUMNS = frozenset({"organization_name", "closing_date"})


class ListingState(NamedTuple):
    """What the database knows of a posting, to decide whether to download it again."""

    status: str
    listing_updated_at: datetime | None
    next_attempt_at: datetime | None = None


class CrawlState(NamedTuple):
    value: str
    updated_at: datetime


class Recoverable(NamedTuple):
    """A posting that should be in the queue but may not be: pending and due, or stale processing."""

    post_number: str
    source_url: str
    status: str
    processing_attempts: int
    closing_date: date | None


ERROR_MAX_CHARS = 2000
"""A ``processing_error`` is cut to this length: enough for any message, bounded for the table."""
WORKER_DEAD_AFTER_SECONDS = 30.0
"""A worker that has not renewed its entry for this long is dead (it renews every 5 s)."""


_this_process: list[Worker | None] = [None]


class Worker(NamedTuple):
    """One crawler process, as other workers see it in ``crawl_workers``."""

    worker_id: str
    host: str
    pid: int

    @classmethod
    def of_this_process(cls) -> Worker:
        """``host:pid:random``, the same for the database and the Redis registry of one crawler."""
        if _this_process[0] is None or _this_process[0].pid != os.getpid():
            host = socket.gethostname()
            _this_process[0] = cls(f"{host}:{os.getpid()}:{uuid.uuid4().hex[:6]}", host, os.getpid())
        return _this_process[0]

    def may_be_alive(self) -> bool:
        """False only when it ran on this host and its process is gone (killed outright, say)."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)  # a PermissionError means it exists, run by another user
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True


def utc_now() -> datetime:
    return datetime.now(UTC)


def _without_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL; strip it on every backend so both store the same."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Store:
    """Postings and their processing status, on the dialect it is given."""

    def __init__(
        self, dialect, error_max_chars: int = ERROR_MAX_CHARS, worker: Worker | None = None
    ) -> None:
        self.dialect = dialect
        self.worker = worker or Worker.of_this_process()
        """Who holds the postings this store marks ``processing`` (``register_worker``)."""
        self.error_max_chars = error_max_chars
        self._upsert_listing = self._build_upsert_listing()
        self._save_posting = self._build_save_posting()
        self.in_flight: set[str] = set()
        """Postings this process marked ``processing`` and has not finished: ``release_in_flight``."""

    # -- schema -------------------------------------------------------------------------

    def migrate(self) -> int:
        """Bring the schema to the latest version; safe to run from many workers at once."""
        types = self.dialect.column_types
        with self.dialect.migration_lock():
            self.dialect.execute(
                schema.render(
                    "CREATE TABLE IF NOT EXISTS schema_migrations"
                    " (version INTEGER PRIMARY KEY, applied_at {timestamp} NOT NULL)",
                    types,
                )
            )
            current = self.schema_version()
            for version, statements in schema.MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    self.dialect.execute(schema.render(statement, types))
                self.dialect.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (%(v)s, %(now)s)",
                    {"v": version, "now": utc_now()},
                )
        return self.schema_version()

    def schema_version(self) -> int:
        rows = self.dialect.execute("SELECT MAX(version) AS version FROM schema_migrations")
        return rows[0]["version"] or 0

    # -- statements built once from column lists ------------------------------------------

    def _columns(self, names: Iterable[str]) -> str:
        return ", ".join(self.dialect.quote(name) for name in names)

    def _build_upsert_listing(self) -> str:
        quote = self.dialect.quote
        return f"""
            INSERT INTO {TABLE} ({self._columns(LISTING_COLUMNS)}, status, processing_attempts,
                last_listed_at, created_at, updated_at)
            VALUES ({
            ", ".join(f"%({c})s" for c in LISTING_COLUMNS)
        }, 'pending', 0, %(now)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                source_url = excluded.source_url,
                listing_title = excluded.listing_title,
                listing_updated_at = excluded.listing_updated_at,
                last_listed_at = excluded.last_listed_at,
                {
            ", ".join(
                f"{quote(c)} = COALESCE({TABLE}.{quote(c)}, excluded.{quote(c)})"
                for c in sorted(LISTING_FILLED_COLUMNS)
            )
        },
                status = 'pending',
                processing_attempts = 0,
                processing_error = NULL,
                next_attempt_at = NULL,
                updated_at = excluded.updated_at
            WHERE {TABLE}.listing_updated_at IS DISTINCT FROM excluded.listing_updated_at
        """

    def _build_save_posting(self) -> str:
        quote = self.dialect.quote
        assignments = []
        for column in POSTING_COLUMNS[1:]:
            value = f"excluded.{quote(column)}"
            if column in LISTING_FILLED_COLUMNS:
                value = f"COALESCE({value}, {TABLE}.{quote(column)})"
            assignments.append(f"{quote(column)} = {value}")
        return f"""
            INSERT INTO {TABLE} ({self._columns(POSTING_COLUMNS)}, status, processing_attempts,
                crawled_at, created_at, updated_at)
            VALUES ({", ".join(f"%({c})s" for c in POSTING_COLUMNS)}, 'processed', 1,
                %(now)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                {", ".join(assignments)},
                status = 'processed',
                processing_error = NULL,
                next_attempt_at = NULL,
                lifecycle_changed_at = CASE WHEN {TABLE}.lifecycle = 'withdrawn' THEN excluded.updated_at
                    ELSE {TABLE}.lifecycle_changed_at END,
                lifecycle = CASE WHEN {TABLE}.lifecycle = 'withdrawn' THEN 'open' ELSE {TABLE}.lifecycle END,
                crawled_at = excluded.crawled_at,
                updated_at = excluded.updated_at
        """

    # -- crawl operations ---------------------------------------------------------------------

    def listing_states(self, post_numbers: Iterable[str]) -> dict[str, ListingState]:
        numbers = list(post_numbers)
        if not numbers:
            return {}
        where, params = self._in("post_number", numbers)
        rows = self.dialect.execute(
            f"SELECT post_number, status, listing_updated_at, next_attempt_at FROM {TABLE} WHERE {where}",
            params,
        )
        return {
            row["post_number"]: ListingState(
                row["status"], row["listing_updated_at"], row["next_attempt_at"]
            )
            for row in rows
        }

    def upsert_listing(self, listing: Mapping[str, Any]) -> None:
        """A discovered posting: new → ``pending``; a changed listing → ``pending`` again."""
        self.dialect.execute(self._upsert_listing, self._params(listing, LISTING_COLUMNS))

    def mark_processing(self, post_number: str, source_url: str) -> None:
        """Its download starts: one more attempt, stamped now."""
        self.in_flight.add(post_number)
        self.dialect.execute(
            f"""
            INSERT INTO {TABLE} (post_number, source_url, status, processing_attempts,
                last_processing_attempt, processing_worker, created_at, updated_at)
            VALUES (%(post_number)s, %(source_url)s, 'processing', 1, %(now)s, %(worker)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                status = 'processing',
                processing_attempts = {TABLE}.processing_attempts + 1,
                last_processing_attempt = excluded.last_processing_attempt,
                processing_worker = excluded.processing_worker,
                updated_at = excluded.updated_at
            """,
            self._params({"post_number": post_number, "source_url": source_url, "worker": self.worker.worker_id}),
        )

    def save_posting(self, posting: Mapping[str, Any]) -> None:
        """A parsed posting: every field stored, ``processed``, the last error cleared."""
        self.dialect.execute(self._save_posting, self._params(posting, POSTING_COLUMNS))
        self.in_flight.discard(posting["post_number"])

    def record_failure(self, post_number: str, source_url: str, status: str, error: str) -> None:
        """A posting that ended ``failed`` or ``skipped``, with the reason kept readable."""
        if status not in ("failed", "skipped"):
            raise ValueError(f"a failure ends failed or skipped, not {status!r}")
        self.dialect.execute(
            f"""
            INSERT INTO {TABLE} (post_number, source_url, status, processing_error,
                created_at, updated_at)
            VALUES (%(post_number)s, %(source_url)s, %(status)s, %(error)s, %(now)s, %(now)s)
            ON CONFLICT (post_number) DO UPDATE SET
                status = excluded.status,
                processing_error = excluded.processing_error,
                next_attempt_at = NULL,
                updated_at = excluded.updated_at
            """,
            self._params(
                {
                    "post_number": post_number,
                    "source_url": source_url,
                    "status": status,
                    "error": self.truncate_error(error),
                }
            ),
        )
        self.in_flight.discard(post_number)
        if status == "skipped":  # the site answered 404/410: the posting is gone
            self.set_lifecycle([post_number], "withdrawn")

    def schedule_retry(self, post_number: str, error: str, due_at: datetime) -> None:
        """A failed attempt with retries left: ``pending`` again, not before ``due_at``.

        The due time is stored so that the wait survives a crash of the crawler.
        """
        self.dialect.execute(
            f"""
            UPDATE {TABLE} SET status = 'pending', processing_error = %(error)s,
                next_attempt_at = %(due_at)s, updated_at = %(now)s
            WHERE post_number = %(post_number)s
            """,
            self._params(
                {"post_number": post_number, "error": self.truncate_error(error), "due_at": due_at}
            ),
        )
        self.in_flight.discard(post_number)

    def release_in_flight(self) -> int:
        """A crawl that stops early (a signal, an outage) gives back what it started and did not
        finish: ``pending`` again, the interrupted attempt not counted. Returns how many."""
        released = self.release(sorted(self.in_flight))
        self.in_flight.clear()
        return released

    def release(self, post_numbers: Sequence[str]) -> int:
        """``processing`` postings back to ``pending``, their attempt not counted: a stop, or a
        fault of ours rather than the posting's. Returns how many."""
        if not post_numbers:
            return 0
        where, params = self._in("post_number", list(post_numbers))
        rows = self.dialect.execute(
            f"UPDATE {TABLE} SET status = 'pending', processing_attempts = CASE WHEN processing_attempts > 0"
            " THEN processing_attempts - 1 ELSE 0 END,"
            f" next_attempt_at = NULL, updated_at = %(now)s WHERE {where} AND status = 'processing'"
            " RETURNING post_number",
            {**params, "now": utc_now()},
        )
        self.in_flight.difference_update(post_numbers)
        return len(rows)

    def recoverable(
        self, processing_lease_seconds: float, limit: int = 10_000
    ) -> list[Recoverable]:
        """Postings to queue again: ``pending`` and due, or ``processing`` by a worker that is
        dead (``live_workers``) or for longer than the lease."""
        now = utc_now()
        live, params = self._in("processing_worker", sorted(self.live_workers()))
        rows = self.dialect.execute(
            f"""
            SELECT post_number, source_url, status, processing_attempts, closing_date FROM {TABLE}
            WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s))
               OR (status = 'processing' AND (last_processing_attempt < %(lease_cutoff)s
                   OR (processing_worker IS NOT NULL AND NOT ({live}))))
            ORDER BY post_number
            LIMIT %(limit)s
            """,
            {
                **params,
                "now": now,
                "lease_cutoff": now - timedelta(seconds=processing_lease_seconds),
                "limit": limit,
            },
        )
        return [Recoverable(**row) for row in rows]

    # -- workers: leases that are the crawler's own ------------------------------------------------

    def register_worker(self) -> None:
        """This worker is alive (again, every ``leases.RENEW_SECONDS``)."""
        self.dialect.execute(
            """
            INSERT INTO crawl_workers (worker_id, host, pid, started_at, heartbeat_at)
            VALUES (%(worker_id)s, %(host)s, %(pid)s, %(now)s, %(now)s)
            ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
            """,
            self._params(self.worker._asdict()),
        )

    def unregister_worker(self) -> None:
        self.dialect.execute("DELETE FROM crawl_workers WHERE worker_id = %(id)s", {"id": self.worker.worker_id})

    def live_workers(self) -> set[str]:
        """Workers that renewed their entry lately, less those of this host whose process is gone.

        Entries of dead workers are deleted on the way: they hold nothing any more.
        """
        cutoff = utc_now() - timedelta(seconds=WORKER_DEAD_AFTER_SECONDS)
        rows = self.dialect.execute("SELECT worker_id, host, pid, heartbeat_at FROM crawl_workers")
        dead = [
            row["worker_id"]
            for row in rows
            if row["heartbeat_at"] < cutoff or not Worker(row["worker_id"], row["host"], row["pid"]).may_be_alive()
        ]
        if dead:
            where, params = self._in("worker_id", dead)
            self.dialect.execute(f"DELETE FROM crawl_workers WHERE {where}", params)
        return {row["worker_id"] for row in rows} - set(dead)

    def requeue(
        self, statuses: Sequence[str] = (), post_numbers: Sequence[str] = (), dry_run: bool = False
    ) -> list[str]:
        """Move matching postings back to ``pending`` with a fresh retry budget.

        Filters combine; with neither, nothing matches. Returns the post numbers concerned.
        """
        if not statuses and not post_numbers:
            return []
        conditions, params = [], {}
        for name, values in (("status", statuses), ("post_number", post_numbers)):
            if values:
                condition, values_by_key = self._in(name, list(values))
                conditions.append(condition)
                params.update(values_by_key)
        where = " AND ".join(conditions)
        with self.dialect.transaction():
            matched = [
                row["post_number"]
                for row in self.dialect.execute(
                    f"SELECT post_number FROM {TABLE} WHERE {where} ORDER BY post_number", params
                )
            ]
            if matched and not dry_run:
                self.dialect.execute(
                    f"""
                    UPDATE {TABLE} SET status = 'pending', processing_attempts = 0,
                        next_attempt_at = NULL, updated_at = %(now)s
                    WHERE {where}
                    """,
                    {**params, "now": utc_now()},
                )
        return matched

    def set_state(self, name: str, value: str) -> None:
        self.dialect.execute(
            """
            INSERT INTO crawl_state (name, value, updated_at) VALUES (%(name)s, %(value)s, %(now)s)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """,
            self._params({"name": name, "value": value}),
        )

    def states(self, prefix: str) -> dict[str, CrawlState]:
        """Every ``crawl_state`` entry whose name starts with ``prefix``."""
        rows = self.dialect.execute(
            "SELECT name, value, updated_at FROM crawl_state WHERE name LIKE %(pattern)s ORDER BY name",
            {"pattern": prefix + "%"},
        )  # LIKE's "_" matches any character: the names are checked again here
        return {row["name"]: CrawlState(row["value"], row["updated_at"]) for row in rows if row["name"].startswith(prefix)}

    def delete_state(self, name: str) -> None:
        self.dialect.execute("DELETE FROM crawl_state WHERE name = %(name)s", {"name": name})

    def get_state(self, name: str) -> CrawlState | None:
        rows = self.dialect.execute(
            "SELECT value, updated_at FROM crawl_state WHERE name = %(name)s", {"name": name}
        )
        return CrawlState(**rows[0]) if rows else None

    # -- coverage: listings and lifecycles ----------------------------------------------------

    def set_lifecycle(self, post_numbers: Sequence[str], lifecycle: str, only_from: str | None = None) -> None:
        """Postings' lifecycle (``open``, ``closed``, ``withdrawn``), stamped when it changes.

        ``only_from``: only postings now in that lifecycle, and not gone (404/410, ``skipped``).
        """
        if not post_numbers:
            return
        where, params = self._in("post_number", list(post_numbers))
        condition = " AND lifecycle = %(from)s AND status <> 'skipped'" if only_from else ""
        self.dialect.execute(
            f"UPDATE {TABLE} SET lifecycle = %(lifecycle)s, lifecycle_changed_at = %(now)s"
            f" WHERE {where} AND lifecycle <> %(lifecycle)s{condition}",
            {**params, "lifecycle": lifecycle, "from": only_from, "now": utc_now()},
        )

    def mark_listed(self, post_numbers: Sequence[str]) -> None:
        """Seen on a listing page now (one statement per page); one withdrawn because no listing
        showed it is open again (one whose page answered 404/410 stays withdrawn)."""
        if not post_numbers:
            return
        where, params = self._in("post_number", list(post_numbers))
        self.dialect.execute(f"UPDATE {TABLE} SET last_listed_at = %(now)s WHERE {where}", {**params, "now": utc_now()})
        self.set_lifecycle(post_numbers, "open", only_from="withdrawn")

    def close_expired(self, today: date) -> int:
        """Open postings whose closing date has passed become ``closed``; returns how many."""
        rows = self.dialect.execute(
            f"UPDATE {TABLE} SET lifecycle = 'closed', lifecycle_changed_at = %(now)s"
            " WHERE lifecycle = 'open' AND closing_date < %(today)s RETURNING post_number",
            {"today": today, "now": utc_now()},
        )
        return len(rows)

    def withdraw_unlisted(self, since: datetime) -> int:
        """After a full backfill: open postings no listing showed since ``since`` are ``withdrawn``."""
        rows = self.dialect.execute(
            f"UPDATE {TABLE} SET lifecycle = 'withdrawn', lifecycle_changed_at = %(now)s"
            " WHERE lifecycle = 'open' AND (last_listed_at IS NULL OR last_listed_at < %(since)s)"
            " RETURNING post_number",
            {"since": since, "now": utc_now()},
        )
        return len(rows)

    def save_listings(self, listings: Iterable[tuple[str, str]]) -> None:
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

    def forget_listing(self, url: str) -> None:
        """A listing the site no longer serves."""
        self.dialect.execute("DELETE FROM listings WHERE url = %(url)s", {"url": url})

    def listings(self) -> dict[str, dict[str, Any]]:
        """Every known listing by URL: kind, when walked, pages seen, whether it hit the cap."""
        rows = self.dialect.execute("SELECT * FROM listings ORDER BY kind, url")
        return {row["url"]: {**row, "hit_cap": bool(row["hit_cap"])} for row in rows}

    def coverage(self) -> dict[str, Any]:
        """What ``scrapy status`` reports of coverage: lifecycles, listings, the last backfill."""
        lifecycles = dict.fromkeys(schema.LIFECYCLES, 0)
        rows = self.dialect.execute(f"SELECT lifecycle, COUNT(*) AS n FROM {TABLE} GROUP BY lifecycle")
        lifecycles.update({row["lifecycle"]: row["n"] for row in rows})
        kinds = self.dialect.execute("SELECT kind, COUNT(*) AS n FROM listings GROUP BY kind ORDER BY kind")
        capped = self.dialect.execute("SELECT url FROM listings WHERE hit_cap = 1 ORDER BY url")
        backfill = self.get_state(BACKFILL_STATE)
        return {
            "lifecycles": lifecycles,
            "listings": {row["kind"]: row["n"] for row in kinds},
            "capped_listings": [row["url"] for row in capped],
            "last_backfill": json.loads(backfill.value) if backfill else None,
        }

    def iter_postings(self, lifecycle: str | None = None, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every stored posting (or those of one lifecycle), in post-number order: memory stays
        flat whatever the table's size."""
        for rows in self.iter_posting_batches(lifecycle=lifecycle, batch=batch):
            yield from rows

    def iter_posting_batches(
        self, lifecycle: str | None = None, batch: int = 1000, after: str = ""
    ) -> Iterator[list[dict[str, Any]]]:
        """Stored postings after ``after``, in post-number order, ``batch`` rows at a time (keyset
        pages, never OFFSET), each posting with its job ad's columns (``job_ad_*``, null without one)."""
        condition = " AND lifecycle = %(lifecycle)s" if lifecycle else ""
        joined = ", ".join(f"job_ads.{self.dialect.quote(name)} AS {self.dialect.quote('job_ad_' + name)}" for name in JOB_AD_FIELDS)
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

    def save_host_strategy(self, host: str, strategy: str, reason: str | None = None) -> None:
        """What a crawl settled on for a host (``cloudflare/hosts.py``), and why it gave up if it did."""
        self.dialect.execute(
            """
            INSERT INTO cloudflare_hosts (host, strategy, reason, updated_at)
            VALUES (%(host)s, %(strategy)s, %(reason)s, %(now)s)
            ON CONFLICT (host) DO UPDATE SET strategy = excluded.strategy, reason = excluded.reason,
                updated_at = excluded.updated_at
            """,
            self._params({"host": host, "strategy": strategy, "reason": reason}),
        )

    def host_strategies(self) -> dict[str, dict[str, Any]]:
        rows = self.dialect.execute(
            "SELECT host, strategy, reason, updated_at FROM cloudflare_hosts ORDER BY host"
        )
        return {row["host"]: row for row in rows}

    # -- structured job ads -------------------------------------------------------------------

    def save_job_ads(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Job ads (``jobads.derive``) in one transaction, replacing what an earlier derivation stored."""
        if not rows:
            return
        columns = list(rows[0])
        assignments = ", ".join(f"{self.dialect.quote(c)} = excluded.{self.dialect.quote(c)}" for c in columns[1:])
        statement = (
            f"INSERT INTO job_ads ({self._columns(columns)}, derived_at)"
            f" VALUES ({', '.join(f'%({c})s' for c in columns)}, %(now)s)"
            f" ON CONFLICT (post_number) DO UPDATE SET {assignments}, derived_at = excluded.derived_at"
        )
        with self.dialect.transaction():
            self.dialect.executemany(statement, [self._params(row, columns) for row in rows])

    def job_ad(self, post_number: str) -> dict[str, Any] | None:
        return self.job_ads([post_number]).get(post_number)

    def job_ads(self, post_numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
        where, params = self._in("post_number", list(post_numbers))
        return {row["post_number"]: row for row in self.dialect.execute(f"SELECT * FROM job_ads WHERE {where}", params)}

    def job_ad_fill_rates(self) -> dict[str, float]:
        """Per field, the share of job ads that have a value (``scrapy status``)."""
        counted = ", ".join(f"COUNT({self.dialect.quote(name)}) AS {self.dialect.quote(name)}" for name in JOB_AD_FIELDS)
        row = self.dialect.execute(f"SELECT COUNT(*) AS total, {counted} FROM job_ads")[0]
        total = row.pop("total")
        return {name: (row[name] / total if total else 0.0) for name in JOB_AD_FIELDS}

    # -- reading ------------------------------------------------------------------------------

    def get(self, post_number: str) -> dict[str, Any] | None:
        rows = self.dialect.execute(
            f"SELECT * FROM {TABLE} WHERE post_number = %(post_number)s",
            {"post_number": post_number},
        )
        return rows[0] if rows else None

    def all_postings(self) -> list[dict[str, Any]]:
        return self.dialect.execute(f"SELECT * FROM {TABLE} ORDER BY post_number")

    def summary(self, recent_errors: int = 10) -> dict[str, Any]:
        """What ``scrapy status`` shows: counts, the oldest pending posting, recent errors, DLQ size."""
        oldest = self.dialect.execute(
            f"SELECT post_number, source_url, created_at AS oldest_pending_at FROM {TABLE}"
            " WHERE status = 'pending' ORDER BY created_at, post_number LIMIT 1"
        )
        errors = self.dialect.execute(
            f"SELECT post_number, status, processing_attempts, processing_error, updated_at FROM {TABLE}"
            " WHERE processing_error IS NOT NULL ORDER BY updated_at DESC, post_number LIMIT %(limit)s",
            {"limit": recent_errors},
        )
        dead = self.dialect.execute("SELECT COUNT(*) AS n FROM dead_letter")
        return {
            "counts": self.count_by_status(),
            "oldest_pending": oldest[0] if oldest else None,
            "recent_errors": errors,
            "dead_letter": dead[0]["n"],
            "cloudflare_hosts": list(self.host_strategies().values()),
        }

    def dead_letters(self) -> list[dict[str, Any]]:
        return self.dialect.execute("SELECT * FROM dead_letter ORDER BY failed_at, post_number")

    def count_by_status(self) -> dict[str, int]:
        rows = self.dialect.execute(f"SELECT status, COUNT(*) AS n FROM {TABLE} GROUP BY status")
        counts = dict.fromkeys(schema.STATUSES, 0)
        counts.update({row["status"]: row["n"] for row in rows})
        return counts

    # -- helpers ------------------------------------------------------------------------------

    def truncate_error(self, error: str) -> str:
        error = " ".join(error.split())
        if len(error) <= self.error_max_chars:
            return error
        return error[: self.error_max_chars - 1] + "…"

    @staticmethod
    def _in(column: str, values: Sequence[str]) -> tuple[str, dict[str, Any]]:
        """``column IN (...)`` with one named parameter per value, and those parameters (no value: false)."""
        if not values:
            return "1 = 0", {}
        keys = [f"{column}{i}" for i in range(len(values))]
        return f"{column} IN ({', '.join(f'%({key})s' for key in keys)})", dict(zip(keys, values, strict=True))

    @staticmethod
    def _params(values: Mapping[str, Any], columns: Iterable[str] | None = None) -> dict[str, Any]:
        names = columns if columns is not None else values.keys()
        params = {name: _without_nul(values.get(name)) for name in names}
        params["now"] = utc_now()
        return params

    def close(self) -> None:
        self.dialect.close()
