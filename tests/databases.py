"""Throwaway databases on the real servers, for tests and benchmarks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg

from unjobs_scraper.config import parse_database_url
from unjobs_scraper.status import PostingStatus
from unjobs_scraper.storage import open_storage
from unjobs_scraper.storage.writer import InlineWriter

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def temporary_postgres_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def stored_rows(database_url: str, dead_letters: bool = False) -> dict[str, dict]:
    """Every stored posting (or the dead-letter queue), by post number, read through the store."""
    store = open_storage(parse_database_url(database_url))
    try:
        rows = store.dead_letters.all() if dead_letters else store.postings.all()
        return {row["post_number"]: row for row in rows}
    finally:
        store.close()


def posting_status(storage, worker=None) -> PostingStatus:
    """The state machine over ``storage``, its writes run at once (``InlineWriter``)."""
    return PostingStatus(InlineWriter(storage), worker=worker)


def memory_storage():
    """An in-memory SQLite ``Storage``, migrated: for component tests, no server needed."""
    return open_storage(parse_database_url("sqlite:///:memory:"))
