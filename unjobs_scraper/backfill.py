"""Backfills: walking the site's other listings when the copy may be incomplete.

The main listing shows only the newest ~1,000 postings (40 pages of 25). A backfill walks the
other listings, a family at a time (``listings.FAMILIES``): organizations first, which cover every
posting unless one of them hits the cap; then the next family, to cover what the capped one hid.
Listings are learnt from the pages the crawl reads (a posting's ``#cats``, the navigation) and
kept in the ``listings`` table; one found during a backfill is walked in the same backfill.

A backfill runs when the database has none on record (a first crawl) and the main listing turns
out to be capped (one that ends before the cap shows every posting: that first crawl is recorded
as a full backfill that needed no other listing), when the main listing's walk reached the cap
without meeting a page it already knew (a gap: more changes than it holds), when the last full
one is older than ``BACKFILL_EVERY``, or when asked (``-a backfill=1``).
A *full* backfill (first, periodic, asked) walks each listing to its end, so that afterwards the
postings no listing showed are known to be withdrawn; a *gap* backfill walks each listing only
until a page on which everything is known and unchanged, unless the listing was never walked.

An organization none of whose postings the crawl has seen is linked from no page it read. So once
the families being walked are done, a *sweep* walks every other known listing only until a page
it knows entirely: about one page each, and any posting of an unseen organization on the way
brings that organization's listing in.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from unjobs_scraper.listings import FAMILIES, MAIN, ListingAddress
from unjobs_scraper.stats import BACKFILL_STAT
from unjobs_scraper.status import PostingStatus
from unjobs_scraper.storage import BACKFILL_STATE
from unjobs_scraper.walks import Walk, Walks

logger = logging.getLogger(__name__)

FIRST_CRAWL, GAP, PERIODIC, ASKED = "first crawl", "gap", "periodic", "asked"
FULL_REASONS = frozenset({FIRST_CRAWL, PERIODIC, ASKED})


class Backfill:
    """One crawl's backfill: whether it runs, what it walks, and what its end means."""

    def __init__(self, walks: Walks, status: PostingStatus, database, backfill_every: float, stats) -> None:
        self.walks = walks
        self.status = status
        self.database = database
        self.backfill_every = backfill_every
        self.stats = stats
        self.reason: str | None = None
        self.active_families: list[str] = []
        self.started_at: datetime | None = None
        self.finished = False
        self.swept = False
        self._started = 0.0
        self._known = set(walks.known_listings())
        """Listings already in the database: only new ones are written."""

    @property
    def running(self) -> bool:
        return self.reason is not None and not self.finished

    @property
    def full(self) -> bool:
        return self.reason in FULL_REASONS

    def due_at_start(self, asked: bool) -> str | None:
        """Why a backfill should start with the crawl, or None."""
        if asked:
            return ASKED
        last = self.database.read_now(lambda s: s.state.get(BACKFILL_STATE))
        if last is None:
            return FIRST_CRAWL
        finished = json.loads(last.value).get("last_full_finished_at")
        if self.backfill_every and (
            finished is None
            or (datetime.now(UTC) - datetime.fromisoformat(finished)).total_seconds() > self.backfill_every
        ):
            return PERIODIC
        return None

    def begin(self, reason: str, every_family: bool = False) -> list[Walk]:
        """Start (once per crawl); returns the walks to queue now: the first family's known listings
        (with ``every_family``, every family's, whether or not a listing hits the cap)."""
        if self.reason is not None:
            return []  # one backfill per crawl
        self.reason = reason
        self.started_at = datetime.now(UTC)
        self._started = time.monotonic()
        logger.info("Backfill (%s, %s): walking the site's other listings", reason, "full" if self.full else "incremental")
        self.stats.set_value(BACKFILL_STAT + "reason", reason)
        families = FAMILIES if every_family else FAMILIES[:1]
        return [walk for family in families for walk in self._activate(family)]

    def _activate(self, family: str) -> list[Walk]:
        if family in self.active_families:
            return []
        self.active_families.append(family)
        known = self.walks.known_listings()
        return [
            walk
            for url, row in known.items()
            if row["kind"] == family and (walk := self._walk(ListingAddress(url, family), row)) is not None
        ]

    def _walk(self, listing: ListingAddress, row: dict | None, sweep: bool = False) -> Walk | None:
        """A walk not yet in this backfill: to its end when full or never walked, unless a sweep."""
        never_walked = row is None or row["last_walked_at"] is None
        full = not sweep and (self.full or never_walked)
        walk = self.walks.start(listing, full, sweep, known_pages=(row or {}).get("pages_seen", 0))
        if walk is not None:
            self.stats.inc_value(f"{BACKFILL_STAT}{listing.kind}/listings")
        return walk

    def discovered(self, listings: list[ListingAddress]) -> list[Walk]:
        """Listings found on a page: remembered, and walked now when their family is being walked."""
        new = [listing for listing in listings if listing.kind != MAIN and listing.url not in self._known]
        self._known.update(listing.url for listing in new)
        self.walks.listings_found(new)
        if not self.running:
            return []
        return [
            walk
            for listing in new
            if listing.kind in self.active_families and (walk := self._walk(listing, None)) is not None
        ]

    def sweep(self) -> list[Walk]:
        """Once, when the walks are done: the other families' known listings, walked incrementally."""
        if self.swept or not self.running:
            return []
        self.swept = True
        walks = [
            walk
            for url, row in self.walks.known_listings().items()
            if row["kind"] in FAMILIES and row["kind"] not in self.active_families
            and (walk := self._walk(ListingAddress(url, row["kind"]), row, sweep=True)) is not None
        ]
        if walks:
            logger.info("Backfill: sweeping %d listings of the other families for unseen organizations", len(walks))
        return walks

    def walk_ended(self, walk: Walk) -> list[Walk]:
        """Record the walk; a listing that hit the cap brings in the next family."""
        self.walks.ended(walk)
        if walk.gone or not walk.hit_cap:
            return []
        logger.warning(
            "Listing %s hit the site's cap (%d pages): its older postings come from another family",
            walk.listing.url, walk.pages_seen,
        )
        self.stats.inc_value(BACKFILL_STAT + "capped")
        position = FAMILIES.index(walk.listing.kind) if walk.listing.kind in FAMILIES else -1
        if self.running and position + 1 < len(FAMILIES):
            return self._activate(FAMILIES[position + 1])
        return []

    @property
    def done(self) -> bool:
        """Running, and every walk it queued has ended (the main walk's among them)."""
        return self.running and all(walk.ended for walk in self.walks.by_url.values())

    def main_listing_was_complete(self) -> None:
        """A first crawl whose main listing ended before the cap: it saw every posting listed."""
        now = datetime.now(UTC)
        self._record(FIRST_CRAWL, True, now, 0.0, listings_walked=0, complete=True, covered=True, withdrawn=0)
        self.finished = True

    def _record(self, reason: str, full: bool, started_at: datetime, seconds: float, **outcome) -> None:
        """The backfill in ``crawl_state``, keeping when the last full one finished."""
        previous = self.database.read_now(lambda s: s.state.get(BACKFILL_STATE))
        record = json.loads(previous.value) if previous else {}
        now = datetime.now(UTC).isoformat()
        record.update(
            reason=reason, full=full, started_at=started_at.isoformat(), finished_at=now,
            seconds=round(seconds, 1), **outcome,
        )
        if full and outcome["complete"]:
            record["last_full_finished_at"] = now
        value = json.dumps(record)
        self.database.write(lambda s: s.state.set(BACKFILL_STATE, value), "the backfill's record")

    def finish(self) -> None:
        """Every walk ended: record the backfill; after a full one, withdraw what no listing showed."""
        seconds = time.monotonic() - self._started
        walks = self.walks.by_url.values()
        complete = not any(walk.failed for walk in walks)
        covered = complete and not any(
            walk.hit_cap for walk in walks if walk.full and walk.listing.kind == self.active_families[-1]
        )
        withdrawn = self.status.withdraw(self.started_at) if self.full and covered else 0
        self._record(
            self.reason, self.full, self.started_at, seconds,
            listings_walked=len(walks), complete=complete, covered=covered, withdrawn=withdrawn,
        )
        self.stats.set_value(BACKFILL_STAT + "withdrawn", withdrawn)
        logger.info(
            "Backfill done in %.0f s: %d listings walked%s, %d postings withdrawn",
            seconds, len(walks), "" if covered else " (coverage incomplete: a walk failed or hit the cap)",
            withdrawn,
        )
        self.finished = True
