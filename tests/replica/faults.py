"""Injected faults: each posting gets a fate, chosen deterministically from the seed.

- ``flaky``: a transient fault (500, 503, 429, a dropped connection or a stall) for its first
  1 to 5 downloads, then the page;
- ``failing``: a transient fault on every download;
- ``gone``: 404 or 410 for ever;
- ``bad``: a malformed page for ever: no title, truncated HTML, binary garbage, a 3 MB page, or
  the site's "vacancy cannot be displayed" page (its generic ``<title>``, nothing else).

Only posting pages fail, so that every posting is discovered, unless a test breaks a page
(``break_page``).
``heal()`` stops all faults, like a site that recovered.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass

from tests.replica.messages import DROP_CONNECTION, Request, Response, Route
from tests.replica.pages import render_not_found, render_posting
from tests.replica.site import Site

TRANSIENT_FAULTS = ("500", "503", "429", "drop", "stall")
GONE_FAULTS = ("404", "410")
BAD_PAGES = ("no_title", "truncated", "garbage", "huge", "not_a_posting")
NOT_A_POSTING_PAGE = (
    b"<!DOCTYPE html><html><head><title>UNjobs</title></head><body><div class='container'>"
    b"<p>This vacancy cannot be displayed at the moment.</p></div></body></html>"
)
HUGE_PAGE_BYTES = 3 * 1024 * 1024
FAILING_SHARE = 0.2
"""Of the postings with transient faults, this share never recovers."""


@dataclass(frozen=True)
class Fate:
    kind: str
    fault: str | None = None
    failures: int = 0
    """flaky: how many downloads fail before the page is served."""

    def expected(self, retry_times: int) -> tuple[str, int]:
        """(final status, processing_attempts) a correct crawler ends with, at ``RETRY_TIMES``."""
        if self.kind == "flaky" and self.failures <= retry_times:
            return "processed", self.failures + 1
        if self.kind in ("flaky", "failing") or (self.kind == "bad" and self.fault != "huge"):
            return "failed", retry_times + 1
        if self.kind == "gone":
            return "skipped", 1
        if self.kind == "bad":  # too large: not worth a retry
            return "failed", 1
        return "processed", 1


class Faults:
    """A replica ``Layer`` that answers posting requests according to each posting's fate."""

    name = "faults"

    def __init__(
        self,
        site: Site,
        seed: int,
        fault_rate: float = 0.0,
        gone_rate: float = 0.0,
        bad_rate: float = 0.0,
        stall_seconds: float = 5.0,
        retry_after_seconds: int = 1,
    ) -> None:
        if fault_rate + gone_rate + bad_rate > 1:
            raise ValueError("fault, gone and bad rates add up to more than 1")
        self.site = site
        self.seed = seed
        self.rates = (fault_rate, gone_rate, bad_rate)
        self.stall_seconds = stall_seconds
        self.retry_after_seconds = retry_after_seconds
        self.healed = False
        self._lock = threading.Lock()
        self._downloads: Counter[str] = Counter()
        self._answered: Counter[str] = Counter()
        self._forced: dict[str, Fate] = {}
        self._broken_paths: set[str] = set()

    def break_page(self, path: str) -> None:
        """Answer 500 for ever at ``path`` (an index page, say)."""
        self._broken_paths.add(path)

    def force(self, post_number: str, fate: Fate) -> None:
        """Give one posting this fate, whatever the seed and rates drew."""
        self._forced[post_number] = fate

    def fate(self, post_number: str) -> Fate:
        """The same posting always gets the same fate for the same seed and rates."""
        if post_number in self._forced:
            return self._forced[post_number]
        rng = random.Random(f"{self.seed}:{post_number}")
        draw = rng.random()
        fault_rate, gone_rate, bad_rate = self.rates
        if draw < fault_rate:
            fault = rng.choice(TRANSIENT_FAULTS)
            if rng.random() < FAILING_SHARE:
                return Fate("failing", fault)
            return Fate("flaky", fault, rng.randint(1, 5))
        if draw < fault_rate + gone_rate:
            return Fate("gone", rng.choice(GONE_FAULTS))
        if draw < fault_rate + gone_rate + bad_rate:
            return Fate("bad", rng.choice(BAD_PAGES))
        return Fate("ok")

    def heal(self) -> None:
        self.healed = True

    def intercept(self, request: Request, route: Route) -> Response | None:
        if request.path in self._broken_paths:
            return Response(500, render_not_found(request.path).encode())
        if route.kind != "posting" or route.post_number is None:
            return None
        fate = self.fate(route.post_number)
        with self._lock:
            self._downloads[route.post_number] += 1
            download = self._downloads[route.post_number]
        if self.healed or fate.kind == "ok" or (fate.kind == "flaky" and download > fate.failures):
            return None
        with self._lock:
            self._answered[fate.fault] += 1
        return self._fault_response(fate.fault, route.post_number)

    def _fault_response(self, fault: str, post_number: str) -> Response:
        if fault == "drop":
            return Response(DROP_CONNECTION, b"")
        if fault == "stall":
            time.sleep(self.stall_seconds)
            return Response(503, b"stalled\n", "text/plain; charset=utf-8")
        if fault == "429":
            return Response(
                429, b"slow down\n", "text/plain", (("Retry-After", str(self.retry_after_seconds)),)
            )
        if fault in ("500", "503", *GONE_FAULTS):
            return Response(int(fault), render_not_found(f"/vacancies/{post_number}").encode())
        page = render_posting(self.site.posting(post_number)).encode()
        if fault == "truncated":
            return Response(200, page[: len(page) // 2])
        if fault == "garbage":
            return Response(200, random.Random(post_number).randbytes(20_000))
        if fault == "not_a_posting":
            return Response(200, NOT_A_POSTING_PAGE)
        if fault == "huge":
            padding = b"<!-- " + b"x" * HUGE_PAGE_BYTES + b" -->"
            return Response(200, page.replace(b"</body>", padding + b"</body>"))
        return Response(
            200,
            b"<html><body><div class='container'><p>This vacancy is being updated.</p></div></body></html>",
        )

    def stats(self) -> dict[str, object]:
        with self._lock:
            return {
                "fates": {number: asdict(self.fate(number)) for number in self.site.post_numbers()},
                "downloads": dict(self._downloads),
                "answered": dict(self._answered),
                "healed": self.healed,
            }

    def reset(self) -> None:
        with self._lock:
            self._downloads.clear()
            self._answered.clear()
