"""Cloudflare challenges: detection, the browser's discovery, the replica's challenge, whole crawls.

Crawls run ``scrapy crawl`` against the replica with ``--challenge js`` (an interstitial that
resolves after about a second, clearance bound to the User-Agent) or ``turnstile`` (never
resolves). Every test ends by checking that none of the Chromium processes its crawls started is
still running: a marker in the environment, which the crawl passes on to Playwright and Chromium,
tells them from any other browser on the machine.
"""

from __future__ import annotations

import os
import re
import signal
import ssl
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from tests.crawling import PROJECT_ROOT, run_crawl, run_scrapy
from tests.databases import stored_rows
from tests.processes import chromium_marked, sampled
from tests.replica import Replica
from tests.replica.tls import parse_client_hello
from tests.test_config import config_with
from unjobs_scraper import settings as project_settings
from unjobs_scraper.cloudflare import challenge_error, is_challenge, launch
from unjobs_scraper.cloudflare.handler import unannounced_user_agent
from unjobs_scraper.commands.crawl import CLOUDFLARE_BLOCKED_EXIT_CODE, MONITORS_FAILED_EXIT_CODE
from unjobs_scraper.config import Config, ConfigError

FIXTURES = Path(__file__).parent / "fixtures"
MARK = "UNJOBS_TEST_BROWSER_MARK"
CHROMIUM_EXIT_GRACE_SECONDS = 5
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0 Safari/537.36"
TOKEN = re.compile(r"cf_clearance=([^;\"]+)")


@pytest.fixture(autouse=True)
def no_chromium_left(monkeypatch):
    """After the test, no Chromium that its crawls started is running (they get a few seconds)."""
    mark = uuid.uuid4().hex
    monkeypatch.setenv(MARK, mark)
    yield
    deadline = time.monotonic() + CHROMIUM_EXIT_GRACE_SECONDS
    while (left := chromium_marked(MARK, mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for process in left:
        os.kill(process.pid, signal.SIGKILL)
    assert [process.pid for process in left] == []


def field_mismatches(replica: Replica, base_url: str, stored: dict[str, dict]) -> list:
    """Stored fields that differ from what the replica generated (``base_url``: it may be stopped)."""
    return [
        (number, name, stored[number][name], value)
        for number in replica.site.post_numbers()
        for name, value in replica.site.expected(number, base_url).items()
        if stored[number][name] != value
    ]


def assert_every_posting_stored_once(replica: Replica, base_url: str, database_url: str) -> None:
    """Every posting of the replica stored with every field right, at the first attempt."""
    stored = stored_rows(database_url)
    assert sorted(stored) == sorted(replica.site.post_numbers())
    assert field_mismatches(replica, base_url, stored) == []
    assert {(r["status"], r["processing_attempts"], r["processing_error"]) for r in stored.values()} == {
        ("processed", 1, None)
    }


def assert_finished(result) -> None:
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert result.stats.get("log_count/ERROR", 0) == 0, result.log[-3000:]


# -- detection ---------------------------------------------------------------------------------


def response(body: str | bytes, status: int = 403, headers: dict | None = None) -> HtmlResponse:
    body = body if isinstance(body, bytes) else body.encode()
    return HtmlResponse("https://unjobs.org/vacancies/1", status=status, body=body, headers=headers or {})


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "status", "headers", "expected"),
    [
        ("cloudflare_managed_challenge.html", 403, {"cf-mitigated": "challenge"}, True),
        ("cloudflare_managed_challenge.html", 403, {}, True),
        ("cloudflare_legacy_js_challenge.html", 503, {}, True),
        ("cloudflare_turnstile.html", 403, {}, True),
        ("posting_full.html", 200, {"cf-mitigated": "challenge"}, True),
        ("cloudflare_managed_challenge.html", 200, {}, False),
        ("cloudflare_blocked.html", 403, {}, False),
        ("posting_full.html", 403, {}, False),
        ("posting_full.html", 200, {}, False),
    ],
)
def test_is_challenge_on_saved_pages(name, status, headers, expected):
    assert is_challenge(response(fixture(name), status, headers)) is expected


