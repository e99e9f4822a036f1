"""Peak memory of one CSV export: does a worker's memory grow with the number of cases?

Fills a throwaway PostgreSQL database (`createdb -h 127.0.0.1 export_bench`, dropped at the
end unless --keep) with N submitted part-time timetables over 300 schools, answers of 1–3 KB
each, then measures, each in a new process and in interleaved rounds:

  baseline  a process that only imports the portal and builds its app
  export    the same, then the caseviewer's export view run for an officer and its whole
            response read (as gunicorn would send it)
  before    the export with an older checkout's code (--before DIR, e.g. `git archive main`)

and prints the peak resident memory (VmHWM) of each: medians with the spread (min–max), and
how much more than the baseline an export needs.

    .venv/bin/python bench/export_memory.py --cases 100000 --rounds 3 --before /tmp/main-code
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = "postgresql+psycopg://root@127.0.0.1:5432"
PTT = "part-time-timetable"
SCHOOLS = 300
CHUNK = 5000

CHILD = r"""
import json, os, sys, time
def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
from webapp import create_app
app = create_app({"DEVELOPMENT": True, "DATABASE_URL": os.environ["BENCH_DATABASE_URL"]})
result = {"code": os.path.dirname(sys.modules["webapp"].__file__), "ready_kb": peak_kb()}
if sys.argv[1] == "export":
    from flask_login import login_user
    from webapp.infra.database import db
    from webapp.models import User
    with app.test_request_context("/caseviewer/export/part-time-timetable.csv"):
        login_user(db().get(User, int(os.environ["BENCH_OFFICER"])))
        started = time.perf_counter()
        response = app.make_response(
            app.view_functions["caseviewer.export"](case_type_id="part-time-timetable")
        )
        size = sum(len(piece) for piece in response.iter_encoded())
        response.close()
        result |= {"bytes": size, "seconds": time.perf_counter() - started}
result["peak_kb"] = peak_kb()
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", default="export_bench")
    parser.add_argument("--before", type=Path, help="an older checkout's root, measured too")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    options = parser.parse_args()
    url = f"{SERVER}/{options.db}"
    if not options.reuse:
        _pg("dropdb", "--if-exists", options.db)
        _pg("createdb", options.db)
    try:
        officer = fill(url, options.cases) if not options.reuse else officer_id(url)
        measure(url, officer, options)
    finally:
        if not options.keep:
            _pg("dropdb", "--if-exists", options.db)


def _pg(tool: str, *args: str) -> None:
    """createdb/dropdb on the machine's PostgreSQL (PostgreSQL's own client tools)."""
    subprocess.run([tool, "-h", "127.0.0.1", *args], check=True)  # noqa: S603, S607


