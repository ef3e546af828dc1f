"""Fixtures: the replica of unjobs.org and real databases (PostgreSQL schema per test, SQLite file)."""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import psycopg
import pytest

from tests.replica import Replica
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_store

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgresql_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


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
