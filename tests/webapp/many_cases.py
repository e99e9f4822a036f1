"""Many cases quickly, for the lists' query-plan test and bench/lists_scale.py (issue 12).

Schools (one of them much bigger than the rest), a user per school, an officer in a team that
works a few case types, and cases of the catalogue's case types written with PostgreSQL's COPY
(thousands a second), then VACUUM ANALYZE. Answers are `answer_bytes` of JSON each.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine import Catalogue
from webapp.models import Membership, School, Team, User

COLUMNS = (
    "reference, school_id, created_by_id, case_type_id, case_type_version, case_type_name, "
    "service_name, status, activity, activity_label, answers, raw_input, page_versions, "
    "last_page, created_at, updated_at, sent_updated_at, submitted_at, row_version, "
    "assigned_to_id, "
    "assignee_last_name, assignee_first_name"
)
STATUSES = (("Draft", 0.2), ("Active", 0.5), ("Completed", 0.2), ("Abandoned", 0.1))


@dataclass(frozen=True)
class Filled:
    """Who to list the cases as: the big school's user, a small school's, the officer, and a
    user of several schools (the big one and three small ones)."""

    big_school_user: int
    small_school_user: int
    officer: int
    worked: tuple[str, ...]
    several_schools_user: int


def fill(
    session: Session,
    catalogue: Catalogue,
    cases: int,
    *,
    schools: int = 30,
    big_share: float = 0.25,
    answer_bytes: int = 200,
    seed: int = 12,
) -> Filled:
    """`cases` cases over `schools` schools, `big_share` of them at the first school."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, repeatable)
    made = [
        School(name=f"School {n:04d}", urn=f"{100000 + n}", setting_type="school")
        for n in range(schools)
    ]
    users = [_user(f"head{n}@school{n}.example.org", "") for n in range(schools)]
    officer = _user("officer@council.example.org", "officer")
    several = _user("trust@several.example.org", "")
    session.add_all([*made, *users, officer, several])
    session.flush()
    session.add_all(
        Membership(user_id=u.id, school_id=s.id) for u, s in zip(users, made, strict=True)
    )
    session.add_all(Membership(user_id=several.id, school_id=s.id) for s in made[:4])
    types = sorted(
        (c for c in catalogue.case_types.values() if "school" in c.raised_by), key=lambda c: c.id
    )
    worked = tuple(c.id for c in types[:3])
    session.add(Team(name="SEND", case_type_ids=list(worked), members=[officer]))
    session.commit()
    school_ids, user_ids = [s.id for s in made], [u.id for u in users]
    people = Filled(user_ids[0], user_ids[-1], officer.id, worked, several.id)
    rows = _rows(rng, cases, school_ids, user_ids, officer, types, big_share, answer_bytes)
    connection = session.connection().connection.driver_connection
    with connection.cursor() as cursor, cursor.copy(f"COPY cases ({COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    session.commit()
    # What autovacuum does after a bulk load: statistics, and the visibility map that lets
    # a count read only an index. This schema's tables, not the whole database.
    with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
        for table in ("cases", "schools", "users", "memberships", "teams", "team_members"):
            bare.exec_driver_sql(f"VACUUM ANALYZE {table}")
    return people


def _user(email: str, role: str) -> User:
    first, last = email.split("@")[0], email.split("@")[1].split(".")[0]
    return User(email=email, first_name=first, last_name=last, password_hash="x", council_role=role)


def _rows(rng, cases, schools, users, officer, types, big_share, answer_bytes):
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    padding = "x" * max(0, answer_bytes - 40)
    for n in range(cases):
        at = 0 if rng.random() < big_share else rng.randrange(1, len(schools))
        case_type = types[n % len(types)]
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        created = start + dt.timedelta(minutes=n * 7 + rng.randrange(5))
        sent = None if status == "Draft" else created + dt.timedelta(hours=rng.randrange(1, 72))
        activity = rng.choice(list(case_type.workflow.activities.values()))
        yield (
            f"EDU-BENCH-{case_type.id[:3].upper()}{n + 1}",
            schools[at],
            users[at],
            case_type.id,
            1,
            case_type.name,
            case_type.service,
            status,
            None if status == "Draft" else activity.id,
            "Not submitted" if status == "Draft" else activity.label,
            json.dumps({"notes": padding, "n": n}),
            "{}",
            "{}",
            None,
            created,
            sent or created,
            sent or created,
            sent,
            1,
            *(
                (officer.id, officer.last_name, officer.first_name)
                if sent and rng.random() < 0.3
                else (None, None, None)
            ),
        )
