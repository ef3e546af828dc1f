"""Structured job ads scored against the replica's truth: a crawl of 500 postings whose
descriptions state their requirements in English, French and Spanish, in varied phrasing, and
the profile of each from ``GET /__replica__/profiles``. Precision and recall per field; the table
is printed (``pytest -s``) and recorded in docs/BENCHMARKS.md."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.crawling import run_crawl
from tests.replica import Replica
from tests.scoring import below, format_table, table
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_storage

THRESHOLDS = {
    "grade": 0.98, "contract_type": 0.98, "country_code": 0.98, "deadline": 0.98,
    "min_years_experience": 0.95, "education_level": 0.95, "languages": 0.95, "home_based": 0.95,
    "grade_category": 0.98, "duration_months": 0.95, "renewable": 0.95, "experience_in_lieu": 0.95,
}


@pytest.mark.crawl
def test_every_field_is_extracted_as_the_postings_state_it(sqlite_url, capsys):
    with Replica(postings=500, seed=91) as replica:
        result = run_crawl(replica.base_url, sqlite_url, timeout=300)
        with urllib.request.urlopen(f"{replica.base_url}__replica__/profiles", timeout=30) as answer:
            truths = json.loads(answer.read())
    assert result.returncode == 0, result.log[-3000:]
    store = open_storage(parse_database_url(sqlite_url))
    try:
        ads = {number: store.job_ads.get(number) for number in truths}
    finally:
        store.close()
    assert all(ads.values())
    rows = table(truths, ads, THRESHOLDS)
    with capsys.disabled():
        print("\n" + format_table(rows))
    assert below(rows, THRESHOLDS) == {}
