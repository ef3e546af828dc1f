"""scrapy-redis's scheduler, shared by every worker, with its queue kept when one stops."""

from __future__ import annotations

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.scheduler import Scheduler

from unjobs_scraper.config import Config
from unjobs_scraper.distributed.connection import connect
from unjobs_scraper.distributed.generation import Generations, RedisKeys

PRIORITY_QUEUE = "scrapy_redis.queue.PriorityQueue"
DUPEFILTER = "unjobs_scraper.distributed.dupefilter.GenerationDupeFilter"
POLL_SECONDS = 1.0
"""How often a waiting worker looks at the shared queue; Scrapy alone looks every 5 s."""


class RedisScheduler(Scheduler):
    """Always persistent (a worker that stops must not flush the others' queue), a priority
    queue (urgent postings first), our generation-aware dupefilter, and stats without the
    ``spider`` argument that current Scrapy deprecates."""

    @classmethod
    def from_crawler(cls, crawler):
        config = Config.from_settings(crawler.settings)
        scheduler = cls(
            server=connect(config.redis_url),
            persist=True,
            queue_key=RedisKeys(config.redis_namespace).queue,
            queue_cls=PRIORITY_QUEUE,
            dupefilter_cls=DUPEFILTER,
        )
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.keys = RedisKeys(config.redis_namespace)
        scheduler.waits_for_work = config.only_consumes_shared_queue
        scheduler._handed_over = None
        scheduler._poll = None
        if scheduler.waits_for_work:
            crawler.signals.connect(scheduler._spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        """A crawl that walks the index itself starts a generation, or joins one just started."""
        opened = super().open(spider)
        if not self.waits_for_work:
            Generations(self.server, self.keys).begin()
        return opened

    def enqueue_request(self, request) -> bool:
        if request is self._handed_over:  # already taken from the shared queue, see _look_for_work
            return True
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self):
        request, self._handed_over = self._handed_over, None
        if request is None:
            request = self.queue.pop(self.idle_before_close)
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return self._handed_over is not None or super().has_pending_requests()

    def _spider_idle(self) -> None:
        """The shared queue ran dry: watch it, so new work starts within a second."""
        if self._poll is None:
            self._poll = create_looping_call(self._look_for_work)
            self._poll.start(POLL_SECONDS, now=False)

    def _look_for_work(self) -> None:
        """Take one request and give it to the engine, which wakes and takes the rest itself."""
        if self._handed_over is not None:
            return
        request = self.queue.pop(0)
        if request is None:
            return
        self._stop_polling()
        self._handed_over = request
        self.crawler.engine.crawl(request)

    def _stop_polling(self) -> None:
        if self._poll is not None and self._poll.running:
            self._poll.stop()
        self._poll = None

    def close(self, reason: str):
        """A request taken but not started goes back to the shared queue.

        A crawl that finished with the queue empty ends its generation's start window, so the
        next crawl, however soon, starts a new generation instead of joining this one.
        """
        self._stop_polling()
        if self._handed_over is not None:
            self.queue.push(self._handed_over)
            self._handed_over = None
        if not self.waits_for_work and reason == "finished" and not len(self.queue):
            self.server.delete(self.keys.start_lock)
        return super().close(reason)
