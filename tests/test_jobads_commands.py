"""The structured job ads through the project's commands: ``scrapy reparse`` (no download),
``scrapy export`` (JobPosting JSON-LD, and the job ad's columns in CSV and JSON Lines) and
``scrapy status`` (fill rates), over one crawl of the replica."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from tests.crawling import run_crawl, run_scrapy
from tests.replica import Replica
from unjobs_scraper.commands.reparse import PROGRESS_STATE, reparse
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.storage import open_storage
from unjobs_scraper.storage.columns import JOB_AD_FIELDS
from unjobs_scraper.storage.schema import Lifecycle

pytestmark = pytest.mark.crawl

GOOGLE_REQUIRED = ("title", "description", "datePosted", "hiringOrganization")
"""Google's required JobPosting properties, with ``jobLocation`` (or a remote job's pair)."""


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """(replica, database URL) after one crawl of 60 postings."""
    url = f"sqlite:///{tmp_path_factory.mktemp('jobads') / 'unjobs.sqlite3'}"
    with Replica(postings=60, seed=92) as replica:
        assert run_crawl(replica.base_url, url).returncode == 0
        yield replica, url


def job_ads(url: str) -> dict[str, dict]:
    store = open_storage(parse_database_url(url))
    try:
        return {row["post_number"]: row for rows in store.postings.iter_batches() for row in rows}
    finally:
        store.close()


def in_process_reparse(url: str, batch: int = 1000) -> str:
    """``scrapy reparse``'s work without a process of its own (the command is run once, above)."""
    store = open_storage(parse_database_url(url))
    try:
        return reparse(store, batch)
    finally:
        store.close()


def test_reparse_derives_every_job_ad_again_without_a_download(crawled):
    replica, url = crawled
    before = job_ads(url)
    store = open_storage(parse_database_url(url))
    try:  # what an older rule had stored: wrong grades for ten postings, none at all for five
        numbers = sorted(before)
        store.job_ads.save([{"post_number": n, "grade": "P-9", "grade_source": "old rule"} for n in numbers[:10]])
        store.dialect.execute("DELETE FROM job_ads WHERE post_number IN (%(a)s, %(b)s, %(c)s, %(d)s, %(e)s)",
                              dict(zip("abcde", numbers[10:15], strict=True)))
    finally:
        store.close()
    replica.reset_stats()
    result = run_scrapy(url, "reparse")
    assert result.returncode == 0, result.stderr
    assert replica.stats()["served"] == {kind: 0 for kind in replica.stats()["served"]}  # nothing downloaded
    lines = result.stdout.splitlines()
    assert lines[0].startswith("reparsed 60 postings in ") and lines[0].endswith(", 15 job ads written")
    assert "  grade                  15 values changed, 0 sources only" in lines
    after = job_ads(url)
    assert {n: after[n]["job_ad_grade"] for n in after} == {n: before[n]["job_ad_grade"] for n in before}
    assert in_process_reparse(url).splitlines()[0].endswith(", 0 job ads written")  # nothing left to change


def test_an_interrupted_reparse_goes_on_where_it_stopped(crawled):
    _, url = crawled
    numbers = sorted(job_ads(url))
    store = open_storage(parse_database_url(url))
    try:
        store.state.set(PROGRESS_STATE, json.dumps({"after": numbers[39]}))
    finally:
        store.close()
    report = in_process_reparse(url, batch=7)
    assert report.splitlines()[0].startswith("reparsed 20 postings in ")
    assert f"(went on after {numbers[39]})" in report
    assert in_process_reparse(url).startswith("reparsed 60 postings")  # finished: from the start


def test_jobposting_json_ld_has_what_google_requires(crawled, tmp_path):
    _, url = crawled
    out = tmp_path / "jobs.jsonld"
    result = run_scrapy(url, "export", "--format", "jobposting", "-o", str(out))
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    postings = document["@graph"]
    assert document["@context"] == "https://schema.org" and len(postings) == 60
    for posting in postings:
        assert posting["@type"] == "JobPosting"
        assert all(posting.get(name) for name in GOOGLE_REQUIRED), posting["identifier"]
        assert posting["hiringOrganization"]["name"]
        assert posting["jobLocation"]["address"]["addressCountry"].isalpha()
        assert len(posting["jobLocation"]["address"]["addressCountry"]) == 2
        assert posting["validThrough"] >= posting["datePosted"]
    assert {posting.get("employmentType") for posting in postings} >= {"FULL_TIME", "CONTRACTOR"}
    assert any("educationRequirements" in posting for posting in postings)
    assert any(posting.get("experienceRequirements", {}).get("monthsOfExperience") for posting in postings)


def test_csv_and_jsonl_exports_carry_the_job_ad(crawled, tmp_path):
    _, url = crawled
    assert run_scrapy(url, "export", "-o", str(tmp_path / "jobs.csv")).returncode == 0
    with (tmp_path / "jobs.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 60
    assert {f"job_ad_{name}" for name in JOB_AD_FIELDS} <= set(rows[0])
    assert {row["job_ad_country_code"] for row in rows} <= {"QAT", "CHE", "COL", "CIV", "BRA", "KEN", "JOR", "CHN",
                                                          "BGD", "USA", "TUR", "COD", "SEN", "THA", "UKR", "ITA",
                                                          "LBN", "SSD", "SGP"}
    jsonl = run_scrapy(url, "export", "--format", "jsonl").stdout.splitlines()
    assert all(json.loads(line)["job_ad_deadline"] for line in jsonl)


def test_status_reports_the_job_ads_fill_rates(crawled):
    _, url = crawled
    store = open_storage(parse_database_url(url))
    try:
        rates = store.job_ads.fill_rates()
    finally:
        store.close()
    assert set(rates) == set(JOB_AD_FIELDS)
    assert rates["country_code"] == rates["deadline"] == rates["languages"] == 1.0
    assert 0 < rates["home_based"] < 1
    assert "job ads, share with a value: grade " in run_scrapy(url, "status").stdout


def test_every_export_format_honours_lifecycle(crawled, tmp_path):
    """``--lifecycle closed`` writes the closed postings in every format, JSON-LD included."""
    _, url = crawled
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(parse_database_url(url).location, copy)
    copy_url = f"sqlite:///{copy}"
    store = open_storage(parse_database_url(copy_url))
    try:
        closed = sorted(job_ads(copy_url))[:7]
        store.postings.write_lifecycle(closed, Lifecycle.CLOSED)
    finally:
        store.close()

    def exported(file_format: str, *lifecycle: str) -> list[str]:
        out = tmp_path / f"out.{file_format}"
        result = run_scrapy(copy_url, "export", "--format", file_format, *lifecycle, "-o", str(out))
        assert result.returncode == 0, result.stderr
        if file_format == "jobposting":
            return sorted(p["identifier"]["value"] for p in json.loads(out.read_text())["@graph"])
        if file_format == "csv":
            with out.open(newline="", encoding="utf-8") as f:
                return sorted(row["post_number"] for row in csv.DictReader(f))
        return sorted(json.loads(line)["post_number"] for line in out.read_text().splitlines())

    for file_format in ("jsonl", "csv", "jobposting"):
        assert exported(file_format, "--lifecycle", "closed") == closed, file_format
        assert len(exported(file_format, "--lifecycle", "open")) == 60 - len(closed), file_format
    assert len(exported("jobposting")) == 60 - len(closed), "JSON-LD: the open postings unless asked"
    assert len(exported("jsonl")) == 60, "JSON Lines: every posting unless asked"
