"""The database schema as numbered migrations, applied in order and recorded.

Statements are written once for both backends; ``{timestamp}``, ``{date}`` and
``{identity}`` are filled with each backend's column types. What the backends do differently
(full-text search) is a ``{"postgresql": (...), "sqlite": (...)}`` entry: each runs its own.
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


_SEARCHED_DOCUMENT = """
    setweight(to_tsvector('unjobs_search', coalesce(NEW.post_number, '')), 'A')
    || setweight(to_tsvector('unjobs_search', coalesce(NEW.post_name, NEW.listing_title, '')), 'A')
    || setweight(to_tsvector('unjobs_search', coalesce(NEW.organization_name, '')), 'B')
    || setweight(to_tsvector('unjobs_search', concat_ws(' ', NEW.location_city, NEW.location_country)), 'C')
    || setweight(to_tsvector('unjobs_search', left(coalesce(NEW.post_content, ''), 200000)), 'D')
"""
"""A posting's searched text, weighted: post number and title, organization, duty station, description
(its first 200,000 characters: a tsvector holds at most 1 MB)."""
SEARCHED_COLUMNS = "post_number, post_name, organization_name, location_city, location_country, post_content"
"""What triggers a posting's search document to be made again, and SQLite's FTS5 columns."""
_FTS5_ROW = "{row}.post_number, COALESCE({row}.post_name, {row}.listing_title), {row}.organization_name, " \
    "{row}.location_city, {row}.location_country, {row}.post_content"


def _fts5_values(row: str) -> str:
    return _FTS5_ROW.format(row=row)


NO_DEADLINE = "9999-12-31"
"""``posting_facts.deadline`` of a posting without a closing date: last in deadline order."""
FACT_POSTING_COLUMNS = "crawled_at, lifecycle, closing_date, listing_updated_at, created_at, organization_name, location_city"
"""The postings' columns a posting's facts are made of: a change to one of them makes them again."""
FACT_JOB_AD_COLUMNS = ("country_code", "grade", "grade_category", "contract_type", "home_based",
                       "min_years_experience", "education_level", "languages")
"""The job ad's fields a search filters and counts by, copied as they are."""
_FACTS = (
    "INSERT INTO posting_facts (id, post_number, lifecycle, deadline, updated, organization_name, city, "
    + ", ".join(FACT_JOB_AD_COLUMNS) + ")"
    " SELECT {row}.id, {row}.post_number, {row}.lifecycle, COALESCE({row}.closing_date, '" + NO_DEADLINE + "'),"
    " COALESCE({row}.listing_updated_at, {row}.created_at), {row}.organization_name, LOWER({row}.location_city), "
    + ", ".join(f"j.{column}" for column in FACT_JOB_AD_COLUMNS)
    + " FROM {source} LEFT JOIN job_ads j ON j.post_number = {row}.post_number"
)
"""A posting's facts from its row (``{row}``: NEW in a trigger, the table's alias in the migration)."""
_FACTS_UPSERT = " ON CONFLICT (post_number) DO UPDATE SET " + ", ".join(
    f"{column} = excluded.{column}"
    for column in ("id", "lifecycle", "deadline", "updated", "organization_name", "city", *FACT_JOB_AD_COLUMNS)
)
_FACTS_FROM_JOB_AD = (
    "UPDATE posting_facts SET " + ", ".join(f"{column} = {{row}}.{column}" for column in FACT_JOB_AD_COLUMNS)
    + " WHERE post_number = {row}.post_number"
)
_FACTS_WITHOUT_JOB_AD = (
    "UPDATE posting_facts SET " + ", ".join(f"{column} = NULL" for column in FACT_JOB_AD_COLUMNS)
    + " WHERE post_number = {row}.post_number"
)
_FACTS_FORGOTTEN = "DELETE FROM posting_facts WHERE post_number = {row}.post_number"

