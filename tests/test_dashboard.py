"""The dashboard: its queries on both backends, then the pages in headless Chromium over a crawl."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import sync_playwright

from tests.crawling import PROJECT_ROOT, crawl_environment, run_crawl, run_scrapy
from tests.databases import posting_status, stored_rows, temporary_postgres_schema
from tests.replica import Replica
from unjobs_scraper.cloudflare.launch import find_chromium
from unjobs_scraper.commands.crawl import MONITORS_FAILED_EXIT_CODE
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.dashboard.chart import first_hour, hourly_chart
from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.dashboard.views import Limits
from unjobs_scraper.storage import open_storage
from unjobs_scraper.storage.dashboard_queries import (
    Filters,
    facet_values,
    matching_count,
    postings_page,
    processed_per_hour,
)
from unjobs_scraper.web.dashboard import local_redirect
from unjobs_scraper.web.server import WebServer

README_SCREENSHOT = "DASHBOARD_SCREENSHOT"
"""Where ``make screenshot`` has the chart test save the picture in docs/operations.md; tests write nothing tracked."""
PAGE_SIZE = 20
TIMEOUT_MS = 10_000
SCRIPT_POSTING = {
    "post_number": "1999999999999",
    "source_url": "https://unjobs.org/vacancies/1999999999999",
    "post_name": "<script>alert('title')</script> Officer",
    "organization_name": "<b>UNXSS</b>",
    "apply_url": "javascript:alert('apply')",
    "post_content": 'Use <script>alert("dashboard-xss")</script> tags carefully.\n\n<img src=x onerror="alert(1)">',
    "post_content_html": "<p>Use tags carefully.</p><script>window.xss = 1; alert('raw')</script>",
}


# -- queries, on both backends ---------------------------------------------------------------


def add_postings(store, n: int) -> list[str]:
    numbers = [f"17580{i:08d}" for i in range(n)]
    for i, number in enumerate(numbers):
        posting_status(store).succeed({
            "post_number": number, "source_url": f"https://unjobs.org/vacancies/{number}",
            "post_name": f"Officer {i} {'100%_remote' if i == 3 else ''}".strip(),
            "organization_name": ("UNICEF", "UNDP", "WFP")[i % 3], "location_country": ("Kenya", "Chile")[i % 2],
            "location_city": "Nairobi" if i % 2 == 0 else "Santiago",
        })
    return numbers


def test_keyset_pages_cover_every_posting_once_both_ways(store):
    numbers = sorted(add_postings(store, 25), reverse=True)
    seen, after, pages = [], "", []
    while True:
        page = postings_page(store, Filters(), 7, after=after)
        pages.append(page)
        seen += [row["post_number"] for row in page.rows]
        if not page.older:
            break
        after = page.older
    assert seen == numbers and len(pages) == 4
    back = postings_page(store, Filters(), 7, before=pages[2].newer)
    assert back.rows == pages[1].rows and back.newer == pages[1].newer and back.older == pages[1].older


def test_filters_search_and_capped_counts(store):
    add_postings(store, 12)
    posting_status(store).end("1758000000005", "https://unjobs.org/vacancies/1758000000005", "failed", "boom")
    by = lambda **f: {row["post_number"] for row in postings_page(store, Filters(**f), 50).rows}  # noqa: E731
    assert len(by(organization="UNDP")) == 4 and len(by(organization="UNDP", country="Kenya")) == 2
    assert by(status="failed") == {"1758000000005"}
    assert len(by(q="nAiRoBi")) == 6  # the query API's full text: any case, the duty station too
    assert by(q="1758000000007") == {"1758000000007"}
    assert by(q="remote") == {"1758000000003"}
    assert by(q="%_") == set(), "no word, no match: LIKE wildcards and quotes are inert"
    assert matching_count(store, Filters(country="Chile"), cap=100) == 6
    assert matching_count(store, Filters(), cap=5) == 6, "a capped count stops at cap + 1"
    assert facet_values(store, "organization") == ["UNDP", "UNICEF", "WFP"]
    assert facet_values(store, "country") == ["Chile", "Kenya"]


def test_filters_on_the_structured_job_ad(store):
    numbers = add_postings(store, 6)
    store.job_ads.save([
        {"post_number": number, "grade": grade, "grade_category": category, "languages": languages, "home_based": home}
        for number, grade, category, languages, home in zip(numbers, (
            "P-3", "P-4", "G-5", "NO-B", "consultant", None), (
            "professional", "professional", "general-service", "national-officer", "consultancy", None), (
            '{"en": "required"}', '{"en": "required", "fr": "desirable"}', '{"fr": "required"}', None,
            '{"es": "required"}', None), (True, False, None, None, True, None), strict=True)
    ])
    by = lambda **f: {row["post_number"] for row in postings_page(store, Filters(**f), 50).rows}  # noqa: E731
    assert by(grade_category="professional") == set(numbers[:2])
    assert by(grade="NO-B") == {numbers[3]}
    assert by(language="fr") == {numbers[2]}, "desirable is not required"
    assert by(language="en") == set(numbers[:2])
    assert by(home_based="yes") == {numbers[0], numbers[4]} and by(home_based="no") == {numbers[1]}
    assert by(home_based="yes", grade_category="consultancy", organization="UNDP") == {numbers[4]}
    assert matching_count(store, Filters(grade_category="professional"), cap=100) == 2
    assert facet_values(store, "grade") == ["G-5", "NO-B", "P-3", "P-4", "consultant"]
    assert len(by()) == 6, "without a job-ad filter, postings without a job ad are listed too"


def test_postings_per_hour_are_utc_hours(store):
    numbers = add_postings(store, 4)
    hours = [datetime(2026, 3, 1, 9, 5, tzinfo=UTC), datetime(2026, 3, 1, 9, 55, tzinfo=UTC),
             datetime(2026, 3, 1, 11, 0, tzinfo=timezone(timedelta(hours=2))), datetime(2026, 2, 1, tzinfo=UTC)]
    for number, crawled_at in zip(numbers, hours, strict=False):
        store.dialect.execute(
            "UPDATE raw_job_data SET crawled_at = %(at)s WHERE post_number = %(n)s", {"at": crawled_at, "n": number}
        )
    since = datetime(2026, 2, 28, tzinfo=UTC)
    counts = processed_per_hour(store, since)
    assert counts == {"2026-03-01T09": 3}
    chart = hourly_chart(counts, first_hour(datetime(2026, 3, 1, 23, tzinfo=UTC), 2), 2)
    assert (chart.total, chart.peak, len(chart.bars), len(chart.days)) == (3, 3, 1, 2)


def test_redirects_stay_on_the_dashboard():
    assert local_redirect("/postings?status=failed&requeued=9", requeued=1) == "/postings?status=failed&requeued=1"
    assert local_redirect("https://evil.example/", requeued=1) == "/?requeued=1"
    assert local_redirect("//evil.example/x", requeued=1) == "/?requeued=1"


# -- the pages in a browser, over a crawled PostgreSQL database --------------------------------


@pytest.fixture(scope="module")
def crawled():
    """A crawl of a replica with failures; then processed postings spread over four days (so the
    chart has a shape) and one posting whose fields carry markup."""
    with temporary_postgres_schema() as url:
        with Replica(postings=60, seed=21, fault_rate=0.3, gone_rate=0.1, stall_seconds=0.5) as replica:
            result = run_crawl(replica.base_url, url, settings={"RETRY_TIMES": "0", "DOWNLOAD_TIMEOUT": "1"})
        assert result.returncode == MONITORS_FAILED_EXIT_CODE, result.log[-3000:]  # a third of it failed, on purpose
        store = open_storage(parse_database_url(url))
        try:
            posting_status(store).succeed(SCRIPT_POSTING)
            store.dialect.execute(
                """
                UPDATE raw_job_data SET crawled_at = now() - make_interval(mins => 4 * (spread.n * spread.n)::int)
                FROM (SELECT post_number, row_number() OVER (ORDER BY post_number) AS n FROM raw_job_data
                      WHERE status = 'processed') AS spread
                WHERE raw_job_data.post_number = spread.post_number
                """
            )
        finally:
            store.close()
        yield url


@pytest.fixture(scope="module")
def dashboard(crawled):
    database = Database(parse_database_url(crawled))
    server = WebServer(database, "127.0.0.1", 0, limits=Limits(page_size=PAGE_SIZE)).start()
    yield server
    server.stop()
    database.close()


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium(None)
    assert chromium is not None, "no Chromium: run `apt-get install chromium` or `make browser`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium.launch_options(), timeout=30_000)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.close()


def follow(page, locator) -> None:
    """Click a link or submit button and wait for the new page: reading before it lands is racy."""
    before = page.url
    locator.click()
    page.wait_for_url(lambda url: url != before, timeout=10_000)


def folded(text: str | None) -> str:
    """Lower case without accents, as the full-text search compares words."""
    return "".join(c for c in unicodedata.normalize("NFKD", (text or "").lower()) if not unicodedata.combining(c))


def words(text: str | None) -> set[str]:
    return set(re.findall(r"[^\W_]+", folded(text)))


def table_numbers(page) -> list[str]:
    """Every post number of the table, following its "older" links to the last page."""
    numbers = []
    while True:
        numbers += page.locator("#postings tbody tr").evaluate_all("rows => rows.map(r => r.dataset.postNumber)")
        older = page.locator("#pager a[rel=next]")
        if not older.count():
            return numbers
        follow(page, older)


def matching(page) -> int:
    return int(re.match(r"(\d+) postings match", page.locator("#matching").inner_text()).group(1))


@pytest.mark.crawl
def test_counts_match_the_table(page, dashboard, crawled):
    page.goto(dashboard.url)
    shown = {status: int(page.locator(f"[data-status={status}]").inner_text())
             for status in ("all", "pending", "processing", "processed", "failed", "skipped")}
    rows = stored_rows(crawled)
    assert shown["all"] == len(rows) > PAGE_SIZE
    for status in ("processed", "failed", "skipped"):
        assert shown[status] == sum(row["status"] == status for row in rows.values()) > 0, status
        page.goto(dashboard.url)
        follow(page, page.locator(f"a.count.status-{status}"))
        assert matching(page) == shown[status]
        numbers = table_numbers(page)
        assert len(numbers) == len(set(numbers)) == shown[status]
    page.goto(dashboard.url)
    follow(page, page.locator("a.count.total"))
    assert sorted(table_numbers(page), reverse=True) == sorted(rows, reverse=True)


@pytest.mark.crawl
def test_filters_and_search_return_the_right_rows(page, dashboard, crawled):
    """The form's lifecycle is ``open`` unless chosen: withdrawn (410) postings are left out."""
    every_row = stored_rows(crawled).values()
    rows = [row for row in every_row if row["lifecycle"] == "open"]
    assert 0 < len(rows) < len(every_row)
    organization = max({row["organization_name"] for row in rows}, key=lambda o: sum(r["organization_name"] == o for r in rows))
    country = sorted({row["location_country"] for row in rows if row["location_country"]})[0]
    page.goto(f"{dashboard.url}postings")
    page.select_option("select[name=organization]", organization)
    follow(page, page.locator("#filters button"))
    assert set(table_numbers(page)) == {r["post_number"] for r in rows if r["organization_name"] == organization}

    page.goto(f"{dashboard.url}postings")
    page.select_option("select[name=status]", "processed")
    page.select_option("select[name=country]", country)
    follow(page, page.locator("#filters button"))
    expected = {r["post_number"] for r in rows if r["location_country"] == country and r["status"] == "processed"}
    assert set(table_numbers(page)) == expected and expected

    searched = (
        "post_number", "post_name", "organization_name", "location_city", "location_country", "post_content",
        "listing_title",  # a posting not read yet is found by its listing's title
    )
    for term in ("officer", "OFFICER", "genève", "_", SCRIPT_POSTING["post_number"]):
        page.goto(f"{dashboard.url}postings")
        page.fill("input[name=q]", term)
        follow(page, page.locator("#filters button"))
        found = set(table_numbers(page))
        # Full text, accents folded: every row the title, organization or place names by that word is
        # found, and every row found has it somewhere in what is searched.
        certain = {r["post_number"] for r in rows if words(term) and any(words(term) <= words(r[c]) for c in searched[:5])}
        possible = {r["post_number"] for r in rows if any(folded(term) in folded(r[c]) for c in searched)}
        assert certain <= found <= possible, term
        assert matching(page) == len(found)
        assert (term == "_") == (not found)


