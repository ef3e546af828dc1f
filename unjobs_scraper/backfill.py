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
from dataclasses import dataclass, field
from datetime import UTC, datetime

from unjobs_scraper.listings import FAMILIES, MAIN, ListingAddress
from unjobs_scraper.stats import BACKFILL_STAT
from unjobs_scraper.storage import Store
from unjobs_scraper.storage.store import BACKFILL_STATE

logger = logging.getLogger(__name__)

FIRST_CRAWL, GAP, PERIODIC, ASKED = "first crawl", "gap", "periodic", "asked"
FULL_REASONS = frozenset({FIRST_CRAWL, PERIODIC, ASKED})


@dataclass
class Walk:
    """How far the walk of one listing got in this crawl."""

    listing: ListingAddress
    full: bool
    """To its end; otherwise until a page on which everything is known and unchanged."""
    sweep: bool = False
    """Until a page whose postings are all known, even if this crawl is what learnt them."""
    known_pages: int = 0
    """Pages the last walk saw: with ``full``, requested at once instead of one after another."""
    outstanding: set[int] = field(default_factory=set)
    """Pages requested at once with the others (``known_pages``) and not read yet in this process."""
    chain_open: bool = False
    """The page that follows the "Next" link on is requested and not read yet. Of a walk taken on
    from another worker, assumed: only the process that reads the walk's last page ends it."""
    pages_seen: int = 0
    postings_found: int = 0
    hit_cap: bool = False
    failed: bool = False
    gone: bool = False
    """The site no longer serves the listing (404/410 on its first page)."""

    def page_read(self, number: int, follows_next: bool) -> None:
        """A page of the walk was read (or failed): the chain's, or one requested with the others."""
        if follows_next:
            self.chain_open = False
        else:
            self.outstanding.discard(number)

    @property
    def ended(self) -> bool:
        return not self.outstanding and not self.chain_open


class Backfill:
    """One crawl's backfill: whether it runs, what it walks, and what its end means."""

    def __init__(self, store: Store, backfill_every: float, stats) -> None:
        self.store = store
        self.backfill_every = backfill_every
        self.stats = stats
        self.reason: str | None = None
        self.active_families: list[str] = []
        self.walks: dict[str, Walk] = {}
        self.started_at: datetime | None = None
        self.finished = False
        self.swept = False
        self._started = 0.0
        self._known = set(store.listings())
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
        last = self.store.get_state(BACKFILL_STATE)
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
        known = self.store.listings()
        return [
            walk
            for url, row in known.items()
            if row["kind"] == family and (walk := self._walk(ListingAddress(url, family), row)) is not None
        ]

    def _walk(self, listing: ListingAddress, row: dict | None, sweep: bool = False) -> Walk | None:
        """A walk not yet in this backfill: to its end when full or never walked, unless a sweep."""
        if listing.url in self.walks:
            return None
        never_walked = row is None or row["last_walked_at"] is None
        full = not sweep and (self.full or never_walked)
        walk = Walk(listing, full, sweep, known_pages=(row or {}).get("pages_seen", 0))
        self.walks[listing.url] = walk
        self.stats.inc_value(f"{BACKFILL_STAT}{listing.kind}/listings")
        return walk

    def discovered(self, listings: list[ListingAddress]) -> list[Walk]:
        """Listings found on a page: remembered, and walked now when their family is being walked."""
        new = [listing for listing in listings if listing.kind != MAIN and listing.url not in self._known]
        self._known.update(listing.url for listing in new)
        self.store.save_listings((listing.url, listing.kind) for listing in new)
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
            for url, row in self.store.listings().items()
            if row["kind"] in FAMILIES and row["kind"] not in self.active_families
            and (walk := self._walk(ListingAddress(url, row["kind"]), row, sweep=True)) is not None
        ]
        if walks:
            logger.info("Backfill: sweeping %d listings of the other families for unseen organizations", len(walks))
        return walks

    def adopt(self, listing: ListingAddress, full: bool) -> Walk:
        """The walk a page belongs to; one this process did not start (another worker's) is taken on."""
        walk = self.walks.get(listing.url)
        if walk is None:
            walk = self.walks[listing.url] = Walk(listing, full, chain_open=True)
        return walk

    def walk_ended(self, walk: Walk) -> list[Walk]:
        """Record the walk; a listing that hit the cap brings in the next family."""
        if walk.gone:
            return []
        self.store.record_walk(walk.listing.url, walk.listing.kind, walk.pages_seen, walk.hit_cap, walk.postings_found)
        self.stats.inc_value(f"{BACKFILL_STAT}{walk.listing.kind}/walked")
        if not walk.hit_cap:
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
        return self.running and all(walk.ended for walk in self.walks.values())

    def main_listing_was_complete(self) -> None:
        """A first crawl whose main listing ended before the cap: it saw every posting listed."""
        now = datetime.now(UTC)
        self._record(FIRST_CRAWL, True, now, 0.0, listings_walked=0, complete=True, covered=True, withdrawn=0)
        self.finished = True

    def _record(self, reason: str, full: bool, started_at: datetime, seconds: float, **outcome) -> None:
        """The backfill in ``crawl_state``, keeping when the last full one finished."""
        previous = self.store.get_state(BACKFILL_STATE)
        record = json.loads(previous.value) if previous else {}
        now = datetime.now(UTC).isoformat()
        record.update(
            reason=reason, full=full, started_at=started_at.isoformat(), finished_at=now,
            seconds=round(seconds, 1), **outcome,
        )
        if full and outcome["complete"]:
            record["last_full_finished_at"] = now
        self.store.set_state(BACKFILL_STATE, json.dumps(record))

    def finish(self) -> None:
        """Every walk ended: record the backfill; after a full one, withdraw what no listing showed."""
        seconds = time.monotonic() - self._started
        complete = not any(walk.failed for walk in self.walks.values())
        covered = complete and not any(
            walk.hit_cap for walk in self.walks.values() if walk.full and walk.listing.kind == self.active_families[-1]
        )
        withdrawn = self.store.withdraw_unlisted(self.started_at) if self.full and covered else 0
        self._record(
            self.reason, self.full, self.started_at, seconds,
            listings_walked=len(self.walks), complete=complete, covered=covered, withdrawn=withdrawn,
        )
        self.stats.set_value(BACKFILL_STAT + "withdrawn", withdrawn)
        logger.info(
            "Backfill done in %.0f s: %d listings walked%s, %d postings withdrawn",
            seconds, len(self.walks), "" if covered else " (coverage incomplete: a walk failed or hit the cap)",
            withdrawn,
        )
        self.finished = True
