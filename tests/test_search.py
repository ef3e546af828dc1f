"""Searching, in-process: the query's parameters, web-search syntax for FTS5, full text on both
backends over ads written as agencies write them, saved searches' webhooks with a hand-made
sender, and what the project publishes when a description is hostile."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from scrapy.http import HtmlResponse

from tests.databases import memory_storage, posting_status
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.jobads import derive
from unjobs_scraper.jobads.schema_org import job_posting
from unjobs_scraper.markdown import html_to_markdown
from unjobs_scraper.parsing import parse_posting
from unjobs_scraper.publish import description_html, posting_detail
from unjobs_scraper.search.fulltext import fts5_query
from unjobs_scraper.search.notify import Notifier, queue_new_matches, signature
from unjobs_scraper.search.query import (
    PostingFilters,
    PostingQuery,
    SearchError,
    decode_cursor,
    encode_cursor,
    parse,
)
from unjobs_scraper.storage import open_storage, schema
from unjobs_scraper.storage import search as search_storage
from unjobs_scraper.web.feeds import atom

FIXTURES = Path(__file__).parent / "fixtures"

# -- the parameters ------------------------------------------------------------------------------


def test_a_query_string_is_read_once_and_written_back_the_same_way():
    filters = parse(PostingFilters, "grade=P-3&grade=P-4&language=fr&country=ken&home_based=true&max_years=5&q=")
    assert (filters.grade, filters.country, filters.home_based, filters.q) == (["P-3", "P-4"], "KEN", True, None)
    assert filters.query_string() == "country=KEN&grade=P-3&grade=P-4&home_based=true&language=fr&max_years=5"
    assert parse(PostingFilters, filters.query_string()) == filters
    assert parse(PostingFilters, "").query_string() == ""


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("max_years=x", "max_years"), ("country=KENYA", "country"), ("grade_category=boss", "grade_category"),
     ("language=fr&language=es", "language"), ("sort=deadline", "sort"), ("updated_since=soon", "updated_since"),
     ("grade=" + "P" * 21, "grade")],
)
def test_a_saved_search_names_its_bad_parameter(query, parameter):
    with pytest.raises(SearchError) as error:
        parse(PostingFilters, query)  # a saved search is filters only: no sort, no page
    assert error.value.parameter == parameter and str(error.value).startswith(f"{parameter}: ")


def test_relevance_needs_text_and_a_cursor_belongs_to_its_sort():
    with pytest.raises(SearchError, match="^sort: relevance needs q$"):
        parse(PostingQuery, "sort=relevance")
    cursor = encode_cursor("deadline", date(2026, 12, 20), "1758015049233")
    assert decode_cursor(cursor, "deadline") == (date(2026, 12, 20), "1758015049233")
    with pytest.raises(SearchError, match="^cursor: made for sort=deadline, not sort=-updated$"):
        decode_cursor(cursor, "-updated")
    for forged in ("", "!!!", encode_cursor("relevance", "high", "1"), encode_cursor("deadline", "2026-12-20", "1 OR 1")):
        with pytest.raises(SearchError, match="^cursor: "):
            decode_cursor(forged, "relevance" if "high" in str(forged) else "deadline")


@pytest.mark.parametrize(
    ("q", "fts5"),
    [
        ("evaluation officer", '("evaluation" AND "officer")'),
        ('"monitoring and evaluation"', '("monitoring and evaluation")'),
        ("consultant or consultancy", '("consultant") OR ("consultancy")'),
        ("officer -intern", '(("officer") NOT ("intern"))'),
        ('officer -"field office"', '(("officer") NOT ("field office"))'),
        ('P-3 "Genève', '("P 3" AND "Genève")'),  # a phrase left open runs to the end
        ('x" OR 1=1 --', '("x" AND "OR 1 1")'),  # operators inside quotes are words
        ("NEAR(a b) col:word ^start", '("NEAR a" AND "b" AND "col word" AND "start")'),  # FTS5's own syntax is inert
        ("-only -exclusions", None),
        ("%_*", None),
    ],
)
def test_web_search_syntax_becomes_fts5_with_every_word_quoted(q, fts5):
    assert fts5_query(q) == fts5


# -- full text on both backends, over ads as agencies write them ----------------------------------

ADS = {
    "1758000000001": ("Monitoring and Evaluation Officer", "UNICEF - United Nations Children's Fund", "Dakar", "Senegal",
                      "## Minimum requirements\n\nAn advanced university degree in social sciences. Five years of progressively "
                      "responsible experience in monitoring and evaluation.\n\nFluency in French is required."),
    "1758000000002": ("Chargé(e) de suivi-évaluation", "OIM - Organisation internationale pour les migrations", "Abidjan",
                      "Côte d'Ivoire", "**Expérience professionnelle** : au moins deux années d'expérience en évaluation "
                      "de programmes humanitaires. Maîtrise du français exigée."),
    "1758000000003": ("Oficial de Evaluación", "PNUD - Programa de las Naciones Unidas para el Desarrollo", "Bogotá",
                      "Colombia", "Título universitario en economía. Mínimo cinco años de experiencia en evaluación de "
                      "políticas públicas. Idiomas: español requerido; inglés deseable."),
    "1758000000004": ("Data Engineer", "WFP - World Food Programme", "Rome", "Italy",
                      "Build data pipelines for field offices. Experience with PostgreSQL; no evaluation duties."),
    "1758000000005": ("Field Office Assistant (G-5)", "UNHCR - UN Refugee Agency", "Genève", "Switzerland",
                      "Supports the field office. Secondary education. French and English."),
}


@pytest.fixture(params=["named", "checked"])
def ads(store, request, monkeypatch):
    """The ads on either backend, full-text matches found both ways: named by id (few), or checked
    one by one along the page's index (many: here, any)."""
    if request.param == "checked":
        monkeypatch.setattr(search_storage, "FEW_MATCHES", 0)
    status = posting_status(store)
    for number, (title, organization, city, country, text) in ADS.items():
        status.succeed({"post_number": number, "source_url": f"https://unjobs.org/vacancies/{number}", "post_name": title,
                        "organization_name": organization, "location_city": city, "location_country": country,
                        "closing_date": date(2030, 1, int(number[-1])), "post_content": text, "post_content_html": "<p/>"})
    return store


