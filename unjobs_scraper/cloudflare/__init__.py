"""Getting past Cloudflare, with the browser only where it is needed: the whole subsystem.

| module | what |
|---|---|
| ``detection.py`` | ``is_challenge``, ``is_rate_limited``: the one place that recognises an interstitial or a ban |
| ``hosts.py`` | each host's strategy (plain, impersonated, in-browser, blocked) and clearance |
| ``middleware.py`` | ``CloudflareMiddleware``: solves, hands the clearance off, switches strategy |
| ``handler.py`` | ``CloudflareDownloadHandler``: browser page, in-page fetch, impersonated or plain, per request |
| ``browser_pages.py`` | waiting on, reading, fetching from and closing browser pages |
| ``launch.py`` | which Chromium, its launch options, the lazy Playwright start (``python -m ...launch``) |
"""

from unjobs_scraper.cloudflare.detection import (
    challenge_error,
    has_challenge_marks,
    is_challenge,
    is_rate_limited,
)

__all__ = ["challenge_error", "has_challenge_marks", "is_challenge", "is_rate_limited"]
