"""Fixtures: the replica of unjobs.org and real databases (PostgreSQL schema per test, SQLite file)."""

from __future__ import annotations

import uuid

import pytest

from tests.databases import temporary_postgres_schema
from tests.replica import Replica
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_storage


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
    store = open_storage(parse_database_url(database_url))
    yield store
    store.close()


@pytest.fixture
def replica():
    with Replica(postings=60, seed=7) as running:
        yield running


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_namespace():
    """A namespace of its own in Redis database 15, deleted afterwards: test runs never collide."""
    import redis

    namespace = f"test-{uuid.uuid4().hex[:12]}"
    yield namespace
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(f"{namespace}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def redis_settings(redis_namespace) -> dict[str, str]:
    """Settings (or environment variables) that put a crawl on the test's own Redis queue."""
    return {"REDIS_URL": REDIS_TEST_URL, "REDIS_NAMESPACE": redis_namespace}
