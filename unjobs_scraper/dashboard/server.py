"""The dashboard's HTTP server: the standard library's threaded server, pages rendered on it.

Read-only but for one action, requeueing dead letters, which is a POST that must carry the
dashboard's token. On a loopback address the pages carry the token themselves (a page of another
site can neither read them nor, with the Host check, reach them by DNS rebinding); on any other
address the token is printed at start and typed into the form.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from unjobs_scraper.dashboard import views
from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.dashboard.render import STATIC, render
from unjobs_scraper.storage.columns import JOB_AD_FIELDS

logger = logging.getLogger(__name__)

SECURITY_HEADERS = (
    # No script at all, nothing from elsewhere: even a markup mistake could not run site content.
    ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
     " base-uri 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)
MAX_FORM_BYTES = 64 * 1024
POSTING_PATH = re.compile(r"^/postings/(\d+)$")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_redirect(target: str, **params: object) -> str:
    """``target`` if it is a path on this server (never another site), with ``params`` added."""
    parts = urlsplit(target if target.startswith("/") and not target.startswith("//") else "/")
    query = [(key, value) for key, value in parse_qsl(parts.query) if key not in params]
    return urlunsplit(("", "", parts.path, urlencode(query + [(k, str(v)) for k, v in params.items()]), ""))


class DashboardServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, database: Database, host: str, port: int, limits: views.Limits = views.Limits()) -> None:
        super().__init__((host, port), DashboardHandler)
        self.database = database
        self.limits = limits
        self.token = secrets.token_urlsafe(18)
        self.loopback = is_loopback(host)
        port = self.server_address[1]
        self.url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
        self.allowed_hosts = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]", host)}

    def token_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self.token.encode())

    def handle_error(self, request, client_address) -> None:
        """A browser that hangs up early is normal, not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class DashboardHandler(BaseHTTPRequestHandler):
    server: DashboardServer
    server_version = "unjobs-dashboard"
    timeout = 30

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _answer(self, handler) -> None:
        if self.server.loopback and self.headers.get("Host", "") not in self.server.allowed_hosts:
            return self._page(HTTPStatus.FORBIDDEN, "message.html", message="Unknown Host header.")
        try:
            handler(urlsplit(self.path))
        except Exception:
            logger.exception("Dashboard request %s %s failed", self.command, self.path)
            self._page(HTTPStatus.INTERNAL_SERVER_ERROR, "message.html", message="The database query failed.")

    def _get(self, url) -> None:
        query = parse_qs(url.query)
        run = self.server.database.run
        if url.path == "/":
            context = run(views.overview, self.server.limits)
            return self._page(HTTPStatus.OK, "overview.html", requeued=query.get("requeued", [None])[0], **context)
        if url.path == "/postings":
            return self._page(HTTPStatus.OK, "postings.html", **run(views.postings, query, self.server.limits))
        if match := POSTING_PATH.match(url.path):
            posting = run(lambda storage, number: storage.postings.get(number), match.group(1))
            if posting is not None:
                job_ad = run(lambda storage, number: storage.job_ads.get(number), match.group(1))
                return self._page(HTTPStatus.OK, "posting.html", posting=posting, job_ad=job_ad, job_ad_fields=JOB_AD_FIELDS)
        if url.path == "/static/dashboard.css":
            return self._send(HTTPStatus.OK, "text/css; charset=utf-8", (STATIC / "dashboard.css").read_bytes())
        self._page(HTTPStatus.NOT_FOUND, "message.html", message="No such page.")

    def _post(self, url) -> None:
        if url.path != "/requeue":
            return self._page(HTTPStatus.NOT_FOUND, "message.html", message="No such page.")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_FORM_BYTES:
            return self._page(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "message.html", message="Form too large.")
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        if not self.server.token_matches(form.get("token", [""])[0]):
            return self._page(HTTPStatus.FORBIDDEN, "message.html", message="Wrong or missing token.")
        requeued = self.server.database.run(views.requeue, form.get("post_number", []))
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", local_redirect(form.get("next", ["/"])[0], requeued=len(requeued)))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _page(self, status: HTTPStatus, template: str, **context) -> None:
        token = self.server.token if self.server.loopback else None
        body = render(template, form_token=token, path=self.path, **context)
        self._send(status, "text/html; charset=utf-8", body)

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """One line per request on stderr, like ``python -m http.server``, through logging."""
        logger.info("%s %s", self.address_string(), format % args)
