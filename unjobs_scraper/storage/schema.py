"""The database schema as numbered migrations, applied in order and recorded.

Statements are written once for both backends; ``{timestamp}``, ``{date}`` and
``{identity}`` are filled with each backend's column types.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A posting's processing status; ``unjobs_scraper.status`` is the only code that moves it."""

    PENDING = "pending"
    PROCESSING = "processing"
    PROCESSED = "processed"
    FAILED = "failed"
    SKIPPED = "skipped"


class Lifecycle(StrEnum):
    """A posting's life on the site, apart from its processing ``status``."""

    OPEN = "open"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUSES = tuple(Status)
LIFECYCLES = tuple(Lifecycle)


def literal(value: StrEnum) -> str:
    """An enum value as an SQL string literal (the values are fixed words: nothing to escape)."""
    return f"'{value}'"

MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            """
            CREATE TABLE raw_job_data (
                id {identity} PRIMARY KEY,
                post_number TEXT NOT NULL UNIQUE,
                source_url TEXT NOT NULL,
                listing_title TEXT,
                post_name TEXT,
                organization_name TEXT,
                location_country TEXT,
                location_city TEXT,
                closing_date {date},
                grade TEXT,
                contract TEXT,
                theme TEXT,
                apply_url TEXT,
                post_content TEXT,
                post_content_html TEXT,
                listing_updated_at {timestamp},
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ({statuses})),
                processing_attempts INTEGER NOT NULL DEFAULT 0,
                processing_error TEXT,
                last_processing_attempt {timestamp},
                crawled_at {timestamp},
                created_at {timestamp} NOT NULL,
                updated_at {timestamp} NOT NULL
            )
            """,
            "CREATE INDEX raw_job_data_status_idx ON raw_job_data (status, last_processing_attempt)",
        ),
    ),
    (
        2,
        (
            "ALTER TABLE raw_job_data ADD COLUMN next_attempt_at {timestamp}",
            "CREATE INDEX raw_job_data_due_idx ON raw_job_data (status, next_attempt_at)",
            "CREATE INDEX raw_job_data_updated_idx ON raw_job_data (updated_at)",
            # The dead-letter queue is every posting that failed after its retries: a view, so
            # it can never disagree with the postings' own status.
            """
            CREATE VIEW dead_letter AS
            SELECT post_number, source_url, processing_error AS last_error,
                processing_attempts AS attempts, updated_at AS failed_at
            FROM raw_job_data WHERE status = 'failed'
            """,
            # Small named facts that outlive a crawl, such as whether the last index walk ended.
            """
            CREATE TABLE crawl_state (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at {timestamp} NOT NULL
            )
            """,
        ),
    ),
    # Indexes for the dashboard (docs/operations.md: "What each page costs"), one per question it asks.
    (
        3,
        (
            # postings processed per hour (the chart)
            "CREATE INDEX raw_job_data_crawled_idx ON raw_job_data (crawled_at)",
            # the latest errors (the dashboard and `scrapy status`): only rows that have one
            "CREATE INDEX raw_job_data_error_idx ON raw_job_data (updated_at) WHERE processing_error IS NOT NULL",
            # the postings table, newest first, by status / organization / country (keyset pages)
            "CREATE INDEX raw_job_data_status_number_idx ON raw_job_data (status, post_number)",
            "CREATE INDEX raw_job_data_organization_idx ON raw_job_data (organization_name, post_number)",
            "CREATE INDEX raw_job_data_country_idx ON raw_job_data (location_country, post_number)",
        ),
    ),
    # The way past Cloudflare each host settled on, so the next crawl starts with what worked.
    (
        4,
        (
            """
            CREATE TABLE cloudflare_hosts (
                host TEXT PRIMARY KEY,
                strategy TEXT NOT NULL,
                reason TEXT,
                updated_at {timestamp} NOT NULL
            )
            """,
        ),
    ),
    # Coverage: the listings the crawl knows (docs/coverage.md), and each posting's lifecycle.
    (
        5,
        (
            "ALTER TABLE raw_job_data ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'open'"
            " CHECK (lifecycle IN ({lifecycles}))",
            "ALTER TABLE raw_job_data ADD COLUMN lifecycle_changed_at {timestamp}",
            "ALTER TABLE raw_job_data ADD COLUMN last_listed_at {timestamp}",
            "CREATE INDEX raw_job_data_lifecycle_idx ON raw_job_data (lifecycle, post_number)",
            """
            CREATE TABLE listings (
                url TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                discovered_at {timestamp} NOT NULL,
                last_walked_at {timestamp},
                pages_seen INTEGER NOT NULL DEFAULT 0,
                hit_cap INTEGER NOT NULL DEFAULT 0,
                postings_found INTEGER NOT NULL DEFAULT 0
            )
            """,
        ),
    ),
    # Leases that are the crawler's own (docs/operations.md: "Leases"): which worker holds each
    # posting it is processing, and which workers are alive, so a dead worker's postings are taken
    # back at once instead of after PROCESSING_LEASE.
    (
        6,
        (
            "ALTER TABLE raw_job_data ADD COLUMN processing_worker TEXT",
            """
            CREATE TABLE crawl_workers (
                worker_id TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                started_at {timestamp} NOT NULL,
                heartbeat_at {timestamp} NOT NULL
            )
            """,
        ),
    ),
    # Structured job ads (unjobs_scraper/jobads/), one row per posting, derived from what is stored.
    (
        7,
        (
            """
            CREATE TABLE job_ads (
                post_number TEXT PRIMARY KEY,
                grade TEXT, grade_source TEXT, grade_category TEXT,
                contract_type TEXT, contract_type_source TEXT,
                duration_months INTEGER, duration_months_source TEXT,
                renewable BOOLEAN, renewable_source TEXT,
                min_years_experience INTEGER, min_years_experience_source TEXT,
                education_level TEXT, education_level_source TEXT,
                experience_in_lieu BOOLEAN, experience_in_lieu_source TEXT,
                languages TEXT, languages_source TEXT,
                description_language TEXT, description_language_source TEXT,
                home_based BOOLEAN, home_based_source TEXT,
                country_code TEXT, country_code_source TEXT,
                deadline TEXT, deadline_source TEXT,
                derived_at {timestamp} NOT NULL
            )
            """,
            "CREATE INDEX job_ads_grade_idx ON job_ads (grade_category, grade)",
            "CREATE INDEX job_ads_country_idx ON job_ads (country_code)",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1][0]


def render(statement: str, column_types: dict[str, str]) -> str:
    """A migration statement with one backend's column types filled in."""
    statuses = ", ".join(map(literal, STATUSES))
    lifecycles = ", ".join(map(literal, LIFECYCLES))
    return statement.format(statuses=statuses, lifecycles=lifecycles, **column_types)
