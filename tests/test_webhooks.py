"""Saved searches' webhooks end to end, and cursors that hold while a crawl inserts: real crawls of
the replica, a real receiver (``tests/receiver.py``) and the commands a user runs."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import subprocess
import sys
import urllib.request

import pytest

from tests.crawling import PROJECT_ROOT, run_crawl, run_scrapy, start_crawl
from tests.databases import memory_storage, posting_status, stored_rows, temporary_postgres_schema
from tests.receiver import Receiver, Silent
from tests.replica import Replica
from tests.services import finish, wait_until
from unjobs_scraper.config import parse_database_url
from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.search.notify import Notifier, post, signature
from unjobs_scraper.search.query import PostingFilters, parse
from unjobs_scraper.storage import open_storage
from unjobs_scraper.web.server import WebServer

SECRETS = {"pros": "s3cret-for-professionals", "updated": "s3cret-for-updates"}


def profiles(replica: Replica) -> dict[str, dict]:
    with urllib.request.urlopen(f"{replica.base_url}__replica__/profiles", timeout=30) as answer:
        return json.loads(answer.read())


def signed(received, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(received.headers["x-unjobs-signature"], expected)


@pytest.mark.crawl
def test_a_recrawl_posts_one_signed_request_per_new_match_and_a_dead_receiver_changes_nothing(sqlite_url):
    with Replica(postings=60, seed=33) as replica, Receiver() as receiver, Silent() as silent:
        assert run_crawl(replica.base_url, sqlite_url).returncode == 0
        for name, query, url, secret in (
            ("pros", "grade_category=professional&lifecycle=any", receiver.url("pros"), SECRETS["pros"]),
            ("updated", "q=updated&lifecycle=any", receiver.url("updated"), SECRETS["updated"]),
            ("everything", "lifecycle=any", silent.url(), "never-checked"),
        ):
            added = run_scrapy(sqlite_url, "searches", "add", name, query, "--webhook", url, "--secret", secret)
            assert added.returncode == 0, added.stderr
        updated = replica.site.update_listings(4)  # retitled "(updated)": they now match "updated"
        new = replica.site.add_postings(8)
        again = run_crawl(replica.base_url, sqlite_url, settings={"WEBHOOK_TIMEOUT": "1"})
        truth = profiles(replica)
        received = list(receiver.received)
        quiet = run_scrapy(sqlite_url, "notify")
        listed = run_scrapy(sqlite_url, "searches", "list")
        later = replica.site.update_listings(2)  # "updated" again: new matches, not sent by this crawl
        unnotified = run_crawl(replica.base_url, sqlite_url, settings={"NOTIFY_AFTER_CRAWL": "0"})
        after_unnotified = len(receiver.received)
        notified = run_scrapy(sqlite_url, "notify", "-s", "WEBHOOK_TIMEOUT=1")
        late = list(receiver.received)[after_unnotified:]
    assert again.returncode == 0, again.log[-3000:]
    want = {("pros", n) for n in new if truth[n]["grade_category"] == "professional"} | {("updated", n) for n in updated}
    got = [(r.path.strip("/"), r.payload["posting"]["post_number"]) for r in received]
    assert sorted(got) == sorted(want) and len(got) == len(set(got))
    assert all(signed(r, SECRETS[r.path.strip("/")]) for r in received)
    assert all(r.headers["idempotency-key"] == r.payload["idempotency_key"] for r in received)
    assert all(r.payload["posting"]["source_url"].endswith(r.payload["posting"]["post_number"]) for r in received)
    # The silent receiver cost one try, bounded by WEBHOOK_TIMEOUT; its other deliveries wait.
    storage = open_storage(parse_database_url(sqlite_url))
    try:
        dead = storage.saved_searches.deliveries("everything")
        attempts = storage.saved_searches.attempts()
    finally:
        storage.close()
    assert len(dead) == len(new) and sum(d["attempts"] for d in dead) == 1
    assert [a["error"] for a in attempts if a["delivery_id"] in {d["id"] for d in dead}] == [
        "no answer within 1 s (WEBHOOK_TIMEOUT)"
    ]
    assert "unjobs-scraper: notify: " in again.log
    assert quiet.returncode == 0 and quiet.stdout.startswith("notify: 0 new matches queued, 0 delivered")
    assert unnotified.returncode == 0 and "unjobs-scraper: notify" not in unnotified.log
    assert after_unnotified == len(received)
    assert notified.returncode == 0, notified.stderr
    assert sorted(r.payload["posting"]["post_number"] for r in late) == sorted(set(later) - set(updated))
    pros = sum(name == "pros" for name, _ in want)
    assert f"pros  grade_category=professional&lifecycle=any  webhook {receiver.url('pros')}: {pros} delivered" in listed.stdout


def test_a_receiver_that_answers_500_twice_gets_the_delivery_on_the_third_try():
    storage = memory_storage()
    try:
        posting_status(storage).succeed({"post_number": "1758015049233", "source_url": "https://unjobs.org/vacancies/1758015049233",
                                         "post_name": "Programme Management Officer", "post_content": "Doha."})
        with Receiver(statuses=(500, 500)) as receiver:
            storage.saved_searches.add("doha", parse(PostingFilters, "q=doha").query_string(), receiver.url(), "k" * 20)
            result = Notifier(storage, timeout=5, max_attempts=5, backoff_base=0.05).run(wait=30)
            received = list(receiver.received)
        attempts = storage.saved_searches.attempts()
        (delivery,) = storage.saved_searches.deliveries()
    finally:
        storage.close()
    assert (result.delivered, result.retrying) == (1, 2)
    assert len(received) == 3 and len({r.headers["idempotency-key"] for r in received}) == 1
    assert [(a["attempt"], a["status_code"]) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    assert (delivery["state"], delivery["attempts"], delivery["last_error"]) == ("delivered", 3, None)


@pytest.mark.crawl
def test_cursor_pages_miss_and_repeat_nothing_while_a_crawl_inserts(tmp_path):
    with temporary_postgres_schema() as url, Replica(postings=120, seed=34, latency_ms=20) as replica:
        assert run_crawl(replica.base_url, url).returncode == 0
        before = set(stored_rows(url))
        database = Database(parse_database_url(url))
        server = WebServer(database, "127.0.0.1", 0).start()
        try:
            walked, cursor = [], None

            def page() -> None:
                nonlocal cursor
                path = "api/v1/postings?lifecycle=any&limit=10" + (f"&cursor={cursor}" if cursor else "")
                with urllib.request.urlopen(server.url + path, timeout=30) as answer:
                    body = json.loads(answer.read())
                walked.extend(item["post_number"] for item in body["items"])
                cursor = body["next_cursor"]

            for _ in range(5):
                page()
            replica.site.add_postings(60)
            crawl = start_crawl(replica.base_url, url, tmp_path / "crawl.log")
            wait_until(lambda: len(stored_rows(url)) >= 150, timeout=120)  # inserts under way
            for _ in range(100):
                if cursor is None:
                    break
                page()
            returncode, log = finish(crawl, tmp_path / "crawl.log")
        finally:
            server.stop()
            database.close()
    assert returncode == 0, log[-3000:]
    assert cursor is None
    assert len(walked) == len(set(walked)), "a posting came twice"
    assert before <= set(walked), "a posting was missed"


def test_the_example_receiver_checks_signatures_and_handles_a_key_once(tmp_path):
    """``scripts/webhook_receiver.py``, as the README runs it, fed by the notifier's own POST."""
    port = free_port()
    out = tmp_path / "receiver.out"
    with out.open("w") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "scripts.webhook_receiver", "--port", str(port), "--secret", "S3cret"],
            cwd=PROJECT_ROOT, stdout=stdout, stderr=subprocess.STDOUT,
        )
    try:
        body = json.dumps({"search": "p3", "posting": {"post_number": "1758015049233", "post_name": "Programme Officer",
                                                       "source_url": "https://unjobs.org/vacancies/1758015049233"}}).encode()
        url = f"http://127.0.0.1:{port}/hook"

        def send(secret: str) -> int:
            headers = {"X-Unjobs-Signature": signature(secret, body), "Idempotency-Key": "p3:1758015049233:x"}
            return post(url, body, headers, timeout=5)

        wait_until(lambda: _answers(send, "S3cret"), timeout=30)
        assert send("S3cret") == 204 and send("wrong") == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
    lines = out.read_text().splitlines()
    assert lines.count("p3: 1758015049233 Programme Officer (https://unjobs.org/vacancies/1758015049233)") == 1
    assert "rejected: bad signature" in lines


