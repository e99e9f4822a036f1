"""The processes bench/scale_out.py starts and stops: a PostgreSQL cluster of its own, `portal
serve` instances, `portal mail-worker` processes, and the bench's users in the database.

Everything is started in a session (process group) of its own, so that stopping one stops its
children too (gunicorn's workers), and SIGKILL to the group is a machine dying."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parents[1]
PORTAL = str(Path(sys.executable).parent / "portal")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:g} s")


class Postgres:
    """A throwaway PostgreSQL 15 cluster in `folder`, on a free port of 127.0.0.1 (never the
    machine's own server). As root, its programs run as the `postgres` user."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.log = folder / "postgresql.log"
        self.url = f"postgresql+psycopg://portal@127.0.0.1:{self.port}/portal"
        self.dsn = f"host=127.0.0.1 port={self.port} user=portal dbname=portal"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(prefix + list(command), capture_output=True, text=True, timeout=120)  # noqa: S603
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip() or done.stdout}")

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "portal")
        self.start()
        where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "portal"]
        self._run(str(PG_BIN / "createdb"), *where, "portal")

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", *args,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-m", "fast")


def portal_environment(postgres: Postgres, smtp_port: int, retry_seconds: float) -> dict:
    """Production settings, as a real deployment has them (a strong key, https address …)."""
    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),  # shared by every instance: one session anywhere
        "DATABASE_URL": postgres.url,
        "PORTAL_BASE_URL": "https://portal.example.org",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "PORTAL_MAIL_RETRY_SECONDS": str(retry_seconds),
        # No uploads in this run; production needs a scanner's address all the same.
        "CLAMD_HOST": "127.0.0.1",
        "CLAMD_PORT": str(free_port()),
        # Every client comes from 127.0.0.1: the per-address limits are for strangers.
        "PORTAL_LIMIT_SIGN_IN": "100000 per minute",
        "PORTAL_LIMIT_CODES": "100000 per minute",
        "PYTHONUNBUFFERED": "1",
    }


class Process:
    """A command in a session of its own, its output in a log file."""

    def __init__(self, name: str, command: list[str], environment: dict, log: Path):
        self.name, self.command, self.environment, self.log = name, command, environment, log
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 -- our own commands, no shell
                self.command,
                env=self.environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        """SIGKILL to the whole group: the instance dies as with its machine."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def serve(name: str, port: int, environment: dict, folder: Path, workers: int) -> Process:
    command = [PORTAL, "serve", "--workers", str(workers)]
    return Process(name, command, {**environment, "PORT": str(port)}, folder / f"{name}.log")


def mail_worker(name: str, environment: dict, folder: Path) -> Process:
    command = [PORTAL, "mail-worker", "--interval", "0.5"]
    return Process(name, command, environment, folder / f"{name}.log")


def migrate(environment: dict) -> None:
    subprocess.run([PORTAL, "db", "upgrade"], env=environment, check=True, capture_output=True)  # noqa: S603


def add_users(url: str, clients: int, per_client: int, password: str) -> list[list[str]]:
    """A school per two clients and `per_client` users for each client, signed in before
    (security question chosen); the addresses, per client."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from webapp.domain.passwords import hash_password
    from webapp.models import Membership, School, User

    hashed = hash_password(password)  # one hash for all: argon2 is slow by design
    emails: list[list[str]] = [[] for _ in range(clients)]
    engine = create_engine(url)
    with Session(engine) as session:
        schools = [
            School(name=f"Scale-out School {n}", urn=f"{900000 + n}", setting_type="school")
            for n in range((clients + 1) // 2)
        ]
        session.add_all(schools)
        for client in range(clients):
            for n in range(per_client):
                email = f"user{client}-{n}@scale-out.example.org"
                user = User(
                    email=email,
                    first_name="Sam",
                    last_name=f"Tester{client}x{n}",
                    password_hash=hashed,
                    security_question="first_pet",
                    security_answer_hash=hashed,
                )
                user.memberships = [Membership(school=schools[client // 2], is_admin=False)]
                session.add(user)
                emails[client].append(email)
        session.commit()
    engine.dispose()
    return emails
