"""The web application: the dashboard, the query API and the feeds, behind one set of rules
(``security.py``) and one error shape per kind of client (HTML pages, JSON, Atom)."""

from __future__ import annotations

import base64
import hashlib
import logging
import re

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.dashboard.views import Limits
from unjobs_scraper.search.query import SearchError, search_error
from unjobs_scraper.web import api, dashboard, feeds
from unjobs_scraper.web.security import COMMON_HEADERS, CSP, Access

logger = logging.getLogger(__name__)

OPENAPI_URL, DOCS_URL = "/api/v1/openapi.json", "/api/v1/docs"
MACHINE_PATHS = ("/api/", "/feeds/")
"""Paths whose clients read JSON errors, not pages."""


def _docs_page() -> tuple[str, str]:
    """Swagger UI's page, and the CSP that lets exactly its inline script and its CDN files run."""
    html = get_swagger_ui_html(openapi_url=OPENAPI_URL, title="unjobs-scraper API").body.decode()
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    )
    cdn = "https://cdn.jsdelivr.net"
    policy = (f"default-src 'none'; script-src {cdn} {hashes}; style-src {cdn}; img-src https://fastapi.tiangolo.com data:;"
              " connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")
    return html, policy


def create_app(database: Database, access: Access, site_host: str, limits: Limits = Limits(),
               read_only: bool = False) -> FastAPI:
    app = FastAPI(
        title="unjobs-scraper", version="1",
        description="Read-only access to the stored copy of unjobs.org's postings (docs/api.md).",
        openapi_url=OPENAPI_URL, docs_url=None, redoc_url=None,
    )
    app.state.database, app.state.access, app.state.site_host = database, access, site_host
    app.state.limits, app.state.read_only = limits, read_only
    docs_html, docs_policy = _docs_page()

    @app.middleware("http")
    async def rules(request: Request, call_next) -> Response:
        if not access.host_allowed(request.headers.get("host", "")):
            response = dashboard.message(request, 403, "Unknown Host header.")
        else:
            response = await call_next(request)
        policy = docs_policy if request.url.path == DOCS_URL else CSP
        response.headers.update({"Content-Security-Policy": policy, **COMMON_HEADERS})
        return response

    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        return _unprocessable(search_error(error.errors()))

    @app.exception_handler(SearchError)
    async def bad_search(request: Request, error: SearchError) -> Response:
        return _unprocessable(error)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith(MACHINE_PATHS):
            return JSONResponse({"error": error.detail}, status_code=error.status_code, headers=error.headers)
        return dashboard.message(request, error.status_code, "No such page." if error.status_code == 404 else str(error.detail))

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception) -> Response:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=error)
        if request.url.path.startswith(MACHINE_PATHS):
            return JSONResponse({"error": "the database query failed"}, status_code=500)
        return dashboard.message(request, 500, "The database query failed.")

    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(dashboard.router)
    return app


def _unprocessable(error: SearchError) -> JSONResponse:
    return JSONResponse({"error": str(error), "parameter": error.parameter}, status_code=422)
