"""scrapy-redis's fingerprint set, one per crawl generation, aware of recovery attempts."""

from __future__ import annotations

import hashlib
import json
import time

from scrapy.utils.python import to_unicode
from scrapy_redis.dupefilter import RFPDupeFilter
from w3lib.url import canonicalize_url

from unjobs_scraper.config import Config
from unjobs_scraper.distributed.connection import connect
from unjobs_scraper.distributed.generation import Generations, RedisKeys

GENERATION_CACHE_SECONDS = 1.0


class GenerationDupeFilter(RFPDupeFilter):
    """Filters within the current generation; follows a new one within a second.

    The fingerprint includes the request's attempt count (``retry_times``), so the recovery
    of a posting whose request was lost with a dead worker is not taken for a duplicate,
    while a recovered posting that is still queued is.
    """

    def __init__(self, server, generations: Generations, debug: bool = False) -> None:
        super().__init__(server, key=generations.keys.dupefilter(0), debug=debug)
        self.generations = generations
        self._checked_at = float("-inf")

    @classmethod
    def from_spider(cls, spider):
        config = Config.from_settings(spider.settings)
        server = connect(config.redis_url)
        generations = Generations(server, RedisKeys(config.redis_namespace))
        return cls(server, generations, spider.settings.getbool("DUPEFILTER_DEBUG"))

    def use_generation(self, generation: int) -> None:
        self.key = self.generations.keys.dupefilter(generation)
        self._checked_at = time.monotonic()

    def request_seen(self, request) -> bool:
        if time.monotonic() - self._checked_at > GENERATION_CACHE_SECONDS:
            self.use_generation(self.generations.current())
        return super().request_seen(request)

    def request_fingerprint(self, request) -> str:
        data = {
            "method": to_unicode(request.method),
            "url": canonicalize_url(request.url),
            "body": (request.body or b"").hex(),
            "attempts": request.meta.get("retry_times", 0),
        }
        return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: other workers are still filtering against them."""
