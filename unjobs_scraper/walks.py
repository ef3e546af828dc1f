"""Index walks, in one place: how far each listing's walk got, in this process and on record.

A walk is the reading of one listing's pages, named by its first page. This module keeps it in
memory (``Walk``: pages outstanding, whether the chain of "Next" pages is open, whether it hit
the site's cap) and on record: the ``crawl_state`` entry ``index_walk:<url>`` says how far it got
(``running: page N`` or ``complete``), so a lost queue or a killed crawler resumes it, and the
``listings`` table keeps each listing and how its last walk ended. ``backfill`` decides which
listings to walk; the spider only requests the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from unjobs_scraper.listings import ListingAddress
from unjobs_scraper.stats import BACKFILL_STAT, RECOVERED_STAT
from unjobs_scraper.storage import Storage

WALK_COMPLETE = "complete"
WALK_STATE_PREFIX = "index_walk:"
_PAGE_REACHED = re.compile(r"running: page (\d+)")


def walk_state_name(url: str) -> str:
    """``crawl_state`` name of the walk of one listing (named by its first page)."""
    return WALK_STATE_PREFIX + url


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


def _was_complete(storage: Storage, url: str) -> bool:
    state = storage.state.get(walk_state_name(url))
    return state is not None and state.value == WALK_COMPLETE


class Walks:
    """This crawl's walks and their records."""

    def __init__(self, database, stats, processing_lease: float) -> None:
        self.database = database
        self.stats = stats
        self.processing_lease = processing_lease
        self.by_url: dict[str, Walk] = {}
        self._resumed: set[str] = set()

    def start(self, listing: ListingAddress, full: bool, sweep: bool = False, known_pages: int = 0) -> Walk | None:
        """A walk this process begins; None when it already has one of this listing."""
        if listing.url in self.by_url:
            return None
        walk = self.by_url[listing.url] = Walk(listing, full, sweep, known_pages=known_pages)
        return walk

    def adopt(self, listing: ListingAddress, full: bool) -> Walk:
        """The walk a page belongs to; one this process did not start (another worker's) is taken on."""
        walk = self.by_url.get(listing.url)
        if walk is None:
            walk = self.by_url[listing.url] = Walk(listing, full, chain_open=True)
        return walk

    async def was_complete(self, url: str) -> bool:
        """Did the last walk of this listing reach its end? If not, walk every page this time."""
        return await self.database.read(lambda s: _was_complete(s, url))

    def page_reached(self, walk: Walk, page_number: int, postings: int) -> None:
        walk.pages_seen = max(walk.pages_seen, page_number)
        walk.postings_found += postings
        state = f"running: page {page_number}"
        url = walk.listing.url
        self.database.write(lambda s: s.state.set(walk_state_name(url), state), f"the walk of {url}")

    def ended(self, walk: Walk) -> None:
        """On record: complete unless a page failed; the listing's walk unless the listing is gone."""
        url, kind = walk.listing.url, walk.listing.kind
        if not walk.failed:
            self.database.write(lambda s: s.state.set(walk_state_name(url), WALK_COMPLETE), f"the end of the walk of {url}")
        if walk.gone:
            return
        pages, cap, found = walk.pages_seen, walk.hit_cap, walk.postings_found
        self.database.write(lambda s: s.listings.record_walk(url, kind, pages, cap, found), f"the walk of {url}")
        self.stats.inc_value(f"{BACKFILL_STAT}{kind}/walked")

    def listing_gone(self, walk: Walk) -> None:
        walk.gone = True
        url = walk.listing.url
        self.database.write(lambda s: s.listings.forget(url), f"forgetting {url}")

    def listings_found(self, listings: list[ListingAddress]) -> None:
        rows = [(listing.url, listing.kind) for listing in listings]
        if rows:
            self.database.write(lambda s: s.listings.save_new(rows), f"{len(rows)} listings")

    def known_listings(self) -> dict[str, dict]:
        """Every listing on record, as its ``listings`` row."""
        return self.database.read_now(lambda s: s.listings.all())

    # -- recovery: walks a lost queue or a killed crawler left unfinished ------------------------

    def unfinished(self) -> list[tuple[str, int]]:
        """Each unfinished walk's listing and the page to go on from (the one after the last page
        read, whose request a lost queue took with it)."""
        states = self.database.read_now(lambda s: s.state.with_prefix(WALK_STATE_PREFIX))
        return [
            (name.removeprefix(WALK_STATE_PREFIX), int(reached[1]) + 1 if reached else 1)
            for name, state in states.items()
            if state.value != WALK_COMPLETE
            for reached in [_PAGE_REACHED.fullmatch(state.value)]
        ]

    def stale(self, url: str) -> bool:
        """Unfinished, and no page of it parsed for a lease: its next page request was lost (once per crawl)."""
        if url in self._resumed:
            return False
        state = self.database.read_now(lambda s: s.state.get(walk_state_name(url)))
        if state is None or state.value == WALK_COMPLETE:
            return False
        if (datetime.now(UTC) - state.updated_at).total_seconds() <= self.processing_lease:
            return False
        self._resumed.add(url)
        self.stats.inc_value(RECOVERED_STAT + "walks")
        return True

    def unfinished_reason(self, url: str) -> str | None:
        """Why the walk of ``url`` is not complete (for the crawl's verdict), or None when it is."""
        state = self.database.read_now(lambda s: s.state.get(walk_state_name(url)))
        if state is not None and state.value == WALK_COMPLETE:
            return None
        return f"the index walk of {url} did not finish ({state.value if state else 'not started'})"

    def forget_resumed(self) -> None:
        """The queue was lost again: walks resumed into it may need resuming again."""
        self._resumed.clear()
