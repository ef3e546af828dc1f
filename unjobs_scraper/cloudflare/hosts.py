"""Each host's way past Cloudflare: the strategy its requests use, its clearance, its solving state.

Strategies, cheapest first. A host starts ``plain`` and only moves up the ladder:

- ``plain``: Scrapy's own HTTP client; after a solve it carries the browser's cookies and
  User-Agent (enough where the clearance is bound to the User-Agent alone, and for ``http://``,
  which has no TLS fingerprint to match);
- ``impersonated``: curl_cffi (scrapy-impersonate) with the TLS and HTTP/2 fingerprint of the
  Chrome that solved, its User-Agent and client hints;
- ``in-browser``: an in-page ``fetch()`` from the page that solved, on the browser's own network
  stack, for a clearance no other client can use;
- ``blocked``: the host keeps challenging and no solve gets through; its requests fail at once.
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, field


class Strategy(enum.StrEnum):
    PLAIN = "plain"
    IMPERSONATED = "impersonated"
    IN_BROWSER = "in-browser"
    BLOCKED = "blocked"

    @property
    def rank(self) -> int:
        return list(Strategy).index(self)


LADDER = (Strategy.PLAIN, Strategy.IMPERSONATED, Strategy.IN_BROWSER)
IDENTITY_HEADERS = ("user-agent", "accept", "accept-language", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform")
"""What the solving browser said about itself; an impersonated request says the same."""


@dataclass
class Clearance:
    """What a solved challenge leaves: the browser's cookies for the site and its identity headers."""

    cookies: list[dict]
    headers: dict[str, str]
    browser_version: str = ""

    @classmethod
    def from_browser(cls, cookies: list[dict], headers: dict[str, str], browser_version: str = "") -> Clearance:
        """From Playwright's cookies (host-only: no domain) and its navigation request's headers."""
        kept = [{"name": c["name"], "value": c["value"], "path": c.get("path") or "/"} for c in cookies]
        identity = {name: value for name, value in headers.items() if name.lower() in IDENTITY_HEADERS}
        return cls(kept, identity, browser_version)

    def apply(self, request, cookies_enabled: bool, identity: bool = False) -> None:
        """Cookies through ``Request.cookies`` into the jar (unless cookies are off: then the header).

        Plain requests take the User-Agent; impersonated ones (``identity``) every identity header,
        so that the client hints match the User-Agent.
        """
        for name, value in self.headers.items():
            if identity or name.lower() == "user-agent":
                request.headers[name] = value
        if not cookies_enabled:
            request.headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in self.cookies)
            return
        own = request.cookies
        own = [{"name": k, "value": v} for k, v in own.items()] if isinstance(own, dict) else own
        names = {cookie["name"] for cookie in self.cookies}  # a retry carries an older clearance
        request.cookies = [cookie for cookie in own if cookie["name"] not in names] + self.cookies


@dataclass
class Host:
    """One host's state. Every change happens under ``lock``: one solve or switch at a time."""

    name: str
    strategy: Strategy = Strategy.PLAIN
    floor: Strategy = Strategy.PLAIN
    """The first strategy to try after a solve: what earlier crawls settled on (from the database)."""
    saved: Strategy | None = None
    """What the database holds for the host."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    generation: int = 0
    """Bumped by every solve and every switch; a request remembers the one it was sent under."""
    clearance: Clearance | None = None
    accepted: bool = False
    """A response under the current generation got through: the clearance works for this strategy."""
    page: object | None = None
    """The page that solved: kept open until the hand-off is confirmed, and for ``in-browser``."""
    quiet_until: float = 0.0
    """After a failed solve, challenges go straight to the retry rules until then."""
    failed_solves: int = 0
    blocked_reason: str | None = None
    last_challenge: bytes = b""
    """The interstitial last served, answered in place of requests once the host is blocked."""
    fetch_slots: asyncio.Semaphore = field(default_factory=asyncio.Semaphore)
    """In-page fetches at once (``BROWSER_FETCH_CONCURRENCY``): ``CloudflareMiddleware.clearance_page``."""

    def handoff(self, secure: bool, impersonation: bool) -> Strategy:
        """The strategy after a solve: the cheapest that can carry this clearance, at least ``floor``.

        Over ``https`` the clearance is bound to the TLS client as well, so it goes to the
        impersonated client (unless impersonation is off); ``http`` has no TLS to match.
        """
        first = Strategy.PLAIN
        if secure:
            first = Strategy.IMPERSONATED if impersonation else Strategy.IN_BROWSER
        return max(first, self.floor, key=lambda s: s.rank)

    def escalate(self, impersonation: bool) -> Strategy | None:
        """The next strategy when the current one is challenged despite a fresh clearance."""
        for candidate in LADDER[self.strategy.rank + 1 :]:
            if candidate is Strategy.IMPERSONATED and not impersonation:
                continue
            return candidate
        return None
