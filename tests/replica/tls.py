"""HTTPS for the replica, and the TLS fingerprint of each connection's ClientHello.

Cloudflare binds a clearance to the client that earned it, TLS stack included: what JA3/JA4 hash
of the ClientHello (cipher suites, extensions, supported groups, ALPN). The server reads the
ClientHello with ``MSG_PEEK`` before the handshake, so the handshake itself is left untouched.

The fingerprint follows JA4's choices: GREASE values are dropped and the cipher suites and
extensions are sorted (Chrome shuffles its extension order on every connection), and the
extensions of session resumption are left out, so one client stack gives one fingerprint, and two
stacks that differ in what they offer give two.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HANDSHAKE_RECORD = 0x16
CLIENT_HELLO = 0x01
RECORD_HEADER = 5
PEEK_TIMEOUT_SECONDS = 5.0
MAX_CLIENT_HELLO = 16 * 1024
EXTENSION_SUPPORTED_GROUPS = 10
EXTENSION_ALPN = 16
VOLATILE_EXTENSIONS = frozenset({21, 41, 42})
"""padding, pre_shared_key and early_data come and go with session resumption: not the client."""
UNKNOWN_FINGERPRINT = "none"
"""A connection whose first bytes were no ClientHello (or plain HTTP)."""


def is_grease(value: int) -> bool:
    """RFC 8701's reserved values (0x0a0a, 0x1a1a, ...): random per connection, so not identifying."""
    return (value & 0x0F0F) == 0x0A0A and (value >> 8) == (value & 0xFF)


@dataclass(frozen=True)
class ClientHello:
    ciphers: tuple[int, ...]
    extensions: tuple[int, ...]
    groups: tuple[int, ...]
    alpn: tuple[str, ...]

    @property
    def fingerprint(self) -> str:
        """A short hash of what the client offers, insensitive to GREASE and extension order."""
        parts = (
            ",".join(f"{c:04x}" for c in sorted(self.ciphers)),
            ",".join(f"{e:04x}" for e in sorted(set(self.extensions) - VOLATILE_EXTENSIONS)),
            ",".join(f"{g:04x}" for g in self.groups),
            ",".join(self.alpn),
        )
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _u16_list(data: bytes) -> tuple[int, ...]:
    return tuple(v for (v,) in struct.iter_unpack("!H", data[: len(data) // 2 * 2]) if not is_grease(v))


def parse_client_hello(record: bytes) -> ClientHello | None:
    """The ClientHello in the first TLS record of a connection, or None if it is not one."""
    try:
        if record[0] != HANDSHAKE_RECORD or record[RECORD_HEADER] != CLIENT_HELLO:
            return None
        body = record[RECORD_HEADER + 4 :]
        at = 2 + 32  # client_version, random
        at += 1 + body[at]  # session id
        (cipher_bytes,) = struct.unpack_from("!H", body, at)
        ciphers = _u16_list(body[at + 2 : at + 2 + cipher_bytes])
        at += 2 + cipher_bytes
        at += 1 + body[at]  # compression methods
        (extension_bytes,) = struct.unpack_from("!H", body, at)
        at += 2
        end = at + extension_bytes
        extensions, groups, alpn = [], (), ()
        while at + 4 <= end:
            kind, length = struct.unpack_from("!HH", body, at)
            data = body[at + 4 : at + 4 + length]
            at += 4 + length
            if is_grease(kind):
                continue
            extensions.append(kind)
            if kind == EXTENSION_SUPPORTED_GROUPS:
                groups = _u16_list(data[2:])
            elif kind == EXTENSION_ALPN:
                alpn = _alpn_names(data[2:])
        return ClientHello(ciphers, tuple(extensions), groups, alpn)
    except (IndexError, struct.error):
        return None


def _alpn_names(data: bytes) -> tuple[str, ...]:
    names, at = [], 0
    while at < len(data):
        length = data[at]
        names.append(data[at + 1 : at + 1 + length].decode("ascii", "replace"))
        at += 1 + length
    return tuple(names)


def peek_client_hello(connection: socket.socket) -> ClientHello | None:
    """Read the first TLS record without consuming it (bounded in size and time)."""
    deadline = time.monotonic() + PEEK_TIMEOUT_SECONDS
    previous_timeout = connection.gettimeout()
    try:
        wanted = RECORD_HEADER
        while True:
            connection.settimeout(max(0.01, deadline - time.monotonic()))
            data = connection.recv(MAX_CLIENT_HELLO + RECORD_HEADER, socket.MSG_PEEK)
            if len(data) >= RECORD_HEADER:
                if data[0] != HANDSHAKE_RECORD:
                    return None
                wanted = RECORD_HEADER + min(struct.unpack_from("!H", data, 3)[0], MAX_CLIENT_HELLO)
            if len(data) >= wanted and len(data) > RECORD_HEADER:
                return parse_client_hello(data[:wanted])
            if not data or time.monotonic() >= deadline:
                return None
            time.sleep(0.001)
    except OSError:
        return None
    finally:
        connection.settimeout(previous_timeout)


def self_signed_context(directory: Path | None = None) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 and localhost, made now with openssl."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(directory or scratch)
        key, certificate = folder / "replica.key", folder / "replica.crt"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", str(key), "-out", str(certificate),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
    context.set_alpn_protocols(["http/1.1"])
    return context
