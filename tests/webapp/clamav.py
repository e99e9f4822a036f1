"""A real ClamAV daemon for the tests: Debian's /usr/sbin/clamd with a configuration of our own,
listening on a Unix socket and on a free port of 127.0.0.1, with a one-signature database made
here (signature updates cannot be downloaded in tests). `stop()` and `start()` make an outage.

The signature is the EICAR test string, matched anywhere in a file (an .ndb signature with
offset `*`), so that a PDF carrying it gets past the portal's check of the kind of file and
reaches the scanner. The string is kept in base64 here, so that no antivirus on a developer's
machine takes this file itself for the test virus.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import time
from pathlib import Path

CLAMD = os.environ.get("CLAMD_BINARY", "/usr/sbin/clamd")
EICAR = base64.b64decode(
    b"WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo="
)
SIGNATURE = "Portal-Test-EICAR"
FOUND_AS = f"{SIGNATURE}.UNOFFICIAL"  # what clamd calls signatures that are not ClamAV's own
START_TIMEOUT = 60.0


def clamd_problem() -> str | None:
    """Why clamd cannot run here, or None."""
    if not os.access(CLAMD, os.X_OK):
        return f"ClamAV's daemon is not installed at {CLAMD} (apt-get install clamav-daemon)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ClamdServer:
    """clamd in a folder of its own: `socket` (a Unix socket path) and `port` (TCP)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.socket = folder / "clamd.sock"
        self.port = free_port()
        self.log = folder / "clamd.log"
        self.process: subprocess.Popen | None = None
        database = folder / "db"
        database.mkdir(exist_ok=True)
        (database / "portal-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
        self.config = folder / "clamd.conf"
        self.config.write_text(
            "\n".join(
                [
                    f"LocalSocket {self.socket}",
                    f"TCPSocket {self.port}",
                    "TCPAddr 127.0.0.1",
                    "Foreground yes",
                    f"DatabaseDirectory {database}",
                    f"LogFile {self.log}",
                    "StreamMaxLength 60M",  # the portal's largest request (PORTAL_MAX_REQUEST_MB)
                    "MaxFileSize 60M",
                    "MaxScanSize 240M",
                    "AlertExceedsMax yes",  # a file past a limit is reported, not passed
                    "MaxThreads 4",
                    "Bytecode no",
                    "",
                ]
            )
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start clamd and wait until it answers PING on its socket."""
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [CLAMD, "--config-file", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd exited at start:\n{self.log_tail()}")
            if self.answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"clamd did not answer in {START_TIMEOUT:g} s:\n{self.log_tail()}")

    def answers(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(2)
                client.connect(str(self.socket))
                client.sendall(b"zPING\0")
                return client.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop clamd (an outage, or the end of the test session)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text().splitlines()[-20:]) if self.log.exists() else ""
