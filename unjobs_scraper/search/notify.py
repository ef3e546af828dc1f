"""Webhooks of saved searches: a signed POST for each posting that newly matches, at least once.

``queue_new_matches`` finds, for each search with a webhook, the postings stored since it last
looked that match now and did not before (new ones, or ones changed so that they match), and
queues a delivery for each under an idempotency key (search, post number, update time): queued
once, however often it is looked for. ``deliver_due`` sends what is due, each receiver on a
thread of its own, each try bounded by ``WEBHOOK_TIMEOUT`` and logged in ``webhook_attempts``; a
failed try is due again after a backoff that doubles, up to ``WEBHOOK_MAX_ATTEMPTS``. A receiver
that fails is left alone for that backoff: its other deliveries wait too (no try counted), so a
dead receiver costs a run one timeout, never one per delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import queue
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from unjobs_scraper.publish import dumps, published
from unjobs_scraper.search.query import PostingFilters, SearchError, parse
from unjobs_scraper.storage import Storage, open_storage
from unjobs_scraper.storage.repository import utc_now

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Unjobs-Signature"
DELIVERY_HEADER = "X-Unjobs-Delivery"
LOOK_BACK = timedelta(seconds=60)
"""How far before its last look a search looks again: a posting stored by a transaction that was
still open then is not missed (what was seen twice is matched once)."""
LONGEST_BACKOFF = timedelta(hours=6)
RECEIVERS_AT_ONCE = 8
CLAIM_BATCH = 100
"""Deliveries claimed at a time; the claim lasts as long as sending them all could."""
CLAIM_MARGIN = timedelta(seconds=30)
USER_AGENT = "unjobs-scraper webhooks"


@dataclass
class NotifyResult:
    queued: int = 0
    delivered: int = 0
    retrying: int = 0
    given_up: int = 0
    deferred: int = 0
    """Not tried: their receiver had just failed, and is left alone for its backoff."""
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.queued} new matches queued, {self.delivered} delivered, {self.retrying} to retry,"
            f" {self.given_up} given up, {self.deferred} left for the next run"
        )


def signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of the body under the search's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def idempotency_key(search: str, post_number: str, updated: datetime) -> str:
    """``search:post number:update time`` (UTC, so every notifier writes the same key)."""
    return f"{search}:{post_number}:{updated.astimezone(UTC).isoformat()}"


def queue_new_matches(storage: Storage) -> int:
    """Deliveries for what newly matches each search with a webhook; returns how many were queued.
    A search that cannot be looked at (its query no longer valid, say) is logged and skipped: the
    others still deliver."""
    queued = 0
    for search in storage.saved_searches.all():
        if not search["webhook_url"]:
            continue
        try:
            queued += _queue_for(storage, search)
        except (SearchError, ValueError) as error:
            logger.error("Saved search %s was not looked at: %s", search["name"], error)
    return queued


def _queue_for(storage: Storage, search: dict[str, Any]) -> int:
    filters = parse(PostingFilters, search["query"])
    now = utc_now()
    since = search["checked_until"] - LOOK_BACK
    with storage.dialect.transaction():
        matching = storage.search.matching(filters, since)
        numbers = [row["post_number"] for row in matching]
        known = storage.saved_searches.known_matches(search["name"], numbers)
        unmatched = storage.saved_searches.matches_changed_since(search["name"], since) - set(numbers)
        storage.saved_searches.forget_matches(search["name"], sorted(unmatched))
        new = [row for row in matching if row["post_number"] not in known]
        storage.saved_searches.record_matches(search["name"], [row["post_number"] for row in new])
        storage.saved_searches.queue([_delivery(search, row) for row in new])
        storage.saved_searches.checked(search["name"], now)
    return len(new)


def _delivery(search: dict[str, Any], posting: dict[str, Any]) -> dict[str, Any]:
    key = idempotency_key(search["name"], posting["post_number"], posting["updated"])
    payload = {"event": "posting.matched", "search": search["name"], "query": search["query"],
               "idempotency_key": key, "posting": published(posting)}
    return {"idempotency_key": key, "search_name": search["name"], "post_number": posting["post_number"],
            "payload": dumps(payload)}


def match_existing(storage: Storage, name: str, filters: PostingFilters) -> int:
    """What a new search matches already is no news: recorded, never delivered."""
    numbers = storage.search.matching_numbers(filters)
    storage.saved_searches.record_matches(name, numbers)
    return len(numbers)


def notify(config, wait: float = 0.0) -> NotifyResult:
    """``scrapy notify`` (and the end of a crawl): the configured database's webhooks, once."""
    storage = open_storage(config.database, config.database_outage_timeout)
    try:
        return Notifier.from_config(storage, config).run(wait=wait)
    finally:
        storage.close()


