"""Every transition of the posting state machine (``unjobs_scraper.status``), in-process, on both
real backends: what each one writes, and what it leaves alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from tests.databases import posting_status
from unjobs_scraper.config import crawler_config, parse_database_url
from unjobs_scraper.meta import BLOCKED_META, POST_NUMBER_META
from unjobs_scraper.retry import BackoffRetryMiddleware, RetriesExhausted, describe_failure
from unjobs_scraper.status import ERROR_MAX_CHARS, PostingStatus
from unjobs_scraper.storage import Worker, open_storage
from unjobs_scraper.storage.schema import Lifecycle, Status
from unjobs_scraper.storage.writer import DatabaseWriter

NUMBER = "1758015049233"
URL = f"https://unjobs.org/vacancies/{NUMBER}"
UPDATED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WORKER = Worker("host:4242:status", "host", 4242)


@pytest.fixture
def status(store):
    return posting_status(store, worker=WORKER)


def listing(updated=UPDATED, number=NUMBER, **fields):
    return {"post_number": number, "source_url": URL, "listing_title": "OFFICER, Doha, Qatar",
            "listing_updated_at": updated, **fields}


def row(store, number=NUMBER):
    return store.postings.get(number)


def columns(store, *names, number=NUMBER):
    found = row(store, number)
    return tuple(found[name] for name in names)


def test_discover_makes_a_new_posting_pending_and_a_changed_one_pending_again_with_a_fresh_budget(store, status):
    status.discover(listing())
    assert columns(store, "status", "processing_attempts", "lifecycle") == (Status.PENDING, 0, Lifecycle.OPEN)
    status.take(NUMBER, URL)
    status.give_up(NUMBER, URL, "HTTP 500")
    status.discover(listing())  # unchanged on the listing: it stays where it ended
    assert columns(store, "status", "processing_error") == (Status.FAILED, "HTTP 500")
    status.discover(listing(UPDATED + timedelta(hours=1)))  # changed: owed again
    assert columns(store, "status", "processing_attempts", "processing_error") == (Status.PENDING, 0, None)


def test_take_counts_one_more_attempt_stamped_and_held_by_this_worker(store, status):
    status.discover(listing())
    status.take(NUMBER, URL)
    status.take(NUMBER, URL)
    found = row(store)
    assert (found["status"], found["processing_attempts"], found["processing_worker"]) == (Status.PROCESSING, 2, WORKER.worker_id)
    assert datetime.now(UTC) - found["last_processing_attempt"] < timedelta(minutes=1)
    assert status.in_flight == {NUMBER}


def test_succeed_stores_the_posting_processed_and_clears_the_last_error(store, status):
    status.discover(listing())
    status.take(NUMBER, URL)
    status.retry_later(NUMBER, "HTTP 503", datetime.now(UTC))
    status.take(NUMBER, URL)
    status.succeed({"post_number": NUMBER, "source_url": URL, "post_name": "Officer"})
    assert columns(store, "status", "processing_error", "next_attempt_at", "post_name", "processing_attempts") == (
        Status.PROCESSED, None, None, "Officer", 2,
    )
    assert status.in_flight == set()


def test_retry_later_is_pending_again_not_before_its_due_time_with_the_error_kept(store, status):
    status.discover(listing())
    status.take(NUMBER, URL)
    due = datetime.now(UTC) + timedelta(minutes=5)
    status.retry_later(NUMBER, "HTTP 503 Service Unavailable\n(attempt 1, retrying)", due)
    assert columns(store, "status", "processing_error", "next_attempt_at", "processing_attempts") == (
        Status.PENDING, "HTTP 503 Service Unavailable (attempt 1, retrying)", due, 1,
    )
    assert store.postings.recoverable(600, store.workers.live()) == []  # not due yet


def test_give_up_is_failed_in_the_dead_letter_queue_with_a_bounded_error(store, status):
    status.discover(listing())
    status.take(NUMBER, URL)
    status.give_up(NUMBER, URL, "HTTP 500 " + "x" * 10_000)
    (letter,) = store.dead_letters.all()
    assert (letter["post_number"], letter["attempts"]) == (NUMBER, 1)
    assert len(letter["last_error"]) == ERROR_MAX_CHARS and letter["last_error"].endswith("…")
    assert columns(store, "status") == (Status.FAILED,)


def test_skip_is_skipped_and_withdrawn_and_a_listing_does_not_reopen_it(store, status):
    status.discover(listing())
    status.take(NUMBER, URL)
    status.skip(NUMBER, URL, f"HTTP 404 from {URL} (gone)")
    assert columns(store, "status", "lifecycle") == (Status.SKIPPED, Lifecycle.WITHDRAWN)
    status.listed([NUMBER])
    assert columns(store, "lifecycle") == (Lifecycle.WITHDRAWN,)
    assert store.dead_letters.all() == []


def test_end_takes_the_status_a_failure_names_and_refuses_any_other(store, status):
    status.end(NUMBER, URL, "skipped", "HTTP 410")
    assert columns(store, "status") == (Status.SKIPPED,)
    with pytest.raises(ValueError, match="a posting ends failed or skipped, not 'processed'"):
        status.end(NUMBER, URL, "processed", "?")


def test_give_back_returns_the_attempt_uncounted_and_touches_only_processing_postings(store, status):
    status.discover(listing())
    status.take(NUMBER, URL)
    status.discover(listing(number="2"))
    status.take("2", URL + "2")
    status.succeed({"post_number": "2", "source_url": URL + "2"})
    status.give_back([NUMBER, "2"])
    assert columns(store, "status", "processing_attempts") == (Status.PENDING, 0)
    assert columns(store, "status", number="2") == (Status.PROCESSED,)
    assert status.in_flight == set()


def test_give_back_now_is_stored_when_it_returns_as_another_worker_would_read_it(database_url, store):
    """A ban's request is sent again at once, maybe to another worker (seen: a posting taken by
    the next worker, then given back by the first, recovered by a third and fetched twice)."""
    writer = DatabaseWriter(open_storage(parse_database_url(database_url)))
    status = PostingStatus(writer, worker=WORKER)
    try:
        status.discover(listing())
        status.take(NUMBER, URL)
        asyncio.run(status.give_back_now([NUMBER]))
        assert columns(store, "status", "processing_attempts") == (Status.PENDING, 0)  # another connection
    finally:
        writer.close()


def test_give_back_unfinished_at_a_stop_gives_back_only_what_this_process_holds(store, status):
    for number in ("1", "2"):
        status.discover(listing(number=number))
        status.take(number, URL + number)
    status.succeed({"post_number": "1", "source_url": URL + "1"})
    assert status.give_back_unfinished() == 1
    assert columns(store, "status", "processing_attempts", number="2") == (Status.PENDING, 0)
    assert status.give_back_unfinished() == 0


def test_withdraw_takes_open_postings_no_listing_showed_and_a_listing_reopens_them(store, status):
    status.discover(listing())
    status.discover(listing(number="2"))
    since = datetime.now(UTC)
    status.listed(["2"])
    assert status.withdraw(since) == 1
    assert (columns(store, "lifecycle"), columns(store, "lifecycle", number="2")) == ((Lifecycle.WITHDRAWN,), (Lifecycle.OPEN,))
    status.listed([NUMBER])
    assert columns(store, "lifecycle") == (Lifecycle.OPEN,)


def test_close_expired_closes_open_postings_past_their_closing_date(store, status):
    status.discover(listing(closing_date=date.today() - timedelta(days=1)))
    status.discover(listing(number="2", closing_date=date.today()))
    assert status.close_expired(date.today()) == 1
    assert (columns(store, "lifecycle"), columns(store, "lifecycle", number="2")) == ((Lifecycle.CLOSED,), (Lifecycle.OPEN,))


def test_requeue_moves_dead_letters_back_with_a_fresh_budget(store, status):
    status.discover(listing())
    status.take(NUMBER, URL)
    status.give_up(NUMBER, URL, "HTTP 500")
    assert status.requeue([Status.FAILED], dry_run=True) == [NUMBER]
    assert columns(store, "status") == (Status.FAILED,)
    assert status.requeue(post_numbers=[NUMBER]) == [NUMBER]
    assert columns(store, "status", "processing_attempts") == (Status.PENDING, 0)
    assert status.requeue() == []


def test_a_host_cloudflare_keeps_out_gives_its_posting_up_with_the_reason(store, status):
    crawler = get_crawler(Spider)
    crawler.spider = Spider.from_crawler(crawler, name="unjobs")
    retry = BackoffRetryMiddleware(crawler, crawler_config(crawler), status)
    reason = "Cloudflare kept challenging unjobs.org: 3 solves in a row did not get through"
    request = Request(URL, meta={POST_NUMBER_META: NUMBER, "retry_times": 1, BLOCKED_META: reason})
    status.discover(listing())
    status.take(NUMBER, URL)
    blocked = HtmlResponse(URL, status=403, headers={"cf-mitigated": "challenge"}, body=b"<title>Just a moment...</title>")
    with pytest.raises(RetriesExhausted) as raised:
        retry.process_response(request, blocked)
    failure = Failure(raised.value)
    ended, error = describe_failure(failure)
    status.end(NUMBER, URL, ended, error)
    assert columns(store, "status", "processing_error") == (
        Status.FAILED, f"{reason} at {URL} (gave up after 2 attempts)",
    )
    assert [letter["post_number"] for letter in store.dead_letters.all()] == [NUMBER]
