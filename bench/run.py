"""`make bench`: the portal measured side by side with minimal baselines, in one table (issue 12).

    .venv/bin/python bench/run.py            # quick: 10k vs 100k cases, 5 short rounds (~4 min)
    FULL=1 .venv/bin/python bench/run.py     # full: 10k vs 1M cases, 5 longer rounds
    .venv/bin/python bench/run.py --keep     # keep the filled databases for the next run

It fills two PostgreSQL databases (bench/data.py), starts gunicorn (127.0.0.1, free ports, 2
workers) for the portal on each and for the baselines (bench/baseline_app.py), signs clients in
through the real sign-in, and measures in rounds, portal and baseline interleaved:
P1 `portal validate` vs libyaml alone (bench/validation_growth.py), P2 a form page GET (8
clients), P3 autosave (16 clients), P4 list pages at the small vs the large size (2 clients,
p95), P5 concurrent starts (4 workers) and duplicate references, P6 a worker's memory during a
CSV export at the large size and during 16 sign-ins at once, P7 sign-ins per second. Benchmarks
print figures; goals not met are reported, never failed on.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import data, report  # noqa: E402
from bench.load import Client, Server, drive, memory_of, once_each, sign_in  # noqa: E402

HOST = "postgresql+psycopg://root@127.0.0.1:5432/"
PAGE = ("part-time-timetable", "child")
CHILD = {
    "forename": "Jordan",
    "surname": "Miles",
    "date_of_birth-day": "14",
    "date_of_birth-month": "5",
    "date_of_birth-year": "2015",
    "upn": "Y856200124123",
    "year_group": "5",
    "home_postcode": "LE1 6ZG",
    "sen_provision": "K",
    "primary_need": "SEMH",
    "looked_after": "no",
    "has_social_worker": "no",
}


def database(name: str, cases: int, keep: bool) -> str:
    """A database of `cases` cases: reused when --keep left one of that size, else filled."""
    url = HOST + name
    exists = subprocess.run(  # noqa: S603,S607 -- PostgreSQL's own client, fixed arguments
        ["psql", "-h", "127.0.0.1", "-d", name, "-tAc", "SELECT count(*) FROM cases"],
        capture_output=True,
        text=True,
    )
    if keep and exists.returncode == 0 and int(exists.stdout.strip() or 0) >= cases:
        print(f"reusing {name} ({cases:,} cases)", flush=True)
        return url
    subprocess.run(["dropdb", "-h", "127.0.0.1", "--if-exists", name], check=True)  # noqa: S603,S607
    subprocess.run(["createdb", "-h", "127.0.0.1", name], check=True)  # noqa: S603,S607
    data.fill(url, cases, progress=lambda line: print(line, flush=True))
    return url


def drafts(url: str, count: int) -> list[tuple[int, str, int]]:
    """(case id, reference, school) of part-time timetable drafts, one per school."""
    with psycopg.connect(data.sql_url(url)) as connection:
        return connection.execute(
            "SELECT id, reference, school_id FROM (SELECT DISTINCT ON (school_id) id, reference, "
            "school_id FROM cases WHERE status = 'Draft' AND case_type_id = %s AND school_id > %s "
            "ORDER BY school_id, id) AS one ORDER BY school_id LIMIT %s",
            (PAGE[0], data.BIG_SCHOOLS, count),
        ).fetchall()


def _guarded(work):
    def run():
        try:
            return work()
        except Exception:  # noqa: BLE001 -- a failed request is counted, not fatal
            return False

    return run


# ---- P2, P3: a form page and autosave, portal and baseline interleaved ----


def page_getter(client: Client, reference: str):
    path = f"/cases/{reference}/pages/{PAGE[1]}"
    return _guarded(lambda: client.request("GET", path).status == 200)


def autosaver(client: Client, reference: str):
    path = f"/cases/{reference}/pages/{PAGE[1]}"
    page = client.get(path)
    version = [re.search(r'name="page_version" type="hidden" value="(\d+)"', page.text).group(1)]

    def save():
        response = client.post(f"{path}/autosave", {"page_version": version[0], **CHILD})
        if response.status == 200:
            version[0] = re.search(rb'"page_version":(\d+)', response.body).group(1).decode()
            return True
        return False

    return _guarded(save)


def baseline_getter(port: int, case_id: int):
    return _guarded(lambda: Client(port).request("GET", f"/form/{case_id}").status == 200)


def baseline_saver(port: int, case_id: int):
    form = {"page_version": "1", **CHILD}
    return _guarded(
        lambda: Client(port).request("POST", f"/autosave/{case_id}", form).status == 200
    )


# ---- P5: concurrent starts ----


def start_new_case(client: Client, school_id: int) -> bool:
    """Start one case as a school does (the one place that knows how a case starts): Start
    now stores nothing; the first save of the first page ("Save and come back later" here)
    creates the case and its reference."""
    path = f"/submit-case/{PAGE[0]}"
    client.get(path)  # the start page, then its button
    response = client.post(path, {"school": str(school_id)})
    first = response.headers.get("Location", "")
    if response.status != 302 or "/new/" not in first:
        return False
    page = client.get(first)
    token = re.search(r'name="start_token"[^>]*value="([^"]+)"', page.text)
    if token is None:
        return False
    form = {"start_token": token.group(1), "page_version": "0", "action": "save", **CHILD}
    saved = client.post(first, form)
    return saved.status == 302 and saved.headers.get("Location", "").endswith("/my-cases")


def starts(url: str, count: int, clients: int) -> tuple[object, int, int]:
    """`count` starts from `clients` signed-in clients on a 4-worker portal; (figures,
    duplicate references, cases made)."""
    server = Server("webapp.wsgi:app", url, workers=4)
    try:
        schools = [s for s in drafts(url, clients)]
        users = once_each(
            [_signer(server.port, url, data.school_email(s[2], 2)) for s in schools], 8
        )
        signed = users.results
        with psycopg.connect(data.sql_url(url)) as connection:
            before = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
        pairs = [(signed[i % len(signed)], schools[i % len(signed)][2]) for i in range(count)]
        tasks = [_guarded(functools.partial(start_new_case, c, s)) for c, s in pairs]
        figures = once_each(tasks, clients)
        with psycopg.connect(data.sql_url(url)) as connection:
            total, distinct = connection.execute(
                "SELECT count(*), count(DISTINCT reference) FROM cases"
            ).fetchone()
        return figures, total - distinct, total - before
    finally:
        server.stop()


def _signer(port: int, url: str, email: str):
    return lambda: sign_in(port, url, email, data.PASSWORD)


# ---- P4: lists at two sizes; P6: memory during an export ----

LISTS = {
    "My cases, first page": ("school", "/my-cases"),
    "My cases, sorted by reference": ("school", "/my-cases?sort=reference"),
    "caseviewer queue, first page": ("officer", "/caseviewer/"),
    "caseviewer queue, status Active": ("officer", "/caseviewer/?status=Active"),
}


def list_clients(server: Server, url: str) -> dict:
    return {
        "school": sign_in(server.port, url, data.school_email(1, 1), data.PASSWORD),
        "officer": sign_in(server.port, url, data.officer_email(1), data.PASSWORD),
    }


def lister(client: Client, path: str):
    return _guarded(lambda: client.request("GET", path).status == 200)


@contextlib.contextmanager
def peak_rss(server: Server):
    """The workers' peak resident memory in kB (`peak[0]`), sampled every 20 ms while the
    block runs."""
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in server.worker_pids():
                peak[0] = max(peak[0], memory_of(pid).get("VmRSS", 0))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


def export_memory(server: Server, url: str, officer: Client) -> tuple[float, float, float]:
    """A CSV export of the case type with the most submitted cases: (peak RSS of the worker in
    MB, seconds it took, MB sent, HTTP status: 502 when gunicorn killed the worker, 0 when it
    cut the download off)."""
    with psycopg.connect(data.sql_url(url)) as connection:
        case_type = connection.execute(
            "SELECT case_type_id FROM cases WHERE submitted_at IS NOT NULL "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    started = time.perf_counter()
    with peak_rss(server) as peak:
        try:
            response = officer.request("GET", f"/caseviewer/export/{case_type}.csv")
            status, sent = response.status, len(response.body)
        except http.client.IncompleteRead as cut:  # the worker killed mid-download
            status, sent = 0, len(cut.partial)
    took = time.perf_counter() - started
    hwm = max((memory_of(pid).get("VmHWM", 0) for pid in server.worker_pids()), default=0)
    return max(peak[0], hwm) / 1024, took, sent / 1e6, status


def sign_in_memory(server: Server, clients: int = 16) -> tuple[float, int]:
    """A burst of sign-ins (the password step: one argon2 hash each), `clients` at once, one
    per school: (the workers' peak RSS in MB while it lasts, sign-ins made). Run after the
    export: the sampled RSS, not the high-water mark the export set."""
    emails = [data.school_email(s, 2) for s in range(1, data.SCHOOLS + 1)]

    def password_step(email: str):
        def step():
            client = Client(server.port)
            client.get("/sign-in")
            answer = client.post("/sign-in", {"email": email, "password": data.PASSWORD})
            return answer.status == 302  # on to the emailed code

        return step

    with peak_rss(server) as peak:
        made = once_each([password_step(e) for e in emails], clients).results
    return peak[0] / 1024, sum(1 for r in made if r)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", default=os.environ.get("FULL") == "1")
    parser.add_argument("--keep", action="store_true", default=os.environ.get("KEEP") == "1")
    parser.add_argument("--large", type=int, help="cases in the large database")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seconds", type=float, help="each measurement's length")
    parser.add_argument(
        "--lists-only", action="store_true", help="P4 and P6 only (the lists, the export)"
    )
    args = parser.parse_args()
    plan = report.Plan.of(args.full, args.large, args.rounds, args.seconds)
    print(report.machine(), flush=True)
    print(plan.describe(), flush=True)
    small = database(f"bench_{report.size(plan.small).lower()}", plan.small, args.keep)
    large = database(f"bench_{report.size(plan.large).lower()}", plan.large, args.keep)
    table = report.Table(plan)
    try:
        if not args.lists_only:
            table.validation(report.validation(plan.rounds))
        measure_servers(plan, small, large, table, lists_only=args.lists_only)
    finally:
        if not args.keep:
            for name in (small, large):
                subprocess.run(  # noqa: S603,S607 -- PostgreSQL's own client
                    ["dropdb", "-h", "127.0.0.1", "--if-exists", name.rsplit("/", 1)[1]]
                )
    table.print()
    print(f"\n{report.machine()} (at the end)")


def measure_servers(plan, small: str, large: str, table, lists_only: bool = False) -> None:
    """P2, P3, P4 and P7 in rounds (portal and baseline, small and large interleaved), then P6
    at the large size and P5 on a 4-worker portal; `lists_only`: P4 and P6 alone."""
    portal = Server("webapp.wsgi:app", small)
    baseline = Server("baseline_app:app", small, chdir=ROOT / "bench")
    portal_large = Server("webapp.wsgi:app", large)
    try:
        cases = drafts(small, 16)  # (case id, reference, school): one client each
        emails = [data.school_email(school, 1) for *_, school in cases]
        signed = once_each([_signer(portal.port, small, e) for e in emails], 8).results
        work = {
            "P2 portal": [
                page_getter(c, ref) for c, (_, ref, _) in zip(signed[:8], cases[:8], strict=True)
            ],
            "P2 baseline": [baseline_getter(baseline.port, i) for i, *_ in cases[:8]],
            "P3 portal": [autosaver(c, ref) for c, (_, ref, _) in zip(signed, cases, strict=True)],
            "P3 baseline": [baseline_saver(baseline.port, i) for i, *_ in cases],
        }
        if lists_only:
            work = {}
        lists = {"small": list_clients(portal, small), "large": list_clients(portal_large, large)}
        users = iter(range(data.BIG_SCHOOLS + 1, data.SCHOOLS + 1))
        drive([lister(c[w], p) for c in lists.values() for w, p in LISTS.values()], 2)  # warm-up
        drive([*work.get("P2 portal", []), *work.get("P2 baseline", [])], 2)  # not counted
        for number in range(plan.rounds):
            print(f"round {number + 1} of {plan.rounds}", flush=True)
            for name, workers in work.items():
                server = portal if name.endswith("portal") else baseline
                table.add(*name.split(), drive(workers, plan.seconds, server=server))
            for name, (who, path) in LISTS.items():
                for size, clients in lists.items():
                    table.add(name, size, drive([lister(clients[who], path)] * 2, plan.seconds / 2))
            if lists_only:
                continue
            emails = [data.school_email(next(users), 3) for _ in range(plan.sign_ins)]
            table.add(
                "P7", "portal", once_each([_signer(portal.port, small, e) for e in emails], 8)
            )
        portal_large.stop()  # P6 as `portal serve` runs it: gthread workers, threads, timeouts
        portal_large = Server("webapp.wsgi:app", large, deployed=True)
        officer = list_clients(portal_large, large)["officer"]
        table.memory(export_memory(portal_large, large, officer), baseline)
        table.sign_in_memory(*sign_in_memory(portal_large))
    finally:
        for server in (portal, baseline, portal_large):
            server.stop()
    if not lists_only:
        table.starts(*starts(small, plan.starts, plan.start_clients))


if __name__ == "__main__":
    main()
