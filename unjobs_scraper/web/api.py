"""The read-only query API, ``/api/v1/``: postings by filters and full text, one posting, facets.

Parameters are ``search.query``'s models, so FastAPI validates them (422 naming the parameter)
and documents them in ``/api/v1/openapi.json``. Handlers are plain functions: FastAPI runs them
on its thread pool, and they wait there for a database worker (``dashboard.database``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel

from unjobs_scraper.publish import jsonable, posting_detail, published
from unjobs_scraper.search.query import PostingFilters, PostingQuery

router = APIRouter(prefix="/api/v1", tags=["postings"])
"""``API_TOKEN``, when set, is checked before any of these (``security.py``)."""


class PostingsPage(BaseModel):
    items: list[dict[str, Any]]
    """Each posting's stored fields under their names, its ``source_url`` and its ``job_ad``."""
    next_cursor: str | None
    """``cursor=`` for the next page; null on the last."""


class Facet(BaseModel):
    value: str
    count: int


class Facets(BaseModel):
    total: int
    grade_category: list[Facet]
    grade: list[Facet]
    country: list[Facet]
    organization: list[Facet]
    contract_type: list[Facet]
    language: list[Facet]
    """Required languages."""


@router.get("/postings", response_model=PostingsPage, summary="Postings matching filters and full text")
def postings(request: Request, query: Annotated[PostingQuery, Query()]) -> dict[str, Any]:
    page = request.app.state.database.run(lambda storage: storage.search.page(query))
    return {"items": jsonable([published(item) for item in page.items]), "next_cursor": page.next_cursor}


@router.get("/postings/{post_number}", summary="One posting, with its description and job ad")
def posting(request: Request, post_number: Annotated[str, Path(pattern=r"^\d{1,20}$")]) -> dict[str, Any]:
    found = request.app.state.database.run(lambda storage: storage.search.posting(post_number))
    if found is None:
        raise HTTPException(404, f"no posting {post_number} is stored")
    return posting_detail(found)


@router.get("/facets", response_model=Facets, summary="Counts per value for the same filters")
def facets(request: Request, filters: Annotated[PostingFilters, Query()]) -> dict[str, Any]:
    return request.app.state.database.run(lambda storage: storage.search.facets(filters))
