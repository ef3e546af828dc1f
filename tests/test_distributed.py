"""Several workers on one Redis queue and one PostgreSQL database, and scheduling."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
import redis

from tests.crawling import (
    FAST_SETTINGS,
    PROJECT_ROOT,
    crawl_environment,
    run_crawl,
    run_scrapy,
    start_crawl,
)
from tests.databases import stored_rows
from tests.replica import Replica
from tests.services import free_port, wait_until

pytestmark = pytest.mark.crawl

WORKER_WAIT = "3"
"""Seconds a waiting worker stays up once idle: it notices new work at the engine's 5 s heartbeat."""


def start_workers(replica, database_url, redis_settings, tmp_path, count, **settings):
    worker_settings = {**redis_settings, "WORKER_IDLE_TIMEOUT": WORKER_WAIT, **settings}
    return [
        start_crawl(
            replica.base_url, database_url, tmp_path / f"worker{i}.log", settings=worker_settings
        )
        for i in range(count)
    ]


def wait_all(processes, timeout=240):
    deadline = time.monotonic() + timeout
    for process in processes:
        process.wait(timeout=max(1, deadline - time.monotonic()))
    return [process.returncode for process in processes]


def worker_stats(tmp_path, count):
    return [json.loads((tmp_path / f"worker{i}.stats.json").read_text()) for i in range(count)]


def seed(replica, database_url, redis_settings, *args):
    return run_scrapy(
        database_url,
        "seed",
        *args,
        env_overrides={**redis_settings, "UNJOBS_BASE_URL": replica.base_url},
    )


def wait_registered(redis_settings, count, timeout=60):
    """Until ``count`` workers have their entry in the shared queue's registry: a worker that
    is not up yet when the crawl is seeded may find it done before it starts."""
    shared = redis.Redis.from_url(redis_settings["REDIS_URL"])
    workers = f"{redis_settings['REDIS_NAMESPACE']}:workers"
    wait_until(lambda: shared.zcard(workers) >= count, timeout)


def wait_processed(database_url, count, timeout=120):
    wait_until(
        lambda: sum(row["status"] == "processed" for row in stored_rows(database_url).values()) >= count,
        timeout, interval=0.2,
    )


def test_three_workers_share_one_queue_and_fetch_each_posting_once(
    postgresql_url, redis_settings, tmp_path
):
    # Plain one-off workers are run 500 postings at a time in test_worker_faults.py.
    with Replica(postings=150, seed=12, latency_ms=10) as replica:
        # Workers that wait for work until stopped: every one of them is up before the seed.
        workers = start_workers(
            replica, postgresql_url, redis_settings, tmp_path, 3, WORKER_IDLE_TIMEOUT="inf"
        )
        wait_registered(redis_settings, 3)
        seeded = seed(replica, postgresql_url, redis_settings)
        assert seeded.returncode == 0, seeded.stderr
        wait_processed(postgresql_url, 150)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        assert wait_all(workers, timeout=60) == [0, 0, 0]
        rows = stored_rows(postgresql_url)
        assert len(rows) == 150
        assert {row["status"] for row in rows.values()} == {"processed"}
        hits = replica.stats()["posting_hits"]
        assert len(hits) == 150 and set(hits.values()) == {1}
        shares = [stats.get("unjobs/postings/processed", 0) for stats in worker_stats(tmp_path, 3)]
        assert sum(shares) == 150
        assert all(share > 0 for share in shares), shares


def test_flushing_redis_midway_loses_no_posting(postgresql_url, redis_settings, tmp_path):
    with Replica(postings=200, seed=13, latency_ms=30) as replica:
        # A short lease: an index walk cut by the flush is resumed once idle workers notice it.
        workers = start_workers(replica, postgresql_url, redis_settings, tmp_path, 3, PROCESSING_LEASE="2")
        assert seed(replica, postgresql_url, redis_settings).returncode == 0
        wait_processed(postgresql_url, 60)
        shared = redis.Redis.from_url(redis_settings["REDIS_URL"])  # lose everything we had there
        shared.delete(*shared.keys(f"{redis_settings['REDIS_NAMESPACE']}:*"))
        assert wait_all(workers) == [0, 0, 0]
        rows = stored_rows(postgresql_url)
        assert sorted(rows) == sorted(replica.site.post_numbers())
        assert {row["status"] for row in rows.values()} == {"processed"}


