"""Fixtures: the replica of unjobs.org and real databases (PostgreSQL schema per test, SQLite file)."""

from __future__ import annotations

import fcntl
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.databases import temporary_postgres_schema
from tests.replica import Replica
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_storage


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Under pytest-xdist (``make test``), a test marked ``alone`` runs with no other test beside
    it, fixtures included (a module's shared crawl must not meet a stopped PostgreSQL); the
    others share the machine. A readers-writer lock over files every worker of the run sees:
    the turnstile lets a waiting ``alone`` test in before tests that come after it."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return (yield)
    shared = Path(tempfile.gettempdir()) / f"unjobs-tests-{run}"
    shared.mkdir(exist_ok=True)
    alone = item.get_closest_marker("alone") is not None
    with open(shared / "turnstile.lock", "w") as turnstile, open(shared / "room.lock", "w") as room:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        fcntl.flock(room, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        fcntl.flock(turnstile, fcntl.LOCK_UN)
        return (yield)


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