def found(store, q: str, sort: str = "deadline") -> list[str]:
    return [item["post_number"] for item in store.search.page(PostingQuery(q=q, sort=sort, limit=200)).items]


@pytest.mark.parametrize(
    ("q", "numbers"),
    [
        ("evaluacion", ["1758000000003"]),  # no accent typed, one stored
        ("évaluation", ["1758000000001", "1758000000002", "1758000000004"]),  # accents folded both ways
        ("EVALUATION", ["1758000000001", "1758000000002", "1758000000004"]),
        ("experiencia", ["1758000000003"]),  # a Spanish word
        ("années expérience", ["1758000000002"]),  # French words, accents folded both ways
        ('"monitoring and evaluation"', ["1758000000001"]),  # a phrase
        ('"evaluation officer"', ["1758000000001"]),  # the title's phrase
        ('"officer evaluation"', []),
        ("geneve", ["1758000000005"]),  # the duty station
        ("bogota or dakar", ["1758000000001", "1758000000003"]),
        ("evaluation -pipelines", ["1758000000001", "1758000000002"]),
        ("1758000000004", ["1758000000004"]),  # a post number
        ("unhcr", ["1758000000005"]),  # the organization
        ("'; DROP TABLE raw_job_data; --", []),
    ],
)
def test_full_text(ads, q, numbers):
    assert found(ads, q) == numbers
    assert ads.postings.get("1758000000004") is not None


def test_relevance_ranks_the_title_above_the_description(ads):
    ranked = found(ads, "evaluation", sort="relevance")
    assert set(ranked[:2]) == {"1758000000001", "1758000000002"} and ranked[2:] == ["1758000000004"]
    assert found(ads, "field office", sort="relevance")[0] == "1758000000005"


def test_a_changed_description_is_searched_as_it_is_now(ads):
    posting_status(ads).succeed({"post_number": "1758000000004", "source_url": "https://unjobs.org/vacancies/1758000000004",
                                 "post_name": "Data Engineer", "post_content": "Kubernetes and Airflow."})
    assert found(ads, "pipelines") == [] and found(ads, "airflow") == ["1758000000004"]


