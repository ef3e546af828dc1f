"""The crawl's database work, seen from the wire: round trips counted through a proxy, and
downloads that go on while the proxy holds every packet. Counts and states, never timings."""

from __future__ import annotations

import threading

import psycopg
import pytest

from tests.crawling import run_crawl, start_crawl
from tests.databases import stored_rows
from tests.dbproxy import DatabaseProxy
from tests.replica import Replica
from tests.services import finish, wait_until


def test_the_proxy_counts_one_round_trip_per_query_and_holds_packets_until_released(postgresql_url):
    with DatabaseProxy() as proxy, psycopg.connect(proxy.url(postgresql_url), autocommit=True) as connection:
        connection.execute("SELECT 1").fetchall()  # the connection's start-up is answered by now
        proxy.reset()
        for _ in range(10):  # not prepared: psycopg's sixth run would prepare it, a round trip more
            connection.execute("SELECT 1", prepare=False).fetchall()
        assert proxy.round_trips == 10
        answered = threading.Event()
        with proxy.holding():
            worker = threading.Thread(target=lambda: (connection.execute("SELECT 2").fetchall(), answered.set()))
            worker.start()
            assert not answered.wait(0.3)  # held: no answer while the block lasts
        worker.join(timeout=10)
        assert answered.is_set()


@pytest.mark.crawl
def test_a_crawl_makes_at_most_three_round_trips_per_posting(postgresql_url):
    with Replica(postings=200, seed=91) as replica, DatabaseProxy() as proxy:
        result = run_crawl(replica.base_url, proxy.url(postgresql_url))
        trips = proxy.round_trips
    rows = stored_rows(postgresql_url)
    assert result.returncode == 0, result.log[-3000:]
    assert len(rows) == 200 and {row["status"] for row in rows.values()} == {"processed"}
    assert trips / len(rows) <= 3, f"{trips} round trips for {len(rows)} postings ({trips / len(rows):.2f} each)"


@pytest.mark.crawl
def test_downloads_go_on_while_the_database_stalls(postgresql_url, tmp_path):
    log = tmp_path / "crawl.log"
    with Replica(postings=300, seed=92, latency_ms=50) as replica, DatabaseProxy() as proxy:
        process = start_crawl(replica.base_url, proxy.url(postgresql_url), log)
        wait_until(lambda: replica.stats()["served"]["posting"] >= 40, timeout=120)
        held = threading.Event()
        with proxy.holding():
            before = replica.stats()["served"]["posting"]
            held.wait(2)  # the stall: every database packet waits this long
            during = replica.stats()["served"]["posting"] - before
        returncode, output = finish(process, log)
    rows = stored_rows(postgresql_url)
    assert during > 0, "no posting was downloaded while the database stalled"
    assert returncode == 0, output[-3000:]
    assert len(rows) == 300 and {row["status"] for row in rows.values()} == {"processed"}
