"""The replica's HTTP server: a ``Site`` served on 127.0.0.1, counting what it serves.

Every request goes through ``Replica.handle``: ``Replica.route`` decides the page kind (the only
place that does) and returns a ``Route`` whose ``respond`` builds the response. Between routing
and responding, each ``Layer`` given to the replica (a Cloudflare challenge, injected faults) may
answer instead; each keeps its own counters, reported under its name in ``stats()``.
"""

from __future__ import annotations

import json
import ssl
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from tests.replica.challenge import PAGE_KINDS, challenge_layers
from tests.replica.faults import Faults
from tests.replica.messages import DROP_CONNECTION, Layer, Request, Response, Route
from tests.replica.pages import ROBOTS_TXT, render_index, render_not_found, render_posting
from tests.replica.ratelimit import RateLimit
from tests.replica.site import Site
from tests.replica.tls import UNKNOWN_FINGERPRINT, peek_client_hello, self_signed_context
from tests.replica.urls import parse_listing_path, parse_posting_path

INDEX, POSTING, OTHER, CONTROL = "index", "posting", "other", "control"
COUNTED_KINDS = (INDEX, POSTING, OTHER)
"""Control endpoints (``/__replica__/...``) are neither delayed nor counted."""
CONTROL_PREFIX = "/__replica__/"


def _html(status: int, page: str) -> Response:
    return Response(status, page.encode("utf-8"))


def _json(payload: object, status: int = 200) -> Response:
    return Response(status, json.dumps(payload).encode("utf-8"), "application/json")


