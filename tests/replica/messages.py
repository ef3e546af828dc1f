"""What the replica's server and its layers pass around."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Protocol


@dataclass(frozen=True)
class Request:
    """What the handler received, in a form the routing and later layers can inspect."""

    method: str
    path: str
    query: str
    headers: Message
    client_host: str
    body: bytes = b""
    tls_fingerprint: str = ""
    """The ClientHello's fingerprint (``tls.py``) over HTTPS; empty over plain HTTP."""


DROP_CONNECTION = 0
"""A ``Response.status`` that makes the server close the connection without answering."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Route:
    """A request resolved: its page kind, the posting it names if any, and how to answer it."""

    kind: str
    respond: Callable[[], Response]
    post_number: str | None = None


class Layer(Protocol):
    """Answers some routed requests in place of the page: a challenge, an injected fault.

    Pages a layer answers are not counted as served pages; the layer counts them itself.
    """

    name: str

    def intercept(self, request: Request, route: Route) -> Response | None: ...

    def stats(self) -> dict[str, object]: ...

    def reset(self) -> None: ...
