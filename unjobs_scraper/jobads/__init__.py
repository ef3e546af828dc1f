"""Structured job ads: what a job seeker filters by, derived from a stored posting by rules.

One module per field family, each a set of plain functions over text that return the value and
the raw text it came from (``Found``), or nothing when the posting does not say: a value is never
invented. English, French and Spanish, the site's three languages.

- ``grades.py``: the grade (``P-3``, ``NO-B``, ``consultant``, ...) and its category;
- ``contracts.py``: the contract type, its duration in months, whether it is renewable;
- ``requirements.py``: the fewest years of experience accepted, the lowest education level
  accepted, whether experience may replace a degree;
- ``languages.py``: the languages required or desirable, and the description's own language;
- ``locations.py``: home-based or not, and the duty station's country (ISO 3166-1 alpha-3);
- ``deadlines.py``: the application deadline, with time and zone when stated.

``derive`` runs them all over one stored posting; no download is needed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from unjobs_scraper.jobads import contracts, deadlines, grades, languages, locations, requirements
from unjobs_scraper.jobads.text import Found

__all__ = ["Found", "derive"]

def derive(posting: Mapping[str, Any]) -> dict[str, Any]:
    """The job ad of one stored posting (its ``raw_job_data`` row, or a ``Posting``): every field
    and its source, None where the posting does not say."""
    text = posting.get("post_content") or ""
    language = languages.description_language(text)
    found_grade = grades.grade(posting.get("grade"), posting.get("post_name"), text)
    found_languages = languages.languages(text)
    found = {
        "grade": found_grade and Found(found_grade.value[0], found_grade.source),
        "contract_type": contracts.contract_type(posting.get("contract"), text, posting.get("post_name")),
        "duration_months": contracts.duration_months(text, posting.get("post_name")),
        "renewable": contracts.renewable(text),
        "min_years_experience": requirements.min_years_experience(text),
        "education_level": requirements.education_level(text),
        "experience_in_lieu": requirements.experience_in_lieu(text),
        "languages": found_languages and Found(json.dumps(found_languages.value, sort_keys=True), found_languages.source),
        "description_language": language,
        "home_based": locations.home_based(posting.get("location_city"), posting.get("post_name"), text),
        "country_code": locations.duty_station_country(
            posting.get("location_country"), posting.get("listing_title"), posting.get("location_city"), text
        ),
        "deadline": deadlines.deadline(text, language and language.value, posting.get("closing_date")),
    }
    row: dict[str, Any] = {"post_number": posting["post_number"]}
    for name, value in found.items():
        row[name] = value.value if value else None
        row[f"{name}_source"] = value.source if value else None
    row["grade_category"] = found_grade.value[1] if found_grade else None
    return row