def officer_id(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        return connection.scalar(text("select id from users where council_role = 'officer'"))


def fill(url: str, cases: int) -> int:
    """The schema (migrations), 300 schools, a school user, an officer in a team working
    part-time timetables, and `cases` submitted cases; the officer's id."""
    from sqlalchemy import create_engine, insert, text

    from webapp.infra.migrate import upgrade
    from webapp.models import Case, Membership, School, Team, User, team_members

    upgrade(url)
    engine = create_engine(url)
    answers = _answers()
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(
            insert(School),
            [
                {"name": f"School {n}", "urn": f"{100000 + n}", "setting_type": "school"}
                for n in range(SCHOOLS)
            ],
        )
        person = {"password_hash": "x", "job_title": "Officer", "last_name": "Bench"}
        senco, officer = (
            connection.scalar(
                insert(User).values(email=email, first_name=n, **person).returning(User.id)
            )
            for email, n in (("senco@bench.example", "Sam"), ("olly@bench.example", "Olly"))
        )
        connection.execute(
            text("update users set council_role = 'officer' where id = :i"), {"i": officer}
        )
        connection.execute(insert(Membership).values(user_id=senco, school_id=1, is_admin=True))
        team = connection.scalar(
            insert(Team).values(name="SEND", case_type_ids=[PTT]).returning(Team.id)
        )
        connection.execute(insert(team_members).values(team_id=team, user_id=officer))
    rng = random.Random(12)  # noqa: S311 -- made-up answers, the same each run
    for start in range(0, cases, CHUNK):
        rows = [
            _case(n, rng, answers, senco, officer, now)
            for n in range(start, min(cases, start + CHUNK))
        ]
        with engine.begin() as connection:
            connection.execute(insert(Case), rows)
    with engine.begin() as connection:
        connection.execute(text("analyze"))
        size = connection.scalar(text("select pg_size_pretty(pg_total_relation_size('cases'))"))
    took = time.perf_counter() - started
    print(f"filled: {cases:,} cases over {SCHOOLS} schools ({size}) in {took:.0f} s")
    engine.dispose()
    return officer


def _answers() -> dict:
    """A part-time timetable's answers, checked page by page as the forms would (the demo's)."""
    from engine.catalogue import load_catalogue
    from webapp.demo import PTT_PAGES
    from webapp.infra.config import casetypes_folder

    ptt = load_catalogue(casetypes_folder()).get(PTT)
    plan = {"id": "a" * 32, "name": "signed-plan.pdf", "size": 9, "kind": "pdf"}
    pages = {**PTT_PAGES, "agreement": {**PTT_PAGES["agreement"], "signed_plan": plan}}
    answers: dict = {}
    for page_id, typed in pages.items():
        result = ptt.check_page(page_id, typed, answers)
        if not result.valid:
            raise SystemExit(f"the demo's answers for {page_id} no longer pass: {result.errors}")
        answers = result.answers
    return answers


WORDS = [
    "the",
    "pupil",
    "attends",
    "mornings",
    "and",
    "works",
    "with",
    "a",
    "tutor",
    "on",
    "reading",
    "and",
    "maths",
    "each",
    "week",
]


def _case(n: int, rng: random.Random, answers: dict, senco: int, officer: int, now) -> dict:
    views = " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 400)))  # 1–3 KB in all
    mine = {**answers, "pupil_views": views, "forename": f"Pupil{n}"}
    moment = now - dt.timedelta(minutes=n)
    return {
        "reference": f"EDU-SENED-PTT{n + 1:07d}",
        "school_id": 1 + n % SCHOOLS,
        "created_by_id": senco,
        "case_type_id": PTT,
        "case_type_version": 1,
        "case_type_name": "Part-time timetable",
        "service_name": "SEND",
        "status": "Active",
        "activity": "review",
        "activity_label": "Review details on the case in caseviewer",
        "answers": mine,
        "raw_input": {},
        "sent_answers": None,
        "page_versions": {},
        "acknowledged_warnings": None,
        "created_at": moment,
        "updated_at": moment,
        "submitted_at": moment,
        "row_version": 1,
        "assigned_to_id": officer if n % 7 == 0 else None,
    }


def run_child(mode: str, code: Path, url: str, officer: int) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PORTAL_ENV": "development",
        "PORTAL_CASETYPES": str(code / "casetypes"),
        "BENCH_DATABASE_URL": url,
        "BENCH_OFFICER": str(officer),
    }
    out = subprocess.run(  # noqa: S603 -- this Python, this script's own child code
        [sys.executable, "-c", CHILD, mode],
        cwd=code,  # `-c` puts the working directory first on sys.path
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(url: str, officer: int, options) -> None:
    kinds = {"baseline (import + app)": ("baseline", ROOT), "export, this code": ("export", ROOT)}
    if options.before:
        kinds["export, --before code"] = ("export", options.before.resolve())
    found: dict[str, list[dict]] = {name: [] for name in kinds}
    for _ in range(options.rounds):
        for name, (mode, code) in kinds.items():  # interleaved, so load affects all alike
            found[name].append(run_child(mode, code, url, officer))
    base = statistics.median(r["peak_kb"] for r in found["baseline (import + app)"]) / 1024
    print(f"\npeak RSS (VmHWM), {options.rounds} rounds, {options.cases:,} cases; median (min–max)")
    print(f"{'process':<26} {'peak MB':>22} {'over baseline':>14} {'export s':>16} {'CSV MB':>8}")
    for name, results in found.items():
        peaks = [r["peak_kb"] / 1024 for r in results]
        line = f"{name:<26} {_spread(peaks):>22} {statistics.median(peaks) - base:>+11.0f} MB"
        if "seconds" in results[0]:
            seconds = [r["seconds"] for r in results]
            line += f" {_spread(seconds, '.1f'):>16} {results[0]['bytes'] / 2**20:>8.0f}"
        print(line)
    print("code measured: " + ", ".join(sorted({r["code"] for rs in found.values() for r in rs})))


def _spread(values: list[float], form: str = ".0f") -> str:
    return f"{statistics.median(values):{form}} ({min(values):{form}}–{max(values):{form}})"


if __name__ == "__main__":
    main()
