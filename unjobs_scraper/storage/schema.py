"""The database schema as numbered migrations, applied in order and recorded.

Statements are written once for both backends; ``{timestamp}``, ``{date}`` and
``{identity}`` are filled with each backend's column types.
"""

from __future__ import annotations

STATUSES = ("pending", "processing", "processed", "failed", "skipped")

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
)

LATEST_VERSION = MIGRATIONS[-1][0]


def render(statement: str, column_types: dict[str, str]) -> str:
    """A migration statement with one backend's column types filled in."""
    statuses = ", ".join(f"'{status}'" for status in STATUSES)
    return statement.format(statuses=statuses, **column_types)