def test_a_page_is_a_keyset_page_that_rows_inserted_before_the_cursor_do_not_shift(ads):
    first = ads.search.page(PostingQuery(limit=2))
    assert [item["post_number"] for item in first.items] == ["1758000000001", "1758000000002"]
    posting_status(ads).succeed({"post_number": "1758000000000", "source_url": "https://unjobs.org/vacancies/1758000000000",
                                 "post_name": "Earlier", "closing_date": date(2029, 12, 1), "post_content": "x"})
    rest = ads.search.page(PostingQuery(limit=10, cursor=first.next_cursor))
    assert [item["post_number"] for item in rest.items] == ["1758000000003", "1758000000004", "1758000000005"]
    assert rest.next_cursor is None


# -- webhooks, with a hand-made sender -------------------------------------------------------------


class Sender:
    """Answers each POST with the next status (then 200); a ``dead`` receiver never answers."""

    def __init__(self, *answers, dead: str | None = None) -> None:
        self.answers = list(answers)
        self.dead = dead
        self.sent: list[tuple[str, bytes, dict]] = []

    def __call__(self, url: str, body: bytes, headers: dict, timeout: float) -> int:
        self.sent.append((url, body, headers))
        if url == self.dead:
            raise TimeoutError("timed out")
        return self.answers.pop(0) if self.answers else 200


def notifier(storage, sender, max_attempts: int = 3) -> Notifier:
    return Notifier(storage, timeout=1.0, max_attempts=max_attempts, backoff_base=0.0, send=sender)


def saved(storage, name: str, query: str, url: str = "http://127.0.0.1:9/hook") -> None:
    storage.saved_searches.add(name, parse(PostingFilters, query).query_string(), url, "s3cret")


def test_a_new_match_is_queued_once_and_delivered_signed(ads):
    saved(ads, "evaluations", "q=evaluation")
    sender = Sender()
    result = notifier(ads, sender).run()
    assert (result.queued, result.delivered) == (3, 3)
    for url, body, headers in sender.sent:
        assert headers["X-Unjobs-Signature"] == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        payload = json.loads(body)
        assert payload["search"] == "evaluations" and payload["idempotency_key"] == headers["Idempotency-Key"]
        assert payload["posting"]["post_number"] in ("1758000000001", "1758000000002", "1758000000004")
    again = notifier(ads, sender).run()
    assert (again.queued, again.delivered, len(sender.sent)) == (0, 0, 3)


def test_a_posting_changed_so_that_it_now_matches_is_news_and_one_that_still_matches_is_not(ads):
    saved(ads, "airflow", "q=airflow")
    saved(ads, "engineers", "q=engineer")
    assert queue_new_matches(ads) == 1  # stored just now: the Data Engineer is news to "engineers"
    sender = Sender()
    notifier(ads, sender).run()
    posting_status(ads).succeed({"post_number": "1758000000004", "source_url": "https://unjobs.org/vacancies/1758000000004",
                                 "post_name": "Data Engineer", "post_content": "Airflow."})
    result = notifier(ads, sender).run()
    assert result.queued == 1
    assert [json.loads(body)["search"] for _, body, _ in sender.sent] == ["engineers", "airflow"]


def test_failed_tries_back_off_are_logged_and_end_in_failed_after_the_last(ads):
    saved(ads, "spanish", "q=experiencia")
    sender = Sender(500, 503, 500, 500)
    results = [notifier(ads, sender).run() for _ in range(3)]
    assert [(r.retrying, r.given_up, r.delivered) for r in results] == [(1, 0, 0), (1, 0, 0), (0, 1, 0)]
    assert [(a["attempt"], a["status_code"], a["error"]) for a in ads.saved_searches.attempts()] == [
        (1, 500, "HTTP 500"), (2, 503, "HTTP 503"), (3, 500, "HTTP 500")
    ]
    (delivery,) = ads.saved_searches.deliveries()
    assert (delivery["state"], delivery["attempts"]) == ("failed", 3)
    assert notifier(ads, sender).run().retrying == 0, "a failed delivery is not tried again"


