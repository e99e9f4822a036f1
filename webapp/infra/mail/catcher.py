"""A development mail catcher: an SMTP server on 127.0.0.1 that keeps what it receives in memory.

`portal run` starts one on MAIL_SERVER:MAIL_PORT (127.0.0.1:1025) so that the portal's mail has
somewhere to go on a laptop; the tests use it as their SMTP server. Nothing is relayed anywhere.

    catcher = start_catcher("127.0.0.1", 1025)   # port 0: any free port (see catcher.port)
    catcher.messages                             # [CaughtMessage(to, subject, body…)], oldest 1st
    catcher.stop(); catcher.start()              # an outage, then the same port again

Needs aiosmtpd (a development dependency: `pip install -e '.[dev]'`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email
import email.policy
import functools
import socket
import threading
import weakref
from collections import deque
from dataclasses import dataclass

KEEP = 200  # messages kept; older ones are dropped


@dataclass(frozen=True)
class CaughtMessage:
    """One email as the catcher received it."""

    to: str  # the envelope's recipients, comma-separated
    subject: str
    body: str  # the plain-text body
    sender: str
    received_at: dt.datetime


class Catcher:
    """An aiosmtpd server in a thread of its own; `messages` is what it has received."""

    def __init__(self, host: str = "127.0.0.1", port: int = 1025, keep: int = KEEP):
        self.host = host
        self.port = port
        self._messages: deque[CaughtMessage] = deque(maxlen=keep)
        self._arrived = threading.Condition()
        self._controller = None

    # -- the server --------------------------------------------------------------------------
    def start(self) -> Catcher:
        """Listen (again) on host:port; with port 0 a free port is chosen and kept."""
        if self._controller is not None:
            return self
        controller = _Controller(
            self,
            hostname=self.host,
            port=self.port,
            server_hostname="portal-mail-catcher",
            ready_timeout=5.0,
        )
        try:
            controller.start()
        except BaseException:
            _discard(controller)
            raise
        self.port = controller.port
        self._controller = controller
        return self

    def stop(self) -> None:
        """Stop listening (the messages are kept); safe to call twice."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> Catcher:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    # -- what arrived ------------------------------------------------------------------------
    @property
    def messages(self) -> list[CaughtMessage]:
        """The messages received, oldest first (a copy)."""
        with self._arrived:
            return list(self._messages)

    def clear(self) -> None:
        with self._arrived:
            self._messages.clear()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[CaughtMessage]:
        """Wait until at least `count` messages have arrived (or the timeout); the messages."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._messages) >= count, timeout)
            return list(self._messages)

    def to(self, address: str) -> list[CaughtMessage]:
        """The messages for this address, oldest first."""
        return [m for m in self.messages if address.lower() in m.to.lower().split(", ")]

    # -- aiosmtpd's handler hook -------------------------------------------------------------
    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        part = parsed.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        message = CaughtMessage(
            to=", ".join(envelope.rcpt_tos),
            subject=str(parsed.get("Subject", "")),
            body=body.replace("\r\n", "\n"),
            sender=envelope.mail_from or "",
            received_at=dt.datetime.now(dt.UTC),
        )
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"


def start_catcher(host: str = "127.0.0.1", port: int = 1025, keep: int = KEEP) -> Catcher:
    """A started Catcher on host:port (port 0: a free one, then in `.port`)."""
    return Catcher(host, port, keep).start()


def listening(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether something accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@functools.cache
def _controller_class():
    from aiosmtpd.controller import Controller

    class PortController(Controller):
        """aiosmtpd's Controller, able to listen on port 0 (it learns the port the system chose
        before it connects to itself to check that the server is up), and closing its clients'
        connections when stopped (aiosmtpd stops the loop first, leaving sockets open)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections: weakref.WeakSet = weakref.WeakSet()

        def factory(self):
            smtpd = super().factory()
            self.connections.add(smtpd)
            return smtpd

        def _trigger_server(self):
            if self.port == 0 and self.server is not None:
                self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

        async def _close_connections(self):
            if self.server is not None:
                self.server.close()
            for smtpd in list(self.connections):
                if smtpd.transport is not None:
                    smtpd.transport.close()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            await asyncio.sleep(0.01)  # the transports' connection_lost callbacks run

        def stop(self, no_assert: bool = False):
            if self.loop.is_running():
                done = asyncio.run_coroutine_threadsafe(self._close_connections(), self.loop)
                with contextlib.suppress(Exception):
                    done.result(5)
            super().stop(no_assert)

    return PortController


def _Controller(*args, **kwargs):  # noqa: N802 (a class, imported late: aiosmtpd is dev-only)
    return _controller_class()(*args, **kwargs)


def _discard(controller) -> None:
    """Clean up after a start that failed (the port in use…): its thread and event loop."""
    if controller.loop.is_running():
        controller.stop(no_assert=True)  # stops the loop; the thread closes it
        return
    thread = getattr(controller, "_thread", None)
    if thread is not None:
        thread.join(5)
    if not controller.loop.is_closed():
        controller.loop.close()
