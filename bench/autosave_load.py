"""Autosave under load on PostgreSQL, side by side with a one-UPDATE baseline; and a form
page's GET time. Each target is served by gunicorn (2 workers) and measured in turn, round
after round, so that the machine's noise falls on all of them alike:

    createdb -h 127.0.0.1 bench_save
    .venv/bin/python bench/autosave_load.py postgresql+psycopg://root@127.0.0.1:5432/bench_save \
        [--before DIR] [--rounds 3] [--seconds 5] [--clients 16]

--before DIR serves an older checkout too (e.g. `git archive main | tar -x -C DIR`), with the
same data and session. Beside the one-UPDATE baseline, "read+write" reads the case's answers
and then writes them (bench/baseline_update.py): the two statements a save that checks what
is stored cannot do without, and nothing else. Prints, for each target, autosaves per second
with 16 clients and their p95 (median of the rounds, min-max), the median of each round's
ratio to the baseline, and the page GET time of one client (the portals taking turns request
by request; median of each round's median).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = secrets.token_hex(32)
TYPE, PAGE = "part-time-timetable", "child"


def prepare(url: str, clients: int):
    """A fresh schema: one school, one user, a draft per client and one to read; the session
    cookie and CSRF token of that user, signed as the portal signs them."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from webapp import create_app
    from webapp.areas.cases import starting
    from webapp.infra.database import db
    from webapp.models import Base, Membership, School, User

    app = create_app(_settings(url))
    engine = app.extensions["db_engine"]
    Base.metadata.drop_all(engine)
    if engine.dialect.name == "postgresql":  # the trigram index of references needs it
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    Base.metadata.create_all(engine)
    case_type = app.extensions["catalogue"].get(TYPE)
    with app.app_context():
        school = School(name="Aylestone Primary School", urn="111111", setting_type="school")
        user = User(email="alice@a.example.org", first_name="Alice", last_name="Tester")
        user.password_hash, user.security_question = "x", "first_pet"
        user.memberships = [Membership(school=school, is_admin=True)]
        db().add_all([school, user])
        db().commit()
        cases = [starting.start_case(db(), user, school, case_type) for _ in range(clients + 1)]
        drafts = [(case.id, case.reference) for case in cases]
        token = user.get_id()
    with app.test_request_context():
        session.update(_user_id=token, _fresh=True, signed_in_at=time.time())
        session["seen_at"] = time.time()
        session.permanent = True
        csrf = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    engine.dispose()
    return drafts, cookie, csrf


def _settings(url: str) -> dict:
    return {
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "PORTAL_BASE_URL": "https://portal.example.org",
        "PORTAL_CASETYPES": str(ROOT / "casetypes"),
        "CLAMD_HOST": "127.0.0.1",  # never reached: no uploads here
    }


def serve(name: str, port: int, url: str, code: Path, app: str) -> subprocess.Popen:
    """gunicorn with 2 workers serving `app` from the code in `code`."""
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        **{k: str(v) for k, v in _settings(url).items()},
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    log = Path(tempfile.gettempdir()) / f"bench_{name}.log"
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, "--log-level", "warning", app],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # noqa: SIM115 - closed with the process
    )
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not start: see {log}")


