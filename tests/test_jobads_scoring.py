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
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_store

THRESHOLDS = {
    "grade": 0.98, "contract_type": 0.98, "country_code": 0.98, "deadline": 0.98,
    "min_years_experience": 0.95, "education_level": 0.95, "languages": 0.95, "home_based": 0.95,
    "grade_category": 0.98, "duration_months": 0.95, "renewable": 0.95, "experience_in_lieu": 0.95,
}


def scores(truths: dict[str, dict], ads: dict[str, dict], field: str) -> tuple[float, float, int]:
    """(precision, recall, postings that state the field): a prediction counts when it is not null,
    a truth when it is not null; a right prediction is equal to its truth."""
    predicted = right = stated = 0
    for number, truth in truths.items():
        expected, got = truth[field], ads[number][field]
        if field == "languages" and got is not None:
            got = json.loads(got)
        if field in ("renewable", "experience_in_lieu", "home_based") and got is not None:
            got = bool(got)
        stated += expected is not None
        predicted += got is not None
        right += got is not None and got == expected
    return (right / predicted if predicted else 1.0), (right / stated if stated else 1.0), stated


@pytest.mark.crawl
def test_every_field_is_extracted_as_the_postings_state_it(sqlite_url, capsys):
    with Replica(postings=500, seed=91) as replica:
        result = run_crawl(replica.base_url, sqlite_url, timeout=300)
        with urllib.request.urlopen(f"{replica.base_url}__replica__/profiles", timeout=30) as answer:
            truths = json.loads(answer.read())
    assert result.returncode == 0, result.log[-3000:]
    store = open_store(parse_database_url(sqlite_url))
    try:
        ads = {number: store.job_ad(number) for number in truths}
    finally:
        store.close()
    assert all(ads.values())
    table = {field: scores(truths, ads, field) for field in THRESHOLDS}
    with capsys.disabled():
        print("\nfield                  precision  recall  stated")
        for field, (precision, recall, stated) in table.items():
            print(f"{field:22} {precision:9.3f} {recall:7.3f} {stated:7d}")
    low = {field: (round(p, 3), round(r, 3)) for field, (p, r, _) in table.items() if min(p, r) < THRESHOLDS[field]}
    assert low == {}
