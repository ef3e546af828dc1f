"""A webhook receiver for the tests: a Starlette app under uvicorn on 127.0.0.1 that records every
request (method, body and headers) and answers with the statuses it is told (a ``(status,
location)`` pair redirects), then 200."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self, statuses: tuple[int | tuple[int, str], ...] = ()) -> None:
        self.received: list[Received] = []
        self._statuses = deque(statuses)
        self._lock = threading.Lock()
        app = Starlette(routes=[Route("/{path:path}", self._hook, methods=["GET", "POST"])])
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def url(self, path: str = "hook") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            headers = {k.lower(): v for k, v in request.headers.items()}
            self.received.append(Received(request.method, request.url.path, body, headers))
            answer = self._statuses.popleft() if self._statuses else 200
        status, location = answer if isinstance(answer, tuple) else (answer, None)
        return Response(status_code=status, headers={"Location": location} if location else None)

    def __enter__(self) -> Receiver:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            assert time.monotonic() < deadline and self._thread.is_alive(), "the receiver did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._socket.close()


class Silent:
    """A receiver that takes connections and never answers: every POST to it times out."""

    def __enter__(self) -> Silent:
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=64)  # never accepted, never answered
        self.port = self._socket.getsockname()[1]
        return self

    def url(self, path: str = "hook") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def __exit__(self, *exc) -> None:
        self._socket.close()