@pytest.mark.crawl
def test_a_description_with_script_shows_as_text(page, dashboard):
    page.goto(f"{dashboard.url}postings/{SCRIPT_POSTING['post_number']}")
    assert page.locator("#title").inner_text() == SCRIPT_POSTING["post_name"]
    description = page.locator("#description").inner_text()
    assert '<script>alert("dashboard-xss")</script>' in description
    assert '<img src=x onerror="alert(1)">' in description
    assert "window.xss = 1" in page.locator("#html-source").text_content()
    assert page.locator("script, #description img, #metadata a[href^=javascript]").count() == 0
    assert page.evaluate("window.xss") is None and page.dialogs == []
    assert page.locator("#metadata").get_by_text("<b>UNXSS</b>").count() == 1


@pytest.mark.crawl
def test_a_postings_page_shows_its_job_ad_and_where_each_value_came_from(page, dashboard, crawled):
    store = open_storage(parse_database_url(crawled))
    try:
        processed = next(row for row in store.postings.all() if row["status"] == "processed")
        ad = store.job_ads.get(processed["post_number"])
    finally:
        store.close()
    page.goto(f"{dashboard.url}postings/{processed['post_number']}")
    table = page.locator("#job-ad")
    assert table.locator("tr", has_text="country code").inner_text().split("\t")[1:] == [ad["country_code"], processed["location_country"]]
    assert table.locator("tr", has_text="deadline").count() == 1


