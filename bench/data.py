"""Fill a PostgreSQL database with a council's worth of cases, for the benchmarks.

    createdb -h 127.0.0.1 bench_10k
    .venv/bin/python bench/data.py postgresql://root@127.0.0.1:5432/bench_10k --cases 10000

The database is migrated with `portal db upgrade`, then filled with COPY: ~300 schools (three
big ones hold a fifth of the cases), three staff per school, officers in three teams, and N
cases of the shipped case types with 1–3 KB answers the engine accepts (bench/answers.py),
references given by the portal's own rule (prefix, code, the prefix's counter from 1001),
statuses and activities spread over each case type's workflow, each case sent and changed
between its creation and now. Each team works its category's case types. 10k cases take seconds; 1M
takes minutes. Every user's password is PASSWORD.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.answers import AnswerPool  # noqa: E402
from engine import load_catalogue  # noqa: E402
from webapp.domain.references import FIRST_NUMBER  # noqa: E402

PASSWORD = "bench-Kettle-Orbit-42"  # noqa: S105 -- made-up users of a throwaway database
STAFF_PER_SCHOOL = 3
SCHOOLS = 300
BIG_SCHOOLS = 3  # ...holding BIG_SHARE of the cases
BIG_SHARE = 0.2
NOW = dt.datetime.now(dt.UTC)
# Team name: the category (case types' `category:`) whose case types it works.
TEAMS = {"SEND": "SEND forms", "Early Years": "Early Years", "School changes": "School changes"}


def school_email(school: int, staff: int) -> str:
    return f"staff{staff}@school{school}.bench.example.org"


def officer_email(number: int) -> str:
    return f"officer{number}@council.bench.example.org"


@dataclass
class World:
    """What the generator made, for the runner: whom to sign in as, and where."""

    url: str
    cases: int
    schools: list[tuple[int, str]] = field(default_factory=list)  # (id, setting type)
    big: list[int] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)


def sql_url(url: str) -> str:
    """A psycopg connection string from a SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "development"}
    subprocess.run(  # noqa: S603 -- this project's own command, fixed arguments
        [sys.executable, "-m", "webapp.cli", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    """COPY rows into a table, a few MB at a time."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_text(v) for v in row))
            buffer.write("\n")
            count += 1
            if buffer.tell() > 4_000_000:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def _people(cursor, world: World, catalogue, password_hash: str, answer_hash: str) -> None:
    rng = random.Random(7)
    schools, users, members = [], [], []
    for number in range(1, SCHOOLS + 1):
        setting = "early_years" if number > BIG_SCHOOLS and rng.random() < 0.2 else "school"
        urn = f"{(200000 if setting == 'early_years' else 100000) + number}"
        name = f"Bench {'Nursery' if setting == 'early_years' else 'Primary School'} {number}"
        schools.append((number, name, urn, setting, "", "", NOW))
        world.schools.append((number, setting))
        for staff in range(1, STAFF_PER_SCHOOL + 1):
            user_id = (number - 1) * STAFF_PER_SCHOOL + staff
            users.append(
                (user_id, school_email(number, staff), f"Staff{staff}", f"School{number}", "")
            )
            members.append((user_id, number, staff == 1))
    world.big = list(range(1, BIG_SCHOOLS + 1))
    next_id = len(users) + 1
    for number in range(1, 5):
        world.officers.append(officer_email(number))
        users.append(
            (next_id + number - 1, officer_email(number), f"Officer{number}", "Bench", "officer")
        )
    _copy(
        cursor,
        "schools",
        ["id", "name", "urn", "setting_type", "laestab", "phase", "created_at"],
        schools,
    )
    columns = ["id", "email", "first_name", "last_name", "job_title", "mobile", "password_hash",
               "is_locked", "session_generation", "created_at", "security_question",
               "security_answer_hash", "council_role"]  # fmt: skip
    _copy(
        cursor,
        "users",
        columns,
        (
            (
                i,
                e,
                f,
                last,
                "Bench user",
                "",
                password_hash,
                False,
                0,
                NOW,
                "first_pet",
                answer_hash,
                role,
            )
            for i, e, f, last, role in users
        ),
    )
    _copy(cursor, "memberships", ["user_id", "school_id", "is_admin"], members)
    _teams(cursor, catalogue, [u[0] for u in users if u[4] == "officer"])


def _teams(cursor, catalogue, officer_ids: list[int]) -> None:
    """Three teams by category; officer 1 is in every team (the biggest queue)."""
    for team_id, (name, category) in enumerate(TEAMS.items(), start=1):
        ids = sorted(c.id for c in catalogue.case_types.values() if c.category == category)
        if not ids:  # a category renamed: an empty queue would bench nothing, silently
            raise ValueError(f"team {name}: no case type has the category {category!r}")
        cursor.execute(
            "INSERT INTO teams (id, name, case_type_ids, created_at) VALUES (%s, %s, %s, %s)",
            (team_id, name, json.dumps(ids), NOW),
        )
        for officer in {officer_ids[0], officer_ids[team_id]}:
            cursor.execute(
                "INSERT INTO team_members (team_id, user_id) VALUES (%s, %s)", (team_id, officer)
            )


def _school_picker(world: World, rng: random.Random):
    """A school for the next case: the big ones take BIG_SHARE between them."""
    others = [s for s in world.schools if s[0] not in world.big]
    big = [s for s in world.schools if s[0] in world.big]
    return lambda: rng.choice(big) if rng.random() < BIG_SHARE else rng.choice(others)


def _case_rows(world: World, catalogue, pool: AnswerPool, counters: dict):
    rng = random.Random(11)
    pick_school = _school_picker(world, rng)
    by_setting = {
        s: [c for c in catalogue.case_types.values() if s in c.raised_by]
        for s in ("school", "early_years")
    }
    officers = len(world.officers)
    first_officer = SCHOOLS * STAFF_PER_SCHOOL + 1
    span = 2 * 365 * 24 * 3600
    for case_id in range(1, world.cases + 1):
        school, setting = pick_school()
        case_type = rng.choice(by_setting[setting])
        number = counters.get(case_type.prefix, FIRST_NUMBER - 1) + 1
        counters[case_type.prefix] = number
        created = NOW - dt.timedelta(seconds=rng.randint(3600, span))
        author = (school - 1) * STAFF_PER_SCHOOL + rng.randint(1, STAFF_PER_SCHOOL)
        answers = pool.answers_for(case_type.id, rng)
        if rng.random() < 0.3:
            status, activity, label, submitted, sent, assigned = (
                "Draft",
                None,
                "Not yet submitted",
                None,
                None,
                None,
            )
            updated = _by_now(created, dt.timedelta(minutes=rng.randint(1, 600)), 600 * 60)
        else:
            step = rng.choice(list(case_type.workflow.activities.values()))
            status, activity, label = step.status, step.id, step.label
            submitted = _by_now(created, dt.timedelta(hours=rng.randint(1, 72)), 72 * 3600)
            updated = _by_now(submitted, dt.timedelta(hours=rng.randint(0, 500)), 500 * 3600)
            sent = answers
            assigned = first_officer + rng.randrange(officers) if rng.random() < 0.5 else None
        pages = case_type.visible_pages({})
        yield (
            case_id, f"{case_type.prefix}-{case_type.code}{number}", school, author, case_type.id,
            case_type.version, case_type.name, case_type.service, status, activity, label,
            answers, "{}", sent, json.dumps({p.id: 1 for p in pages[:3]}), None, pages[0].id,
            created, updated, updated, submitted, 1, assigned,
            *(("Bench", f"Officer{assigned - first_officer + 1}") if assigned else (None, None)),
        )  # fmt: skip


def _by_now(start: dt.datetime, after: dt.timedelta, longest: int) -> dt.datetime:
    """`after` (at most `longest` seconds) past `start`, shrunk in proportion to the time there
    is between `start` and NOW when that is less: a case created an hour ago was neither sent
    nor changed days from now, and the cases of the last weeks keep their spread, not all
    changed at NOW."""
    room = (NOW - start).total_seconds()
    if room >= longest:
        return start + after
    return start + after * (room / longest)


CASE_COLUMNS = [
    "id", "reference", "school_id", "created_by_id", "case_type_id", "case_type_version",
    "case_type_name", "service_name", "status", "activity", "activity_label", "answers",
    "raw_input", "sent_answers", "page_versions", "acknowledged_warnings", "last_page",
    "created_at", "updated_at", "sent_updated_at", "submitted_at", "row_version",
    "assigned_to_id",
    "assignee_last_name", "assignee_first_name",  # as Case.assign copies them
]  # fmt: skip


def _cases(cursor, world: World, catalogue, pool: AnswerPool) -> None:
    counters: dict[str, int] = {}
    _copy(cursor, "cases", CASE_COLUMNS, _case_rows(world, catalogue, pool, counters))
    _copy(cursor, "reference_counters", ["prefix", "last_number"], counters.items())
    cursor.execute(  # every case's first line: created (by SQL: no million tuples in Python)
        "INSERT INTO case_events (case_id, at, actor_id, kind, note, for_school) "
        "SELECT id, created_at, created_by_id, 'created', '', true FROM cases"
    )
    for case_type in catalogue.case_types.values():
        cursor.execute(
            "INSERT INTO case_type_versions (case_type_id, version, definition, recorded_at) "
            "VALUES (%s, %s, %s, %s)",
            (case_type.id, case_type.version, json.dumps(case_type.definition), NOW),
        )
        cursor.execute(
            "INSERT INTO case_events (case_id, at, actor_id, kind, to_activity, note, for_school) "
            "SELECT id, submitted_at, created_by_id, 'submitted', %s, '', true FROM cases "
            "WHERE case_type_id = %s AND submitted_at IS NOT NULL",
            (case_type.workflow.start, case_type.id),
        )


def fill(url: str, cases: int, progress=print) -> World:
    """Migrate the (empty) database at `url` and fill it; what was made."""
    from webapp.areas.auth.questions import hash_answer
    from webapp.domain.passwords import hash_password

    started = time.perf_counter()
    migrate(url)
    catalogue = load_catalogue(str(ROOT / "casetypes"))
    world = World(url=url, cases=cases)
    pool = AnswerPool(catalogue)
    with psycopg.connect(sql_url(url)) as connection, connection.cursor() as cursor:
        _people(cursor, world, catalogue, hash_password(PASSWORD), hash_answer("Rex"))
        _cases(cursor, world, catalogue, pool)
        for table in ("schools", "users", "teams", "cases", "case_events"):
            cursor.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                    "(SELECT max(id) FROM {table}))"
                ).format(name=sql.Literal(table), table=sql.Identifier(table))
            )
    with psycopg.connect(sql_url(url), autocommit=True) as connection:
        for table in ("schools", "users", "memberships", "cases", "case_events"):
            connection.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    progress(
        f"filled {url.rsplit('/', 1)[-1]}: {cases:,} cases in {time.perf_counter() - started:.1f} s"
    )
    return world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url", help="postgresql://root@127.0.0.1:5432/bench_10k (an empty database)"
    )
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    fill(args.url, args.cases)


if __name__ == "__main__":
    main()
