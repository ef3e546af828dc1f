"""The store on both real backends: schema, status flow, upserts and hostile input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.databases import posting_status
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.status import ERROR_MAX_CHARS
from unjobs_scraper.storage import Worker, open_storage
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
    again = open_storage(parse_database_url(database_url))
    try:
        assert again.schema_version() == LATEST_VERSION
        rows = again.dialect.execute("SELECT version FROM schema_migrations")
        assert [row["version"] for row in rows] == list(range(1, LATEST_VERSION + 1))
    finally:
        again.close()


def test_discovered_listing_is_pending(store):
    posting_status(store).discover(listing())
    row = store.postings.get("1758015049233")
    assert (row["status"], row["processing_attempts"], row["listing_updated_at"]) == (
        "pending",
        0,
        UPDATED,
    )


def test_download_start_marks_processing_with_one_more_attempt(store):
    posting_status(store).discover(listing())
    posting_status(store).take("1758015049233", "https://unjobs.org/vacancies/1758015049233")
    posting_status(store).take("1758015049233", "https://unjobs.org/vacancies/1758015049233")
    row = store.postings.get("1758015049233")
    assert row["status"] == "processing"
    assert row["processing_attempts"] == 2
    assert datetime.now(UTC) - row["last_processing_attempt"] < timedelta(minutes=1)


def test_parsed_posting_is_processed_with_error_cleared(store):
    posting_status(store).discover(listing())
    posting_status(store).end(
        "1758015049233", "https://unjobs.org/vacancies/1758015049233", "failed", "boom"
    )
    posting_status(store).succeed(posting())
    row = store.postings.get("1758015049233")
    assert row["status"] == "processed"
    assert row["processing_error"] is None
    assert row["post_name"] == "Programme Officer"
    assert row["crawled_at"] is not None


def test_listing_fills_what_the_posting_lacks(store):
    posting_status(store).discover(listing())
    posting_status(store).succeed(posting(organization_name=None, closing_date=None))
    row = store.postings.get("1758015049233")
    assert (row["organization_name"], row["closing_date"]) == ("UNOCT", date(2025, 10, 15))


def test_unchanged_listing_leaves_a_processed_posting_alone(store):
    posting_status(store).discover(listing())
    posting_status(store).take("1758015049233", "https://unjobs.org/vacancies/1758015049233")
    posting_status(store).succeed(posting())
    posting_status(store).discover(listing())
    row = store.postings.get("1758015049233")
    assert (row["status"], row["processing_attempts"]) == ("processed", 1)


def test_updated_listing_makes_the_posting_pending_again(store):
    posting_status(store).discover(listing())
    posting_status(store).succeed(posting())
    posting_status(store).discover(listing(updated=UPDATED + timedelta(hours=1)))
    row = store.postings.get("1758015049233")
    assert (row["status"], row["processing_attempts"]) == ("pending", 0)
    assert store.postings.listing_states(["1758015049233", "404"]) == {
        "1758015049233": ("pending", UPDATED + timedelta(hours=1), None)
    }


def test_failure_keeps_a_readable_truncated_error(store):
    posting_status(store).discover(listing())
    posting_status(store).end("1758015049233", "https://x", "failed", "HTTP 500\n" + "x" * 10_000)
    row = store.postings.get("1758015049233")
    assert row["status"] == "failed"
    assert row["processing_error"].startswith("HTTP 500 xxx")
    assert len(row["processing_error"]) == ERROR_MAX_CHARS


def test_failure_status_is_checked(store):
    with pytest.raises(ValueError, match="failed or skipped"):
        posting_status(store).end("1", "https://x", "processed", "nope")


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
    posting_status(store).succeed(posting(post_name=hostile, theme=hostile))
    row = store.postings.get("1758015049233")
    assert (row["post_name"], row["theme"]) == (hostile, hostile)
    assert store.postings.count_by_status()["processed"] == 1


def test_nul_bytes_are_stripped_on_every_backend(store):
    posting_status(store).succeed(posting(post_name="Officer\x00 (P3)", post_content="a\x00b"))
    row = store.postings.get("1758015049233")
    assert (row["post_name"], row["post_content"]) == ("Officer (P3)", "ab")


def test_megabyte_description_is_stored(store):
    big = "word " * 200_000
    posting_status(store).succeed(posting(post_content=big))
    assert store.postings.get("1758015049233")["post_content"] == big


def test_counts_cover_every_status(store):
    posting_status(store).discover(listing("1"))
    posting_status(store).discover(listing("2"))
    posting_status(store).succeed(posting("2"))
    posting_status(store).end("3", "https://x/3", "skipped", "HTTP 404")
    assert store.postings.count_by_status() == {
        "pending": 1,
        "processing": 0,
        "processed": 1,
        "failed": 0,
        "skipped": 1,
    }


def test_scheduled_retry_is_pending_with_its_due_time_and_error(store):
    posting_status(store).discover(listing())
    posting_status(store).take("1758015049233", "https://x")
    due = datetime.now(UTC) + timedelta(minutes=5)
    posting_status(store).retry_later("1758015049233", "HTTP 503 (attempt 1, retrying)", due)
    row = store.postings.get("1758015049233")
    assert (row["status"], row["processing_error"], row["next_attempt_at"]) == (
        "pending",
        "HTTP 503 (attempt 1, retrying)",
        due,
    )
    assert store.postings.recoverable(600, store.workers.live()) == []


def test_recoverable_finds_due_pending_and_stale_processing(store):
    store.workers.register(Worker.of_this_process())  # alive: its postings wait for the lease
    posting_status(store).discover(listing("1"))
    posting_status(store).discover(listing("2"))
    posting_status(store).take("2", "https://unjobs.org/vacancies/2")
    posting_status(store).discover(listing("3"))
    posting_status(store).retry_later("3", "boom", datetime.now(UTC) - timedelta(seconds=1))
    assert [(row.post_number, row.status) for row in store.postings.recoverable(600, store.workers.live())] == [
        ("1", "pending"),
        ("3", "pending"),
    ]
    assert [
        (row.post_number, row.status, row.processing_attempts) for row in store.postings.recoverable(0, store.workers.live())
    ] == [
        ("1", "pending", 0),
        ("2", "processing", 1),
        ("3", "pending", 0),
    ]


def test_failed_postings_are_the_dead_letter_queue_until_requeued(store):
    posting_status(store).discover(listing("1"))
    posting_status(store).take("1", "https://unjobs.org/vacancies/1")
    posting_status(store).end(
        "1", "https://unjobs.org/vacancies/1", "failed", "HTTP 500 (gave up after 1 attempts)"
    )
    posting_status(store).end("2", "https://unjobs.org/vacancies/2", "skipped", "HTTP 404 (gone)")
    (letter,) = store.dead_letters.all()
    assert (letter["post_number"], letter["attempts"], letter["last_error"]) == (
        "1",
        1,
        "HTTP 500 (gave up after 1 attempts)",
    )
    assert posting_status(store).requeue(["failed"], dry_run=True) == ["1"]
    assert store.postings.get("1")["status"] == "failed"
    assert posting_status(store).requeue(["failed"]) == ["1"]
    assert (store.postings.get("1")["status"], store.postings.get("1")["processing_attempts"]) == ("pending", 0)
    assert store.dead_letters.all() == []
    assert posting_status(store).requeue() == []


def test_crawl_state_is_kept_by_name(store):
    assert store.state.get("index_walk:https://unjobs.org/") is None
    store.state.set("index_walk:https://unjobs.org/", "running")
    store.state.set("index_walk:https://unjobs.org/", "complete")
    state = store.state.get("index_walk:https://unjobs.org/")
    assert state.value == "complete"
    assert datetime.now(UTC) - state.updated_at < timedelta(minutes=1)


def test_host_strategies_are_upserted_with_their_reason(store):
    store.state.save_host_strategy("unjobs.org", "impersonated")
    store.state.save_host_strategy("unjobs.org", "blocked", "Cloudflare kept challenging unjobs.org")
    store.state.save_host_strategy("b.example", "plain")
    strategies = store.state.host_strategies()
    assert [(h, r["strategy"], r["reason"]) for h, r in strategies.items()] == [
        ("b.example", "plain", None),
        ("unjobs.org", "blocked", "Cloudflare kept challenging unjobs.org"),
    ]
    assert store.summary()["cloudflare_hosts"] == list(strategies.values())


def test_postings_started_and_not_finished_are_released_without_counting_the_attempt(store):
    status = posting_status(store)
    for number in ("1", "2", "3"):
        status.discover({"post_number": number, "source_url": f"https://unjobs.org/vacancies/{number}"})
        status.take(number, f"https://unjobs.org/vacancies/{number}")
    status.succeed({"post_number": "1", "source_url": "https://unjobs.org/vacancies/1", "post_name": "A"})
    status.retry_later("2", "HTTP 503", datetime.now(UTC))
    assert status.give_back_unfinished() == 1
    assert (store.postings.get("3")["status"], store.postings.get("3")["processing_attempts"]) == ("pending", 0)
    assert (store.postings.get("1")["status"], store.postings.get("2")["status"]) == ("processed", "pending")
    assert status.give_back_unfinished() == 0
