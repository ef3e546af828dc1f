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
from unjobs_scraper.web.security import (
    COMMON_HEADERS,
    CSP,
    DOCS_URL,
    MACHINE_PATHS,
    OPENAPI_URL,
    Access,
    token_missing,
)

logger = logging.getLogger(__name__)

SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.17.14/"
"""Swagger UI's files, one pinned version: the docs page's CSP allows these two paths only."""


def _docs_page() -> tuple[str, str]:
    """Swagger UI's page, and the CSP that lets exactly its pinned files and its inline script run."""
    js, css = f"{SWAGGER_UI}swagger-ui-bundle.js", f"{SWAGGER_UI}swagger-ui.css"
    html = get_swagger_ui_html(
        openapi_url=OPENAPI_URL, title="unjobs-scraper API", swagger_js_url=js, swagger_css_url=css
    ).body.decode()
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    )
    policy = (f"default-src 'none'; script-src {js} {hashes}; style-src {css}; img-src https://fastapi.tiangolo.com data:;"
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
        """The Host check, the token, and the headers of every answer, a failure's included."""
        machine = request.url.path.startswith(MACHINE_PATHS)
        if not access.host_allowed(request.headers.get("host", "")):
            response = dashboard.message(request, 403, "Unknown Host header.")
        elif token_missing(request, access):
            if machine:
                response = JSONResponse({"error": "a valid API_TOKEN is needed: Authorization: Bearer <token>"},
                                        status_code=401, headers={"WWW-Authenticate": "Bearer"})
            else:  # a browser asks for it as HTTP Basic's password
                response = dashboard.message(request, 401, "API_TOKEN is needed: give it as the password.")
                response.headers["WWW-Authenticate"] = 'Basic realm="unjobs-scraper", charset="UTF-8"'
        else:
            try:
                response = await call_next(request)
            except Exception:
                logger.exception("%s %s failed", request.method, request.url.path)
                response = (JSONResponse({"error": "the database query failed"}, status_code=500) if machine
                            else dashboard.message(request, 500, "The database query failed."))
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

    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(dashboard.router)
    return app


def _unprocessable(error: SearchError) -> JSONResponse:
    return JSONResponse({"error": str(error), "parameter": error.parameter}, status_code=422)
