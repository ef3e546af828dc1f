"""The replica's deterministic data model: postings, listings and the changes tests make.

Everything comes from one ``random.Random(seed)``, so the same seed and the same sequence of
``update_listings``/``add_postings`` calls always give the same site. A lock guards every read
and change because the server thread reads while a test mutates.
"""

from __future__ import annotations

import random
import threading
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin

from tests.replica.content import (
    APPLY_URL_FORMATS,
    CONTRACTS,
    GRADES,
    LOCATIONS,
    NON_UN_ORGANIZATIONS,
    ORGANIZATIONS,
    ROLE_SUFFIXES,
    ROLES,
    THEMES,
    make_description,
)
from tests.replica.profiles import Profile, make_profile
from tests.replica.urls import FACETS, NON_UN, posting_path

START_TIME = datetime(2025, 9, 16, 14, 0, 0, tzinfo=UTC)
"""The site's clock at creation; every mutation moves it forward."""

CATEGORY_LABELS = ("Organization", "Country", "City", "Theme", "Grade", "Contract")
"""The usual order of the category rows; ``City`` is ``Field location`` on some postings."""

def slugify(text: str) -> str:
    """ASCII slug as used in the site's category links: ``Côte d'Ivoire`` -> ``cote-d-ivoire``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words)


def organization_slug(name: str) -> str:
    """Organizations are linked by their acronym: ``UNOCT - Office of ...`` -> ``unoct``."""
    return slugify(name.split(" - ")[0])


@dataclass(frozen=True)
class PostingSpec:
    """One vacancy exactly as the replica serves it."""

    post_number: str
    title: str
    organization: str
    country: str
    city: str
    city_label: str
    grade: str | None
    contract: str | None
    theme: str | None
    closing_date: date
    listing_updated_at: datetime
    apply_url: str | None
    description_html: str
    description_markers: tuple[str, ...]
    description_forbidden: tuple[str, ...]
    relative_href: bool
    category_order: tuple[str, ...]
    """Labels of the category rows present on the page, in page order."""
    profile: Profile
    """What the posting asks of a candidate: the truth extraction is scored against."""

    def facet_slugs(self, facet: str) -> set[str]:
        """The slugs under which this posting appears in a facet listing (see ``urls.FACETS``)."""
        if facet == "duty_stations":
            return {slugify(self.city), slugify(self.country)}
        if facet == "organizations":
            return {organization_slug(self.organization)}
        if facet == "themes":
            return {slugify(self.theme)} if self.theme else set()
        if facet == NON_UN:
            return {""} if self.organization in NON_UN_ORGANIZATIONS else set()
        raise ValueError(f"unknown facet {facet!r}")


@dataclass(frozen=True)
class ListingPage:
    """A snapshot of one listing page, safe to render outside the site's lock."""

    number: int
    postings: tuple[PostingSpec, ...]
    is_last: bool
    now: datetime
    facet: str | None = None
    slug: str | None = None


