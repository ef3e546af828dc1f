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
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from unjobs_scraper.publish import dumps
from unjobs_scraper.search.query import PostingFilters, parse
from unjobs_scraper.storage import Storage
from unjobs_scraper.storage.repository import utc_now

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Unjobs-Signature"
DELIVERY_HEADER = "X-Unjobs-Delivery"
LOOK_BACK = timedelta(seconds=60)
"""How far before its last look a search looks again: a posting stored by a transaction that was
still open then is not missed (what was seen twice is matched once)."""
LONGEST_BACKOFF = timedelta(hours=6)
RECEIVERS_AT_ONCE = 8
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


def idempotency_key(search: str, post_number: str, updated: datetime | None) -> str:
    return f"{search}:{post_number}:{updated.isoformat() if updated else ''}"


def queue_new_matches(storage: Storage) -> int:
    """Deliveries for what newly matches each search with a webhook; returns how many were queued."""
    queued = 0
    for search in storage.saved_searches.all():
        if not search["webhook_url"]:
            continue
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
        queued += len(new)
    return queued


def _delivery(search: dict[str, Any], posting: dict[str, Any]) -> dict[str, Any]:
    key = idempotency_key(search["name"], posting["post_number"], posting["listing_updated_at"] or posting["crawled_at"])
    payload = {"event": "posting.matched", "search": search["name"], "query": search["query"],
               "idempotency_key": key, "posting": posting}
    return {"idempotency_key": key, "search_name": search["name"], "post_number": posting["post_number"],
            "payload": dumps(payload)}


def match_existing(storage: Storage, name: str, filters: PostingFilters) -> int:
    """What a new search matches already is no news: recorded, never delivered."""
    numbers = [row["post_number"] for row in storage.search.matching(filters, datetime(1970, 1, 1, tzinfo=UTC))]
    storage.saved_searches.record_matches(name, numbers)
    return len(numbers)


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
        """Queue what newly matches, deliver what is due, and for ``wait`` seconds what falls due."""
        result = NotifyResult(queued=queue_new_matches(self.storage))
        deadline = time.monotonic() + wait
        while True:
            self.deliver_due(result)
            due = self.storage.saved_searches.next_due()
            if due is None:
                return result
            pause = (due - utc_now()).total_seconds()
            if time.monotonic() + pause > deadline:
                return result
            time.sleep(max(pause, 0.0))

    def deliver_due(self, result: NotifyResult) -> None:
        claimed = self.storage.saved_searches.claim_due(utc_now() + timedelta(seconds=2 * self.timeout + 30))
        by_receiver: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for delivery in claimed:
            by_receiver[delivery["webhook_url"]].append(delivery)
        if not by_receiver:
            return
        with ThreadPoolExecutor(min(RECEIVERS_AT_ONCE, len(by_receiver))) as pool:
            tries = list(pool.map(self._to_receiver, by_receiver.values()))
        for outcomes, untried in tries:  # the database is written on this thread only
            for delivery, status_code, error in outcomes:
                self._record(delivery, status_code, error, result)
            if untried:
                failed = outcomes[-1][0]
                rested = utc_now() + self._backoff(failed["attempts"] + 1)
                self.storage.saved_searches.unclaim([delivery["id"] for delivery in untried], not_before=rested)
                result.deferred += len(untried)

    def _to_receiver(self, deliveries: list[dict[str, Any]]):
        """POST each in order until one fails; the rest wait for the next run."""
        outcomes = []
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
            outcomes.append((delivery, status_code, error))
            if error is not None:
                return outcomes, deliveries[index + 1:]
        return outcomes, []

    def _record(self, delivery: dict[str, Any], status_code: int | None, error: str | None, result: NotifyResult) -> None:
        attempt = delivery["attempts"] + 1
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
        return min(timedelta(seconds=self.backoff_base * 2 ** (attempt - 1)), LONGEST_BACKOFF)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """The HTTP status of a POST (an error status is returned, not raised)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - http(s) only, checked at add
            return answer.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _describe(failure: Exception, timeout: float) -> str:
    if isinstance(failure, TimeoutError) or "timed out" in str(failure):
        return f"no answer within {timeout:g} s (WEBHOOK_TIMEOUT)"
    reason = getattr(failure, "reason", None) or failure
    return " ".join(f"{type(failure).__name__}: {reason}".split())[:500]
