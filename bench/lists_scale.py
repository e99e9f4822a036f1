"""My cases and the officers' queue at two sizes, before and after (issue 12, P4).

Fills four throwaway PostgreSQL databases (lists_bench_{before,after}_{small,large}): each
version's own schema (its models, so "before" has only its own indexes) with the same cases
(tests/webapp/many_cases.py: 300 schools, a quarter of the cases at one big school, answers of
about 1.5 KB). Then, in rounds, times each list's view function — query, count, filter
options and the rendered page — in two worker processes, one per version, interleaved
(before, after, then after, before), and prints medians, spreads (min–max) and the ratio of
the large size to the small. Standalone: only PostgreSQL and two checkouts.

    git archive main | tar -x -C /tmp/lists_before
    .venv/bin/python bench/lists_scale.py --before /tmp/lists_before --small 10000 --large 200000

`--keep` keeps the databases (and reuses them when they exist); they are dropped otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SERVER = "postgresql+psycopg://root@127.0.0.1:5432/"
SCENARIOS = {  # name: (who, path and query string)
    "my cases": ("big", "/my-cases"),
    "my cases by case type": ("big", "/my-cases?sort=case_type&order=asc"),
    "my cases by status, page 20": ("big", "/my-cases?sort=status&order=desc&page=20"),
    "my cases, a reference": ("big", "/my-cases?reference=PAR12"),
    "my drafts by date sent": ("big", "/my-cases?status=Draft&sort=submitted&order=asc"),
    "my cases, two characters": ("big", "/my-cases?reference=ZZ"),
    "queue": ("officer", "/caseviewer/"),
    "queue by activity": ("officer", "/caseviewer/?sort=activity&order=asc"),
    "queue by reference": ("officer", "/caseviewer/?sort=reference&order=desc"),
    "queue by case type": ("officer", "/caseviewer/?sort=case_type&order=desc"),
    "queue, completed": ("officer", "/caseviewer/?status=Completed"),
}


# ---- a worker: one version of the code, its two databases ----


def worker(code: Path, urls: dict[str, str]) -> None:
    """Answer the driver's commands, one JSON line each: fill SIZE N, time SIZE SCENARIO."""
    sys.path.insert(0, str(code))
    from flask_login import login_user

    from webapp import create_app
    from webapp.models import User

    apps = {}
    for size, url in urls.items():
        app = create_app(
            {
                "SECRET_KEY": secrets.token_hex(32),
                "PORTAL_BASE_URL": "https://portal.example.org",
                "DATABASE_URL": url,
                "PORTAL_CASETYPES": str(code / "casetypes"),
                "TESTING": True,
            }
        )
        apps[size] = app
    people: dict[str, dict] = {}
    for line in sys.stdin:
        command, size, *rest = line.split(maxsplit=2)
        app = apps[size]
        if command == "fill":
            people[size] = _fill(app, int(rest[0]))
            print(json.dumps(people[size]), flush=True)
            continue
        who, path = SCENARIOS[rest[0].strip()]
        with app.test_request_context(path):
            from webapp.infra.database import db

            login_user(db().get(User, people[size][who]))
            view = app.view_functions[app.url_map.bind("").match(path.split("?")[0])[0]]
            started = time.perf_counter()
            html = view()
            elapsed = time.perf_counter() - started
        print(json.dumps({"seconds": elapsed, "bytes": len(html)}), flush=True)


def _fill(app, cases: int) -> dict:
    """Fill the database when it is empty; who to list as (user ids)."""
    import importlib.util

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from webapp.infra.migrate import upgrade
    from webapp.models import User

    engine = app.extensions["db_engine"]
    upgrade(app.config["DATABASE_URL"])  # the version's own migrations: its own indexes
    with Session(engine) as session:
        if not session.scalar(select(func.count()).select_from(User)):
            spec = importlib.util.spec_from_file_location(
                "many_cases", HERE / "tests" / "webapp" / "many_cases.py"
            )
            many = importlib.util.module_from_spec(spec)
            sys.modules["many_cases"] = many
            spec.loader.exec_module(many)
            from webapp.infra.casetypes import catalogue

            with app.app_context():
                found = catalogue()
            many.fill(session, found, cases, schools=300, answer_bytes=1500)
        big = session.scalar(select(User.id).where(User.email == "head0@school0.example.org"))
        officer = session.scalar(select(User.id).where(User.council_role == "officer"))
    return {"big": big, "officer": officer}


