"""The query API, its feeds and its security, over a crawled replica, on both backends.

The truth is the replica's, not ours: each posting's organization, duty station, closing date and
update time as the site serves them, and its profile (grade, contract, languages, years,
education, home-based) as ``tests/replica/profiles.py`` writes it. Each filter is evaluated here
over that truth, independently of the SQL, and the API must answer exactly that set of post
numbers, walked page by page through its cursors.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import feedparser
import psycopg
import pytest

from tests.crawling import run_crawl
from tests.databases import POSTGRES_URL, posting_status, stored_rows, temporary_postgres_schema
from tests.replica import Replica
from unjobs_scraper.config import ConfigError, parse_database_url
from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.jobads.requirements import EDUCATION_LEVELS
from unjobs_scraper.storage import open_storage
from unjobs_scraper.web.app import SWAGGER_UI
from unjobs_scraper.web.server import WebServer

POSTINGS, SEED = 160, 91
PAGE = 7
"""A small page, so every answer is walked through several cursors."""
TOKEN = "api-token-for-tests-0123456789"


@dataclass(frozen=True)
class Truth:
    """One posting as the replica serves and describes it."""

    post_number: str
    organization: str
    city: str
    closing_date: date
    updated: datetime
    lifecycle: str
    title: str
    profile: dict

    def matches(self, params: dict[str, list[str]]) -> bool:
        """The filters' documented meaning (docs/api.md), over the truth."""
        one = {name: values[-1] for name, values in params.items()}
        p = self.profile
        lifecycle = one.get("lifecycle", "open")
        languages = p["languages"] or {}
        checks = [
            lifecycle == "any" or self.lifecycle == lifecycle,
            "organization" not in one or self.organization == one["organization"],
            "country" not in one or p["country_code"] == one["country"].upper(),
            "city" not in one or self.city.lower() == one["city"].lower(),
            "grade" not in params or p["grade"] in params["grade"],
            "grade_category" not in params or p["grade_category"] in params["grade_category"],
            "contract_type" not in one or p["contract_type"] == one["contract_type"],
            "home_based" not in one or p["home_based"] == (one["home_based"] == "true"),
            "language" not in one or (
                languages.get(one["language"]) == "required" if one.get("language_requirement", "required") == "required"
                else one["language"] in languages
            ),
            "max_years" not in one or p["min_years_experience"] is None or p["min_years_experience"] <= int(one["max_years"]),
            "education" not in one or p["education_level"] is None
            or EDUCATION_LEVELS.index(p["education_level"]) <= EDUCATION_LEVELS.index(one["education"]),
            "deadline_after" not in one or self.closing_date >= date.fromisoformat(one["deadline_after"]),
            "deadline_before" not in one or self.closing_date <= date.fromisoformat(one["deadline_before"]),
            "updated_since" not in one or self.updated >= datetime.fromisoformat(one["updated_since"]),
        ]
        return all(checks)


@dataclass
class Searched:
    url: str
    server: WebServer
    truths: dict[str, Truth]
    replica: Replica


def truths_of(replica: Replica) -> dict[str, Truth]:
    with urllib.request.urlopen(f"{replica.base_url}__replica__/profiles", timeout=30) as answer:
        profiles = json.loads(answer.read())
    today = datetime.now(UTC).date()
    truths = {}
    for number, profile in profiles.items():
        spec = replica.site.posting(number)
        truths[number] = Truth(
            number, spec.organization, spec.city, spec.closing_date, spec.listing_updated_at,
            "closed" if spec.closing_date < today else "open", spec.title, profile,
        )
    return truths


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def searched(request, tmp_path_factory):
    """A crawled replica, half its postings closing over the next two months and a quarter closed
    already, and the web process over it."""
    with ExitStack() as stack:
        if request.param == "postgresql":
            url = stack.enter_context(temporary_postgres_schema())
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'unjobs.sqlite3'}"
        replica = stack.enter_context(Replica(postings=POSTINGS, seed=SEED))
        today = datetime.now(UTC).date()
        numbers = replica.site.post_numbers()
        for offset, number in enumerate(numbers[::2]):
            replica.site.reschedule([number], today + timedelta(days=1 + offset % 60))
        for offset, number in enumerate(numbers[1::4]):
            replica.site.reschedule([number], today - timedelta(days=1 + offset % 10))
        result = run_crawl(replica.base_url, url, timeout=300)
        assert result.returncode == 0, result.log[-3000:]
        database = Database(parse_database_url(url))
        stack.callback(database.close)
        server = WebServer(database, "127.0.0.1", 0).start()
        stack.callback(server.stop)
        yield Searched(url, server, truths_of(replica), replica)