class Site:
    """A deterministic unjobs.org: ``postings`` vacancies, ``per_page`` a page, ``max_pages`` pages."""

    def __init__(self, postings: int = 300, seed: int = 1, per_page: int = 25, max_pages: int = 40) -> None:
        self.seed = seed
        self.per_page = per_page
        self.max_pages = max_pages
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._now = START_TIME
        self._postings: dict[str, PostingSpec] = {}
        self._unlisted: set[str] = set()
        oldest_age_s = max(3600, postings * 900)  # about four new postings an hour, like the real site
        for _ in range(postings):
            age_s = self._rng.randint(600, oldest_age_s)
            created_ms = self._ms(self._now) - age_s * 1000 - self._rng.randint(0, 999)
            updated = self._to_datetime(created_ms // 1000 + 1 + self._rng.randint(0, min(age_s - 2, 86400)))
            self._add(created_ms, updated)

    def __len__(self) -> int:
        with self._lock:
            return len(self._postings)

    @property
    def now(self) -> datetime:
        """The site's clock: what "Updated: about N hours ago" is measured against."""
        with self._lock:
            return self._now

    def posting(self, post_number: str) -> PostingSpec | None:
        with self._lock:
            return self._postings.get(post_number)

    def post_numbers(self) -> list[str]:
        """Every posting, listed or not, newest listing first."""
        return [spec.post_number for spec in self._ordered(listed_only=False)]

    def listing_pages(self, facet: str | None = None, slug: str | None = None) -> list[ListingPage]:
        """All pages of a listing; the main index always has a page 1, an empty facet has none."""
        with self._lock:
            ordered = self._ordered()
            if facet is not None:
                ordered = [spec for spec in ordered if (slug or "") in spec.facet_slugs(facet)]
            listed = ordered[: self.per_page * self.max_pages]
            chunks = [listed[i : i + self.per_page] for i in range(0, len(listed), self.per_page)]
            if not chunks and facet is None:
                chunks = [[]]
            return [
                ListingPage(number, tuple(chunk), number == len(chunks), self._now, facet, slug)
                for number, chunk in enumerate(chunks, start=1)
            ]

    def listings(self) -> list[tuple[str | None, str | None]]:
        """Every listing the site serves, as (facet, slug): the main one first."""
        with self._lock:
            found = {
                (facet, slug)
                for spec in self._ordered()
                for facet in (*FACETS, NON_UN)
                for slug in spec.facet_slugs(facet)
            }
        return [(None, None), *sorted(found)]

    def reachable(self) -> set[str]:
        """The postings some listing shows within its cap: what a complete crawler can find."""
        return {
            spec.post_number
            for facet, slug in self.listings()
            for page in self.listing_pages(facet, slug)
            for spec in page.postings
        }

    def listing_page(
        self, number: int, facet: str | None = None, slug: str | None = None
    ) -> ListingPage | None:
        """Page ``number`` (1-based) of a listing, or None past its end."""
        pages = self.listing_pages(facet, slug)
        return pages[number - 1] if 1 <= number <= len(pages) else None

    def expected(self, post_number: str, base_url: str) -> dict[str, object]:
        """Exactly the fields a correct crawler stores for this posting."""
        spec = self.posting(post_number)
        if spec is None:
            raise KeyError(post_number)
        return {
            "post_number": spec.post_number,
            "source_url": urljoin(base_url, posting_path(spec.post_number)),
            "post_name": spec.title,
            "organization_name": spec.organization,
            "location_country": spec.country,
            "location_city": spec.city,
            "closing_date": spec.closing_date,
            "grade": spec.grade,
            "contract": spec.contract,
            "theme": spec.theme,
            "apply_url": spec.apply_url,
            "listing_updated_at": spec.listing_updated_at,
        }

    def reschedule(self, post_numbers: list[str], closing_date: date) -> None:
        """Move postings' closing date to ``closing_date`` (a change their listing shows): back to close
        them, forward to keep them open."""
        with self._lock:
            for post_number in post_numbers:
                self._postings[post_number] = replace(
                    self._postings[post_number], closing_date=closing_date, listing_updated_at=self._tick()
                )

    def withdraw(self, post_numbers: list[str]) -> None:
        """Take postings off every listing; their pages still answer."""
        with self._lock:
            self._unlisted.update(post_numbers)

    def update_listings(self, n: int, anywhere: bool = False) -> list[str]:
        """Re-date and retitle ``n`` postings of the main listing (off page 1 when possible), or
        of any listing; returns their numbers.

        They move to the top of the listing and a re-crawl must store the new title.
        """
        with self._lock:
            if anywhere:
                listed = [spec.post_number for spec in self._ordered()]
            else:
                listed = [spec.post_number for page in self.listing_pages() for spec in page.postings]
            pool = listed[self.per_page :] if len(listed) - self.per_page >= n else listed
            chosen = self._rng.sample(pool, k=n)
            for post_number in chosen:
                spec = self._postings[post_number]
                self._postings[post_number] = replace(
                    spec, title=f"{spec.title} (updated)", listing_updated_at=self._tick()
                )
            return chosen

    def add_postings(self, n: int) -> list[str]:
        """Publish ``n`` brand-new postings, each newer than everything before; returns their numbers."""
        with self._lock:
            added = []
            for _ in range(n):
                updated = self._tick()
                created_ms = self._ms(updated) - self._rng.randint(5000, 25000)
                added.append(self._add(created_ms, updated))
            return added

    def _ordered(self, listed_only: bool = True) -> list[PostingSpec]:
        """Newest listing update first; the post number breaks ties so the order is total."""
        with self._lock:
            return sorted(
                (s for s in self._postings.values() if not listed_only or s.post_number not in self._unlisted),
                key=lambda spec: (spec.listing_updated_at, spec.post_number),
                reverse=True,
            )

    def _tick(self) -> datetime:
        """Advance the clock by a random half minute to five minutes and return the new time."""
        self._now += timedelta(seconds=self._rng.randint(30, 300))
        return self._now

    def _add(self, created_ms: int, updated: datetime) -> str:
        """Generate one posting created at ``created_ms`` (its post number) and listed at ``updated``."""
        while str(created_ms) in self._postings:
            created_ms += 1
        post_number = str(created_ms)
        rng = self._rng
        organization = rng.choice(ORGANIZATIONS)
        country, city = rng.choice(LOCATIONS)
        grade = rng.choice(GRADES) if rng.random() > 0.15 else None
        contract = rng.choice(CONTRACTS) if rng.random() > 0.15 else None
        theme = rng.choice(THEMES) if rng.random() > 0.15 else None
        present = {"Organization", "Country", "City"} | {
            label for label, value in (("Theme", theme), ("Grade", grade), ("Contract", contract)) if value
        }
        order = [label for label in CATEGORY_LABELS if label in present]
        if rng.random() < 0.2:
            rng.shuffle(order)
        city_label = "Field location" if rng.random() < 0.15 else "City"
        apply_format = rng.choice(APPLY_URL_FORMATS) if rng.random() > 0.1 else None
        description = make_description(rng, post_number, organization)
        # Closing dates are after the clock, and after today's date, which a crawler compares them
        # to: the site lists open vacancies only.
        opens_until = max(self._now.date(), date.today())
        title = rng.choice(ROLES) + rng.choice(ROLE_SUFFIXES)
        closing_date = opens_until + timedelta(days=rng.randint(2, 45))
        profile, requirements_html = make_profile(
            self.seed, post_number, title, grade, contract, country, closing_date, organization
        )
        self._postings[post_number] = PostingSpec(
            post_number=post_number,
            title=title,
            organization=organization,
            country=country,
            city=city,
            city_label=city_label,
            grade=grade,
            contract=contract,
            theme=theme,
            closing_date=closing_date,
            listing_updated_at=updated,
            apply_url=apply_format.format(pn=post_number) if apply_format else None,
            description_html=description.html + "\n" + requirements_html,
            description_markers=tuple(description.markers),
            description_forbidden=tuple(description.forbidden),
            relative_href=rng.random() < 0.3,
            category_order=tuple(city_label if label == "City" else label for label in order),
            profile=profile,
        )
        return post_number

    @staticmethod
    def _ms(moment: datetime) -> int:
        return int(moment.timestamp()) * 1000

    @staticmethod
    def _to_datetime(epoch_s: int) -> datetime:
        return datetime.fromtimestamp(epoch_s, tz=UTC)
