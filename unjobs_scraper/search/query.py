"""What a search asks for: the query API's parameters, validated once, in one model.

The API (``GET /api/v1/postings``), its facets, the Atom feeds, saved searches and their webhooks,
and the dashboard's search box all read the same parameters through ``PostingFilters`` (what
matches) and ``PostingQuery`` (with the order and the page). A bad value is a ``SearchError``
naming the parameter: 422 in the API, one line in ``scrapy searches add``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unjobs_scraper.jobads.contracts import CONTRACT_TYPES
from unjobs_scraper.jobads.grades import GRADE_CATEGORIES
from unjobs_scraper.jobads.languages import LANGUAGES
from unjobs_scraper.jobads.requirements import EDUCATION_LEVELS

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

GradeCategory = Literal[GRADE_CATEGORIES]  # type: ignore[valid-type]
ContractType = Literal[CONTRACT_TYPES]  # type: ignore[valid-type]
Language = Literal[LANGUAGES]  # type: ignore[valid-type]
EducationLevel = Literal[EDUCATION_LEVELS]  # type: ignore[valid-type]


class SearchError(ValueError):
    """A parameter that cannot be used; ``str()`` is one line that names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class PostingFilters(BaseModel):
    """Which postings match. Every filter narrows; unset ones do not. Only postings that were read
    at least once are searched (a posting only seen on a listing has no description yet)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str | None = Field(
        None, max_length=500,
        description='Full text over title, organization, duty station, description and post number; web-search '
        'syntax: "a phrase", `or`, `-word`. Accents do not matter.',
    )
    organization: str | None = Field(None, max_length=500, description="The organization, as the site names it.")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 (`KEN`).")
    city: str | None = Field(None, max_length=200, description="The duty station (any case).")
    grade: list[str] = Field([], description="Repeatable: `P-3`, `NO-B`, `G-6`, `consultant`, ...")
    grade_category: list[GradeCategory] = Field([], description="Repeatable.")
    contract_type: ContractType | None = None
    home_based: bool | None = Field(None, description="`true` or `false`.")
    language: Language | None = Field(None, description="ISO 639-1: postings that require it.")
    language_requirement: Literal["required", "any"] = Field(
        "required", description="With `language`: `any` for required or desirable."
    )
    max_years: int | None = Field(None, ge=0, le=60, description="Postings asking at most this many years, or not saying.")
    education: EducationLevel | None = Field(
        None, description="Postings accepting this level or a lower one, or not saying."
    )
    lifecycle: Literal["open", "closed", "withdrawn", "any"] = "open"
    deadline_after: date | None = Field(None, description="Closing on or after this date.")
    deadline_before: date | None = Field(None, description="Closing on or before this date.")
    updated_since: datetime | None = Field(
        None, description="Updated on the site at or after this time (ISO 8601; UTC unless it says)."
    )

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("updated_since")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    @field_validator("grade")
    @classmethod
    def _grades(cls, values: list[str]) -> list[str]:
        if any(len(value) > 20 for value in values):
            raise ValueError("a grade is at most 20 characters")
        return values

    def query_string(self) -> str:
        """The canonical query string (a saved search's, a feed's link)."""
        return urlencode(_as_pairs(self.model_dump(exclude_defaults=True)))

    @property
    def required_languages(self) -> bool:
        return self.language_requirement == "required"


class PostingQuery(PostingFilters):
    """A page of the search: ``sort``, ``limit`` and the ``cursor`` of the page before."""

    sort: Literal["deadline", "-updated", "relevance"] = Field(
        "deadline", description="`deadline` (soonest first, none last), `-updated` (newest first), `relevance` (with `q`)."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=400, description="`next_cursor` of the page before.")

    @field_validator("sort")
    @classmethod
    def _relevance_needs_text(cls, value: str, info) -> str:
        if value == "relevance" and not info.data.get("q"):
            raise ValueError("relevance needs q")
        return value


def _as_pairs(values: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            text = str(one).lower() if isinstance(one, bool) else one.isoformat() if isinstance(one, date) else str(one)
            pairs.append((name, text))
    return pairs


def parse(model: type[PostingFilters], query_string: str) -> PostingFilters:
    """``model`` from a query string (``a=1&grade=P-3&grade=P-4``); blank values count as unset."""
    values: dict[str, Any] = {}
    for name, value in parse_qsl(query_string.lstrip("?"), keep_blank_values=False):
        field = model.model_fields.get(name)
        if field is not None and getattr(field.annotation, "__origin__", None) is list:
            values.setdefault(name, []).append(value)
        elif name in values:
            raise SearchError(name, "given more than once")
        else:
            values[name] = value
    return validated(model, values)


def validated(model: type[PostingFilters], values: dict[str, Any]) -> PostingFilters:
    try:
        return model(**values)
    except ValidationError as error:
        raise search_error(error.errors()) from None


def search_error(errors: Sequence[Mapping[str, Any]]) -> SearchError:
    """The first problem of a validation (pydantic's, or FastAPI's of a request), naming its parameter."""
    first = errors[0]
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body")]
    name = location[0] if location else "query"
    message = "not a parameter of the search" if first.get("type") == "extra_forbidden" else str(first.get("msg"))
    return SearchError(name, message.removeprefix("Value error, "))


# -- cursors: where the page before ended, in the order of its sort ----------------------------------


def encode_cursor(sort: str, key: Any, post_number: str) -> str:
    """Opaque to clients; it holds the sort and the last row's key, so a page is a keyset page."""
    if isinstance(key, date):
        key = key.isoformat()
    raw = json.dumps([sort, key, post_number], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """The key and post number a cursor holds; a ``SearchError`` naming ``cursor`` if it is not
    one of ours, or was made for another sort."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, key, post_number = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise SearchError("cursor", "not a cursor this API gave") from None
    if made_for != sort:
        raise SearchError("cursor", f"made for sort={made_for}, not sort={sort}")
    if not isinstance(post_number, str) or not post_number.isdigit():
        raise SearchError("cursor", "not a cursor this API gave")
    try:
        if sort == "deadline":
            key = date.fromisoformat(key)
        elif sort == "-updated":
            key = datetime.fromisoformat(key)
        elif not isinstance(key, int | float):
            raise ValueError(key)
    except (TypeError, ValueError):
        raise SearchError("cursor", "not a cursor this API gave") from None
    return key, post_number
