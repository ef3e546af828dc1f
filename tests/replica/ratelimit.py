"""Cloudflare's rate limiting rule, as a replica ``Layer``: past ``rate`` requests a second,
counted over ``window`` seconds across every client (the workers of a fleet share one address),
every request is answered for ``ban_seconds`` with HTTP 429 and the "Error 1015 · You are being
rate limited" page, with ``Retry-After`` or (as Cloudflare usually does) without.

It also records how many requests arrived in each second, so that tests can tell the busiest
second a crawler sent, whether or not a rule is set.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque

from tests.replica.messages import Request, Response, Route

BAN_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><title>Access denied | {host} used Cloudflare to restrict access</title>
<meta charset="UTF-8"><meta name="robots" content="noindex, nofollow"></head>
<body><div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">
<div class="cf-wrapper cf-header cf-error-overview"><h1><span class="cf-error-type">Error</span>
<span class="cf-error-code">1015</span></h1><h2 class="cf-subheadline">You are being rate limited</h2></div>
<section class="cf-section cf-wrapper"><div class="cf-columns two"><div class="cf-column">
<h2>What happened?</h2><p>The owner of this website ({host}) has banned you temporarily from accessing this website.</p>
</div></div></section><div class="cf-error-footer cf-wrapper"><p>Cloudflare Ray ID: <strong>{ray}</strong>
&bull; Your IP: {client} &bull; Performance &amp; security by Cloudflare</p></div></div></div></body></html>
"""


class RateLimit:
    """Counts every request that reaches the site; bans all clients once the window's count
    passes ``rate * window``. ``rate=None`` only counts."""

    name = "rate_limit"

    def __init__(self, rate: float | None = None, window: float = 10.0, ban_seconds: float = 10.0,
                 retry_after: bool = False, host: str = "unjobs.org") -> None:
        self.rate = rate
        self.window = window
        self.ban_seconds = ban_seconds
        self.retry_after = retry_after
        self.host = host
        self._lock = threading.Lock()
        self._arrivals: deque[float] = deque()
        self._banned_until = 0.0
        self._per_second: Counter[int] = Counter()
        self._limited = 0
        self._bans = 0

    def intercept(self, request: Request, route: Route) -> Response | None:
        now = time.time()
        with self._lock:
            self._per_second[int(now)] += 1
            if self.rate is None:
                return None
            if now < self._banned_until:
                return self._ban_page(request, now)
            self._arrivals.append(now)
            while self._arrivals and self._arrivals[0] <= now - self.window:
                self._arrivals.popleft()
            if len(self._arrivals) <= self.rate * self.window:
                return None
            self._bans += 1
            self._banned_until = now + self.ban_seconds
            self._arrivals.clear()
            return self._ban_page(request, now)

    def _ban_page(self, request: Request, now: float) -> Response:
        self._limited += 1
        page = BAN_PAGE.format(host=self.host, client=request.client_host, ray=f"{int(now * 1000) % 10**16:016x}")
        headers = [("Server", "cloudflare"), ("Cache-Control", "private, max-age=0, no-store")]
        if self.retry_after:
            headers.append(("Retry-After", str(max(1, round(self._banned_until - now)))))
        return Response(429, page.encode(), headers=tuple(headers))

    def stats(self) -> dict[str, object]:
        with self._lock:
            busiest = max(self._per_second.values(), default=0)
            return {
                "rate_limited": self._limited, "bans": self._bans, "busiest_second": busiest,
                "per_second": {str(second): n for second, n in sorted(self._per_second.items())},
            }

    def reset(self) -> None:
        with self._lock:
            self._per_second.clear()
            self._limited = self._bans = 0