def test_periodic_seeding_makes_waiting_workers_walk_the_index_again(
    postgresql_url, redis_settings, tmp_path
):
    with Replica(postings=30, seed=14) as replica:
        workers = start_workers(
            replica, postgresql_url, redis_settings, tmp_path, 2, WORKER_IDLE_TIMEOUT="20"
        )
        seeder = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "seed", "--every", "6s", "--times", "2"],
            cwd=PROJECT_ROOT,
            env={
                **crawl_environment(postgresql_url),
                **redis_settings,
                "UNJOBS_BASE_URL": replica.base_url,
            },
            stdout=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while len(stored_rows(postgresql_url)) < 30 or any(
            row["status"] != "processed" for row in stored_rows(postgresql_url).values()
        ):
            assert time.monotonic() < deadline, "the first seeded walk did not finish"
            time.sleep(0.2)
        new = replica.site.add_postings(5)
        out, _ = seeder.communicate(timeout=60)
        assert seeder.returncode == 0
        assert [line.split(" (generation ")[1] for line in out.splitlines()] == ["1)", "2)"]
        deadline = time.monotonic() + 60
        while not all(
            stored_rows(postgresql_url).get(number, {}).get("status") == "processed"
            for number in new
        ):
            assert time.monotonic() < deadline, (
                "the second seeded walk did not pick up the new postings"
            )
            time.sleep(0.2)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        wait_all(workers, timeout=60)
        hits = replica.stats()["posting_hits"]
        assert set(hits.values()) == {1} and len(hits) == 35
        assert replica.stats()["served"]["index"] == 4  # two pages a walk, two walks


def test_postings_are_fetched_soonest_closing_date_first(sqlite_url):
    # One index page: with several, a posting can start downloading while the next page is parsed.
    with Replica(postings=60, seed=15, per_page=60) as replica:
        result = run_crawl(replica.base_url, sqlite_url, settings={"CONCURRENT_REQUESTS": "1"})
        assert result.returncode == 0
        order = list(replica.stats()["posting_hits"])
        closing = [replica.site.posting(number).closing_date for number in order]
        assert len(order) == 60
        assert closing == sorted(closing)
        assert closing[0] < closing[-1] <= date.max


def test_jobdir_pause_and_resume_without_redis(sqlite_url, tmp_path):
    with Replica(postings=120, seed=16, latency_ms=40) as replica:
        jobdir = {
            "JOBDIR": str(tmp_path / "job"),
            "CONCURRENT_REQUESTS": "4",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "4",
        }
        crawl = start_crawl(replica.base_url, sqlite_url, tmp_path / "paused.log", settings=jobdir)
        deadline = time.monotonic() + 60
        while sum(replica.stats()["posting_hits"].values()) < 30:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        crawl.send_signal(signal.SIGINT)  # Scrapy's graceful stop: the queue stays in JOBDIR
        assert crawl.wait(timeout=60) == 0
        paused = json.loads((tmp_path / "paused.stats.json").read_text())
        assert paused["finish_reason"] == "shutdown"
        assert len(stored_rows(sqlite_url)) == 120

        resumed = run_crawl(replica.base_url, sqlite_url, settings=jobdir)
        assert resumed.returncode == 0
        rows = stored_rows(sqlite_url)
        assert {row["status"] for row in rows.values()} == {"processed"}
        hits = replica.stats()["posting_hits"]
        assert len(hits) == 120 and set(hits.values()) == {1}


def test_unreachable_redis_stops_the_crawl_in_one_line(sqlite_url):
    result = run_scrapy(
        sqlite_url, "crawl", "unjobs", env_overrides={"REDIS_URL": "redis://:s3cret@127.0.0.1:1/0"}
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "unjobs-scraper: REDIS_URL: cannot use redis://:***@127.0.0.1:1/0"
    )
    assert "s3cret" not in result.stderr


