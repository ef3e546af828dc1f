"""The store on both real backends: schema, status flow, upserts and hostile input."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_store
from unjobs_scraper.storage.schema import LATEST_VERSION

UPDATED = datetime(2025, 9, 16, 10, 45, 52, tzinfo=timezone.utc)


def listing(post_number="1758015049233", updated=UPDATED, **fields):
    return {
        "post_number": post_number,
        "source_url": f"https://unjobs.org/vacancies/{post_number}",
        "listing_title": "PROGRAMME OFFICER, Doha, Qatar",
        "organization_name": "UNOCT",
        "closing_date": date(2025, 10, 15),
        "listing_updated_at": updated,
        **fields,
    }


def posting(post_number="1758015049233", **fields):
    return {
        "post_number": post_number,
        "source_url": f"https://unjobs.org/vacancies/{post_number}",
        "post_name": "Programme Officer",
        "location_country": "Qatar",
        "location_city": "Doha",
        "post_content": "## Duties",
        "post_content_html": "<h2>Duties</h2>",
        **fields,
    }


def test_migrate_is_idempotent_and_recorded(store, database_url):
    assert store.migrate() == LATEST_VERSION
    again = open_store(parse_database_url(database_url))
    try:
        assert again.schema_version() == LATEST_VERSION
        rows = again.dialect.execute("SELECT version FROM schema_migrations")
        assert [row["version"] for row in rows] == list(range(1, LATEST_VERSION + 1))
    finally:
        again.close()


def test_discovered_listing_is_pending(store):
    store.upsert_listing(listing())
    row = store.get("1758015049233")
    assert (row["status"], row["processing_attempts"], row["listing_updated_at"]) == (
        "pending",
        0,
        UPDATED,
    )


def test_download_start_marks_processing_with_one_more_attempt(store):
    store.upsert_listing(listing())
    store.mark_processing("1758015049233", "https://unjobs.org/vacancies/1758015049233")
    store.mark_processing("1758015049233", "https://unjobs.org/vacancies/1758015049233")
    row = store.get("1758015049233")
    assert row["status"] == "processing"
    assert row["processing_attempts"] == 2
    assert datetime.now(timezone.utc) - row["last_processing_attempt"] < timedelta(minutes=1)


def test_parsed_posting_is_processed_with_error_cleared(store):
    store.upsert_listing(listing())
    store.record_failure("1758015049233", "https://unjobs.org/vacancies/1758015049233", "failed", "boom")
    store.save_posting(posting())
    row = store.get("1758015049233")
    assert row["status"] == "processed"
    assert row["processing_error"] is None
    assert row["post_name"] == "Programme Officer"
    assert row["crawled_at"] is not None


def test_listing_fills_what_the_posting_lacks(store):
    store.upsert_listing(listing())
    store.save_posting(posting(organization_name=None, closing_date=None))
    row = store.get("1758015049233")
    assert (row["organization_name"], row["closing_date"]) == ("UNOCT", date(2025, 10, 15))


def test_unchanged_listing_leaves_a_processed_posting_alone(store):
    store.upsert_listing(listing())
    store.mark_processing("1758015049233", "https://unjobs.org/vacancies/1758015049233")
    store.save_posting(posting())
    store.upsert_listing(listing())
    row = store.get("1758015049233")
    assert (row["status"], row["processing_attempts"]) == ("processed", 1)


def test_updated_listing_makes_the_posting_pending_again(store):
    store.upsert_listing(listing())
    store.save_posting(posting())
    store.upsert_listing(listing(updated=UPDATED + timedelta(hours=1)))
    row = store.get("1758015049233")
    assert (row["status"], row["processing_attempts"]) == ("pending", 0)
    assert store.listing_states(["1758015049233", "404"]) == {
        "1758015049233": ("pending", UPDATED + timedelta(hours=1))
    }


def test_failure_keeps_a_readable_truncated_error(store):
    store.upsert_listing(listing())
    store.record_failure("1758015049233", "https://x", "failed", "HTTP 500\n" + "x" * 10_000)
    row = store.get("1758015049233")
    assert row["status"] == "failed"
    assert row["processing_error"].startswith("HTTP 500 xxx")
    assert len(row["processing_error"]) == store.error_max_chars


def test_failure_status_is_checked(store):
    with pytest.raises(ValueError, match="failed or skipped"):
        store.record_failure("1", "https://x", "processed", "nope")


@pytest.mark.parametrize(
    "hostile",
    [
        "O'Brien \"quoted\" `ticks`",
        "'); DROP TABLE raw_job_data; --",
        "%(now)s %s {} \\ :name ?",
        "ümlaut العربية 中文 🚀",
    ],
)
def test_hostile_strings_are_stored_verbatim(store, hostile):
    store.save_posting(posting(post_name=hostile, theme=hostile))
    row = store.get("1758015049233")
    assert (row["post_name"], row["theme"]) == (hostile, hostile)
    assert store.count_by_status()["processed"] == 1


def test_nul_bytes_are_stripped_on_every_backend(store):
    store.save_posting(posting(post_name="Officer\x00 (P3)", post_content="a\x00b"))
    row = store.get("1758015049233")
    assert (row["post_name"], row["post_content"]) == ("Officer (P3)", "ab")


def test_megabyte_description_is_stored(store):
    big = "word " * 200_000
    store.save_posting(posting(post_content=big))
    assert store.get("1758015049233")["post_content"] == big


def test_counts_cover_every_status(store):
    store.upsert_listing(listing("1"))
    store.upsert_listing(listing("2"))
    store.save_posting(posting("2"))
    store.record_failure("3", "https://x/3", "skipped", "HTTP 404")
    assert store.count_by_status() == {
        "pending": 1,
        "processing": 0,
        "processed": 1,
        "failed": 0,
        "skipped": 1,
    }