@pytest.mark.crawl
def test_requeue_button_moves_a_failed_posting_to_pending(page, dashboard, crawled):
    page.goto(dashboard.url)
    failed_before = int(page.locator("[data-status=failed]").inner_text())
    row = page.locator("#dead-letters tbody tr").first
    number = row.get_attribute("data-post-number")
    assert stored_rows(crawled)[number]["status"] == "failed"
    row.get_by_role("button", name="Requeue").click()
    page.wait_for_url(re.compile(r"requeued=1"))
    assert "Requeued 1 postings" in page.locator("#notice").inner_text()
    stored = stored_rows(crawled)[number]
    assert (stored["status"], stored["processing_attempts"]) == ("pending", 0)
    assert int(page.locator("[data-status=failed]").inner_text()) == failed_before - 1
    assert page.locator(f"#dead-letters tr[data-post-number='{number}']").count() == 0


def post_requeue(server, token: str, host: str | None = None) -> int:
    request = urllib.request.Request(
        f"{server.url}requeue", data=urlencode({"token": token}).encode(), method="POST",
        headers={"Host": host} if host else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.crawl
def test_requeue_needs_the_token_and_a_local_host_name(dashboard, crawled):
    before = stored_rows(crawled)
    assert post_requeue(dashboard, "wrong") == 403
    assert post_requeue(dashboard, dashboard.token, host="attacker.example:80") == 403
    assert stored_rows(crawled) == before


@pytest.mark.crawl
def test_off_loopback_the_token_is_typed_not_served(crawled, browser):
    """Beyond loopback the browser gives API_TOKEN (HTTP Basic), and the form asks for the POST token."""
    database = Database(parse_database_url(crawled))
    server = WebServer(database, "0.0.0.0", 0, api_token="t" * 16).start()
    context = browser.new_context(http_credentials={"username": "operator", "password": "t" * 16})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        local = server.url.replace("0.0.0.0", "127.0.0.1")
        page.goto(local)
        assert server.token not in page.content()
        form = page.locator("#dead-letters form").first
        assert form.locator("input[type=password][name=token]").count() == 1
        number = page.locator("#dead-letters tbody tr").first.get_attribute("data-post-number")
        form.locator("input[name=token]").fill(server.token)
        form.get_by_role("button", name="Requeue").click()
        page.wait_for_url(re.compile(r"requeued=1"))
        assert stored_rows(crawled)[number]["status"] == "pending"
    finally:
        context.close()
        server.stop()
        database.close()


@pytest.mark.crawl
def test_chart_and_screenshot_for_the_readme(page, dashboard, crawled, tmp_path):
    page.goto(dashboard.url)
    processed = sum(row["status"] == "processed" for row in stored_rows(crawled).values())
    bars = page.locator("#chart rect.bar")
    assert bars.count() > 10, "postings spread over four days fill many hours"
    titles = bars.locator("title").all_text_contents()
    assert sum(int(re.search(r": (\d+) processed", t).group(1)) for t in titles) == processed
    screenshot = Path(os.environ.get(README_SCREENSHOT) or tmp_path / "dashboard.png")
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000


# -- the command -----------------------------------------------------------------------------


def test_dashboard_command_serves_until_stopped(sqlite_url, tmp_path):
    out = tmp_path / "dashboard.out"
    with out.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "dashboard", "--port", "0", "--quiet"],
            cwd=PROJECT_ROOT, env=crawl_environment(sqlite_url), stdout=stdout, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"at (http://127\.0\.0\.1:\d+/)", out.read_text())):
            assert time.monotonic() < deadline and process.poll() is None, out.read_text()
            time.sleep(0.1)
        with urllib.request.urlopen(found.group(1), timeout=10) as answer:
            assert answer.status == 200 and b"Overview" in answer.read()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_dashboard_with_a_bad_database_fails_in_one_line():
    result = run_scrapy("postgresql://u:s3cret@127.0.0.1:1/x", "dashboard", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.startswith("unjobs-scraper: DATABASE_URL") and "s3cret" not in result.stderr