def _answers(send, secret: str) -> bool:
    try:
        return send(secret) == 204
    except OSError:
        return False  # not listening yet


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_searches_commands_name_what_is_wrong_in_one_line(sqlite_url):
    def searches(*args: str):
        return run_scrapy(sqlite_url, "searches", *args)

    added = searches("add", "p3-french", "grade=P-3&language=fr&country=sen", "--webhook", "http://127.0.0.1:9/hook")
    assert added.returncode == 0, added.stderr
    assert "Saved search p3-french: country=SEN&grade=P-3&language=fr" in added.stdout
    assert re.search(r"^Its secret \(X-Unjobs-Signature: sha256=HMAC of the body\): \S{20,}$", added.stdout, re.M)
    for args, line in (
        (("add", "bad", "max_years=many"), "unjobs-scraper: QUERY-STRING: max_years: "),
        (("add", "bad", "contry=KEN"), "unjobs-scraper: QUERY-STRING: contry: not a parameter of the search"),
        (("add", "bad name", "q=x"), "unjobs-scraper: NAME: "),
        (("add", "p3-french", "q=x"), "unjobs-scraper: NAME: a search named 'p3-french' exists already"),
        (("add", "hook", "q=x", "--webhook", "ftp://example.org/"), "unjobs-scraper: --webhook must be an http(s) URL"),
        (("remove", "nothing"), "unjobs-scraper: NAME: no saved search named 'nothing'"),
    ):
        result = searches(*args)
        assert result.returncode == 2 and result.stderr.startswith(line) and result.stderr.count("\n") == 1, (args, result.stderr)
    assert searches("list").stdout.startswith("p3-french  country=SEN&grade=P-3&language=fr  webhook http://127.0.0.1:9/hook: 0 delivered")
    assert searches("remove", "p3-french").returncode == 0
    assert searches("list").stdout.startswith("No saved searches")


def test_a_redirect_is_a_failed_try_not_a_delivery():
    """urllib would follow a 302 with a GET and no body; the receiver never got the posting."""
    with Receiver(statuses=((302, "/moved"),)) as receiver:
        assert post(receiver.url(), b"{}", {"Content-Type": "application/json"}, timeout=5) == 302
        assert [r.method for r in receiver.received] == ["POST"]  # not followed
