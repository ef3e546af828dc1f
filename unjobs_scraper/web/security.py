"""What every answer of the web process carries, and who may ask.

- **Loopback by default**, and on a loopback address only the Host names of this machine are
  answered: a page of another site can neither read the dashboard nor reach it by DNS rebinding.
- **Headers**: a Content-Security-Policy that allows no script and nothing from elsewhere (the API's
  docs page alone loads Swagger UI, by its hash), ``nosniff``, no referrer, ``no-store``.
- **The dashboard's one write** (requeueing dead letters) is a POST carrying the form token.
- **The API and the feeds** ask for ``API_TOKEN`` as a Bearer token when it is set (feed readers
  may put it in ``?token=`` instead); off loopback it must be set.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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


_bearer = HTTPBearer(auto_error=False, description="API_TOKEN, when it is set")


FEED_TOKEN_PARAMETER = "token"


def _check(request: Request, given: str) -> None:
    """401 unless ``given`` is ``API_TOKEN`` (when one is set)."""
    token = request.app.state.access.api_token
    if token is not None and not (given and same(given, token)):
        raise HTTPException(401, "a valid API_TOKEN is needed: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})


async def api_token(request: Request) -> None:
    """The API's dependency: ``Authorization: Bearer <API_TOKEN>``."""
    credentials: HTTPAuthorizationCredentials | None = await _bearer(request)
    _check(request, credentials.credentials if credentials else "")


async def feed_token(request: Request) -> None:
    """The feeds' dependency: the Bearer token, or ``?token=`` for readers that cannot send one."""
    credentials: HTTPAuthorizationCredentials | None = await _bearer(request)
    _check(request, credentials.credentials if credentials else request.query_params.get(FEED_TOKEN_PARAMETER, ""))
