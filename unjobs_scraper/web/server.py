"""The web application under uvicorn, on a socket bound here (port 0: any free one, then ``url``
says which): in the foreground for ``scrapy dashboard``, on a thread for tests and benchmarks."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from unjobs_scraper.dashboard.database import Database
from unjobs_scraper.dashboard.views import Limits
from unjobs_scraper.web.app import create_app
from unjobs_scraper.web.security import Access

START_TIMEOUT_SECONDS = 30


class WebServer:
    def __init__(self, database: Database, host: str, port: int, api_token: str | None = None,
                 site_host: str = "unjobs.org", limits: Limits = Limits(), read_only: bool = False,
                 access_log: bool = False) -> None:
        self.socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, port))
        self.socket.listen(2048)  # connections wait in the backlog until uvicorn serves
        self.access = Access(host, self.socket.getsockname()[1], api_token)
        self.app = create_app(database, self.access, site_host, limits, read_only)
        config = uvicorn.Config(self.app, log_level="warning", access_log=access_log, lifespan="off", server_header=False)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self.access.host
        return f"http://{host if ':' not in host else f'[{host}]'}:{self.access.port}/"

    @property
    def token(self) -> str:
        """The dashboard's form token."""
        return self.access.form_token

    @property
    def loopback(self) -> bool:
        return self.access.loopback

    def serve_forever(self) -> None:
        """Until Ctrl-C or SIGTERM (uvicorn's own handling, in the main thread) or ``shutdown``."""
        self.server.run(sockets=[self.socket])

    def start(self) -> WebServer:
        """Serve on a thread, once it listens."""
        self._thread = threading.Thread(target=self.serve_forever, name="web", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web server did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=START_TIMEOUT_SECONDS)
        self.socket.close()