def test_a_receiver_that_times_out_is_tried_once_a_run_and_its_other_deliveries_wait(ads):
    saved(ads, "dead", "q=evaluation or experiencia")  # four postings
    saved(ads, "alive", "q=geneve", url="http://127.0.0.1:9/alive")
    sender = Sender(dead="http://127.0.0.1:9/hook")
    result = Notifier(ads, timeout=1.0, max_attempts=5, backoff_base=60.0, send=sender).run()
    assert sorted(url for url, _, _ in sender.sent) == ["http://127.0.0.1:9/alive", "http://127.0.0.1:9/hook"]
    assert (result.delivered, result.retrying, result.deferred) == (1, 1, 3)
    waiting = [d for d in ads.saved_searches.deliveries("dead") if d["attempts"] == 0]
    assert len(waiting) == 3 and all(d["next_attempt_at"] > datetime.now(UTC) + timedelta(seconds=30) for d in waiting)
    assert "no answer within 1 s (WEBHOOK_TIMEOUT)" in {d["last_error"] for d in ads.saved_searches.deliveries("dead")}


def test_signature_is_the_hmac_of_the_exact_body():
    assert signature("key", b"{}") == "sha256=" + hmac.new(b"key", b"{}", hashlib.sha256).hexdigest()


# -- what is published, from hostile descriptions ---------------------------------------------------

HOSTILE = sorted((FIXTURES / "hostile").glob("*.html"))


def unsafe(html: str) -> list[str]:
    """Whatever in this HTML could run: script-like elements, event handlers, style, non-http(s) links."""
    if not html.strip():
        return []
    problems = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "style", "iframe", "object", "embed", "svg", "math", "form", "meta", "link", "base"):
            problems.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                problems.append(f"{element.tag}@{name}")
            if name in ("href", "src", "action", "xlink:href") and not re.match(r"(?i)^(https?:|mailto:|#|/[^/]|$)", value.strip()):
                problems.append(f"{element.tag}@{name}={value[:40]}")
    return problems


@pytest.mark.parametrize("fixture", HOSTILE, ids=lambda path: path.stem)
def test_a_hostile_description_comes_out_clean_from_every_output(fixture, tmp_path):
    page = (FIXTURES / "posting_full.html").read_text()
    hostile = fixture.read_text()
    body = re.sub(r'(<div class="fp-snippet">).*?(</div>\s*<div id="cats">)', lambda m: m[1] + hostile + m[2], page, flags=re.S)
    assert hostile in body
    posting = parse_posting(HtmlResponse("https://unjobs.org/vacancies/1758015049233", body=body.encode(), encoding="utf-8"))
    row = {**asdict(posting), "post_content": html_to_markdown(posting.post_content_html, posting.source_url)}
    assert unsafe(row["post_content_html"]), "the fixture is hostile to begin with"
    storage = memory_storage()
    try:
        posting_status(storage).succeed(row)
        storage.job_ads.save([derive(row)])
        stored = storage.search.posting("1758015049233")
        page_items = storage.search.page(PostingQuery(lifecycle="any"), with_description=True).items
    finally:
        storage.close()
    api_html = posting_detail(stored)["description_html"]
    feed = etree.fromstring(atom("unjobs.org", "t", "tag:unjobs.org,2025:t", "http://x/", page_items))
    feed_html = feed.find(".//{http://www.w3.org/2005/Atom}content").text
    json_ld = job_posting({**row, "listing_updated_at": datetime(2026, 1, 1, tzinfo=UTC)})["description"]
    for output, html in (("API", api_html), ("feed", feed_html), ("JSON-LD", json_ld), ("dashboard", description_html(row["post_content"]))):
        assert unsafe(html) == [], output
        assert "<p>" in html and "Advanced university degree" not in html, output  # the fixture's text, not the page's


def test_the_migration_builds_full_text_and_facts_on_an_existing_database(database_url, monkeypatch):
    """A database at version 7 with postings and job ads already stored: migration 8 indexes them."""
    every = schema.MIGRATIONS
    monkeypatch.setattr(schema, "MIGRATIONS", every[:7])
    storage = open_storage(parse_database_url(database_url))
    try:
        assert storage.schema_version() == 7
        posting_status(storage).succeed({"post_number": "1758000000009", "source_url": "https://unjobs.org/vacancies/1758000000009",
                                         "post_name": "Oficial de evaluación", "post_content": "Bogotá.", "closing_date": date(2030, 1, 1)})
        storage.job_ads.save([{"post_number": "1758000000009", "grade": "P-3", "grade_category": "professional"}])
        monkeypatch.setattr(schema, "MIGRATIONS", every)
        assert storage.migrate() == schema.LATEST_VERSION
        assert [i["post_number"] for i in storage.search.page(PostingQuery(q="evaluacion bogota")).items] == ["1758000000009"]
        assert [i["post_number"] for i in storage.search.page(PostingQuery(grade=["P-3"])).items] == ["1758000000009"]
    finally:
        storage.close()


