"""A small TCP proxy in front of PostgreSQL that counts round trips and can hold every packet.

A round trip is counted each time the server answers after the client sent something: on each
connection, the first server→client chunk that follows client→server data. Held packets are
buffered, never dropped, and forwarded in order once released. ``latency_ms`` delays every
server→client chunk: a database that far away (``bench/database_latency.py``).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

UPSTREAM = ("127.0.0.1", 5432)


def proxied(database_url: str, port: int) -> str:
    """``database_url`` pointed at a proxy on ``port``, its query (the test schema's search_path) kept."""
    parts = urlsplit(database_url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{port}"))


class DatabaseProxy:
    def __init__(self, upstream: tuple[str, int] = UPSTREAM, latency_ms: float = 0) -> None:
        self.upstream = upstream
        self.latency = latency_ms / 1000
        self.round_trips = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._released.set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.5)
        self.port = self._listener.getsockname()[1]
        self._stopping = False
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> DatabaseProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping = True
        self._released.set()
        self._thread.join(timeout=5)
        for sock in self._sockets:
            sock.close()
        self._listener.close()

    def url(self, database_url: str) -> str:
        return proxied(database_url, self.port)

    def reset(self) -> None:
        with self._lock:
            self.round_trips = 0

    @contextmanager
    def holding(self):
        """Every packet, both ways, waits until the block ends."""
        self._released.clear()
        try:
            yield
        finally:
            self._released.set()

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server = socket.create_connection(self.upstream, timeout=10)
            server.settimeout(None)
            self._sockets += [client, server]
            with self._lock:
                self.connections += 1
            asked = [False]  # the client sent something the server has not answered yet
            for source, target, from_client in ((client, server, True), (server, client, False)):
                threading.Thread(target=self._pipe, args=(source, target, from_client, asked), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, from_client: bool, asked: list[bool]) -> None:
        try:
            while data := source.recv(65536):
                self._released.wait()
                with self._lock:
                    if from_client:
                        asked[0] = True
                    elif asked[0]:
                        asked[0] = False
                        self.round_trips += 1
                if self.latency and not from_client:
                    time.sleep(self.latency)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class ProxyProcess:
    """A ``DatabaseProxy`` in a process of its own (its threads then take no CPU from the caller's):
    ``round_trips`` is read when it stops."""

    def __init__(self, latency_ms: float = 0) -> None:
        self.latency_ms = latency_ms
        self.round_trips = 0

    def __enter__(self) -> ProxyProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.dbproxy", str(self.latency_ms)],
            cwd=Path(__file__).resolve().parent.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.port = int(self._process.stdout.readline())
        return self

    def url(self, database_url: str) -> str:
        return proxied(database_url, self.port)

    def __exit__(self, *exc) -> None:
        out, _ = self._process.communicate("", timeout=30)  # stdin closed: it stops and says its count
        self.round_trips = int(out)


def main() -> None:
    """``python -m tests.dbproxy LATENCY_MS``: prints its port, proxies until stdin closes, then
    prints the round trips it counted."""
    with DatabaseProxy(latency_ms=float(sys.argv[1])) as proxy:
        print(proxy.port, flush=True)
        sys.stdin.read()
        count = proxy.round_trips
    print(count, flush=True)


if __name__ == "__main__":
    main()