def get(server: WebServer, path: str, token: str | None = None) -> tuple[int, dict, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(server.url + path.lstrip("/"), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def api(server: WebServer, path: str, token: str | None = None):
    status, _, body = get(server, path, token)
    return status, json.loads(body)


def walk(server: WebServer, query: str, limit: int = PAGE) -> list[dict]:
    """Every item of a search, page after page; no page may repeat an item."""
    items, cursor = [], None
    for _ in range(1000):
        path = f"api/v1/postings?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        status, page = api(server, path)
        assert status == 200, (path, page)
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            numbers = [item["post_number"] for item in items]
            assert len(numbers) == len(set(numbers)), "a posting came twice"
            return items
    raise AssertionError("more than 1,000 pages")


def cases(truths: dict[str, Truth]) -> list[str]:
    """Every filter, alone and combined, with values the replica has."""
    rows = list(truths.values())

    def common(values):
        return Counter(value for value in values if value is not None).most_common()

    organization = common(t.organization for t in rows)[0][0]
    country = common(t.profile["country_code"] for t in rows)[0][0]
    city = common(t.city for t in rows)[0][0]
    (grade_a, _), (grade_b, _) = common(t.profile["grade"] for t in rows)[:2]
    contract = common(t.profile["contract_type"] for t in rows)[0][0]
    deadlines = sorted({t.closing_date for t in rows})
    middle, late = deadlines[len(deadlines) // 2], deadlines[3 * len(deadlines) // 4]
    updates = sorted(t.updated for t in rows)
    since = updates[len(updates) // 3].isoformat()
    return [
        "", "lifecycle=any", "lifecycle=closed", "lifecycle=withdrawn",
        urlencode({"organization": organization, "lifecycle": "any"}),
        f"country={country.lower()}&lifecycle=any",
        urlencode({"city": city.upper(), "lifecycle": "any"}),
        urlencode([("grade", grade_a), ("grade", grade_b), ("lifecycle", "any")]),
        "grade_category=professional&grade_category=general-service",
        f"contract_type={contract}&lifecycle=any",
        "home_based=true&lifecycle=any", "home_based=false",
        "language=fr&lifecycle=any", "language=fr&language_requirement=any&lifecycle=any", "language=es",
        "language=en&language_requirement=any",
        "max_years=2&lifecycle=any", "max_years=0&lifecycle=any", "max_years=7",
        "education=bachelor&lifecycle=any", "education=master", "education=secondary&lifecycle=any",
        f"deadline_after={middle}", f"deadline_before={middle}&lifecycle=any",
        f"deadline_after={middle}&deadline_before={late}",
        urlencode({"updated_since": since, "lifecycle": "any"}),
        # what a person looking for work combines
        "grade_category=professional&language=en&max_years=5&lifecycle=any",
        f"country={country}&home_based=false&education=master&lifecycle=any",
        "grade=P-3&grade=P-4&language=fr&language_requirement=any&lifecycle=any",
        urlencode([("organization", organization), ("max_years", "5"), ("deadline_after", str(middle))]),
    ]


def expected(truths: dict[str, Truth], query: str) -> set[str]:
    params: dict[str, list[str]] = {}
    for name, value in parse_qsl(query):
        params.setdefault(name, []).append(value)
    return {number for number, truth in truths.items() if truth.matches(params)}


@pytest.mark.crawl
def test_every_filter_and_combination_returns_exactly_what_the_replica_says(searched):
    wrong = {}
    sizes = {}
    for query in cases(searched.truths):
        got = {item["post_number"] for item in walk(searched.server, query)}
        want = expected(searched.truths, query)
        sizes[query] = len(want)
        if got != want:
            wrong[query] = {"missing": sorted(want - got)[:5], "extra": sorted(got - want)[:5]}
    assert wrong == {}
    assert sizes["lifecycle=any"] == POSTINGS
    nonempty = [query for query, size in sizes.items() if 0 < size < POSTINGS]
    assert len(nonempty) >= len(sizes) - 3, sizes  # the cases narrow, and most find something


@pytest.mark.crawl
def test_items_carry_the_stored_fields_the_job_ad_and_the_source_url(searched):
    items = walk(searched.server, "lifecycle=any&sort=-updated", limit=200)
    assert [item["post_number"] for item in items] == [
        t.post_number for t in sorted(searched.truths.values(), key=lambda t: (t.updated, t.post_number), reverse=True)
    ]
    item = items[0]
    truth = searched.truths[item["post_number"]]
    assert item["source_url"] == f"{searched.replica.base_url}vacancies/{item['post_number']}"
    assert (item["organization_name"], item["location_city"], item["closing_date"]) == (
        truth.organization, truth.city, truth.closing_date.isoformat()
    )
    assert item["job_ad"]["grade"] == truth.profile["grade"]
    assert item["job_ad"]["languages"] == truth.profile["languages"]
    assert "post_content_html" not in item and "grade_source" not in item["job_ad"]
    by_deadline = walk(searched.server, "lifecycle=any")
    assert [i["closing_date"] for i in by_deadline] == sorted(i["closing_date"] for i in by_deadline)


@pytest.mark.crawl
def test_one_posting_with_its_markdown_description_and_the_sources_of_its_job_ad(searched):
    number = next(iter(searched.truths))
    status, posting = api(searched.server, f"api/v1/postings/{number}")
    assert status == 200
    assert posting["post_number"] == number and posting["post_content"].strip()
    assert posting["description_html"].startswith("<") and "<script" not in posting["description_html"]
    assert posting["job_ad"]["grade_source"] is not None or posting["job_ad"]["grade"] is None
    assert api(searched.server, "api/v1/postings/1")[0] == 404


@pytest.mark.crawl
def test_facets_count_what_the_replica_says_for_the_same_filters(searched):
    for query in ("lifecycle=any", "grade_category=professional&lifecycle=any", "language=fr&language_requirement=any"):
        status, facets = api(searched.server, f"api/v1/facets?{query}")
        assert status == 200, facets
        matching = [searched.truths[n] for n in expected(searched.truths, query)]
        assert facets["total"] == len(matching)
        for facet, value_of in (
            ("grade_category", lambda t: t.profile["grade_category"]), ("grade", lambda t: t.profile["grade"]),
            ("country", lambda t: t.profile["country_code"]), ("organization", lambda t: t.organization),
            ("contract_type", lambda t: t.profile["contract_type"]),
        ):
            counted = Counter(value_of(t) for t in matching if value_of(t) is not None)
            assert {f["value"]: f["count"] for f in facets[facet]} == dict(counted), (query, facet)
        required = Counter(code for t in matching for code, need in (t.profile["languages"] or {}).items() if need == "required")
        assert {f["value"]: f["count"] for f in facets["language"]} == dict(required), query


def folded(text: str | None) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", (text or "").lower()) if not unicodedata.combining(c))


@pytest.mark.crawl
def test_full_text_folds_accents_finds_french_and_spanish_words_phrases_and_post_numbers(searched):
    rows = stored_rows(searched.url)

    def text_of(row) -> str:
        return folded(" ".join(filter(None, (row["post_name"], row["organization_name"], row["location_city"],
                                             row["location_country"], row["post_content"]))))

    def search(q: str) -> set[str]:
        return {item["post_number"] for item in walk(searched.server, urlencode({"q": q, "lifecycle": "any"}), limit=50)}

    def has_word(row, word: str) -> bool:
        return re.search(rf"(?<![^\W_]){re.escape(folded(word))}(?![^\W_])", text_of(row)) is not None

    # Accents or none, either way round; French and Spanish words; any case.
    for q, word in (("experience", "expérience"), ("Télétravail", "teletravail"), ("diplome", "diplôme"),
                    ("EDUCACION", "educación"), ("maestría", "maestria"), ("limite", "límite"), ("genève", "geneve")):
        found = search(q)
        having = {n for n, row in rows.items() if has_word(row, word)}
        assert having, f"the replica's ads use {word!r}"
        assert found == having, q
    phrase_rows = {n for n, row in rows.items() if "relevant experience" in re.sub(r"\W+", " ", text_of(row))}
    phrase = search('"relevant experience"')
    assert phrase and phrase <= {n for n, row in rows.items() if has_word(row, "relevant") and has_word(row, "experience")}
    assert phrase_rows <= phrase
    number = sorted(rows)[3]
    assert search(number) == {number}
    # Words, never SQL (the replica's own titles carry this one, as a test of the store)
    dropped = search("'; DROP TABLE raw_job_data; --")
    assert dropped == {n for n, row in rows.items() if has_word(row, "drop") and has_word(row, "table")
                       and "raw_job_data" in text_of(row)}
    assert len(stored_rows(searched.url)) == POSTINGS


@pytest.mark.crawl
def test_relevance_puts_title_matches_first_and_pages_by_rank(searched):
    word = folded(searched.truths[next(iter(searched.truths))].title.split()[0])
    items = walk(searched.server, urlencode({"q": word, "sort": "relevance", "lifecycle": "any"}), limit=3)
    in_title = [word in folded(item["post_name"]) for item in items]
    assert in_title and in_title == sorted(in_title, reverse=True), "every title match ranks above the others"


@pytest.mark.crawl
def test_the_atom_feed_parses_and_holds_the_searchs_newest_postings(searched):
    status, headers, body = get(searched.server, "feeds/postings.atom?grade_category=professional&lifecycle=any")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    want = sorted((t for n, t in searched.truths.items() if n in expected(searched.truths, "grade_category=professional&lifecycle=any")),
                  key=lambda t: (t.updated, t.post_number), reverse=True)[:50]
    assert [e.id for e in feed.entries] == [f"tag:unjobs.org,2025:vacancies/{t.post_number}" for t in want]
    assert [datetime.fromisoformat(e.updated) for e in feed.entries] == [t.updated for t in want]
    assert all(e.link.endswith(f"/vacancies/{t.post_number}") for e, t in zip(feed.entries, want, strict=True))
    again = feedparser.parse(get(searched.server, "feeds/postings.atom?grade_category=professional&lifecycle=any")[2])
    assert [e.id for e in again.entries] == [e.id for e in feed.entries], "ids are stable"


@pytest.mark.crawl
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("max_years=three", "max_years"), ("max_years=-1", "max_years"), ("country=KENYA", "country"),
        ("grade_category=executive", "grade_category"), ("language=xx", "language"), ("home_based=maybe", "home_based"),
        ("education=phd", "education"), ("deadline_after=31/12/2026", "deadline_after"), ("updated_since=yesterday", "updated_since"),
        ("lifecycle=archived", "lifecycle"), ("sort=relevance", "sort"), ("sort=title", "sort"), ("limit=201", "limit"),
        ("limit=0", "limit"), ("cursor=not-a-cursor", "cursor"), ("contry=KEN", "contry"),
        ("language_requirement=sometimes", "language_requirement"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(searched, query, parameter):
    status, answer = api(searched.server, f"api/v1/postings?{query}")
    assert (status, answer["parameter"]) == (422, parameter), answer
    assert answer["error"].startswith(f"{parameter}: ")


@pytest.mark.crawl
def test_a_cursor_of_another_sort_and_facets_bad_parameters_are_422(searched):
    _, first = api(searched.server, "api/v1/postings?lifecycle=any&limit=2")
    status, answer = api(searched.server, f"api/v1/postings?lifecycle=any&sort=-updated&cursor={first['next_cursor']}")
    assert (status, answer["parameter"]) == (422, "cursor")
    assert api(searched.server, "api/v1/facets?max_years=x")[1]["parameter"] == "max_years"
    assert get(searched.server, "feeds/postings.atom?language=xx")[0] == 422


@pytest.mark.crawl
def test_sql_looking_input_is_inert(searched):
    for query in (
        urlencode({"organization": "x' OR '1'='1", "lifecycle": "any"}),
        urlencode({"city": "Nairobi'; DELETE FROM raw_job_data; --", "lifecycle": "any"}),
        urlencode({"q": 'officer" OR 1=1) --', "lifecycle": "any"}),
        urlencode({"grade": "P-3' OR 'a'='a", "lifecycle": "any"}),
    ):
        status, answer = api(searched.server, f"api/v1/postings?{query}")
        assert status == 200 and answer["items"] == [], query
    assert len(stored_rows(searched.url)) == POSTINGS


@pytest.mark.crawl
def test_openapi_and_its_docs_page(searched):
    status, spec = api(searched.server, "api/v1/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    names = {p["name"] for p in spec["paths"]["/api/v1/postings"]["get"]["parameters"]}
    assert {"q", "grade", "language", "max_years", "education", "cursor", "sort", "limit"} <= names
    status, headers, body = get(searched.server, "api/v1/docs")
    assert status == 200 and b"/api/v1/openapi.json" in body
    policy = headers["content-security-policy"]
    assert f"script-src {SWAGGER_UI}swagger-ui-bundle.js 'sha256-" in policy  # one pinned file, one inline script
    assert "https://cdn.jsdelivr.net " not in policy and "https://cdn.jsdelivr.net;" not in policy, "not the whole CDN"


@pytest.mark.crawl
def test_with_a_token_the_api_and_feeds_answer_401_without_it(searched):
    database = Database(parse_database_url(searched.url))
    server = WebServer(database, "127.0.0.1", 0, api_token=TOKEN).start()
    try:
        assert get(server, "api/v1/postings")[0] == 401
        status, headers, _ = get(server, "api/v1/postings", token="wrong-token-0123456789")
        assert status == 401 and headers["www-authenticate"] == "Bearer"
        assert get(server, "api/v1/postings?lifecycle=any", token=TOKEN)[0] == 200
        assert get(server, "api/v1/facets", token=TOKEN)[0] == 200
        assert get(server, "feeds/postings.atom")[0] == 401
        status, _, feed = get(server, f"feeds/postings.atom?token={TOKEN}&lifecycle=any")
        assert status == 200 and TOKEN.encode() not in feed, "the token is never published in the feed"
        assert get(server, "api/v1/postings?token=" + TOKEN)[0] == 401, "the API takes the token as a header only"
        assert get(server, "")[0] == 200, "the dashboard's pages are not the API's"
    finally:
        server.stop()
        database.close()


def test_off_loopback_every_page_asks_for_the_token_and_errors_carry_the_headers(tmp_path):
    """Listening beyond loopback, the dashboard's pages show what the API shows: behind API_TOKEN too
    (HTTP Basic's password, for a browser). A failure is a page or JSON with every header."""
    broken = Database(parse_database_url("postgresql://postgres@127.0.0.1:9/nowhere"), timeout=30)
    server = WebServer(broken, "0.0.0.0", 0, api_token=TOKEN).start()
    local = server.url.replace("0.0.0.0", "127.0.0.1")
    try:
        def ask(path: str, authorization: str | None = None):
            request = urllib.request.Request(local + path, headers={"Authorization": authorization} if authorization else {})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return answer.status, answer.headers  # names in any case
            except urllib.error.HTTPError as error:
                with error:
                    return error.code, error.headers

        status, headers = ask("")
        assert status == 401 and headers["WWW-Authenticate"].startswith('Basic realm="unjobs-scraper"')
        assert ask("postings")[0] == 401 and ask("api/v1/postings")[0] == 401
        basic = "Basic " + base64.b64encode(f"anyone:{TOKEN}".encode()).decode()
        wrong = "Basic " + base64.b64encode(b"anyone:not-the-token-at-all").decode()
        assert ask("", wrong)[0] == 401
        for path, authorization in (("", basic), ("api/v1/postings", f"Bearer {TOKEN}")):
            status, headers = ask(path, authorization)  # through the token; the database is away: a 500
            assert status == 500, path
            assert headers["Content-Security-Policy"].startswith("default-src 'none'") and headers["Cache-Control"] == "no-store"
        assert ask("api/v1/openapi.json")[0] == 200 and ask("static/dashboard.css")[0] == 200
    finally:
        server.stop()
        broken.close()


@pytest.mark.crawl
def test_the_web_process_keeps_the_dashboards_rules(searched):
    status, headers, _ = get(searched.server, "api/v1/postings")
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert (headers["cache-control"], headers["x-content-type-options"], headers["referrer-policy"]) == (
        "no-store", "nosniff", "no-referrer"
    )
    request = urllib.request.Request(f"{searched.server.url}api/v1/postings", headers={"Host": "attacker.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    refused.value.close()
    assert refused.value.code == 403


def test_the_api_serves_through_a_role_that_may_only_read():
    """What the API service of docker-compose.yml does: the dashboard, API and feeds on a role with
    SELECT only (deploy/postgres/reader.sh), started with --read-only: no migration, no requeue."""
    with temporary_postgres_schema() as url:
        storage = open_storage(parse_database_url(url))
        try:
            for number in ("1758000000001", "1758000000002"):
                posting_status(storage).succeed({"post_number": number, "source_url": f"https://unjobs.org/vacancies/{number}",
                                                 "post_name": "Officer", "post_content": "Text."})
        finally:
            storage.close()
        schema = parse_qs(urlsplit(url).query)["options"][0].removeprefix("-csearch_path=")
        reader = f"reader_{schema}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'CREATE ROLE "{reader}" LOGIN')
            admin.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{reader}"')
            admin.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{reader}"')
        reader_url = url.replace("postgres@", f"{reader}@")
        try:
            with pytest.raises(ConfigError, match=r"^DATABASE_URL: cannot migrate "):
                open_storage(parse_database_url(reader_url))  # a role that may only read cannot migrate
            database = Database(parse_database_url(reader_url), migrate=False)
            server = WebServer(database, "127.0.0.1", 0, read_only=True).start()
            try:
                status, page = api(server, "api/v1/postings")
                assert status == 200 and len(page["items"]) == 2
                assert get(server, "feeds/postings.atom")[0] == 200 and get(server, "")[0] == 200
                form = urlencode({"token": server.token}).encode()
                request = urllib.request.Request(f"{server.url}requeue", data=form, method="POST")
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(request, timeout=10)
                refused.value.close()
                assert refused.value.code == 403
            finally:
                server.stop()
                database.close()
        finally:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                admin.execute(f'DROP OWNED BY "{reader}"')
                admin.execute(f'DROP ROLE "{reader}"')


def test_a_read_only_start_on_a_schema_not_yet_migrated_fails_in_one_line(tmp_path):
    with pytest.raises(ConfigError, match=r"^DATABASE_URL: .* has schema version 0, this code needs \d+: run any command"):
        open_storage(parse_database_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}"), migrate=False)
