"""Packaging for scrapyd: ``scrapyd-deploy`` builds the project egg from this file."""

from setuptools import find_packages, setup

setup(
    name="unjobs_scraper",
    version="0.1.0",
    description="A Scrapy crawler that keeps a complete, fresh, queryable copy of the job postings on unjobs.org",
    python_requires=">=3.11",
    packages=find_packages(include=["unjobs_scraper", "unjobs_scraper.*"]),
    include_package_data=True,
    package_data={"unjobs_scraper": ["**/*.html", "**/*.css", "**/*.js", "**/*.svg"]},
    entry_points={"scrapy": ["settings = unjobs_scraper.settings"]},
)
