"""Cloudflare's answers in place of the site's pages: the one place that recognises them.

A challenge must never be parsed as a listing or a posting. Retries (``retry.py``) and the
solving middleware both ask ``is_challenge``. A rate limiting ban (``is_rate_limited``) is
neither a challenge nor a block: ``sitegate`` pauses the fleet for it.
"""

from __future__ import annotations

import re

CHALLENGE_STATUSES = frozenset({403, 503})
RATE_LIMITED_MARKS = re.compile(rb"error(?:\s+code)?\s*:?\s*(?:<[^>]*>\s*)*1015\b|you are being rate limited", re.IGNORECASE)
CHALLENGE_MARKS = re.compile(
    rb"<title>\s*Just a moment\.\.\.|id\s*=\s*[\"']?challenge-form|cf-turnstile|_cf_chl_opt",
    re.IGNORECASE,
)


def has_challenge_marks(html: str | bytes) -> bool:
    """The interstitial's markup: its title, its form, the Turnstile widget or its options script."""
    body = html.encode("utf-8", "replace") if isinstance(html, str) else html
    return CHALLENGE_MARKS.search(body) is not None


def is_challenge(response) -> bool:
    """``cf-mitigated: challenge``, or a 403/503 carrying the interstitial's markup.

    The status matters for the markup test: a posting that merely quotes the interstitial
    (a 200) is a posting.
    """
    if (response.headers.get(b"cf-mitigated") or b"").strip().lower() == b"challenge":
        return True
    return response.status in CHALLENGE_STATUSES and has_challenge_marks(response.body)


def challenge_error(timeout_seconds: float) -> str:
    """The readable reason an attempt failed on a challenge, as ``processing_error`` shows it."""
    return f"Cloudflare challenge not solved within {timeout_seconds:g} s"


def is_rate_limited(response) -> bool:
    """Cloudflare's rate limiting rule: HTTP 429 with the "Error 1015 · You are being rate
    limited" page (or its plain-text "error code: 1015")."""
    return response.status == 429 and RATE_LIMITED_MARKS.search(response.body[:20_000]) is not None