class Client:
    """One browser: its own connection and cookie (a new one taken when the server sends it)."""

    def __init__(self, port: int, cookie: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = cookie

    def send(self, method: str, path: str, body: dict | None = None):
        headers = {"Cookie": f"session={self.cookie}"}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        fresh = re.match(r"session=([^;]*)", response.getheader("Set-Cookie") or "")
        if fresh and fresh.group(1):
            self.cookie = fresh.group(1)
        return response.status, content


def autosave_load(target, drafts, cookie, csrf, seconds: float, clients: int):
    """`clients` clients autosaving their own drafts for `seconds`: saves/s and p95 (ms)."""
    latencies: list[float] = []
    failures: list[int] = []
    end = time.perf_counter() + seconds

    def run(index: int) -> None:
        client = Client(target["port"], cookie)
        case_id, reference = drafts[index]
        version = target["versions"].get(case_id, 0)
        while time.perf_counter() < end:
            body = {"csrf_token": csrf, "page_version": version, "forename": f"J{version}"}
            path = target["save"](case_id, reference)
            started = time.perf_counter()
            status, content = client.send("POST", path, body)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(status)
                return
            version = json.loads(content)["page_version"]
        target["versions"][case_id] = version

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{target['name']}: autosave answered {failures[:5]}")
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    return len(latencies) / seconds, p95


def page_get_times(targets, reference: str, cookie: str, count: int = 30) -> None:
    """One client per portal reading a form page `count` times, the portals taking turns
    request by request: each one's median time (ms) added to its "gets"."""
    clients = [Client(target["port"], cookie) for target in targets]
    times: list[list[float]] = [[] for _ in targets]
    for _ in range(count):
        for index, client in enumerate(clients):
            started = time.perf_counter()
            status, _ = client.send("GET", f"/cases/{reference}/pages/{PAGE}")
            times[index].append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"{targets[index]['name']}: the page answered {status}")
    for target, measured in zip(targets, times, strict=True):
        target["gets"].append(statistics.median(measured) * 1000)


def spread(values: list[float], unit: str = "") -> str:
    return f"{statistics.median(values):.0f}{unit} ({min(values):.0f}-{max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--before", type=Path, help="an older checkout, measured too")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    drafts, cookie, csrf = prepare(args.url, args.clients)
    portal_save = f"/cases/{{1}}/pages/{PAGE}/autosave"
    targets = [
        {"name": "portal", "code": ROOT, "app": "webapp.wsgi:app", "save": portal_save},
        {"name": "baseline", "code": ROOT, "app": "bench.baseline_update:app", "save": "/save/{0}"},
        {  # the floor of a save that reads before it writes: both statements, nothing else
            "name": "read+write",
            "code": ROOT,
            "app": "bench.baseline_update:app",
            "save": "/read-save/{0}",
        },
    ]
    if args.before:
        before = {"name": "before", "code": args.before.resolve(), "app": "webapp.wsgi:app"}
        targets.insert(1, {**before, "save": portal_save})
    servers = []
    page_versions: dict = {}  # the drafts' page versions: the portals save the same drafts
    try:
        for port, target in enumerate(targets, start=8701):
            versions = page_versions if target["app"] == "webapp.wsgi:app" else {}
            target.update(port=port, versions=versions, rates=[], p95=[], gets=[])
            target["save"] = target["save"].format
            servers.append(serve(target["name"], port, args.url, target["code"], target["app"]))
        for round_number in range(args.rounds):
            order = targets[round_number % len(targets) :] + targets[: round_number % len(targets)]
            for target in order:
                rate, p95 = autosave_load(target, drafts, cookie, csrf, args.seconds, args.clients)
                target["rates"].append(rate)
                target["p95"].append(p95)
            portals = [t for t in targets if t["app"] == "webapp.wsgi:app"]
            page_get_times(portals, drafts[-1][1], cookie)
            print(
                f"round {round_number + 1}: "
                + ", ".join(f"{t['name']} {t['rates'][-1]:.0f}/s" for t in targets),
                flush=True,
            )
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    report(targets, args)


def report(targets, args) -> None:
    baseline = next(t for t in targets if t["name"] == "baseline")
    print(
        f"\nautosave, {args.clients} clients, gunicorn 2 workers, PostgreSQL; "
        f"{args.rounds} rounds of {args.seconds:.0f} s, interleaved"
    )
    print(f"{'':10} {'saves/s':>18} {'p95 ms':>16} {'vs baseline':>12} {'page GET ms':>16}")
    for target in targets:
        ratio = statistics.median(
            rate / base for rate, base in zip(target["rates"], baseline["rates"], strict=True)
        )
        gets = spread(target["gets"]) if target["gets"] else "-"
        print(
            f"{target['name']:10} {spread(target['rates']):>18} {spread(target['p95']):>16} "
            f"{ratio:>11.2f}x {gets:>16}"
        )


if __name__ == "__main__":
    main()
