"""Every list a user reaches, over HTTP, at a million cases: the portal under gunicorn with the
settings `portal serve` gives it (webapp/infra/gunicorn_conf.py), signed in through the real
flow as a school user of the biggest school, its admin, an officer of each team (officer1 is
in every team), a council admin and an API client; each page fetched --runs times one after
the other (p50, p95, max), its status checked. Then a CSV export of the biggest case type,
with the worker's VmRSS sampled while it streams and VmHWM after.

    createdb -h 127.0.0.1 bench_1m
    .venv/bin/python bench/data.py postgresql://root@127.0.0.1:5432/bench_1m --cases 1000000
    .venv/bin/python bench/http_sweep.py postgresql+psycopg://root@127.0.0.1:5432/bench_1m

It adds to the database (once; kept for later runs): a council admin, an API client of every
case type, and 2,000 notes and moves on one case of the biggest school (a case with many
events). `--only TEXT` runs the pages whose name holds it (`--only none`: none); `--export`
adds the export after them, in workers that served them.
"""

from __future__ import annotations

import argparse
import html
import http.client
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import PASSWORD, officer_email, school_email  # noqa: E402
from bench.load import Client, Response, Server, memory_of, sign_in  # noqa: E402

ADMIN = "admin@council.bench.example.org"
API_CLIENT = "Bench sweep"
MANY_EVENTS = 2000


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def facts(url: str) -> dict:
    """What the pages are about: the biggest school, case type, a reference, ids."""
    with psycopg.connect(_plain(url)) as connection:
        one = lambda q, *a: connection.execute(q, a).fetchone()  # noqa: E731
        school = one("SELECT school_id FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0]
        kind = one(
            "SELECT case_type_id, count(*) FROM cases WHERE submitted_at IS NOT NULL "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        sent = one(
            "SELECT reference, case_type_name, activity, service_name FROM cases "
            "WHERE school_id = %s AND submitted_at IS NOT NULL AND case_type_id = %s "
            "ORDER BY id LIMIT 1",
            school,
            kind[0],
        )
        officer2 = one("SELECT id FROM users WHERE email = %s", officer_email(2))[0]
    return {
        "school": school,
        "case_type": kind[0],
        "type_cases": kind[1],
        "reference": sent[0],
        "type_name": sent[1],
        "activity": sent[2],
        "service": sent[3],
        "officer2": officer2,
    }


def prepare(url: str, found: dict) -> str:
    """The council admin, the case's many events and the API client's key (made once)."""
    with psycopg.connect(_plain(url)) as connection:
        connection.execute(
            "INSERT INTO users (email, first_name, last_name, job_title, mobile, password_hash,"
            " is_locked, session_generation, created_at, security_question,"
            " security_answer_hash, council_role) SELECT %s, 'Admin', 'Bench', job_title,"
            " mobile, password_hash, false, 0, now(), security_question, security_answer_hash,"
            " 'admin' FROM users WHERE email = %s ON CONFLICT DO NOTHING",
            (ADMIN, officer_email(1)),
        )
        case_id, events = connection.execute(
            "SELECT c.id, count(e.id) FROM cases c JOIN case_events e ON e.case_id = c.id "
            "WHERE c.reference = %s GROUP BY c.id",
            (found["reference"],),
        ).fetchone()
        if events < MANY_EVENTS:
            connection.execute(
                "INSERT INTO case_events (case_id, at, actor_id, kind, note, for_school) "
                "SELECT %s, now() - make_interval(mins => n), %s, "
                "CASE WHEN n %% 2 = 0 THEN 'note' ELSE 'transition' END, "
                "'A note of some length, as an officer writes one. ' || n, n %% 3 = 0 "
                "FROM generate_series(1, %s) n",
                (case_id, found["officer2"], MANY_EVENTS),
            )
        connection.execute("DELETE FROM api_clients WHERE name = %s", (API_CLIENT,))
    from engine import load_catalogue

    kinds = sorted(load_catalogue(str(Path(__file__).parents[1] / "casetypes")).case_types)
    added = subprocess.run(  # noqa: S603 -- this project's own command
        [sys.executable, "-m", "webapp.cli", "add-api-client", "--name", API_CLIENT]
        + [arg for kind in kinds for arg in ("--case-type", kind)],
        env={"DATABASE_URL": url, "PORTAL_ENV": "development", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return added.stdout.strip().splitlines()[-1]


def pages(f: dict) -> list[tuple[str, str, str]]:
    """(name, who, path): who is school, schooladmin, officer1..4, admin, api, anon."""
    ref, typ = f["reference"], f["case_type"]
    mine = [("my cases", "/my-cases")]
    for sort in ("reference", "case_type", "submitted", "activity", "status", "service",
                 "updated", "school"):  # fmt: skip
        for order in ("asc", "desc"):
            query = f"sort={sort}&order={order}"
            mine.append((f"my cases by {sort} {order}", f"/my-cases?{query}"))
            mine.append((f"my cases by {sort} {order} p400", f"/my-cases?{query}&page=400"))
    for status in ("Draft", "Active", "Completed", "Abandoned"):
        mine.append((f"my cases {status}", f"/my-cases?status={status}"))
        mine.append((f"my cases {status} p400", f"/my-cases?status={status}&page=400"))
    mine += [
        ("my cases one type", f"/my-cases?case_type={typ}"),
        ("my cases one type p400", f"/my-cases?case_type={typ}&page=400&sort=activity"),
        ("my cases one service", f"/my-cases?service={f['service']}"),
        ("my cases ref short", "/my-cases?reference=PT"),
        ("my cases ref partial", f"/my-cases?reference={ref[-6:-2]}"),
        ("my cases ref part many", "/my-cases?reference=PTT"),
        ("my cases ref long", f"/my-cases?reference={ref}"),
        ("my cases ref none", "/my-cases?reference=ZZQX9999"),
        ("my cases ref part by ref p400", f"/my-cases?reference={ref[:4]}&sort=reference&page=9"),
    ]
    queue = [("queue", "/caseviewer/")]
    for sort in ("reference", "case_type", "submitted", "activity", "status", "school", "assigned"):
        for order in ("asc", "desc"):
            query = f"sort={sort}&order={order}"
            queue.append((f"queue by {sort} {order}", f"/caseviewer/?{query}"))
            queue.append((f"queue by {sort} {order} p400", f"/caseviewer/?{query}&page=400"))
            school = f"/caseviewer/?school={f['school']}&{query}&page=400"
            queue.append((f"queue school by {sort} {order} p400", school))
    for name, query in (
        ("Active", "status=Active"),
        ("Completed", "status=Completed"),
        ("activity", f"activity={f['activity']}"),
        ("type", f"case_type={typ}"),
        ("school", f"school={f['school']}"),
        ("me", "assigned=me"),
        ("nobody", "assigned=nobody"),
        ("officer2", f"assigned={f['officer2']}"),
        ("dates", "submitted_from=2026-01-01&submitted_to=2026-03-31"),
        ("ref short", "reference=PT"),
        ("ref partial", f"reference={ref[-6:-2]}"),
        ("ref part many", "reference=PTT"),
        ("ref long", f"reference={ref}"),
        ("ref none", "reference=ZZQX9999"),
    ):
        queue.append((f"queue {name}", f"/caseviewer/?{query}"))
        queue.append((f"queue {name} p400", f"/caseviewer/?{query}&page=400"))
    rows = [(n, w, p) for w in ("school", "schooladmin") for n, p in mine]
    rows += [(n, w, p) for w in ("officer1", "officer2", "officer3", "officer4") for n, p in queue]
    rows += [
        ("user admin", "schooladmin", "/user-admin/"),
        ("case many events, school", "school", f"/cases/{ref}"),
        ("case many events, officer", "officer1", f"/caseviewer/cases/{ref}"),
        ("case many events, api", "api", f"/api/v1/cases/{ref}"),
        ("queue, council admin", "admin", "/caseviewer/"),
        ("readyz", "anon", "/readyz"),
        ("api cases", "api", "/api/v1/cases?limit=200"),
        ("api cases type", "api", f"/api/v1/cases?case_type={typ}&limit=200"),
        ("api cases status", "api", "/api/v1/cases?status=Completed&limit=200"),
        ("api cases since", "api", "/api/v1/cases?changed_since=2026-11-01T00:00:00Z"),
        ("api cases activity", "api", f"/api/v1/cases?case_type={typ}&activity={f['activity']}"),
        ("api case types", "api", "/api/v1/case-types"),
    ]
    for path in ("/council/", "/council/schools", "/council/schools?page=6", "/council/officers",
                 "/council/teams", "/council/api-clients", "/council/case-types"):  # fmt: skip
        rows.append((f"council {path}", "admin", path))
    return rows


def clients(server: Server, url: str, key: str) -> dict:
    who = {
        "school": sign_in(server.port, url, school_email(FACTS["school"], 2), PASSWORD),
        "schooladmin": sign_in(server.port, url, school_email(FACTS["school"], 1), PASSWORD),
        "admin": sign_in(server.port, url, ADMIN, PASSWORD),
        "anon": Client(server.port),
        "api": key,
    }
    for n in range(1, 5):
        who[f"officer{n}"] = sign_in(server.port, url, officer_email(n), PASSWORD)
    return who


def fetch(who, port: int, path: str):
    path = urllib.parse.quote(path, safe="/?&=%:+")
    if isinstance(who, str):  # the API's key
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.request("GET", path, headers={"Authorization": f"Bearer {who}"})
            raw = connection.getresponse()
            return Response(raw.status, dict(raw.getheaders()), raw.read())
        finally:
            connection.close()
    return who.request("GET", path)


def timed(who, port: int, path: str, runs: int) -> tuple[list[float], int, bytes]:
    times, status, body = [], 0, b""
    for _ in range(runs):
        started = time.perf_counter()
        response = fetch(who, port, path)
        times.append((time.perf_counter() - started) * 1000)
        status, body = response.status, response.body
    return times, status, body


def _link(body: bytes, name: str) -> str | None:
    found = re.search(rf'href="([^"]*[?&](?:amp;)?{name}=[^"]*)"', body.decode("utf-8", "replace"))
    return html.unescape(found.group(1)) if found else None


def walk(who, port: int, start: str, steps: int) -> list[float]:
    """Next `steps` times from `start`, then Previous as many times: each page's time."""
    times, path = [], start
    for direction in ("after", "before"):
        for _ in range(steps):
            got, status, body = timed(who, port, path, 1)
            times += got
            path = _link(body, direction)
            if status != 200 or path is None:
                break
    return times


def _report(name: str, times: list[float], note: str = "") -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{name:55} p50 {statistics.median(times):7.0f} p95 {p95:7.0f} "
          f"max {times[-1]:7.0f} ms  {note}", flush=True)  # fmt: skip


def export(server: Server, who: dict, case_type: str) -> None:
    """The biggest case type's CSV, the workers' RSS sampled every 0.2 s meanwhile."""
    peaks: dict[int, int] = {}
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in server.worker_pids():
                peaks[pid] = max(peaks.get(pid, 0), memory_of(pid).get("VmRSS", 0))
            time.sleep(0.2)

    before = {pid: memory_of(pid) for pid in server.worker_pids()}
    watcher = threading.Thread(target=sample)
    watcher.start()
    started = time.perf_counter()
    body = who["officer1"].request("GET", f"/caseviewer/export/{case_type}.csv").body
    done.set()
    watcher.join()
    rows = body.count(b"\n") - 1
    print(f"export {case_type}: {len(body) / 1e6:.0f} MB, {rows:,} rows in "
          f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    for pid in server.worker_pids():
        print(f"  worker {pid}: VmRSS before {before.get(pid, {}).get('VmRSS', 0) // 1024} MB, "
              f"peak sampled {peaks.get(pid, 0) // 1024} MB, VmHWM "
              f"{memory_of(pid).get('VmHWM', 0) // 1024} MB", flush=True)  # fmt: skip


FACTS: dict = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--export", action="store_true")
    parser.add_argument("--walk", type=int, default=0, help="Next/Previous steps")
    args = parser.parse_args()
    FACTS.update(facts(args.url))
    print(FACTS, flush=True)
    key = prepare(args.url, FACTS)
    server = Server("webapp.wsgi:app", args.url, deployed=True)
    try:
        who = clients(server, args.url, key)
        if args.walk:
            for name, person, start in (
                ("walk my cases", "school", "/my-cases"),
                ("walk queue by assigned", "officer1", "/caseviewer/?sort=assigned"),
                ("walk queue school", "officer1", f"/caseviewer/?school={FACTS['school']}"),
            ):
                _report(name, walk(who[person], server.port, start, args.walk))
        for name, person, path in pages(FACTS):
            if args.only in name:
                times, status, body = timed(who[person], server.port, path, args.runs)
                _report(f"{person:11} {name}", times, "" if status == 200 else f"HTTP {status}")
        for pid in server.worker_pids():
            print(f"worker {pid}: {memory_of(pid)}", flush=True)
        if args.export:  # after the pages: in workers that served them
            export(server, who, FACTS["case_type"])
    finally:
        server.stop()


if __name__ == "__main__":
    main()
