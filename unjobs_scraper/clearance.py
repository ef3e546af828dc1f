"""What a solved Cloudflare challenge leaves, and each host's solving state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class Clearance:
    """What a solved challenge leaves: the browser's cookies for the site and its User-Agent."""

    cookies: list[dict]
    user_agent: str

    @classmethod
    def from_browser(cls, cookies: list[dict], user_agent: str) -> Clearance:
        """From Playwright's cookies, in the form ``Request.cookies`` takes (host-only: no domain)."""
        kept = [{"name": c["name"], "value": c["value"], "path": c.get("path") or "/"} for c in cookies]
        return cls(kept, user_agent)

    def apply(self, request, cookies_enabled: bool) -> None:
        """Through ``Request.cookies`` into the cookie jar, unless cookies are off (then the header)."""
        request.headers["User-Agent"] = self.user_agent
        if not cookies_enabled:
            request.headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in self.cookies)
            return
        own = request.cookies
        own = [{"name": k, "value": v} for k, v in own.items()] if isinstance(own, dict) else own
        names = {cookie["name"] for cookie in self.cookies}  # a retry carries an older clearance
        request.cookies = [cookie for cookie in own if cookie["name"] not in names] + self.cookies


@dataclass
class Site:
    """One host's clearance, and the lock that lets one solve run for it at a time."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    generation: int = 0
    """Bumped by every solve; a request remembers the one it was sent under."""
    clearance: Clearance | None = None
    quiet_until: float = 0.0
    """After a failed solve, challenges go straight to the retry rules until then."""