def test_seed_without_redis_says_so(sqlite_url):
    result = run_scrapy(sqlite_url, "seed")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "unjobs-scraper: REDIS_URL is not set: scrapy seed feeds the shared queue of Redis workers"
    )


def scrapyd_call(port: int, endpoint: str, data: dict | None = None) -> dict:
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/{endpoint}", data=body, timeout=30
    ) as answer:
        return json.loads(answer.read())


def test_deployed_to_a_real_scrapyd_and_scheduled_over_its_api(postgresql_url, tmp_path):
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {tmp_path / 'eggs'}\nlogs_dir = {tmp_path / 'logs'}\ndbs_dir = {tmp_path / 'dbs'}\n"
        "items_dir =\npoll_interval = 0.5\nmax_proc = 1\n"
    )
    (tmp_path / "scrapy.cfg").write_text(
        f"[deploy:test]\nurl = http://127.0.0.1:{port}/\nproject = unjobs_scraper\n"
    )
    with Replica(postings=40, seed=17) as replica:
        # Settings come from the scrapyd host's environment, as in production.
        env = {**crawl_environment(postgresql_url), "UNJOBS_BASE_URL": replica.base_url}
        scrapyd = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    assert scrapyd_call(port, "daemonstatus.json")["status"] == "ok"
                    break
                except OSError:
                    assert time.monotonic() < deadline, "scrapyd did not start"
                    time.sleep(0.2)
            deployed = subprocess.run(
                [sys.executable, "-m", "scrapyd_client.deploy", "test", "--version", "1"],
                cwd=PROJECT_ROOT,
                env={**env, "XDG_CONFIG_HOME": str(tmp_path)},
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert deployed.returncode == 0, deployed.stderr
            assert scrapyd_call(port, "listspiders.json?project=unjobs_scraper")["spiders"] == [
                "unjobs"
            ]
            fast = [  # the polite limits lifted, the fleet's among them, as every crawl test does
                f"{name}={value}"
                for name, value in {
                    "DOWNLOAD_DELAY": "0",
                    "AUTOTHROTTLE_ENABLED": "False",
                    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
                    "SITE_RATE_LIMIT": FAST_SETTINGS["SITE_RATE_LIMIT"],
                    "SITE_CONCURRENCY": FAST_SETTINGS["SITE_CONCURRENCY"],
                }.items()
            ]
            job = scrapyd_call(
                port,
                "schedule.json",
                {"project": "unjobs_scraper", "spider": "unjobs", "setting": fast},
            )
            assert job["status"] == "ok"
            deadline = time.monotonic() + 120
            while not any(
                done["id"] == job["jobid"]
                for done in scrapyd_call(port, "listjobs.json?project=unjobs_scraper")["finished"]
            ):
                assert time.monotonic() < deadline, "the scheduled job did not finish"
                time.sleep(0.5)
        finally:
            scrapyd.terminate()
            scrapyd.wait(timeout=30)
        rows = stored_rows(postgresql_url)
        assert len(rows) == 40
        assert {row["status"] for row in rows.values()} == {"processed"}


def test_each_redis_crawl_is_a_new_generation_that_fetches_the_index_again(
    sqlite_url, redis_settings
):
    with Replica(postings=40, seed=18) as replica:
        first = run_crawl(replica.base_url, sqlite_url, settings=redis_settings)
        assert first.returncode == 0
        assert len(replica.stats()["posting_hits"]) == 40
        updated = replica.site.update_listings(3)
        replica.reset_stats()
        second = run_crawl(replica.base_url, sqlite_url, settings=redis_settings)
        assert second.returncode == 0
        assert replica.stats()["served"]["index"] >= 1  # a persistent fingerprint set would skip it
        assert sorted(replica.stats()["posting_hits"]) == sorted(updated)
        generation = redis.Redis.from_url(redis_settings["REDIS_URL"]).get(
            f"{redis_settings['REDIS_NAMESPACE']}:generation"
        )
        assert generation == b"2"
