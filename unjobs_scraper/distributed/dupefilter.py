"""scrapy-redis's fingerprint set, one per crawl generation, aware of recovery attempts."""

from __future__ import annotations

import hashlib
import json

from scrapy.utils.python import to_unicode
from scrapy_redis.dupefilter import RFPDupeFilter
from w3lib.url import canonicalize_url

from unjobs_scraper.config import crawler_config
from unjobs_scraper.distributed.connection import connect
from unjobs_scraper.distributed.generation import RedisKeys

# The current generation is read in the same step as the fingerprint is added: a worker that
# remembered an older generation would add to a set the others no longer look at, and a
# posting it queued could be queued again by another worker's recovery.
_SEEN = """
local generation = redis.call('GET', KEYS[1]) or '0'
return redis.call('SADD', ARGV[1] .. generation, ARGV[2]) == 0
"""


class GenerationDupeFilter(RFPDupeFilter):
    """Filters within the current generation (``generation.py``).

    The fingerprint includes the request's attempt count (``retry_times``), so the recovery
    of a posting whose request was lost with a dead worker is not taken for a duplicate,
    while a recovered posting that is still queued is.
    """

    def __init__(self, server, keys: RedisKeys, debug: bool = False) -> None:
        super().__init__(server, key=keys.dupefilter(0), debug=debug)
        self.keys = keys
        self._seen = server.register_script(_SEEN)

    @classmethod
    def from_spider(cls, spider):
        config = crawler_config(spider.crawler)
        server = connect(config.redis_url)
        return cls(server, RedisKeys(config.redis_namespace), spider.settings.getbool("DUPEFILTER_DEBUG"))

    def request_seen(self, request) -> bool:
        fingerprint = self.request_fingerprint(request)
        return bool(self._seen(keys=[self.keys.generation], args=[self.keys.dupefilter(""), fingerprint]))

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
