"""Structured job ads scored against ads written after the UN-system agencies' own templates
(tests/fixtures/job_ads/, labelled by hand: see its README), not the replica's phrasing. Each
ad goes the crawler's way: its description HTML through the Markdown step, then ``derive`` with
the page's categories. Precision and recall per field; the table is printed (``pytest -s``) and
recorded in docs/BENCHMARKS.md."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.scoring import below, comparable, format_table, table
from unjobs_scraper.jobads import derive
from unjobs_scraper.jobads.contracts import _TYPES
from unjobs_scraper.jobads.languages import LANGUAGES
from unjobs_scraper.jobads.requirements import EDUCATION_LEVELS
from unjobs_scraper.markdown import html_to_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "job_ads"
THRESHOLDS = {
    "grade": 0.97, "grade_category": 0.97, "contract_type": 0.97, "country_code": 0.97,
    "min_years_experience": 0.97, "education_level": 0.97, "languages": 0.97, "home_based": 0.97,
    "duration_months": 0.9, "renewable": 0.9, "experience_in_lieu": 0.9,
}
PAGE_KEYS = {"title", "listing_title", "organization", "country", "city", "grade", "contract"}
CONTRACT_TYPES = {kind for kind, _ in _TYPES} | {"other"}
GRADE_CATEGORIES = {
    "professional", "director", "general-service", "national-officer", "field-service", "service-contract",
    "consultancy", "volunteer", "internship",
}


@cache
def labelled_ads() -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*.yaml"))}


def posting(name: str, ad: dict) -> dict:
    """The stored posting the crawler would make of the ad's page."""
    page = ad["page"]
    return {
        "post_number": name, "post_name": page["title"], "listing_title": page["listing_title"],
        "organization_name": page["organization"], "location_country": page["country"], "location_city": page["city"],
        "grade": page["grade"], "contract": page["contract"], "closing_date": None,
        "post_content": html_to_markdown(ad["description"], "https://unjobs.org/vacancies/1"),
    }


def test_the_labelled_set_is_large_varied_and_labelled_in_the_readmes_vocabulary():
    ads = labelled_ads()
    assert len(ads) >= 80
    prefixes = {name.rsplit("-", 1)[0] for name in ads}
    assert {"fr", "es", "unsec-en", "undp-en", "unicef-en", "unhcr-en", "who-en"} <= prefixes
    for name, ad in ads.items():
        truth = ad["truth"]
        assert set(ad["page"]) == PAGE_KEYS, name
        assert set(truth) == set(THRESHOLDS), name
        assert truth["grade_category"] in GRADE_CATEGORIES | {None}, name
        assert truth["contract_type"] in CONTRACT_TYPES | {None}, name
        assert truth["education_level"] in set(EDUCATION_LEVELS) | {None}, name
        assert set(truth["languages"] or {}) <= set(LANGUAGES), name
        assert set((truth["languages"] or {}).values()) <= {"required", "desirable"}, name
        assert all(truth[field] in (True, False, None) for field in ("renewable", "experience_in_lieu", "home_based")), name


def test_every_field_is_read_as_the_agencies_write_it(capsys):
    ads = labelled_ads()
    truths = {name: ad["truth"] for name, ad in ads.items()}
    derived = {name: derive(posting(name, ad)) for name, ad in ads.items()}
    rows = table(truths, derived, THRESHOLDS)
    wrong = [
        f"{name} {field}: {truths[name][field]!r} read as {comparable(field, derived[name][field])!r}"
        for name in sorted(ads) for field in THRESHOLDS
        if comparable(field, derived[name][field]) != truths[name][field]
    ]
    with capsys.disabled():
        print(f"\n{len(ads)} labelled ads\n" + format_table(rows))
        print("\n".join(wrong))
    assert below(rows, THRESHOLDS) == {}


@pytest.mark.parametrize("name", sorted(labelled_ads()))
def test_a_value_is_never_without_its_source(name):
    ad = derive(posting(name, labelled_ads()[name]))
    for field in THRESHOLDS:
        if field != "grade_category":
            assert (ad[field] is None) == (ad[f"{field}_source"] is None), field
