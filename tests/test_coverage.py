"""Coverage: every posting the site lists anywhere, backfills, lifecycles, feeds and exports.

The replica caps every listing at 40 pages of 25 as the real site does, so its main listing
shows the newest 1,000 postings only; the rest are reachable through the organization, duty
station, theme and non-UN listings that posting pages link in ``#cats``.
"""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from tests.crawling import PROJECT_ROOT, crawl_command, crawl_environment, run_crawl, run_scrapy
from tests.databases import memory_storage, posting_status, stored_rows
from tests.replica import Replica
from unjobs_scraper.backfill import ASKED, FIRST_CRAWL, GAP, PERIODIC, Backfill
from unjobs_scraper.commands.crawl import postings_only
from unjobs_scraper.commands.export import EXPORT_COLUMNS
from unjobs_scraper.items import FEED_FIELDS, Posting
from unjobs_scraper.listings import MAIN, ListingAddress, listing_address, page_url
from unjobs_scraper.parsing import linked_urls
from unjobs_scraper.progress import backfill_progress
from unjobs_scraper.spiders.unjobs import UnjobsSpider
from unjobs_scraper.status import PostingStatus
from unjobs_scraper.storage import BACKFILL_STATE
from unjobs_scraper.storage.dashboard_queries import Filters
from unjobs_scraper.storage.writer import InlineWriter
from unjobs_scraper.walks import Walks

SITE = "https://unjobs.org/"


def index_pages(replica: Replica) -> int:
    return replica.stats()["served"]["index"]


def mismatches(replica: Replica, base_url: str, stored: dict) -> list:
    return [
        (number, name)
        for number in stored
        for name, value in replica.site.expected(number, base_url).items()
        if stored[number][name] != value
    ]


# -- in-process ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://unjobs.org/", (SITE, MAIN, 1)),
        ("https://unjobs.org/new/7", (SITE, MAIN, 7)),
        ("https://unjobs.org/organizations/unicef", ("https://unjobs.org/organizations/unicef", "organizations", 1)),
        ("https://unjobs.org/duty_stations/doha/3", ("https://unjobs.org/duty_stations/doha", "duty_stations", 3)),
        ("https://unjobs.org/themes/health/", ("https://unjobs.org/themes/health", "themes", 1)),
        ("https://unjobs.org/non-un/2", ("https://unjobs.org/non-un", "non-un", 2)),
        ("https://unjobs.org/vacancies/1758015049233", None),
        ("https://unjobs.org/grades/p-3", None),
        ("https://elsewhere.example/organizations/unicef", None),
    ],
)
def test_listing_addresses(url, expected):
    address = listing_address(url, SITE)
    assert (address and (address.url, address.kind, address.page)) == expected


def test_page_urls_follow_the_sites_scheme():
    assert page_url(ListingAddress(SITE, MAIN), 2) == "https://unjobs.org/new/2"
    assert page_url(ListingAddress("https://unjobs.org/non-un", "non-un"), 1) == "https://unjobs.org/non-un"
    assert page_url(ListingAddress("https://unjobs.org/themes/health", "themes"), 4) == "https://unjobs.org/themes/health/4"


def test_a_postings_category_links_are_its_listings():
    body = (
        '<html><body><nav><a href="/non-un">Non-UN</a><a href="#top">top</a></nav><div id="cats"><ul>'
        '<li>Organization: <a href="/organizations/unoct">UNOCT</a></li>'
        '<li>City: <a href="https://unjobs.org/duty_stations/doha">Doha</a></li>'
        '<li>Grade: <a href="/grades/p-3">P-3</a></li></ul></div></body></html>'
    )
    response = HtmlResponse("https://unjobs.org/vacancies/1", body=body.encode())
    found = [address for url in linked_urls(response) if (address := listing_address(url, SITE))]
    assert [(a.url, a.kind) for a in found] == [
        ("https://unjobs.org/non-un", "non-un"),
        ("https://unjobs.org/organizations/unoct", "organizations"),
        ("https://unjobs.org/duty_stations/doha", "duty_stations"),
    ]


def backfill_over(store, backfill_every: float, stats) -> Backfill:
    """A backfill whose writes run at once on ``store``."""
    database = InlineWriter(store)
    return Backfill(Walks(database, stats, processing_lease=600), PostingStatus(database), database, backfill_every, stats)


@pytest.fixture
def stats():
    return get_crawler(UnjobsSpider, {}).stats


@pytest.fixture
def memory():
    """The backfill's component tests need no server: an in-memory SQLite store."""
    storage = memory_storage()
    yield storage
    storage.close()


def test_a_backfill_is_due_on_a_new_database_periodically_and_when_asked(memory, stats):
    store = memory
    backfill = backfill_over(store, 7 * 86400, stats)
    assert (backfill.due_at_start(asked=False), backfill.due_at_start(asked=True)) == (FIRST_CRAWL, ASKED)
    recent = datetime.now(UTC) - timedelta(days=1)
    store.state.set(BACKFILL_STATE, json.dumps({"last_full_finished_at": recent.isoformat()}))
    assert backfill_over(store, 7 * 86400, stats).due_at_start(asked=False) is None
    assert backfill_over(store, 3600, stats).due_at_start(asked=False) == PERIODIC
    assert backfill_over(store, 0, stats).due_at_start(asked=False) is None  # 0: no periodic backfills


