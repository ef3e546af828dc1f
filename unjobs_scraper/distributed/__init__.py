"""Several workers sharing one crawl through scrapy-redis, when ``REDIS_URL`` is set.

The database stays the source of truth: scrapy-redis pops requests without acknowledgement,
so a request taken by a worker that dies is lost from Redis, and a restarted Redis loses the
whole queue; the posting is still ``pending`` or ``processing`` in the database, and the
spider's recovery queues it again. The worker registry (``workers.py``) says when a crawl that
several workers share is finished.
"""
