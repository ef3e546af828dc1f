"""A Cloudflare-like challenge in front of the replica's pages (``--challenge js|turnstile``).

``js``: a request without a valid ``cf_clearance`` cookie gets a 403 interstitial
(``cf-mitigated: challenge``, ``<title>Just a moment...</title>``, ``#challenge-form``) whose
script sets the cookie after about a second and reloads, as Cloudflare's JavaScript challenge
does. The cookie is bound to the User-Agent and client address that received the interstitial
(with ``bind_tls``, to its TLS fingerprint as well, as real Cloudflare does over HTTPS) and stops
working ``clearance_ttl`` seconds after it was set. ``strict``: the challenge fails for a browser
that announces automation (``navigator.webdriver``, a ``HeadlessChrome`` User-Agent).
``turnstile``: the interstitial never resolves.

robots.txt is always served without a challenge: what unjobs.org does is unknown, and a crawler
that obeys robots.txt has to read it before it has clearance.

Clients are told apart by Fetch metadata: browsers (and clients impersonating one) send
``Sec-Fetch-Mode`` on every request, ``cors``/``same-origin`` for an in-page ``fetch()``; plain
HTTP clients (Scrapy) send none. Each kind's challenges and pages are counted, and over HTTPS the
pages served per TLS fingerprint and the fingerprints that earned a clearance.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import threading
import time
from collections import Counter
from http.cookies import CookieError, SimpleCookie

from tests.replica.messages import Request, Response, Route

MODES = ("none", "js", "turnstile")
CLIENT_KINDS = ("browser", "fetch", "plain")
FETCH_MODES = frozenset({"cors", "same-origin", "no-cors"})
AUTOMATION_MARK = "HeadlessChrome"
PAGE_KINDS = ("index", "posting", "other")
SOLVE_DELAY_SECONDS = 1.0
EXEMPT_PATHS = frozenset({"/robots.txt"})
COOKIE = "cf_clearance"

_INTERSTITIAL = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow">
<meta name="viewport" content="width=device-width,initial-scale=1">
</head><body class="no-js"><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">{host}</h1>
<h2 class="h2" id="challenge-running">Verifying you are human. This may take a few seconds.</h2>
{widget}<form id="challenge-form" action="{path}?__cf_chl_f_tk={ray}" method="POST"
 enctype="application/x-www-form-urlencoded"></form>
<noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue</div></noscript>
</div></div>
<script>window._cf_chl_opt = {{cvId: '3', cZone: '{host}', cType: '{kind}', cRay: '{ray}'}};
{solver}</script>
</body></html>
"""
_JS_SOLVER = """setTimeout(function () {{
  if ({strict} && (navigator.webdriver || /{automation}/.test(navigator.userAgent))) {{
    document.getElementById("challenge-running").textContent = "Verification failed.";
    return;
  }}
  document.cookie = "{cookie}={token}; path=/; max-age={max_age}; SameSite=Lax";
  location.reload();
}}, {delay_ms});"""
_TURNSTILE_WIDGET = '<div class="cf-turnstile" data-sitekey="0x4AAAAAAADnPIDROrmt1Wwj"></div>\n'


def client_kind(request: Request) -> str:
    mode = request.headers.get("Sec-Fetch-Mode")
    if not mode:
        return "plain"
    return "fetch" if mode in FETCH_MODES else "browser"