@pytest.mark.parametrize(
    "mark",
    [
        "<title>Just a moment...</title>",
        '<form id="challenge-form" method="POST"></form>',
        '<div class="cf-turnstile" data-sitekey="x"></div>',
        "<script>window._cf_chl_opt = {cType: 'managed'};</script>",
    ],
)
def test_each_interstitial_mark_alone_makes_a_403_a_challenge(mark):
    assert is_challenge(response(f"<html><head></head><body>{mark}</body></html>"))


def test_the_challenge_error_names_the_challenge_and_the_timeout():
    assert challenge_error(30.0) == "Cloudflare challenge not solved within 30 s"


# -- settings and the browser's discovery --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PLAYWRIGHT_RENDER", "sometimes", "^PLAYWRIGHT_RENDER must be one of auto, always, never"),
        ("CLOUDFLARE_CHALLENGE_TIMEOUT", "0", "^CLOUDFLARE_CHALLENGE_TIMEOUT must be more than 0"),
        ("CLOUDFLARE_CHALLENGE_TIMEOUT", "soon", "^CLOUDFLARE_CHALLENGE_TIMEOUT must be a number"),
    ],
)
def test_bad_browser_settings_name_themselves(name, value, message):
    with pytest.raises(ConfigError, match=message):
        config_with(**{name: value})


def test_browser_settings_defaults():
    config = config_with()
    assert (config.playwright_render, config.cloudflare_challenge_timeout, config.chromium_path) == (
        "auto", 30.0, None,
    )


