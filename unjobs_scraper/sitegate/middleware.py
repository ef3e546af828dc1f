"""What the site's answers say of the fleet's pace, read before anything else sees them.

- Cloudflare's rate limiting (429, error 1015): the fleet is banned. Every worker pauses
  (``Retry-After``, or a cooldown), the fleet resumes at a lower rate, and the request is sent
  again with its attempt given back: a ban is never a posting's failure, nor a Cloudflare block.
- Any other 429 or 503 (not a challenge): the fleet slows down; the retry rules take it.

It also runs the gate's lease renewal every second while the spider is open.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, replace

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

from unjobs_scraper.cloudflare import is_challenge, is_rate_limited
from unjobs_scraper.meta import ATTEMPT_NOT_COUNTED_META, POST_NUMBER_META
from unjobs_scraper.retry import retry_after_seconds
from unjobs_scraper.sitegate.gate import RENEW_SECONDS, SITE_GATE_STATE, SiteGate, crawler_gate
from unjobs_scraper.stats import (
    DATABASE_UNAVAILABLE_STAT,
    SITE_RATE_LIMITED_STAT,
    SITE_THROTTLED_STAT,
)
from unjobs_scraper.status import PostingStatus, crawler_status

logger = logging.getLogger(__name__)

THROTTLE_STATUSES = frozenset({429, 503})


class SiteRateLimitMiddleware:
    def __init__(self, crawler, gate: SiteGate, status: PostingStatus) -> None:
        self.crawler = crawler
        self.gate = gate
        self.status = status
        self._renewal = None

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler, crawler_gate(crawler), crawler_status(crawler))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        self._renewal = create_looping_call(self.gate.renew)
        self._renewal.start(RENEW_SECONDS, now=True)

    async def spider_closed(self) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        summary = self.gate.summary
        if summary is not None and not self.crawler.stats.get_value(DATABASE_UNAVAILABLE_STAT):
            value = json.dumps(asdict(replace(summary, waiting=0, in_flight=0)))
            self.status.database.write(lambda s: s.state.set(SITE_GATE_STATE, value), "the fleet's last state")
        await self.gate.close()

    async def process_response(self, request, response):
        if not self.gate.covers(request.url):
            return response
        if is_rate_limited(response):
            self.crawler.stats.inc_value(SITE_RATE_LIMITED_STAT)
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if await self.gate.banned(retry_after):
                logger.warning(
                    "The site's rate limiting banned the fleet (Cloudflare error 1015 at %s): every worker pauses %s",
                    response.url, f"{retry_after:g} s (Retry-After)" if retry_after is not None else "for a cooldown",
                )
            post_number = request.meta.get(POST_NUMBER_META)
            if post_number is not None and not request.meta.get(ATTEMPT_NOT_COUNTED_META):
                await self.status.give_back_now([post_number])  # the attempt is given back: the ban is not the posting's
            return request.replace(dont_filter=True)
        if response.status in THROTTLE_STATUSES and not is_challenge(response):
            self.crawler.stats.inc_value(SITE_THROTTLED_STAT)
            await self.gate.throttled()
        return response
