"""The names of the stats this project keeps in ``crawler.stats``, each defined once.

Names ending in ``/`` are prefixes: a status, a host, a family or a check follows.
"""

LISTINGS_SEEN_STAT = "unjobs/listings/seen"
"""Postings the listing pages showed."""
LISTINGS_REJECTED_STAT = "unjobs/listings/rejected"
INDEX_PAGES_PARSED_STAT = "unjobs/index/parsed"
INDEX_PAGES_FAILED_STAT = "unjobs/index/failed"
POSTINGS_STAT = "unjobs/postings/"
"""+ ``processed``, ``failed`` or ``skipped``: postings that ended so in this crawl."""
PROCESSED_STAT = POSTINGS_STAT + "processed"
FAILED_STAT = POSTINGS_STAT + "failed"
SKIPPED_STAT = POSTINGS_STAT + "skipped"
REQUESTED_STAT = POSTINGS_STAT + "requested"
"""Posting requests made from listing pages (new or changed)."""
DUPLICATE_STAT = POSTINGS_STAT + "duplicate"
"""Posting requests the scheduler dropped as duplicates (a listing and a recovery of one posting)."""
RELEASED_STAT = POSTINGS_STAT + "released"
"""Postings given back (``pending``) when the crawl stopped before finishing them."""
OWN_FAULT_STAT = POSTINGS_STAT + "own_fault"
"""Postings a fault of our own services stopped: given back, not blamed."""
JOB_ADS_STAT = "unjobs/job_ads/derived"
"""Postings whose structured job ad was derived and stored."""
RECOVERED_STAT = "unjobs/recovered/"
"""+ ``pending``, ``processing`` or ``walks``: what recovery queued again."""
RETRIES_HELD_STAT = "unjobs/retries/held"
BACKFILL_STAT = "unjobs/backfill/"
"""+ ``reason``, ``capped``, ``withdrawn``, ``<family>/listings``, ``<family>/walked``."""
REDIS_OUTAGES_STAT = "unjobs/redis/outages"
REDIS_QUEUE_LOST_STAT = "unjobs/redis/queue_lost"
DATABASE_WRITE_ERRORS_STAT = "unjobs/database/write_errors"
"""Writes the database refused (logged with what they were); not blamed on a posting."""
DATABASE_UNAVAILABLE_STAT = "unjobs/database_unavailable"
"""Why the crawl stopped early: the database stayed away past ``DATABASE_OUTAGE_TIMEOUT``."""
REDIS_UNAVAILABLE_STAT = "unjobs/redis_unavailable"
"""Why the crawl stopped early: Redis stayed away past ``REDIS_OUTAGE_TIMEOUT``."""
WALK_UNFINISHED_STAT = "unjobs/walk_unfinished"
"""Why a crawl that ran out of work did not do its job: its index walk stopped short."""
MONITORS_STAT = "unjobs/monitors/"
"""+ each check's name (``OK``, ``FAIL``, ``ERROR``), ``passed`` and ``failed`` (counts)."""
MONITORS_PASSED_STAT = MONITORS_STAT + "passed"
MONITORS_FAILED_STAT = MONITORS_STAT + "failed"
CLOUDFLARE_CHALLENGES_STAT = "cloudflare/challenges"
"""Challenges met (a response that is Cloudflare's interstitial)."""
CLOUDFLARE_SOLVES_STAT = "cloudflare/solves"
CLOUDFLARE_SOLVED_STAT = "cloudflare/solved"
CLOUDFLARE_SWITCHES_STAT = "cloudflare/switches"
"""Hosts moved up to the next strategy (plain, impersonated, in-browser, blocked)."""
CLOUDFLARE_BLOCKED_REQUESTS_STAT = "cloudflare/blocked_requests"
CLOUDFLARE_STRATEGY_STAT = "cloudflare/strategy/"
"""+ host: how its requests get past Cloudflare."""
CLOUDFLARE_BLOCKED_STAT = "cloudflare/blocked/"
"""+ host: why Cloudflare kept the crawl out of it."""
CLIENT_STAT = "client/"
"""+ the download client each request went through (plain, impersonated, browser page, in-browser)."""
SITE_STAT = "unjobs/site/"
"""+ the fleet's ``rate`` (requests/s now), ``limit``, ``in_flight``, ``waiting`` (requests waiting for a
turn, all workers), ``bans`` and ``banned_seconds`` (the fleet's, from the shared bucket), and this
worker's ``round_trips`` to it."""
SITE_WAITED_STAT = SITE_STAT + "turns"
"""Requests (and browser fetches) this worker sent through the gate."""
SITE_THROTTLED_STAT = SITE_STAT + "throttled"
"""429 and 503 answers (not challenges, not bans) this worker saw: each slows the fleet down."""
SITE_RATE_LIMITED_STAT = SITE_STAT + "rate_limited"
"""Cloudflare rate limiting answers (429, error 1015) this worker saw; their requests are sent again."""
SITE_BANNED_STAT = "unjobs/site_banned"
"""Why the crawl stopped early: the site's rate limiting kept it out past ``SITE_BAN_TIMEOUT``."""


class CrawlerStats:
    """``crawler.stats``, looked up when used: Scrapy sets it only after it has built the spider."""

    def __init__(self, crawler) -> None:
        self._crawler = crawler

    def __getattr__(self, name: str):
        return getattr(self._crawler.stats, name)