def project_settings_with(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.setdict(overrides, priority="cmdline")
    return settings


def executable(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def no_browser_anywhere(tmp_path, monkeypatch):
    """A machine without any browser: no system Chromium, an empty PATH, no Playwright download."""
    monkeypatch.setattr(launch, "SYSTEM_CHROMIUM", (str(tmp_path / "usr/bin/chromium"),))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    return tmp_path


def install_playwright_download(root: Path) -> None:
    package = Path(launch.playwright.__file__).parent / "driver" / "package"
    revision = re.search(r'"chromium-headless-shell",\s*"revision":\s*"(\d+)"', (package / "browsers.json").read_text())[1]
    (root / "ms-playwright" / f"chromium_headless_shell-{revision}").mkdir(parents=True)


def test_chromium_path_comes_first(no_browser_anywhere):
    configured = executable(no_browser_anywhere / "opt/chrome")
    executable(no_browser_anywhere / "usr/bin/chromium")
    assert launch.find_chromium(configured) == launch.Chromium(configured, "CHROMIUM_PATH")


def test_a_chromium_path_that_is_not_executable_is_a_one_line_error(no_browser_anywhere):
    with pytest.raises(ConfigError, match=r"^CHROMIUM_PATH is not an executable file: /nowhere/chrome$"):
        launch.find_chromium("/nowhere/chrome")


def test_system_chromium_comes_before_the_path_and_playwright(no_browser_anywhere):
    system = executable(no_browser_anywhere / "usr/bin/chromium")
    executable(no_browser_anywhere / "bin/chromium-browser")
    install_playwright_download(no_browser_anywhere)
    assert launch.find_chromium(None) == launch.Chromium(system, "system")


@pytest.mark.parametrize("installed", [("chromium-browser", "google-chrome"), ("google-chrome",)])
def test_commands_on_path_in_order(no_browser_anywhere, installed):
    paths = [executable(no_browser_anywhere / "bin" / name) for name in installed]
    install_playwright_download(no_browser_anywhere)
    assert launch.find_chromium(None) == launch.Chromium(paths[0], "system")


def test_playwright_download_comes_last(no_browser_anywhere):
    install_playwright_download(no_browser_anywhere)
    chromium = launch.find_chromium(None)
    assert (chromium.path, "executable_path" in chromium.launch_options()) == (None, False)


def test_no_browser_is_one_line_naming_the_setting_unless_render_is_never(no_browser_anywhere):
    assert launch.find_chromium(None) is None
    with pytest.raises(ConfigError, match=r"^PLAYWRIGHT_RENDER=auto needs Chromium") as error:
        launch.required_chromium(config_with())
    assert "\n" not in str(error.value)
    assert launch.required_chromium(config_with(PLAYWRIGHT_RENDER="never")) is None


def test_launch_options_name_the_binary_and_keep_chromium_offline():
    options = launch.Chromium("/usr/bin/chromium", "system").launch_options()
    assert options["executable_path"] == "/usr/bin/chromium"
    assert {"--no-sandbox", "--disable-background-networking", "--disable-component-update"} <= set(options["args"])


def test_the_add_on_launches_chromium_path_unless_launch_options_are_given(no_browser_anywhere):
    configured = executable(no_browser_anywhere / "opt/chrome")
    settings = project_settings_with(CHROMIUM_PATH=configured)
    launch.BrowserAddon(Config.from_settings(settings)).update_settings(settings)
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == configured
    explicit = project_settings_with(CHROMIUM_PATH=configured, PLAYWRIGHT_LAUNCH_OPTIONS={"headless": False})
    launch.BrowserAddon(Config.from_settings(explicit)).update_settings(explicit)
    assert explicit.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") == {"headless": False}


def test_crawl_with_a_missing_browser_stops_in_one_line(sqlite_url):
    result = run_scrapy(sqlite_url, "crawl", "unjobs", "-s", "CHROMIUM_PATH=/nowhere/chrome")
    assert (result.returncode, result.stderr.strip()) == (
        2, "unjobs-scraper: CHROMIUM_PATH is not an executable file: /nowhere/chrome",
    )


# -- the replica's challenge -------------------------------------------------------------------


def tls_client(alpn: tuple[str, ...] = ()) -> ssl.SSLContext:
    """A client that accepts the replica's self-signed certificate; ``alpn`` changes its fingerprint."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    if alpn:
        context.set_alpn_protocols(list(alpn))
    return context


def get(
    url: str, user_agent: str = BROWSER_UA, cookie: str | None = None, tls: ssl.SSLContext | None = None
) -> tuple[int, dict, str]:
    headers = {"User-Agent": user_agent, **({"Cookie": f"cf_clearance={cookie}"} if cookie else {})}
    try:
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=5, context=tls) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read().decode()


def test_js_challenge_clears_for_the_user_agent_that_solved_it_until_the_ttl():
    with Replica(postings=5, challenge="js", clearance_ttl=0.5) as replica:
        posting = f"{replica.base_url}vacancies/{replica.site.post_numbers()[0]}"
        status, headers, body = get(posting)
        assert (status, headers["cf-mitigated"]) == (403, "challenge")
        assert "<title>Just a moment...</title>" in body and 'id="challenge-form"' in body
        token = TOKEN.search(body)[1]
        assert get(f"{replica.base_url}robots.txt")[0] == 200
        assert get(posting, cookie=token)[0] == 200
        assert get(posting, user_agent="unjobs-scraper/0.1", cookie=token)[0] == 403
        time.sleep(1.6)  # the script's one-second delay plus the TTL (a slower machine waits longer: safe)
        assert get(posting, cookie=token)[0] == 403
        stats = replica.stats()["challenge"]
    assert stats["challenges"] == {"browser": 0, "fetch": 0, "plain": 3}
    assert stats["pages"]["plain"] == {"index": 0, "posting": 1, "other": 1}
    assert stats["clearances_used"] == 1


def test_turnstile_never_hands_out_a_cookie_and_browsers_count_apart():
    with Replica(postings=5, challenge="turnstile") as replica:
        request = urllib.request.Request(replica.base_url, headers={"Sec-Fetch-Mode": "navigate"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=5)
        with error.value:
            body = error.value.read().decode()
        assert 'class="cf-turnstile"' in body and "cf_clearance" not in body
        assert replica.stats()["challenge"]["challenges"] == {"browser": 1, "fetch": 0, "plain": 0}


@pytest.mark.parametrize("bind_tls", [True, False])
def test_https_clearance_is_bound_to_the_tls_fingerprint_only_when_asked(bind_tls):
    with Replica(postings=5, challenge="js", https=True, bind_tls=bind_tls) as replica:
        assert replica.base_url.startswith("https://127.0.0.1:")
        posting = f"{replica.base_url}vacancies/{replica.site.post_numbers()[0]}"
        solver, other = tls_client(), tls_client(alpn=("http/1.1",))
        token = TOKEN.search(get(posting, tls=solver)[2])[1]
        assert get(posting, cookie=token, tls=solver)[0] == 200
        assert get(posting, cookie=token, tls=other)[0] == (403 if bind_tls else 200)
        stats = replica.stats()["challenge"]
    assert len(stats["postings_by_tls"]) == (1 if bind_tls else 2)
    assert stats["clearance_tls"] == sorted(stats["postings_by_tls"])


def test_the_strict_challenge_hands_no_clearance_to_a_browser_that_announces_automation():
    with Replica(postings=5, challenge="js", strict=True) as replica:
        headless = get(replica.base_url, user_agent=BROWSER_UA)[2]
        chrome = get(replica.base_url, user_agent=BROWSER_UA.replace("HeadlessChrome", "Chrome"))[2]
    assert TOKEN.search(headless)[1] == "refused"
    assert TOKEN.search(chrome)[1] != "refused"
    assert "navigator.webdriver" in chrome


def test_client_hello_fingerprints_ignore_grease_and_extension_order():
    def hello(ciphers, extensions) -> bytes:
        body = b"\x03\x03" + bytes(32) + b"\x00"
        body += struct.pack("!H", 2 * len(ciphers)) + b"".join(struct.pack("!H", c) for c in ciphers) + b"\x01\x00"
        encoded = b"".join(struct.pack("!HH", e, 0) for e in extensions)
        body += struct.pack("!H", len(encoded)) + encoded
        handshake = b"\x01" + len(body).to_bytes(3, "big") + body
        return b"\x16\x03\x01" + struct.pack("!H", len(handshake)) + handshake

    chrome = parse_client_hello(hello([0x0A0A, 0x1301, 0x1302], [0x1A1A, 0, 23, 43, 41]))
    shuffled = parse_client_hello(hello([0x1302, 0x1301, 0x2A2A], [43, 0, 23]))
    other = parse_client_hello(hello([0x1301], [0, 23, 43]))
    assert (chrome.ciphers, chrome.extensions) == ((0x1301, 0x1302), (0, 23, 43, 41))
    assert chrome.fingerprint == shuffled.fingerprint != other.fingerprint
    assert parse_client_hello(b"GET / HTTP/1.1\r\n\r\n") is None


def test_the_browser_announces_no_automation_and_passes_the_strict_challenge():
    """Chromium as the crawl launches it: no ``navigator.webdriver``, its own User-Agent unmarked."""
    from playwright.sync_api import sync_playwright

    options = launch.find_chromium(None).launch_options()
    with Replica(postings=5, challenge="js", https=True, bind_tls=True, strict=True) as replica:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**options)
            try:
                own = browser.new_page()
                own_user_agent = own.evaluate("navigator.userAgent")
                own.close()
                context = browser.new_context(
                    user_agent=unannounced_user_agent(own_user_agent), ignore_https_errors=True
                )
                page = context.new_page()
                page.goto(replica.base_url, wait_until="domcontentloaded", timeout=30_000)
                page.wait_for_selector("div.job", timeout=15_000)
                seen = page.evaluate("[navigator.webdriver, navigator.userAgent]")
                announced = browser.new_context(ignore_https_errors=True).new_page()
                announced.goto(replica.base_url, wait_until="domcontentloaded", timeout=30_000)
                announced.wait_for_timeout(2500)
                refused = announced.content()
            finally:
                browser.close()
    assert "HeadlessChrome" in own_user_agent
    assert seen == [False, own_user_agent.replace("HeadlessChrome", "Chrome")]
    assert "Just a moment..." in refused


def test_cli_serves_the_challenge():
    command = [sys.executable, "-m", "tests.replica", "--port", "0", "--postings", "5", "--challenge", "js",
               "--clearance-ttl", "60"]
    with subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True) as process:
        try:
            base_url = re.search(r"http://\S+", process.stdout.readline())[0]
            assert get(base_url)[0] == 403
        finally:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=5)


# -- whole crawls --------------------------------------------------------------------------------

FAST_FAILURE = {"CLOUDFLARE_CHALLENGE_TIMEOUT": "2", "RETRY_TIMES": "1", "RETRY_BACKOFF_BASE": "0.1"}


@pytest.mark.crawl
def test_js_challenge_is_solved_once_and_postings_go_over_plain_http(database_url):
    with Replica(postings=200, seed=13, challenge="js") as replica:
        base_url = replica.base_url
        result = run_crawl(replica.base_url, database_url, timeout=120)
        challenge = replica.stats()["challenge"]
    assert_finished(result)
    assert_every_posting_stored_once(replica, base_url, database_url)
    assert result.stats["cloudflare/solves"] == 1
    assert sum(challenge["challenges"].values()) <= 4
    assert challenge["pages"]["plain"]["posting"] == 200
    assert challenge["pages"]["browser"]["posting"] == 0


TLS_BOUND = {"challenge": "js", "https": True, "bind_tls": True, "strict": True}
"""HTTPS, clearance bound to the User-Agent and the TLS fingerprint, automation refused: real Cloudflare."""
ON_HTTPS = {"BROWSER_IGNORE_HTTPS_ERRORS": "1"}


@pytest.mark.crawl
def test_tls_bound_clearance_is_carried_by_the_impersonated_client(database_url):
    with Replica(postings=300, seed=41, **TLS_BOUND) as replica:
        base_url, host = replica.base_url, urlsplit(replica.base_url).netloc
        result = run_crawl(base_url, database_url, settings=ON_HTTPS, timeout=180)
        challenge = replica.stats()["challenge"]
    assert_finished(result)
    assert_every_posting_stored_once(replica, base_url, database_url)
    assert (result.stats["cloudflare/solves"], sum(challenge["challenges"].values())) == (1, 2)
    assert result.stats[f"cloudflare/strategy/{host}"] == "impersonated"
    assert result.stats["client/impersonated"] >= 300
    # Every posting went over the TLS fingerprint that earned the clearance: the solving Chromium's.
    assert (sum(challenge["postings_by_tls"].values()), list(challenge["postings_by_tls"])) == (
        300, challenge["clearance_tls"]
    )
    assert challenge["pages"]["fetch"]["posting"] == 0
    assert result.stats["playwright/browser_count"] == 1
    assert f"; Cloudflare: {host} impersonated" in result.log


@pytest.mark.crawl
def test_a_mismatched_client_falls_back_to_in_browser_fetches_and_the_next_crawl_starts_there(sqlite_url):
    settings = {**ON_HTTPS, "CLOUDFLARE_IMPERSONATE": "safari"}  # a TLS fingerprint Chromium's clearance rejects
    with Replica(postings=120, seed=43, **TLS_BOUND) as replica:
        base_url, host = replica.base_url, urlsplit(replica.base_url).netloc
        first = run_crawl(base_url, sqlite_url, settings=settings, timeout=180)
        first_challenges = replica.stats()["challenge"]
        replica.reset_stats()
        updated = replica.site.update_listings(4)
        second = run_crawl(base_url, sqlite_url, settings=settings, timeout=180)
        second_challenges = replica.stats()["challenge"]
        status = run_scrapy(sqlite_url, "status")
    assert_finished(first)
    assert_finished(second)
    stored = stored_rows(sqlite_url)
    assert field_mismatches(replica, base_url, stored) == []
    assert {(r["status"], r["processing_error"]) for r in stored.values()} == {("processed", None)}
    assert first.stats[f"cloudflare/strategy/{host}"] == "in-browser"
    assert (first.stats["cloudflare/solves"], first.stats["cloudflare/switches"]) == (1, 2)
    assert first_challenges["pages"]["fetch"]["posting"] == 120
    # What worked is remembered: after its one solve, the next crawl goes in-browser at once.
    assert (second.stats["cloudflare/solves"], second.stats["cloudflare/switches"]) == (1, 1)
    assert sum(second_challenges["challenges"].values()) == 2
    assert second_challenges["pages"]["fetch"]["posting"] == len(updated)
    assert re.search(rf"^  {re.escape(host)} in-browser since ", status.stdout, re.M), status.stdout


@pytest.mark.crawl
def test_expired_clearance_is_solved_again_and_the_crawl_finishes(sqlite_url):
    with Replica(postings=40, seed=17, challenge="js", clearance_ttl=1.0, latency_ms=50) as replica:
        result = run_crawl(replica.base_url, sqlite_url, settings={"CONCURRENT_REQUESTS": "2"}, timeout=120)
        challenge = replica.stats()["challenge"]
    assert_finished(result)
    stored = stored_rows(sqlite_url)
    assert (len(stored), {(r["status"], r["processing_attempts"]) for r in stored.values()}) == (40, {("processed", 1)})
    solves = result.stats["cloudflare/solves"]
    assert solves >= 2
    assert challenge["clearances_used"] == result.stats["cloudflare/solved"] == solves
    assert result.stats["playwright/browser_count"] == solves  # closed after each solve


@pytest.mark.crawl
def test_turnstile_fails_every_posting_naming_cloudflare_and_exits_non_zero_in_bounded_time(sqlite_url):
    with Replica(postings=20, seed=19, challenge="turnstile", challenge_kinds=("posting",)) as replica:
        host = urlsplit(replica.base_url).netloc
        result = run_crawl(replica.base_url, sqlite_url, settings=FAST_FAILURE, timeout=120)  # bounded
    assert result.returncode == CLOUDFLARE_BLOCKED_EXIT_CODE, result.log[-3000:]
    assert re.search(r"^unjobs-scraper: Cloudflare kept challenging 127\.0\.0\.1:\d+: ", result.log, re.M)
    stored = stored_rows(sqlite_url)
    assert len(stored) == 20
    assert {r["status"] for r in stored.values()} == {"failed"}
    assert [r["processing_error"] for r in stored.values() if "Cloudflare" not in r["processing_error"]] == []
    assert [r for r in stored.values() if r["post_name"] or r["post_content_html"]] == []
    assert result.stats["cloudflare/solves"] <= 3  # one per timeout-and-pause, not one per posting
    assert result.stats[f"cloudflare/blocked/{host}"].startswith(f"Cloudflare kept challenging {host}: ")


@pytest.mark.crawl
def test_render_never_leaves_challenges_to_the_retry_rules_without_a_browser(sqlite_url):
    with Replica(postings=10, seed=37, challenge="js", challenge_kinds=("posting",)) as replica:
        settings = {**FAST_FAILURE, "PLAYWRIGHT_RENDER": "never"}
        result = run_crawl(replica.base_url, sqlite_url, settings=settings, timeout=120)
        challenge = replica.stats()["challenge"]
    assert result.returncode == MONITORS_FAILED_EXIT_CODE, result.log[-3000:]  # every posting failed
    assert result.log.strip().splitlines()[-1] == "unjobs-scraper: monitors failed: failed_postings_ratio (see the log)"
    stored = stored_rows(sqlite_url)
    assert {(r["status"], r["processing_attempts"]) for r in stored.values()} == {("failed", 2)}
    assert [r["processing_error"] for r in stored.values() if "Cloudflare challenge" not in r["processing_error"]] == []
    assert challenge["challenges"] == {"browser": 0, "fetch": 0, "plain": 20}
    assert [name for name in result.stats if name.startswith(("playwright/", "cloudflare/"))] == []


@pytest.mark.crawl
def test_a_challenged_index_is_never_parsed(sqlite_url):
    with Replica(postings=20, seed=19, challenge="turnstile") as replica:
        result = run_crawl(replica.base_url, sqlite_url, settings=FAST_FAILURE, timeout=120)
    assert result.returncode == CLOUDFLARE_BLOCKED_EXIT_CODE
    assert "unjobs/listings/seen" not in result.stats
    assert stored_rows(sqlite_url) == {}
    assert re.search(r"Index page \S+ failed: Cloudflare challenge", result.log), result.log[-3000:]


@pytest.mark.crawl
def test_render_always_passes_the_same_checks_in_the_browser(sqlite_url):
    with Replica(postings=24, seed=23, challenge="js") as replica:
        base_url = replica.base_url
        result = run_crawl(replica.base_url, sqlite_url, settings={"PLAYWRIGHT_RENDER": "always"}, timeout=120)
        challenge = replica.stats()["challenge"]
    assert_finished(result)
    stored = stored_rows(sqlite_url)
    assert field_mismatches(replica, base_url, stored) == []
    assert {(r["status"], r["processing_attempts"]) for r in stored.values()} == {("processed", 1)}
    assert sum(challenge["challenges"].values()) <= 4
    assert (challenge["pages"]["browser"]["posting"], challenge["pages"]["plain"]["posting"]) == (24, 0)
    assert result.stats["playwright/page_count/max_concurrent"] <= project_settings.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT


@pytest.mark.crawl
def test_a_site_without_challenges_starts_no_browser(sqlite_url):
    with Replica(postings=30, seed=29) as replica, sampled(lambda: chromium_marked(MARK, os.environ[MARK])) as seen:
        result = run_crawl(replica.base_url, sqlite_url, timeout=120)
    assert_finished(result)
    assert len(stored_rows(sqlite_url)) == 30
    assert [found for found in seen if found] == []
    assert [name for name in result.stats if name.startswith("playwright/")] == []


@pytest.mark.crawl
def test_a_crashed_browser_is_relaunched_and_its_pages_retried(sqlite_url):
    mark = os.environ[MARK]

    def kill_the_browser_once_it_has_served_postings() -> None:
        browsers = [p for p in chromium_marked(MARK, mark) if not any(a.startswith("--type=") for a in p.command)]
        if browsers and not killed and replica.stats()["challenge"]["pages"]["browser"]["posting"] >= 3:
            os.kill(browsers[0].pid, signal.SIGKILL)
            killed.append(browsers[0].pid)

    killed: list[int] = []
    with Replica(postings=20, seed=31, challenge="js", latency_ms=20) as replica:
        with sampled(kill_the_browser_once_it_has_served_postings, interval=0.05):
            # A page slot lost with the crashed browser costs one DOWNLOAD_TIMEOUT, then a retry
            # (after a short backoff: the default would wait a minute).
            always = {
                "PLAYWRIGHT_RENDER": "always", "DOWNLOAD_TIMEOUT": "10",
                "RETRY_BACKOFF_BASE": "0.2", "RETRY_BACKOFF_MAX": "1",
            }
            result = run_crawl(replica.base_url, sqlite_url, settings=always, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert len(killed) == 1
    assert result.stats["playwright/browser_count"] == 2
    stored = stored_rows(sqlite_url)
    assert (len(stored), {r["status"] for r in stored.values()}) == (20, {"processed"})
