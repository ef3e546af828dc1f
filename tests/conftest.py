"""Fixtures: the replica of unjobs.org and real databases (PostgreSQL schema per test, SQLite file)."""

from __future__ import annotations

import pytest

from tests.databases import temporary_postgres_schema
from tests.replica import Replica
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_store

@pytest.fixture
def postgresql_url():
    with temporary_postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'unjobs.sqlite3'}"


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request):
    """Each test that takes it runs once per backend: both must behave the same."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def store(database_url):
    store = open_store(parse_database_url(database_url))
    yield store
    store.close()


@pytest.fixture
def replica():
    with Replica(postings=60, seed=7) as running:
        yield running
