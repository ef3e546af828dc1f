"""Scrapy project that keeps a complete, fresh copy of the job postings on unjobs.org."""
