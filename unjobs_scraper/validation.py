"""Item validation with Spidermon: every listing and posting against a JSON Schema.

Items are validated as JSON would carry them (dates and times as ISO 8601 text), so the schema
can say what a stored row needs: a numeric post number, an http(s) URL, a non-empty title, dates
that are dates. Invalid items are counted in the stats (``spidermon/validation/...``), not
dropped: the store keeps what was found, and the ``item validation`` monitor reports the count.
"""

from __future__ import annotations

import json
from datetime import date

from scrapy.exceptions import NotConfigured
from spidermon.contrib.scrapy.pipelines import ItemValidationPipeline as SpidermonValidationPipeline
from spidermon.contrib.validation import JSONSchemaValidator

from unjobs_scraper.items import Listing, Posting

_TEXT = {"type": "string", "minLength": 1}
_OPTIONAL_TEXT = {"type": ["string", "null"], "minLength": 1}
_IDENTITY = {
    "post_number": {"type": "string", "pattern": "^[0-9]+$"},
    "source_url": {"type": "string", "format": "uri", "pattern": "^https?://"},
}
LISTING_SCHEMA = {
    "type": "object",
    "required": ["post_number", "source_url"],
    "properties": {
        **_IDENTITY,
        "listing_title": _OPTIONAL_TEXT,
        "organization_name": _OPTIONAL_TEXT,
        "listing_updated_at": {"type": ["string", "null"], "format": "date-time"},
        "closing_date": {"type": ["string", "null"], "format": "date"},
    },
}
POSTING_SCHEMA = {
    "type": "object",
    "required": ["post_number", "source_url", "post_name"],
    "properties": {
        **_IDENTITY,
        "post_name": _TEXT,
        **dict.fromkeys(
            ("organization_name", "location_country", "location_city", "grade", "contract", "theme", "listing_title"),
            _OPTIONAL_TEXT,
        ),
        "closing_date": {"type": ["string", "null"], "format": "date"},
        "apply_url": {"type": ["string", "null"], "format": "uri"},
        "post_content_html": {"type": ["string", "null"]},
        "post_content": {"type": ["string", "null"]},
    },
}
SCHEMAS = {Listing: LISTING_SCHEMA, Posting: POSTING_SCHEMA}


def _isoformat(value):
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class JsonItemValidator(JSONSchemaValidator):
    """Validates the item's JSON form, where ``format: date`` and ``date-time`` apply."""

    def _validate(self, data, strict=False):
        super()._validate(json.loads(json.dumps(data, default=_isoformat)), strict)


class ItemValidationPipeline(SpidermonValidationPipeline):
    """Spidermon's validation pipeline with the schemas above (by item class), nothing dropped."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("SPIDERMON_ENABLED"):
            raise NotConfigured("SPIDERMON_ENABLED is off")
        validators = {item.__name__: [JsonItemValidator(schema)] for item, schema in SCHEMAS.items()}
        return cls(validators, crawler.stats)