# ---- the driver ----


def _databases(version: str, sizes: dict[str, int]) -> dict[str, str]:
    return {size: f"{SERVER}lists_bench_{version}_{size}" for size in sizes}


def _createdb(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    command = ["createdb", "-h", "127.0.0.1", name]  # may exist already (--keep)
    subprocess.run(command, check=False, capture_output=True)  # noqa: S603, S607


def _dropdb(url: str) -> None:
    command = ["dropdb", "-h", "127.0.0.1", "--if-exists", url.rsplit("/", 1)[1]]
    subprocess.run(command, check=True)  # noqa: S603, S607


def _start(code: Path, urls: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, __file__, "--worker", str(code), json.dumps(urls)]
    env = {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.Popen(  # noqa: S603 (this script, this interpreter)
        command, cwd=code, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def _ask(process: subprocess.Popen, line: str) -> dict:
    process.stdin.write(line + "\n")
    process.stdin.flush()
    answer = process.stdout.readline()
    if not answer:
        raise SystemExit(f"the worker stopped at {line!r}")
    return json.loads(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the old code")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    options = parser.parse_args()
    sizes = {"small": options.small, "large": options.large}
    versions = {"before": options.before.resolve(), "after": HERE}
    urls = {version: _databases(version, sizes) for version in versions}
    for url in (u for by_size in urls.values() for u in by_size.values()):
        _createdb(url)
    workers = {version: _start(code, urls[version]) for version, code in versions.items()}
    try:
        for version, process in workers.items():
            for size, count in sizes.items():
                print(f"filling {version} {size}: {count} cases", file=sys.stderr, flush=True)
                _ask(process, f"fill {size} {count}")
        _report(_measure(workers, sizes, options.rounds), sizes, options.rounds)
    finally:
        for process in workers.values():
            process.stdin.close()
            process.wait()
        if not options.keep:
            for url in (u for by_size in urls.values() for u in by_size.values()):
                _dropdb(url)


def _measure(workers, sizes, rounds) -> dict:
    times: dict[tuple, list[float]] = {}
    for _ in range(1):  # warm up: templates compiled, connections open
        for version in workers:
            for size in sizes:
                for name in SCENARIOS:
                    _ask(workers[version], f"time {size} {name}")
    for number in range(rounds):
        order = list(workers) if number % 2 == 0 else list(workers)[::-1]
        for size in sizes:
            for name in SCENARIOS:
                for version in order:
                    answer = _ask(workers[version], f"time {size} {name}")
                    times.setdefault((version, size, name), []).append(answer["seconds"])
        print(f"round {number + 1} of {rounds}", file=sys.stderr, flush=True)
    return times


def _report(times: dict, sizes: dict, rounds: int) -> None:
    def cell(version, size, name):
        found = times[(version, size, name)]
        return statistics.median(found), min(found), max(found)

    print(f"\n{rounds} rounds; sizes: {sizes}; ms median (min–max); ratio = large / small\n")
    print(f"| list | version | {sizes['small']:,} cases | {sizes['large']:,} cases | ratio |")
    print("|---|---|---:|---:|---:|")
    for name in SCENARIOS:
        for version in ("before", "after"):
            small, large = cell(version, "small", name), cell(version, "large", name)
            figures = [
                f"{m * 1000:.0f} ({lo * 1000:.0f}–{hi * 1000:.0f})" for m, lo, hi in (small, large)
            ]
            print(
                f"| {name} | {version} | {figures[0]} | {figures[1]} | {large[0] / small[0]:.2f}× |"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(Path(sys.argv[2]), json.loads(sys.argv[3]))
    else:
        main()
