"""The store on both real backends: schema, status flow, upserts and hostile input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_store
from unjobs_scraper.storage.schema import LATEST_VERSION

UPDATED = datetime(2025, 9, 16, 10, 45, 52, tzinfo=UTC)


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
    assert datetime.now(UTC) - row["last_processing_attempt"] < timedelta(minutes=1)


def test_parsed_posting_is_processed_with_error_cleared(store):
    store.upsert_listing(listing())
    store.record_failure(
        "1758015049233", "https://unjobs.org/vacancies/1758015049233", "failed", "boom"
    )
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
        "1758015049233": ("pending", UPDATED + timedelta(hours=1), None)
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
        'O\'Brien "quoted" `ticks`',
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


def test_scheduled_retry_is_pending_with_its_due_time_and_error(store):
    store.upsert_listing(listing())
    store.mark_processing("1758015049233", "https://x")
    due = datetime.now(UTC) + timedelta(minutes=5)
    store.schedule_retry("1758015049233", "HTTP 503 (attempt 1, retrying)", due)
    row = store.get("1758015049233")
    assert (row["status"], row["processing_error"], row["next_attempt_at"]) == (
        "pending",
        "HTTP 503 (attempt 1, retrying)",
        due,
    )
    assert store.recoverable(600) == []


def test_recoverable_finds_due_pending_and_stale_processing(store):
    store.register_worker()  # alive: its postings wait for the lease
    store.upsert_listing(listing("1"))
    store.upsert_listing(listing("2"))
    store.mark_processing("2", "https://unjobs.org/vacancies/2")
    store.upsert_listing(listing("3"))
    store.schedule_retry("3", "boom", datetime.now(UTC) - timedelta(seconds=1))
    assert [(row.post_number, row.status) for row in store.recoverable(600)] == [
        ("1", "pending"),
        ("3", "pending"),
    ]
    assert [
        (row.post_number, row.status, row.processing_attempts) for row in store.recoverable(0)
    ] == [
        ("1", "pending", 0),
        ("2", "processing", 1),
        ("3", "pending", 0),
    ]


def test_failed_postings_are_the_dead_letter_queue_until_requeued(store):
    store.upsert_listing(listing("1"))
    store.mark_processing("1", "https://unjobs.org/vacancies/1")
    store.record_failure(
        "1", "https://unjobs.org/vacancies/1", "failed", "HTTP 500 (gave up after 1 attempts)"
    )
    store.record_failure("2", "https://unjobs.org/vacancies/2", "skipped", "HTTP 404 (gone)")
    (letter,) = store.dead_letters()
    assert (letter["post_number"], letter["attempts"], letter["last_error"]) == (
        "1",
        1,
        "HTTP 500 (gave up after 1 attempts)",
    )
    assert store.requeue(["failed"], dry_run=True) == ["1"]
    assert store.get("1")["status"] == "failed"
    assert store.requeue(["failed"]) == ["1"]
    assert (store.get("1")["status"], store.get("1")["processing_attempts"]) == ("pending", 0)
    assert store.dead_letters() == []
    assert store.requeue() == []


def test_crawl_state_is_kept_by_name(store):
    assert store.get_state("index_walk:https://unjobs.org/") is None
    store.set_state("index_walk:https://unjobs.org/", "running")
    store.set_state("index_walk:https://unjobs.org/", "complete")
    state = store.get_state("index_walk:https://unjobs.org/")
    assert state.value == "complete"
    assert datetime.now(UTC) - state.updated_at < timedelta(minutes=1)


def test_host_strategies_are_upserted_with_their_reason(store):
    store.save_host_strategy("unjobs.org", "impersonated")
    store.save_host_strategy("unjobs.org", "blocked", "Cloudflare kept challenging unjobs.org")
    store.save_host_strategy("b.example", "plain")
    strategies = store.host_strategies()
    assert [(h, r["strategy"], r["reason"]) for h, r in strategies.items()] == [
        ("b.example", "plain", None),
        ("unjobs.org", "blocked", "Cloudflare kept challenging unjobs.org"),
    ]
    assert store.summary()["cloudflare_hosts"] == list(strategies.values())


def test_postings_started_and_not_finished_are_released_without_counting_the_attempt(store):
    for number in ("1", "2", "3"):
        store.upsert_listing({"post_number": number, "source_url": f"https://unjobs.org/vacancies/{number}"})
        store.mark_processing(number, f"https://unjobs.org/vacancies/{number}")
    store.save_posting({"post_number": "1", "source_url": "https://unjobs.org/vacancies/1", "post_name": "A"})
    store.schedule_retry("2", "HTTP 503", datetime.now(UTC))
    assert store.release_in_flight() == 1
    assert (store.get("3")["status"], store.get("3")["processing_attempts"]) == ("pending", 0)
    assert (store.get("1")["status"], store.get("2")["status"]) == ("processed", "pending")
    assert store.release_in_flight() == 0