def test_a_backfill_walks_organizations_first_and_the_next_family_when_one_hits_the_cap(memory, stats):
    store = memory
    store.listings.save_new([("https://unjobs.org/organizations/a", "organizations"), ("https://unjobs.org/themes/t", "themes")])
    backfill = backfill_over(store, 0, stats)
    walks = backfill.begin(GAP)
    assert [(w.listing.url, w.full) for w in walks] == [("https://unjobs.org/organizations/a", True)]  # never walked
    found = backfill.discovered([
        ListingAddress("https://unjobs.org/organizations/b", "organizations"),
        ListingAddress("https://unjobs.org/duty_stations/doha", "duty_stations"),
        ListingAddress(SITE, MAIN),
    ])
    assert [w.listing.url for w in found] == ["https://unjobs.org/organizations/b"]
    capped = walks[0]
    capped.pages_seen, capped.hit_cap = 40, True
    following = backfill.walk_ended(capped)
    assert [w.listing.url for w in following] == ["https://unjobs.org/duty_stations/doha"]
    assert store.listings.all()["https://unjobs.org/organizations/a"]["hit_cap"] is True
    assert backfill_progress(stats.get_stats()) == (
        "; backfill (gap): organizations 1/2 walked, duty_stations 0/1 walked"
    )


def test_lifecycles_closed_withdrawn_and_open_again(store):
    for number, closing in (("1", date(2020, 1, 1)), ("2", date(2999, 1, 1)), ("3", date(2999, 1, 1))):
        posting_status(store).discover({"post_number": number, "source_url": f"{SITE}vacancies/{number}", "closing_date": closing})
    assert posting_status(store).close_expired(date.today()) == 1
    posting_status(store).end("2", f"{SITE}vacancies/2", "skipped", "HTTP 410 (gone)")
    since = datetime.now(UTC)
    assert posting_status(store).withdraw(since) == 1  # 3: no listing showed it since
    assert {n: store.postings.get(n)["lifecycle"] for n in "123"} == {"1": "closed", "2": "withdrawn", "3": "withdrawn"}
    posting_status(store).listed(["3"])
    assert store.postings.get("3")["lifecycle"] == "open"
    assert store.coverage()["lifecycles"] == {"open": 1, "closed": 1, "withdrawn": 1}
    assert [row["post_number"] for row in store.postings.iter_all(batch=2)] == ["1", "2", "3"]
    assert [row["post_number"] for row in store.postings.iter_all("open")] == ["3"]


def test_feeds_hold_postings_only_with_stable_columns():
    feeds = postings_only({"jobs.csv": {"format": "csv"}, "all.jsonl": {"format": "jsonlines", "item_classes": []}})
    assert feeds["jobs.csv"] == {"format": "csv", "item_classes": [Posting], "fields": list(FEED_FIELDS)}
    assert feeds["all.jsonl"]["item_classes"] == []  # a feed that says otherwise keeps its choice
    assert Settings({"FEEDS": feeds}).getdict("FEEDS") == feeds


# -- whole crawls --------------------------------------------------------------------------------

BIG_SITE = {"postings": 800, "seed": 51, "per_page": 8}
"""More than the main listing's 320 (40 pages of 8, capped as the real site's 40 of 25): the
rest only in the other listings. ``bench/backfill.py`` crawls the full-size site."""
MAIN_LISTING = 40 * BIG_SITE["per_page"]