class ChallengeLayer:
    """Answers pages with an interstitial until the client shows a valid clearance cookie."""

    name = "challenge"

    def __init__(
        self,
        mode: str = "js",
        clearance_ttl: float = 1800.0,
        kinds=PAGE_KINDS,
        bind_tls: bool = False,
        strict: bool = False,
    ) -> None:
        if mode not in MODES[1:]:
            raise ValueError(f"challenge mode must be js or turnstile, got {mode!r}")
        self.mode = mode
        self.clearance_ttl = clearance_ttl
        self.kinds = frozenset(kinds)
        self.bind_tls = bind_tls
        self.strict = strict
        self._secret = os.urandom(16)
        self._lock = threading.Lock()
        self.reset()

    def intercept(self, request: Request, route: Route) -> Response | None:
        client = client_kind(request)
        challenged = (
            request.path not in EXEMPT_PATHS and route.kind in self.kinds and not self._cleared(request)
        )
        with self._lock:
            if challenged:
                self._challenges[client] += 1
            else:
                self._pages[client][route.kind] += 1
                if request.tls_fingerprint and route.kind == "posting":
                    self._postings_by_tls[request.tls_fingerprint] += 1
        return self._interstitial(request) if challenged else None

    def stats(self) -> dict[str, object]:
        with self._lock:
            return {
                "mode": self.mode,
                "challenges": {kind: self._challenges[kind] for kind in CLIENT_KINDS},
                "pages": {
                    client: {kind: self._pages[client][kind] for kind in PAGE_KINDS} for client in CLIENT_KINDS
                },
                "clearances_used": len(self._tokens_used),
                "postings_by_tls": dict(self._postings_by_tls),
                "clearance_tls": sorted(self._clearance_tls),
            }

    def reset(self) -> None:
        with self._lock:
            self._challenges: Counter[str] = Counter()
            self._pages: dict[str, Counter[str]] = {kind: Counter() for kind in CLIENT_KINDS}
            self._tokens_used: set[str] = set()
            self._postings_by_tls: Counter[str] = Counter()
            self._clearance_tls: set[str] = set()

    def _signature(self, expires: str, request: Request) -> str:
        bound_to = f"{expires}|{request.headers.get('User-Agent', '')}|{request.client_host}"
        if self.bind_tls:
            bound_to += f"|{request.tls_fingerprint}"
        return hmac.new(self._secret, bound_to.encode(), hashlib.sha256).hexdigest()[:32]

    def _cleared(self, request: Request) -> bool:
        """A ``cf_clearance`` minted for this User-Agent and address, not yet expired."""
        try:
            morsel = SimpleCookie(request.headers.get("Cookie", "")).get(COOKIE)
        except CookieError:
            return False
        if morsel is None:
            return False
        expires, _, signature = morsel.value.partition("-")
        try:
            fresh = float(expires) > time.time()
        except ValueError:
            return False
        valid = fresh and hmac.compare_digest(signature, self._signature(expires, request))
        if valid:
            with self._lock:
                self._tokens_used.add(morsel.value)
                self._clearance_tls.add(request.tls_fingerprint)
        return valid

    def _interstitial(self, request: Request) -> Response:
        ray = os.urandom(8).hex()
        solver = ""
        automated = self.strict and AUTOMATION_MARK in request.headers.get("User-Agent", "")
        if self.mode == "js":
            expires = f"{time.time() + SOLVE_DELAY_SECONDS + self.clearance_ttl:.3f}"
            token = "refused" if automated else f"{expires}-{self._signature(expires, request)}"
            solver = _JS_SOLVER.format(
                strict="true" if self.strict else "false",
                automation=AUTOMATION_MARK,
                cookie=COOKIE,
                token=token,
                max_age=math.ceil(SOLVE_DELAY_SECONDS + self.clearance_ttl),
                delay_ms=int(SOLVE_DELAY_SECONDS * 1000),
            )
        page = _INTERSTITIAL.format(
            host=request.headers.get("Host", "127.0.0.1"),
            path=request.path,
            ray=ray,
            kind="non-interactive" if self.mode == "js" else "managed",
            widget=_TURNSTILE_WIDGET if self.mode == "turnstile" else "",
            solver=solver,
        )
        headers = (
            ("cf-mitigated", "challenge"),
            ("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate"),
            ("Server", "cloudflare"),
            ("cf-ray", f"{ray}-REP"),
        )
        return Response(403, page.encode("utf-8"), headers=headers)


def challenge_layers(
    mode: str, clearance_ttl: float, kinds=PAGE_KINDS, bind_tls: bool = False, strict: bool = False
) -> tuple[ChallengeLayer, ...]:
    """The layers ``Replica(challenge=...)`` adds: none for ``none``."""
    if mode not in MODES:
        raise ValueError(f"challenge mode must be one of {', '.join(MODES)}, got {mode!r}")
    return () if mode == "none" else (ChallengeLayer(mode, clearance_ttl, kinds, bind_tls, strict),)