def test_deleting_a_posting_or_its_job_ad_by_hand_keeps_the_facts_right(ads):
    ads.dialect.execute("DELETE FROM job_ads WHERE post_number = '1758000000001'")  # it had none: nothing
    ads.job_ads.save([{"post_number": "1758000000002", "grade": "P-3", "grade_category": "professional"}])
    assert found(ads, "") == [f"175800000000{i}" for i in range(1, 6)]
    assert [i["post_number"] for i in ads.search.page(PostingQuery(grade=["P-3"])).items] == ["1758000000002"]
    ads.dialect.execute("DELETE FROM job_ads WHERE post_number = '1758000000002'")
    assert ads.search.page(PostingQuery(grade=["P-3"])).items == []
    ads.dialect.execute("DELETE FROM raw_job_data WHERE post_number = '1758000000003'")
    assert found(ads, "") == ["1758000000001", "1758000000002", "1758000000004", "1758000000005"]
    assert ads.search.facets(PostingFilters())["total"] == 4


@pytest.mark.parametrize("q", ["-evaluation", "-evaluation -pipelines", "--", '"" -x'])
def test_a_query_with_no_word_to_find_matches_nothing_on_both_backends(ads, q):
    assert found(ads, q) == []


def test_published_urls_are_http_only_and_feeds_take_text_xml_cannot_hold(ads):
    status = posting_status(ads)
    status.succeed({"post_number": "1758000000006", "source_url": "https://unjobs.org/vacancies/1758000000006",
                    "post_name": "Officer\x01 with a control character", "apply_url": "java\tscript:alert(1)",
                    "post_content": "Bell\x07 and backspace\x08 in the text. ![pixel](https://tracker.example/p.gif)",
                    "closing_date": date(2030, 1, 6)})
    stored = ads.search.posting("1758000000006")
    detail = posting_detail(stored)
    assert detail["apply_url"] is None and detail["source_url"].startswith("https://")
    assert "<img" not in detail["description_html"] and "tracker.example" not in detail["description_html"]
    items = ads.search.page(PostingQuery(q="backspace"), with_description=True).items
    feed = etree.fromstring(atom("unjobs.org", "t", "tag:unjobs.org,2025:t", "http://x/", items))
    (entry,) = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "Officer with a control character"


def test_a_try_stored_once_though_two_notifiers_report_it(ads):
    saved(ads, "spanish", "q=experiencia")
    queue_new_matches(ads)
    (claimed,) = ads.saved_searches.claim_due(datetime.now(UTC) + timedelta(minutes=1))
    ads.saved_searches.attempted(claimed, 200, None, None)
    ads.saved_searches.attempted(claimed, 200, None, None)  # a second notifier whose claim had run out
    assert [(a["attempt"], a["status_code"]) for a in ads.saved_searches.attempts()] == [(1, 200)]
    assert ads.saved_searches.remove("spanish")
    ads.saved_searches.attempted(claimed, 200, None, None)  # its search removed meanwhile: nothing stored
    assert ads.saved_searches.attempts() == []


def test_a_receiver_that_redirects_has_failed_its_try(ads):
    saved(ads, "spanish", "q=experiencia")
    sender = Sender(302)
    result = notifier(ads, sender).run()
    assert (result.retrying, result.delivered) == (1, 0)
    assert [a["error"] for a in ads.saved_searches.attempts()] == ["HTTP 302"]


@pytest.mark.parametrize("module", ["unjobs_scraper.search.query", "unjobs_scraper.search.notify", "unjobs_scraper.web.api"])
def test_each_module_imports_first(module):
    """No import cycle: each can be the first the process imports (``scrapy shell``, a script)."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