@pytest.mark.crawl
def test_every_posting_any_listing_shows_cheap_recrawls_and_gaps_backfilled(database_url):
    """A first crawl into an empty database, an unchanged re-crawl, then more updates at once
    than the main listing holds.

    The gap step runs on SQLite only: both backends already stored the same postings.
    """
    with Replica(**BIG_SITE) as replica:
        base_url = replica.base_url
        first = run_crawl(base_url, database_url, timeout=400)
        served_first = replica.stats()["served"]
        replica.reset_stats()
        again = run_crawl(base_url, database_url, timeout=120)
        served_again = replica.stats()["served"]
        status = run_scrapy(database_url, "status")
        if database_url.startswith("sqlite"):
            replica.reset_stats()
            updated = replica.site.update_listings(MAIN_LISTING * 6 // 5, anywhere=True)
            gap = run_crawl(base_url, database_url, timeout=400)
            served_gap = replica.stats()
    assert first.returncode == 0, first.log[-3000:]
    stored = stored_rows(database_url)
    assert len(replica.site.listing_pages()) * BIG_SITE["per_page"] == MAIN_LISTING
    assert set(stored) == replica.site.reachable() and len(stored) == BIG_SITE["postings"]
    assert {(r["status"], r["lifecycle"]) for r in stored.values()} == {("processed", "open")}
    assert served_first["posting"] == BIG_SITE["postings"]
    assert first.stats["unjobs/backfill/reason"] == "first crawl"
    assert "; backfill (first crawl): organizations 15/15 walked" in first.log
    # The unchanged re-crawl, within BACKFILL_EVERY: at most 2 index pages, no posting page.
    assert again.returncode == 0, again.log[-3000:]
    assert (served_again["index"] <= 2, served_again["posting"]) == (True, 0)
    assert f"lifecycle: open {BIG_SITE['postings']}, closed 0, withdrawn 0" in status.stdout
    assert "organizations 15" in status.stdout and "(first crawl, full)" in status.stdout
    if not database_url.startswith("sqlite"):
        assert mismatches(replica, base_url, stored) == []
        return
    # More changes than the main listing holds: the gap is backfilled, only the updated downloaded.
    assert gap.returncode == 0, gap.log[-3000:]
    assert gap.stats["unjobs/backfill/reason"] == "gap"
    assert sorted(served_gap["posting_hits"]) == sorted(updated)
    assert set(served_gap["posting_hits"].values()) == {1}
    stored = stored_rows(database_url)
    assert mismatches(replica, base_url, stored) == []
    assert [n for n in updated if not stored[n]["post_name"].endswith("(updated)")] == []


@pytest.mark.crawl
def test_closed_withdrawn_and_vanished_postings(sqlite_url):
    small = {"postings": 90, "seed": 53, "per_page": 5, "max_pages": 4, "gone_rate": 0.05}
    capped = {"LISTING_PAGE_CAP": "4"}  # the crawler knows the site's cap
    with Replica(**small) as replica:
        base_url = replica.base_url
        first = run_crawl(base_url, sqlite_url, settings=capped, timeout=240)
        assert first.returncode == 0, first.log[-3000:]
        assert set(stored_rows(sqlite_url)) == replica.site.reachable()
        fates = replica.stats()["faults"]["fates"]
        gone = sorted(n for n, fate in fates.items() if fate["kind"] == "gone")
        listed = sorted(replica.site.reachable() - set(gone))
        closed, vanished = listed[:2], listed[2:5]
        replica.site.reschedule(closed, date.today() - timedelta(days=1))
        replica.site.withdraw(vanished)
        quick = run_crawl(base_url, sqlite_url, settings=capped, timeout=240)
        before = stored_rows(sqlite_url)
        full = run_crawl(base_url, sqlite_url, settings=capped, spider_args={"backfill": "1"}, timeout=240)
        after = stored_rows(sqlite_url)
    assert gone and (quick.returncode, full.returncode) == (0, 0), full.log[-3000:]
    assert {before[n]["lifecycle"] for n in gone} == {"withdrawn"}
    assert {before[n]["lifecycle"] for n in closed} == {"closed"}
    assert {before[n]["lifecycle"] for n in vanished} == {"open"}  # not before a full backfill
    assert {after[n]["lifecycle"] for n in vanished} == {"withdrawn"}
    assert after[vanished[0]]["lifecycle_changed_at"] is not None
    others = set(after) - set(gone) - set(closed) - set(vanished)
    assert {after[n]["lifecycle"] for n in others} == {"open"}
    assert full.stats["unjobs/backfill/withdrawn"] == len(vanished)


@pytest.mark.crawl
def test_feeds_hold_postings_and_export_writes_every_stored_posting_once(sqlite_url, tmp_path):
    feed = tmp_path / "jobs.csv"
    with Replica(postings=40, seed=57) as replica:
        command = [*crawl_command(replica.base_url, tmp_path / "stats.json"), "-O", str(feed)]
        result = subprocess.run(
            command, cwd=PROJECT_ROOT, env=crawl_environment(sqlite_url), capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 0, result.stderr[-3000:]
    with feed.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(FEED_FIELDS)
    assert len(rows) == 40 and all(row["post_name"] for row in rows)
    exported = run_scrapy(sqlite_url, "export", "--format", "jsonl")
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert exported.returncode == 0, exported.stderr
    assert sorted(line["post_number"] for line in lines) == sorted(stored_rows(sqlite_url))
    assert list(lines[0]) == list(EXPORT_COLUMNS)
    path = tmp_path / "open.csv"
    written = run_scrapy(sqlite_url, "export", "--lifecycle", "open", "-o", str(path))
    assert written.stderr.strip() == f"40 postings written to {path}"
    with path.open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 40


def test_the_dashboard_lists_open_postings_unless_asked_for_others():
    assert Filters.from_query({}).where(None) == (["lifecycle = %(lifecycle)s"], {"lifecycle": "open"})
    assert Filters.from_query({"lifecycle": ["withdrawn"]}).where(None)[1] == {"lifecycle": "withdrawn"}
    assert Filters.from_query({"lifecycle": ["any"]}).where(None) == ([], {})
    assert Filters.from_query({"status": ["skipped"]}).where(None) == (["status = %(status)s"], {"status": "skipped"})
