"""Open postings as schema.org ``JobPosting`` JSON-LD, the form job search engines read.

Google's required properties are ``title``, ``description``, ``datePosted``,
``hiringOrganization`` and ``jobLocation`` (or, for a home-based job, ``jobLocationType``
TELECOMMUTE with ``applicantLocationRequirements``); ``validThrough``, ``employmentType``,
``educationRequirements`` and ``experienceRequirements`` are filled from the job ad when it says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

import pycountry

from unjobs_scraper.publish import description_html

EMPLOYMENT_TYPES = {
    "fixed-term": "FULL_TIME", "continuing": "FULL_TIME", "temporary": "TEMPORARY", "consultancy": "CONTRACTOR",
    "service-contract": "CONTRACTOR", "personnel-service-agreement": "CONTRACTOR", "volunteer": "VOLUNTEER",
    "internship": "INTERN", "other": "OTHER",
}
"""Our contract types as Google's ``employmentType`` values."""
CREDENTIALS = {
    "secondary": "high school", "bachelor": "bachelor degree", "master": "postgraduate degree",
    "doctorate": "postgraduate degree",
}
"""Our education levels as Google's ``credentialCategory`` values."""


def job_posting(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """One stored posting (with its ``job_ad_*`` columns) as JSON-LD; None when it lacks what a
    JobPosting requires (a title, a description, a date posted, an organization)."""
    posted = row.get("listing_updated_at") or row.get("created_at")
    if not (row.get("post_name") and row.get("post_content") and posted and row.get("organization_name")):
        return None
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": row["post_name"],
        "description": description_html(row["post_content"]),  # never the site's own HTML
        "datePosted": posted.date().isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": row["organization_name"]},
        "identifier": {"@type": "PropertyValue", "name": "unjobs.org", "value": row["post_number"]},
        "url": row["source_url"],
    }
    country = _alpha_2(row.get("job_ad_country_code"))
    address = {"@type": "PostalAddress", "addressLocality": row.get("location_city"), "addressCountry": country}
    document["jobLocation"] = {"@type": "Place", "address": {k: v for k, v in address.items() if v}}
    if row.get("job_ad_home_based"):
        document["jobLocationType"] = "TELECOMMUTE"
        if country:
            document["applicantLocationRequirements"] = {"@type": "Country", "name": country}
    deadline = row.get("job_ad_deadline") or (row["closing_date"].isoformat() if row.get("closing_date") else None)
    if deadline:
        document["validThrough"] = deadline
    if kind := EMPLOYMENT_TYPES.get(row.get("job_ad_contract_type")):
        document["employmentType"] = kind
    if credential := CREDENTIALS.get(row.get("job_ad_education_level")):
        document["educationRequirements"] = {"@type": "EducationalOccupationalCredential", "credentialCategory": credential}
    if row.get("job_ad_min_years_experience") is not None:
        document["experienceRequirements"] = {
            "@type": "OccupationalExperienceRequirements", "monthsOfExperience": 12 * row["job_ad_min_years_experience"],
        }
    return document


def write_job_postings(rows: Iterable[Mapping[str, Any]], output: TextIO) -> int:
    """A JSON-LD ``@graph`` of JobPostings, written as the rows stream in; returns how many."""
    count = 0
    output.write('{"@context": "https://schema.org", "@graph": [\n')
    for row in rows:
        document = job_posting(row)
        if document is None:
            continue
        document.pop("@context")
        output.write((",\n" if count else "") + json.dumps(document, ensure_ascii=False))
        count += 1
    output.write("\n]}\n")
    return count


def _alpha_2(alpha_3: str | None) -> str | None:
    """schema.org's ``addressCountry`` is ISO 3166-1 alpha-2; the job ad keeps alpha-3."""
    country = pycountry.countries.get(alpha_3=alpha_3) if alpha_3 else None
    return country.alpha_2 if country else ("XK" if alpha_3 == "XKX" else None)