class Replica:
    """A local unjobs.org for tests: ``with Replica(postings=60) as replica: ... replica.base_url``."""

    def __init__(
        self,
        postings: int = 300,
        seed: int = 1,
        latency_ms: int = 0,
        per_page: int = 25,
        max_pages: int = 40,
        host: str = "127.0.0.1",
        port: int = 0,
        fault_rate: float = 0.0,
        gone_rate: float = 0.0,
        bad_rate: float = 0.0,
        stall_seconds: float = 5.0,
        challenge: str = "none",
        clearance_ttl: float = 1800.0,
        challenge_kinds: Sequence[str] = PAGE_KINDS,
        https: bool = False,
        bind_tls: bool = False,
        strict: bool = False,
        rate_limit: float | None = None,
        rate_window: float = 10.0,
        ban_seconds: float = 10.0,
        ban_retry_after: bool = False,
    ) -> None:
        self.site = Site(postings=postings, seed=seed, per_page=per_page, max_pages=max_pages)
        self.latency_ms = latency_ms
        self.faults = Faults(self.site, seed, fault_rate, gone_rate, bad_rate, stall_seconds)
        self.rate_limit = RateLimit(rate_limit, rate_window, ban_seconds, ban_retry_after)
        # Cloudflare answers before the origin's own faults, as it sits in front of it; its rate
        # limiting rule comes first of all, counting every request.
        challenges = challenge_layers(challenge, clearance_ttl, challenge_kinds, bind_tls=bind_tls, strict=strict)
        self.layers: tuple[Layer, ...] = (self.rate_limit, *challenges, self.faults)
        self.https = https
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None
        self._stats_lock = threading.Lock()
        self._served: Counter[str] = Counter()
        self._posting_hits: Counter[str] = Counter()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` (``https://`` with ``https=True``) once started."""
        if self._base_url is None:
            raise RuntimeError("the replica is not running; call start() or use it as a context manager")
        return self._base_url

    def start(self) -> Replica:
        if self._server is not None:
            raise RuntimeError("the replica is already running")
        self._server = _Server((self.host, self.port), self, self_signed_context() if self.https else None)
        host, port = self._server.server_address[:2]
        self._base_url = f"{'https' if self.https else 'http'}://{host}:{port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="replica", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket; safe to call twice."""
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = self._base_url = None

    def __enter__(self) -> Replica:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stats(self) -> dict[str, object]:
        """What was served since start or the last reset, as ``GET /__replica__/stats`` returns it."""
        with self._stats_lock:
            return {
                "served": {kind: self._served[kind] for kind in COUNTED_KINDS},
                "posting_hits": dict(self._posting_hits),
                "postings": len(self.site),
                **{layer.name: layer.stats() for layer in self.layers},
            }

    def reset_stats(self) -> None:
        with self._stats_lock:
            self._served.clear()
            self._posting_hits.clear()
        for layer in self.layers:
            layer.reset()

    def handle(self, request: Request) -> Response:
        """Answer one request: route it, wait the configured latency, let layers intercept, respond, count."""
        route = self.route(request)
        if route.kind == CONTROL:
            return route.respond()
        time.sleep(self.latency_ms / 1000)
        for layer in self.layers:
            answer = layer.intercept(request, route)
            if answer is not None:
                return answer
        response = route.respond()
        with self._stats_lock:
            self._served[route.kind] += 1
            if route.kind == POSTING and route.post_number is not None:
                self._posting_hits[route.post_number] += 1
        return response

    def route(self, request: Request) -> Route:
        """Decide what a request is. Missing pages are kind ``other``: only real pages count as served."""
        path = request.path
        if path.startswith(CONTROL_PREFIX):
            return Route(CONTROL, lambda: self._control(request))
        if request.method != "GET":
            return Route(OTHER, lambda: Response(405, b"method not allowed\n", "text/plain; charset=utf-8"))
        if path == "/robots.txt":
            return Route(OTHER, lambda: Response(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8"))
        post_number = parse_posting_path(path)
        spec = self.site.posting(post_number) if post_number else None
        if spec is not None:
            return Route(POSTING, lambda: _html(200, render_posting(spec)), spec.post_number)
        address = parse_listing_path(path)
        page = self.site.listing_page(address.number, address.facet, address.slug) if address else None
        if page is not None:
            base_url = self.base_url
            return Route(INDEX, lambda: _html(200, render_index(page, base_url)))
        return Route(OTHER, lambda: _html(404, render_not_found(path)))

    def _control(self, request: Request) -> Response:
        """``GET /__replica__/stats``, ``GET /__replica__/profiles`` (each posting's requirements:
        the truth extraction is scored against) and ``POST /__replica__/reset``."""
        endpoint = (request.method, request.path.removeprefix(CONTROL_PREFIX))
        if endpoint == ("GET", "stats"):
            return _json(self.stats())
        if endpoint == ("GET", "profiles"):
            return _json({number: self.site.posting(number).profile.as_json() for number in self.site.post_numbers()})
        if endpoint == ("POST", "reset"):
            self.reset_stats()
            return _json(self.stats())
        return _json({"error": f"no control endpoint {request.method} {request.path}"}, status=404)


class _Handler(BaseHTTPRequestHandler):
    """Turns raw HTTP into a ``Request`` for ``Replica.handle`` and writes the ``Response`` back."""

    server: _Server
    timeout = 30
    """A client that connects and never sends a request cannot hold a thread for ever."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fingerprint = getattr(self.connection, "client_fingerprint", "")
        request = Request(
            self.command, parts.path, parts.query, self.headers, self.client_address[0], body, fingerprint
        )
        response = self.server.replica.handle(request)
        if response.status == DROP_CONNECTION:
            self.close_connection = True
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a crawl makes thousands of requests."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """A crawler opens many connections at once; the default backlog of 5 drops some."""

    def __init__(self, address: tuple[str, int], replica: Replica, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(address, _Handler)
        self.replica = replica
        self.tls = tls

    def finish_request(self, request, client_address) -> None:
        """Over HTTPS: read the ClientHello first (without consuming it), then the handshake."""
        if self.tls is None:
            return super().finish_request(request, client_address)
        hello = peek_client_hello(request)
        request.settimeout(_Handler.timeout)
        try:
            connection = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return None  # a client that gave up, or preconnected and never spoke
        connection.client_fingerprint = hello.fingerprint if hello else UNKNOWN_FINGERPRINT
        try:
            return super().finish_request(connection, client_address)
        finally:
            connection.close()

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early (crawler timeouts, cancelled downloads) are normal, not errors."""
        if isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)