MIGRATIONS: tuple[tuple[int, tuple[str | dict[str, tuple[str, ...]], ...]], ...] = (
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
    # Full-text search (docs/api.md), kept by the database itself: PostgreSQL a tsvector per posting
    # (a trigger) with a GIN index, SQLite an FTS5 index over the postings table (triggers).
    (
        8,
        (
            {
                "postgresql": (
                    # The text search configuration unjobs_search: simple (no language's stemming: ads come in
                    # English, French and Spanish) with accents folded by unaccent, the extension where it is
                    # installed, else in public (never in a schema that may be dropped).
                    """
                    DO $$
                    DECLARE home text;
                    BEGIN
                        SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                            WHERE e.extname = 'unaccent';
                        IF home IS NULL THEN
                            SELECT COALESCE(MAX(nspname), current_schema()) INTO home FROM pg_namespace WHERE nspname = 'public';
                            EXECUTE format('CREATE EXTENSION unaccent SCHEMA %I', home);
                        END IF;
                        CREATE TEXT SEARCH CONFIGURATION unjobs_search (COPY = pg_catalog.simple);
                        EXECUTE format(
                            'ALTER TEXT SEARCH CONFIGURATION unjobs_search ALTER MAPPING FOR hword, hword_part, word'
                            ' WITH %I.unaccent, simple', home);
                    END $$
                    """,
                    """
                    CREATE TABLE posting_search (
                        id BIGINT PRIMARY KEY REFERENCES raw_job_data (id) ON DELETE CASCADE,
                        document tsvector NOT NULL
                    )
                    """,
                    "CREATE INDEX posting_search_document_idx ON posting_search USING GIN (document)",
                    f"""
                    CREATE FUNCTION posting_search_kept() RETURNS trigger LANGUAGE plpgsql
                    SET search_path FROM CURRENT AS $$
                    BEGIN
                        INSERT INTO posting_search (id, document) VALUES (NEW.id, {_SEARCHED_DOCUMENT})
                        ON CONFLICT (id) DO UPDATE SET document = excluded.document;
                        RETURN NULL;
                    END $$
                    """,
                    f"""
                    CREATE TRIGGER raw_job_data_searched
                    AFTER INSERT OR UPDATE OF {SEARCHED_COLUMNS}, listing_title
                    ON raw_job_data FOR EACH ROW EXECUTE FUNCTION posting_search_kept()
                    """,
                    # What is stored already.
                    "INSERT INTO posting_search (id, document) SELECT id, "
                    + _SEARCHED_DOCUMENT.replace("NEW.", "") + " FROM raw_job_data",
                ),
                "sqlite": (
                    f"""
                    CREATE VIRTUAL TABLE posting_search USING fts5(
                        {SEARCHED_COLUMNS},
                        content='raw_job_data', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
                    )
                    """,
                    f"""
                    CREATE TRIGGER raw_job_data_searched_insert AFTER INSERT ON raw_job_data BEGIN
                        INSERT INTO posting_search (rowid, {SEARCHED_COLUMNS}) VALUES (new.id, {_fts5_values("new")});
                    END
                    """,
                    f"""
                    CREATE TRIGGER raw_job_data_searched_update
                    AFTER UPDATE OF {SEARCHED_COLUMNS}, listing_title ON raw_job_data BEGIN
                        INSERT INTO posting_search (posting_search, rowid, {SEARCHED_COLUMNS})
                        VALUES ('delete', old.id, {_fts5_values("old")});
                        INSERT INTO posting_search (rowid, {SEARCHED_COLUMNS}) VALUES (new.id, {_fts5_values("new")});
                    END
                    """,
                    f"""
                    CREATE TRIGGER raw_job_data_searched_delete AFTER DELETE ON raw_job_data BEGIN
                        INSERT INTO posting_search (posting_search, rowid, {SEARCHED_COLUMNS})
                        VALUES ('delete', old.id, {_fts5_values("old")});
                    END
                    """,
                    f"INSERT INTO posting_search (rowid, {SEARCHED_COLUMNS}) SELECT id, {_fts5_values('raw_job_data')}"
                    " FROM raw_job_data",
                ),
            },
            # What a search filters, sorts and counts by, one narrow row per posting read at least once,
            # kept by triggers on the postings and their job ads (storage/search.py): a search reads no
            # description, joins nothing until its page is chosen, and pages along an index.
            """
            CREATE TABLE posting_facts (
                post_number TEXT PRIMARY KEY,
                id BIGINT NOT NULL,
                lifecycle TEXT NOT NULL,
                deadline {date} NOT NULL,
                updated {timestamp} NOT NULL,
                organization_name TEXT,
                city TEXT,
                country_code TEXT, grade TEXT, grade_category TEXT, contract_type TEXT, home_based BOOLEAN,
                min_years_experience INTEGER, education_level TEXT, languages TEXT
            )
            """,
            "CREATE UNIQUE INDEX posting_facts_id_idx ON posting_facts (id)",  # a full-text match's facts
            # The two orders, each with the id a full-text match is checked by (no row read for it).
            "CREATE INDEX posting_facts_deadline_idx ON posting_facts (lifecycle, deadline, post_number, id)",
            "CREATE INDEX posting_facts_updated_idx ON posting_facts (lifecycle, updated, post_number, id)",
            # Facets: every fact in the order they are grouped by, so counting reads this index alone.
            "CREATE INDEX posting_facts_facets_idx ON posting_facts (lifecycle, grade_category, grade, country_code,"
            " organization_name, contract_type, languages, home_based, min_years_experience, education_level, city,"
            " deadline, updated, id)",
            {
                "postgresql": (
                    f"""
                    CREATE FUNCTION posting_facts_from_posting() RETURNS trigger LANGUAGE plpgsql
                    SET search_path FROM CURRENT AS $$
                    BEGIN
                        IF NEW.crawled_at IS NULL THEN
                            DELETE FROM posting_facts WHERE post_number = NEW.post_number;
                        ELSE
                            {_FACTS.format(row="NEW", source="(SELECT 1) AS one")}{_FACTS_UPSERT};
                        END IF;
                        RETURN NULL;
                    END $$
                    """,
                    f"""
                    CREATE TRIGGER raw_job_data_facts AFTER INSERT OR UPDATE OF {FACT_POSTING_COLUMNS}
                    ON raw_job_data FOR EACH ROW EXECUTE FUNCTION posting_facts_from_posting()
                    """,
                    f"""
                    CREATE FUNCTION posting_facts_from_job_ad() RETURNS trigger LANGUAGE plpgsql
                    SET search_path FROM CURRENT AS $$
                    BEGIN
                        {_FACTS_FROM_JOB_AD.format(row="NEW")};
                        RETURN NULL;
                    END $$
                    """,
                    """
                    CREATE TRIGGER job_ads_facts AFTER INSERT OR UPDATE ON job_ads
                    FOR EACH ROW EXECUTE FUNCTION posting_facts_from_job_ad()
                    """,
                    # Rows deleted by hand: their facts go, or lose the job ad's part.
                    f"""
                    CREATE FUNCTION posting_facts_after_delete() RETURNS trigger LANGUAGE plpgsql
                    SET search_path FROM CURRENT AS $$
                    BEGIN
                        IF TG_TABLE_NAME = 'job_ads' THEN
                            {_FACTS_WITHOUT_JOB_AD.format(row="OLD")};
                        ELSE
                            {_FACTS_FORGOTTEN.format(row="OLD")};
                        END IF;
                        RETURN NULL;
                    END $$
                    """,
                    """
                    CREATE TRIGGER raw_job_data_facts_deleted AFTER DELETE ON raw_job_data
                    FOR EACH ROW EXECUTE FUNCTION posting_facts_after_delete()
                    """,
                    """
                    CREATE TRIGGER job_ads_facts_deleted AFTER DELETE ON job_ads
                    FOR EACH ROW EXECUTE FUNCTION posting_facts_after_delete()
                    """,
                ),
                "sqlite": (
                    f"""
                    CREATE TRIGGER raw_job_data_facts_insert AFTER INSERT ON raw_job_data WHEN new.crawled_at IS NOT NULL
                    BEGIN
                        {_FACTS.format(row="new", source="(SELECT 1) AS one")} WHERE true{_FACTS_UPSERT};
                    END
                    """,
                    f"""
                    CREATE TRIGGER raw_job_data_facts_update AFTER UPDATE OF {FACT_POSTING_COLUMNS} ON raw_job_data
                    BEGIN
                        DELETE FROM posting_facts WHERE post_number = new.post_number AND new.crawled_at IS NULL;
                        {_FACTS.format(row="new", source="(SELECT 1) AS one")} WHERE new.crawled_at IS NOT NULL{_FACTS_UPSERT};
                    END
                    """,
                    f"""
                    CREATE TRIGGER job_ads_facts_insert AFTER INSERT ON job_ads BEGIN {_FACTS_FROM_JOB_AD.format(row="new")}; END
                    """,
                    f"""
                    CREATE TRIGGER job_ads_facts_update AFTER UPDATE ON job_ads BEGIN {_FACTS_FROM_JOB_AD.format(row="new")}; END
                    """,
                    f"""
                    CREATE TRIGGER raw_job_data_facts_delete AFTER DELETE ON raw_job_data
                    BEGIN {_FACTS_FORGOTTEN.format(row="old")}; END
                    """,
                    f"""
                    CREATE TRIGGER job_ads_facts_delete AFTER DELETE ON job_ads BEGIN {_FACTS_WITHOUT_JOB_AD.format(row="old")}; END
                    """,
                ),
            },
            _FACTS.format(row="p", source="raw_job_data p") + " WHERE p.crawled_at IS NOT NULL",
            # Saved searches (``scrapy searches``), the postings each has matched, and webhook deliveries
            # with a row per try.
            """
            CREATE TABLE saved_searches (
                name TEXT PRIMARY KEY,
                query TEXT NOT NULL,
                webhook_url TEXT,
                webhook_secret TEXT,
                created_at {timestamp} NOT NULL,
                checked_until {timestamp} NOT NULL
            )
            """,
            """
            CREATE TABLE saved_search_matches (
                search_name TEXT NOT NULL REFERENCES saved_searches (name) ON DELETE CASCADE,
                post_number TEXT NOT NULL,
                matched_at {timestamp} NOT NULL,
                PRIMARY KEY (search_name, post_number)
            )
            """,
            """
            CREATE TABLE webhook_deliveries (
                id {identity} PRIMARY KEY,
                idempotency_key TEXT NOT NULL UNIQUE,
                search_name TEXT NOT NULL REFERENCES saved_searches (name) ON DELETE CASCADE,
                post_number TEXT NOT NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at {timestamp} NOT NULL,
                claimed_until {timestamp},
                last_error TEXT,
                created_at {timestamp} NOT NULL,
                delivered_at {timestamp}
            )
            """,
            "CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (state, next_attempt_at)",
            """
            CREATE TABLE webhook_attempts (
                delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
                attempt INTEGER NOT NULL,
                attempted_at {timestamp} NOT NULL,
                status_code INTEGER,
                error TEXT,
                PRIMARY KEY (delivery_id, attempt)
            )
            """,
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1][0]


def render(statement: str, column_types: dict[str, str]) -> str:
    """A migration statement with one backend's column types filled in."""
    statuses = ", ".join(map(literal, STATUSES))
    lifecycles = ", ".join(map(literal, LIFECYCLES))
    return statement.format(statuses=statuses, lifecycles=lifecycles, **column_types)
