"""What the runner drives load with: gunicorn servers on free ports of 127.0.0.1, a small HTTP
client that keeps its cookies, the portal's real sign-in (password, then the emailed code read
from the outbox as a mail client would), and threads that repeat a request for a while."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
NO_LIMIT = "1000000 per minute"  # the per-address sign-in limits: every bench client is 127.0.0.1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving `app` (a WSGI path) with `workers` workers; stop() ends it. `deployed`:
    with the settings `portal serve` gives it (webapp/infra/gunicorn_conf.py: gthread workers,
    their threads and timeouts), else gunicorn's own (a sync worker, 30 s timeout)."""

    def __init__(
        self, app: str, url: str, workers: int = 2, chdir: Path = ROOT, deployed: bool = False
    ):
        self.port = free_port()
        env = {
            **os.environ,
            "PORTAL_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "PORTAL_BASE_URL": "https://portal.bench.example",
            "CLAMD_HOST": "127.0.0.1",  # a scanner is required; the benchmarks upload nothing
            "DATABASE_URL": url,
            "BENCH_DATABASE_URL": url,
            "PORTAL_LIMIT_SIGN_IN": NO_LIMIT,
            "PORTAL_LIMIT_CODES": NO_LIMIT,
        }
        command = [GUNICORN, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        if deployed:
            command += ["--config", "python:webapp.infra.gunicorn_conf"]
        command += ["--chdir", str(chdir), app]
        # Its log in a file, not a pipe: nobody reads a pipe while the server runs, and once its
        # 64 KB were full (an access-log line per request) every request hung on its log line.
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 -- closed by stop()
        self.process = subprocess.Popen(  # noqa: S603 -- gunicorn from this venv, fixed arguments
            command, env=env, stdout=subprocess.DEVNULL, stderr=self.log, text=True
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"gunicorn exited:\n{self.log.read()[-3000:]}")
            try:
                Client(self.port).request("GET", "/healthz-bench-probe")
                if len(self.worker_pids()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in 60 s")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def cpu_of(pids) -> float:
    """CPU seconds (user + system) the processes `pids` have used so far (0 for one gone)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on the machine (its backends among them)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def memory_of(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of a process, in kB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def csrf(self) -> str:
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.text)
        return found.group(1) if found else ""


@dataclass
class Client:
    """One browser: its cookies (sent whatever their Secure flag: TLS ends before the app)."""

    port: int
    cookies: dict = field(default_factory=dict)
    csrf: str = ""

    def request(self, method: str, path: str, form: dict | list | None = None) -> Response:
        headers = {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, dict(raw.getheaders()), raw.read())
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
        finally:
            connection.close()
        return response

    def get(self, path: str) -> Response:
        response = self.request("GET", path)
        self.csrf = response.csrf() or self.csrf
        return response

    def post(self, path: str, form: dict | list) -> Response:
        if isinstance(form, dict):
            form = {"csrf_token": self.csrf, **form}
        return self.request("POST", path, form)


def latest_code(url: str, email: str) -> str:
    """The code of the newest sign-in email to `email`, read from the outbox."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        subject = connection.execute(
            "SELECT subject FROM outbox_messages WHERE kind = 'sign_in_code' AND to_address = %s "
            "ORDER BY id DESC LIMIT 1",
            (email,),
        ).fetchone()[0]
    return re.search(r"\b(\d{6})\b", subject).group(1)


def sign_in(port: int, url: str, email: str, password: str) -> Client:
    """A client signed in through the real flow: email and password, then the emailed code."""
    client = Client(port)
    client.get("/sign-in")
    first = client.post("/sign-in", {"email": email, "password": password})
    if first.status != 302:
        raise RuntimeError(f"sign-in of {email}: {first.status} {first.text[:300]}")
    client.get("/sign-in/code")
    done = client.post("/sign-in/code", {"code": latest_code(url, email)})
    if done.status != 302:
        raise RuntimeError(f"code of {email}: {done.status} {done.text[:300]}")
    return client


@dataclass
class Figures:
    """One measurement: requests done, how long, their latencies; failures."""

    done: int
    seconds: float
    latencies: list[float]
    failures: int = 0
    results: list = field(default_factory=list)  # what once_each's tasks gave back
    cpu: dict = field(default_factory=dict)  # CPU seconds by who used them, when measured

    @property
    def rate(self) -> float:
        return self.done / self.seconds

    @property
    def p95(self) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=20)[18]

    def cpu_per_request(self, who: str) -> float:
        """Milliseconds of `who`'s CPU for each request done."""
        return self.cpu[who] / max(self.done, 1) * 1000


def drive(workers: list, seconds: float, server: Server | None = None) -> Figures:
    """Each worker (a callable: True when its request went right) in its own thread, again and
    again for `seconds`; requests still running at the end count when they finish. With
    `server`, also the CPU its gunicorn workers, PostgreSQL and this process (the clients)
    used meanwhile."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(work):
        while time.monotonic() < deadline:
            started = time.perf_counter()
            ok = work()
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    failures[0] += 1

    started = time.monotonic()
    meters = _cpu_meters(server) if server is not None else {}
    before = {name: meter() for name, meter in meters.items()}
    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures = Figures(len(latencies), time.monotonic() - started, latencies, failures[0])
    figures.cpu = {name: meter() - before[name] for name, meter in meters.items()}
    return figures


def _cpu_meters(server: Server) -> dict:
    workers = server.worker_pids()  # gunicorn's own master does not serve requests
    database = postgres_pids()
    return {
        "worker": lambda: cpu_of(workers),
        "postgres": lambda: cpu_of(database),
        "clients": time.process_time,
    }


def once_each(tasks: list, clients: int) -> Figures:
    """Run every task once, `clients` at a time (P5's starts, P7's sign-ins); `results` holds
    what each task gave back, in the tasks' order (False for a task that failed)."""
    queue = list(enumerate(tasks))[::-1]
    lock = threading.Lock()
    latencies: list[float] = []
    results: list = [False] * len(tasks)
    failures = [0]

    def loop():
        while True:
            with lock:
                if not queue:
                    return
                index, task = queue.pop()
            started = time.perf_counter()
            try:
                outcome = task()
            except Exception:  # noqa: BLE001 -- a failed task is counted, not fatal
                outcome = False
            with lock:
                if outcome:
                    latencies.append(time.perf_counter() - started)
                    results[index] = outcome
                else:
                    failures[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(len(latencies), time.monotonic() - started, latencies, failures[0], results)
