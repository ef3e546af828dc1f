"""What every answer of the web process carries, and who may ask.

- **Loopback by default**, and on a loopback address only the Host names of this machine are
  answered: a page of another site can neither read the dashboard nor reach it by DNS rebinding.
- **Headers**: a Content-Security-Policy that allows no script and nothing from elsewhere (the API's
  docs page alone loads Swagger UI: its pinned files by path, its inline script by hash),
  ``nosniff``, no referrer, ``no-store``; errors included.
- **The dashboard's one write** (requeueing dead letters) is a POST carrying the form token.
- **``API_TOKEN``**, when set, is asked of the API and the feeds (``Authorization: Bearer``; feed
  readers may put it in ``?token=``), and off loopback of every page too (a browser asks for it as
  the password of HTTP Basic). It must be set to listen off loopback. The API's description and
  docs page, and the stylesheet, need none.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from starlette.requests import Request

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none';"
    " frame-ancestors 'none'"
)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same(candidate: str, secret: str) -> bool:
    return hmac.compare_digest(candidate.encode(), secret.encode())


@dataclass(frozen=True)
class Access:
    """Who may ask what, for one listening address."""

    host: str
    port: int
    api_token: str | None = None
    form_token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    """The dashboard's POST token: served in its pages on loopback, printed at start elsewhere."""

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        names = ("127.0.0.1", "localhost", "[::1]", self.host if ":" not in self.host else f"[{self.host}]")
        return frozenset(f"{name}:{self.port}" for name in names)

    def host_allowed(self, host_header: str) -> bool:
        return not self.loopback or host_header in self.allowed_hosts


FEED_TOKEN_PARAMETER = "token"
OPENAPI_URL, DOCS_URL = "/api/v1/openapi.json", "/api/v1/docs"
OPEN_PATHS = frozenset({OPENAPI_URL, DOCS_URL, "/static/dashboard.css"})
"""Paths that show no stored data: never behind the token."""
FEEDS_PATH = "/feeds/"
MACHINE_PATHS = ("/api/", FEEDS_PATH)
"""The API and the feeds: behind the token wherever it is set."""


def given_token(request: Request) -> str:
    """The token a request carries: ``Bearer <token>``, HTTP Basic's password, or (feeds) ``?token=``."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(credentials, validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return ""
    return request.query_params.get(FEED_TOKEN_PARAMETER, "") if request.url.path.startswith(FEEDS_PATH) else ""


def token_missing(request: Request, access: Access) -> bool:
    """Whether ``API_TOKEN`` is set, asked of this path, and not given."""
    path = request.url.path
    if access.api_token is None or path in OPEN_PATHS:
        return False
    if not path.startswith(MACHINE_PATHS) and access.loopback:
        return False
    given = given_token(request)
    return not (given and same(given, access.api_token))
