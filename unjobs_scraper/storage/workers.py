"""The ``crawl_workers`` table: which crawler processes are alive, so that the postings a dead
one held are taken back at once (``unjobs_scraper.leases``)."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta
from typing import NamedTuple

from unjobs_scraper.storage.repository import Repository, utc_now

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


class WorkersRepository(Repository):
    def register(self, worker: Worker) -> None:
        """The worker is alive (again, every ``leases.RENEW_SECONDS``)."""
        self.dialect.execute(
            """
            INSERT INTO crawl_workers (worker_id, host, pid, started_at, heartbeat_at)
            VALUES (%(worker_id)s, %(host)s, %(pid)s, %(now)s, %(now)s)
            ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
            """,
            self.params(worker._asdict()),
        )

    def unregister(self, worker: Worker) -> None:
        self.dialect.execute("DELETE FROM crawl_workers WHERE worker_id = %(id)s", {"id": worker.worker_id})

    def live(self) -> set[str]:
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
            where, params = self.where_in("worker_id", dead)
            self.dialect.execute(f"DELETE FROM crawl_workers WHERE {where}", params)
        return {row["worker_id"] for row in rows} - set(dead)
