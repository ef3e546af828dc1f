"""Column groups that both backends and the store need to agree on."""

TIMESTAMP_COLUMNS = frozenset(
    {
        "listing_updated_at",
        "last_processing_attempt",
        "crawled_at",
        "created_at",
        "updated_at",
        "applied_at",
        "next_attempt_at",
        "failed_at",
        "oldest_pending_at",
        "lifecycle_changed_at",
        "last_listed_at",
        "discovered_at",
        "last_walked_at",
        "started_at",
        "heartbeat_at",
        "derived_at",
        "checked_until",
        "matched_at",
        "claimed_until",
        "delivered_at",
        "attempted_at",
        "updated",
    }
)
DATE_COLUMNS = frozenset({"closing_date"})

LISTING_COLUMNS = (
    "post_number",
    "source_url",
    "listing_title",
    "organization_name",
    "closing_date",
    "listing_updated_at",
)
POSTING_COLUMNS = (
    "post_number",
    "source_url",
    "post_name",
    "organization_name",
    "location_country",
    "location_city",
    "closing_date",
    "grade",
    "contract",
    "theme",
    "apply_url",
    "post_content",
    "post_content_html",
)
JOB_AD_FIELDS = (
    "grade", "grade_category", "contract_type", "duration_months", "renewable", "min_years_experience",
    "education_level", "experience_in_lieu", "languages", "description_language", "home_based",
    "country_code", "deadline",
)
"""The structured job ad's fields (table ``job_ads``, ``unjobs_scraper/jobads``); each but
``grade_category`` has a ``<field>_source`` column beside it."""
