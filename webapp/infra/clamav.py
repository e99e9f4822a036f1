"""A small client for ClamAV's daemon (clamd): PING and INSTREAM, over a Unix socket or TCP.

The protocol (clamd(8)): a command is "z"-prefixed and NUL-terminated. INSTREAM then takes the
data in chunks, each after its length as a 4-byte big-endian unsigned integer, ended by a
zero-length chunk. The answer is one NUL-terminated line: "stream: OK",
"stream: <signature> FOUND" or "<message> ERROR". Past clamd's StreamMaxLength it answers
"INSTREAM size limit exceeded. ERROR" and hangs up, possibly before we have sent everything.

Written here rather than taken from PyPI: `clamd` has had no release since 2014 (and imports
the deprecated pkg_resources); `clamav-client` is GPL-2.0; `clamdpy` leaves the socket open
when clamd is down (a ResourceWarning, and a file descriptor lost per try in the worker) and
lets a hang-up while sending escape as a bare OSError.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

CHUNK = 64 * 1024
LONGEST_REPLY = 4096


class Unreachable(Exception):
    """clamd could not be asked: not there, refusing connections, or slower than the timeout."""


class HungUp(Unreachable):
    """clamd closed the connection while the data was being sent, without an answer."""


@dataclass(frozen=True)
class Address:
    """Where clamd listens: a Unix socket path, or a host and port."""

    socket_path: str = ""
    host: str = ""
    port: int = 3310

    def __str__(self) -> str:
        return self.socket_path or f"{self.host}:{self.port}"


def ping(address: Address, timeout: float) -> bool:
    """Whether clamd answers PING."""
    try:
        return _ask(address, timeout, b"PING") == "PONG"
    except Unreachable:
        return False


def instream(address: Address, data: bytes, timeout: float) -> tuple[str, str]:
    """Scan `data`: ("OK", ""), ("FOUND", signature) or ("ERROR", clamd's message). Waits at
    most `timeout` seconds for each step; Unreachable (or HungUp) when clamd cannot be asked."""
    reply = _ask(address, timeout, b"INSTREAM", _chunks(data)).removeprefix("stream: ")
    for status in ("OK", "FOUND", "ERROR"):
        if reply == status or reply.endswith(f" {status}"):
            return status, reply.removesuffix(status).strip()
    if not reply:
        raise Unreachable(f"clamd at {address} closed the connection without an answer")
    return "ERROR", f"unexpected answer: {reply[:100]}"


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), CHUNK):
        piece = data[start : start + CHUNK]
        yield struct.pack("!L", len(piece)) + piece
    yield struct.pack("!L", 0)


def _ask(address: Address, timeout: float, command: bytes, body: Iterable[bytes] = ()) -> str:
    """Send a command (and its body); clamd's one-line answer."""
    try:
        with _connect(address, timeout) as connection:
            connection.sendall(b"z" + command + b"\0")
            try:
                for piece in body:
                    connection.sendall(piece)
            except (BrokenPipeError, ConnectionResetError) as error:
                reply = _reply_after_hang_up(connection)
                if reply:
                    return reply
                raise HungUp(f"clamd at {address} hung up: {error}") from error
            return _reply(connection)
    except HungUp:
        raise
    except OSError as error:  # not there, refused, timed out
        text = " ".join(str(error).split()) or type(error).__name__
        raise Unreachable(f"clamd at {address}: {text}") from error


def _connect(address: Address, timeout: float) -> socket.socket:
    if not address.socket_path:
        return socket.create_connection((address.host, address.port), timeout=timeout)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(timeout)
        connection.connect(address.socket_path)
    except OSError:
        connection.close()
        raise
    return connection


def _reply(connection: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < LONGEST_REPLY:
        received = connection.recv(LONGEST_REPLY)
        if not received:
            break
        reply += received
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _reply_after_hang_up(connection: socket.socket) -> str:
    """The answer clamd may have written before hanging up (its size limit): "" if none."""
    try:
        return _reply(connection)
    except OSError:
        return ""
