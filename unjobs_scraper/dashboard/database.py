"""The dashboard's database access: a few worker threads, each with its own ``Storage``.

The HTTP server answers each request on a new thread, but a database connection belongs to the
thread that opened it (SQLite insists on it). So requests hand their queries to these workers,
whose connections stay open for the life of the dashboard and are closed by the same threads.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from unjobs_scraper.config import DatabaseTarget
from unjobs_scraper.storage import Storage, open_storage

T = TypeVar("T")
QUERY_TIMEOUT_SECONDS = 30


class Database:
    def __init__(self, target: DatabaseTarget, workers: int = 4, timeout: float = QUERY_TIMEOUT_SECONDS,
                 migrate: bool = True) -> None:
        self.target = target
        self.migrate = migrate
        self.timeout = timeout
        self._tasks: queue.Queue = queue.Queue()
        self._threads = [
            threading.Thread(target=self._work, name=f"dashboard-db-{i}", daemon=True) for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def run(self, query: Callable[..., T], *args) -> T:
        """``query(store, *args)`` on a worker; its exception, if any, is raised here."""
        future: Future = Future()
        self._tasks.put((future, query, args))
        return future.result(timeout=self.timeout)

    def _work(self) -> None:
        store: Storage | None = None
        try:
            while (task := self._tasks.get()) is not None:
                future, query, args = task
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    store = store or open_storage(self.target, migrate=self.migrate, quick_queries=True)
                    future.set_result(query(store, *args))
                except BaseException as error:  # handed to the waiting request
                    future.set_exception(error)
        finally:
            if store is not None:
                store.close()

    def close(self) -> None:
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join(timeout=self.timeout)