class Notifier:
    """Delivers due webhooks; ``send`` is the HTTP POST (a test may hand in its own)."""

    def __init__(self, storage: Storage, timeout: float, max_attempts: int, backoff_base: float,
                 send: Callable[[str, bytes, dict[str, str], float], int] | None = None) -> None:
        self.storage = storage
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.send = send or post

    @classmethod
    def from_config(cls, storage: Storage, config) -> Notifier:
        return cls(storage, config.webhook_timeout, config.webhook_max_attempts, config.webhook_backoff_base)

    def run(self, wait: float = 0.0) -> NotifyResult:
        """Queue what newly matches, deliver what is due, and for ``wait`` seconds what falls due
        (what another notifier holds is its own to deliver)."""
        result = NotifyResult(queued=queue_new_matches(self.storage))
        deadline = time.monotonic() + wait
        while self.deliver_due(result):
            due = self.storage.saved_searches.next_due()
            if due is None:
                break
            pause = max((due - utc_now()).total_seconds(), 0.0)
            if time.monotonic() + pause > deadline:
                break
            time.sleep(pause)
        return result

    def deliver_due(self, result: NotifyResult) -> bool:
        """Deliver what is due now, each outcome stored as it comes; False when nothing was."""
        until = utc_now() + timedelta(seconds=self.timeout * CLAIM_BATCH) + CLAIM_MARGIN
        claimed = self.storage.saved_searches.claim_due(until, limit=CLAIM_BATCH)
        by_receiver: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for delivery in claimed:
            by_receiver[delivery["webhook_url"]].append(delivery)
        if not by_receiver:
            return False
        outcomes: queue.Queue = queue.Queue()
        with ThreadPoolExecutor(min(RECEIVERS_AT_ONCE, len(by_receiver))) as pool:
            for deliveries in by_receiver.values():
                pool.submit(self._to_receiver, deliveries, outcomes)
            for _ in range(len(by_receiver)):  # the database is written on this thread only
                while (outcome := outcomes.get()) is not None:
                    self._record(*outcome, result)
        return True

    def _to_receiver(self, deliveries: list[dict[str, Any]], outcomes: queue.Queue) -> None:
        """POST each in order until one fails; the others then wait for that one's backoff.
        Each outcome goes to ``outcomes`` as it comes, then None."""
        try:
            self._post_each(deliveries, outcomes)
        finally:
            outcomes.put(None)

    def _post_each(self, deliveries: list[dict[str, Any]], outcomes: queue.Queue) -> None:
        for index, delivery in enumerate(deliveries):
            body = delivery["payload"].encode()
            headers = {
                "Content-Type": "application/json", "User-Agent": USER_AGENT,
                SIGNATURE_HEADER: signature(delivery["webhook_secret"] or "", body),
                DELIVERY_HEADER: delivery["idempotency_key"], "Idempotency-Key": delivery["idempotency_key"],
            }
            try:
                status_code = self.send(delivery["webhook_url"], body, headers, self.timeout)
                error = None if 200 <= status_code < 300 else f"HTTP {status_code}"
            except Exception as failure:  # noqa: BLE001 - any failure of the receiver is a failed try
                status_code, error = None, _describe(failure, self.timeout)
            outcomes.put((delivery, status_code, error, deliveries[index + 1:] if error else []))
            if error is not None:
                return

    def _record(self, delivery: dict[str, Any], status_code: int | None, error: str | None,
                untried: list[dict[str, Any]], result: NotifyResult) -> None:
        attempt = delivery["attempts"] + 1
        if untried:
            rested = utc_now() + self._backoff(attempt)
            self.storage.saved_searches.unclaim([other["id"] for other in untried], not_before=rested)
            result.deferred += len(untried)
        if error is None:
            self.storage.saved_searches.attempted(delivery, status_code, None, None)
            result.delivered += 1
            return
        if attempt >= self.max_attempts:
            self.storage.saved_searches.attempted(delivery, status_code, error, None)
            result.given_up += 1
            logger.warning("Webhook of search %s gave up on %s after %d tries: %s",
                           delivery["search_name"], delivery["post_number"], attempt, error)
            return
        self.storage.saved_searches.attempted(delivery, status_code, error, utc_now() + self._backoff(attempt))
        result.retrying += 1
        result.errors.append(f"{delivery['webhook_url']}: {error}")

    def _backoff(self, attempt: int) -> timedelta:
        """After try ``attempt``: the base, doubled for each try before, at most six hours."""
        return timedelta(seconds=min(self.backoff_base * 2.0 ** min(attempt - 1, 64), LONGEST_BACKOFF.total_seconds()))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would arrive as a body-less GET: it is the receiver's 3xx, a failed try."""

    def redirect_request(self, *args, **kwargs) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """The HTTP status of a POST (an error status, a redirect's included, is returned, not raised)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as answer:  # http(s) only, checked at add
            return answer.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _describe(failure: Exception, timeout: float) -> str:
    if isinstance(failure, TimeoutError) or "timed out" in str(failure):
        return f"no answer within {timeout:g} s (WEBHOOK_TIMEOUT)"
    reason = getattr(failure, "reason", None) or failure
    return " ".join(f"{type(failure).__name__}: {reason}".split())[:500]
