"""The monitoring dashboard (``scrapy dashboard``): read-only pages over the postings database."""
