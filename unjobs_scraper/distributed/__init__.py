"""Several workers sharing one queue through scrapy-redis, when ``REDIS_URL`` is set.

The database stays the source of truth: scrapy-redis pops requests without acknowledgement,
so a request taken by a worker that dies is lost from Redis; the posting is still ``pending`` or
``processing`` in the database, and the spider's recovery queues it again.
"""
