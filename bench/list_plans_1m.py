"""The SQL three growing lists send, explained at scale: EXPLAIN (ANALYZE, BUFFERS) of each
statement the services run (captured as they run), with its time and the rows PostgreSQL read
of the cases (kept and thrown away by a filter, each loop counted).

    createdb -h 127.0.0.1 bench_1m
    .venv/bin/python bench/data.py postgresql+psycopg://root@127.0.0.1:5432/bench_1m --cases 1000000
    .venv/bin/python bench/list_plans_1m.py postgresql+psycopg://root@127.0.0.1:5432/bench_1m

The lists: My cases of a user of twenty schools (the three big ones among them; made here, by
adding the memberships) sorted by school, pages 1, 2 (by Next) and 400 (by number, and by
Next from 399); the officers' queue filtered by an activity and by an assignee of ~87,000
cases; the API's changes list filtered by status and by the rarest activity. `--plans` prints
each plan, `--only TEXT` runs the lists whose name holds it.

At 1M cases (1 December 2026, load average 3-4 from other work), before (0020, 5ef86b5) and
after (0021): My cases by school, page 400 by number 618 ms / 76,000 rows read -> 21 ms /
1,858 rows and four counts (1,833-2,742 rows each); by Next from 399 (before: by number)
the same 618 ms -> 25 ms / 800 rows. Queue, Accepted + assignee: 84 ms (a bitmap of 87,447
and 27,164 index entries, 3,396 rows sorted) -> 11 ms (26 rows read; the count reads the
3,396 matches, at most 10,001). API changes, rarest activity: 2,280 ms / 625,921 rows ->
15 ms / 51 rows; by status 383-408 rows -> 62.

The queue sorted by what a filter holds or follows (1 December 2026, h-million; EXPLAIN
ANALYZE of the page's statement for an officer of one team, six case types, before -> after):
nobody's cases by assignee 1,232-1,681 ms / 350,000 rows -> 0.1 ms / 79-135 rows (sorted by
id alone); the biggest school by school 576 ms / 31,076 rows -> 34-67 rows; an activity of one
case type by reference 2,832 ms / 344,518 rows -> 54 ms / 9,141 (its cases, sorted: the other
types are left out by a probe each); Abandoned by activity 1,455 ms / 220,248 rows -> 31
(migration 0023); "Form Submitted" by status 434 ms / 133,438 rows -> 18 ms / 31.

A search for part of a reference (1 December 2026, h-scale2, `--only "reference PTT" --runs
15`; each statement's rows of cases and entries of their indexes read): PTT12, and a part
ANALYZE's sample holds (PTT and four digits of a PTT reference in the histogram of
upper(reference), so that PostgreSQL guesses 10,000 cases hold it). Before -> after: the
queue, the sampled part, 3,069 ms (count 626,123 index entries, page 700,583 rows) -> 10 ms
(40 rows each); My cases of twenty schools 905 ms (245,791 entries; 200,233 rows) -> 7 ms.
`--runs N` repeats each list N times (median and range printed).

Sorted by case type or service, kept to case types whose cases hold one name (1 December
2026, h-sorts, `--only ", by " --runs 5`, before -> after migration 0029): the biggest
school's queue by case type 406 ms / 74,668 rows -> 45 ms / 2,556; My cases of a case type
by case type 641 ms / 119,902 rows -> 69 ms / 38, by service 918 ms / 145,006 -> 52 ms / 38.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.plans import cases_read, index_entries, plan_of, statements_of  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.areas.api import listing as api  # noqa: E402
from webapp.areas.cases import services as my_cases  # noqa: E402
from webapp.areas.caseviewer import services as caseviewer  # noqa: E402
from webapp.infra.database import make_engine  # noqa: E402
from webapp.models import Case, User  # noqa: E402

MANY = 20  # the schools of the user of many schools
STAFF = 1  # staff1@school1: the user given them


def explained(engine, run, show: bool) -> list[tuple[float, int, int]]:
    """Each statement about cases `run(session)` sends: its time, the rows of cases read and
    the entries of their indexes read without a row (bitmaps, index-only scans)."""
    out = []
    with statements_of(engine, run) as (session, sent):
        for statement in sent:
            if " cases" not in statement[0]:
                continue
            top = plan_of(session, statement, "ANALYZE, BUFFERS")
            out.append((top["Execution Time"], cases_read(top), index_entries(top)))
            if show:
                text_plan = session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement[0], statement[1]
                )
                print(statement[0][:300], "\n", "\n".join(r[0] for r in text_plan), sep="")
    return out


def many_schools(engine) -> int:
    """staff1@school1 is made a member of the first MANY schools (idempotent)."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO memberships (user_id, school_id, is_admin) "
                "SELECT :user, s, false FROM generate_series(2, :many) s ON CONFLICT DO NOTHING"
            ),
            {"user": STAFF, "many": MANY},
        )
    return STAFF


def scenarios(engine):
    user_id = many_schools(engine)
    with Session(engine) as session:
        officer = session.scalar(
            select(User.id).where(User.email == "officer1@council.bench.example.org")
        )
        assignee = session.scalar(
            select(User.id).where(User.email == "officer2@council.bench.example.org")
        )
        activity = session.scalar(
            select(Case.activity_label)
            .where(Case.assigned_to_id == assignee)
            .order_by(Case.activity_label)
            .limit(1)
        )
        rarest = session.scalar(  # of the sent cases: an activity of one case type
            select(Case.activity_label)
            .where(Case.submitted_at.is_not(None))
            .group_by(Case.activity_label)
            .order_by(func.count(), Case.activity_label)
            .limit(1)
        )
    sampled = sampled_term(engine)
    print(f"assignee {assignee}: activity {activity!r}; rarest activity {rarest!r}")
    print(f"a reference the statistics hold: {sampled!r}")
    pages = {}

    def mine(asked, keep=None):
        def run(session):
            user = session.get(User, user_id)
            args = my_cases.MY_CASES.read(asked, 25)
            listing = my_cases.list_cases(session, user, my_cases.CaseSearch.read(asked), args)
            if keep:
                pages[keep] = listing

        return run

    def mine_next(session, before="first", page="2"):
        cursor = pages[before].next_after
        asked = {"sort": "school", "order": "asc", "page": page, "after": cursor}
        mine(asked)(session)

    with Session(engine) as session:  # the pages Next goes on from
        mine({"sort": "school", "order": "asc"}, "first")(session)
        mine({"sort": "school", "order": "asc", "page": "399"}, "399")(session)

    def queue(sort="submitted", reference="", **filters):
        def run(session):
            user = session.get(User, officer)
            teams = caseviewer.officer_teams(session, user)
            search = caseviewer.QueueSearch(**filters)
            asked = {"sort": sort, "order": "desc" if sort == "submitted" else "asc"}
            asked |= {"reference": reference}
            caseviewer.queue(session, user, teams, search, caseviewer.QUEUE.read(asked, 25))

        return run

    with Session(engine) as session:
        client = SimpleNamespace(case_type_ids=sorted(_all_types(session)))

    def changes(**filters):
        def run(session):
            api.list_cases(session, client, api.CaseFilter(limit=50, **filters), 0)

        return run

    return [
        ("my cases by school, page 1", mine({"sort": "school", "order": "asc"}, "first")),
        ("my cases by school, page 2 (Next)", mine_next),
        ("my cases by school, page 400", mine({"sort": "school", "order": "asc", "page": "400"})),
        (
            "my cases by school, page 400 (Next from 399)",
            lambda session: mine_next(session, "399", "400"),
        ),
        *(
            (f"queue: {label} + assignee", queue(activity=label, assigned=str(assignee)))
            for label in (activity, "Injuries referred to health and safety", "Form Submitted")
        ),
        ("queue: assignee", queue(assigned=str(assignee))),
        ("queue: nobody's, by assignee", queue("assigned", assigned="nobody")),
        ("queue: the biggest school, by school", queue("school", school=1)),
        ("queue: the rarest activity, by reference", queue("reference", activity=rarest)),
        ("queue: Abandoned, by activity", queue("activity", status="Abandoned")),
        *(
            (f"my cases: reference {term}", mine({"reference": term}))
            for term in ("PTT12", sampled)
        ),
        *(
            (f"queue: reference {term}{by}", queue(sort, reference=term))
            for term in ("PTT12", sampled)
            for sort, by in (("submitted", ""), ("reference", ", by reference"))
        ),
        *(
            (f"queue: the biggest school, by {sort}", queue(sort, school=1))
            for sort in ("reference", "case_type", "status")
        ),
        *(
            (
                f"my cases: a case type, by {sort}",
                mine({"case_type": "part-time-timetable", "sort": sort}),
            )
            for sort in ("case_type", "service")
        ),
        ("api changes: status Abandoned", changes(status="Abandoned")),
        ("api changes: status Completed", changes(status="Completed")),
        ("api changes: activity", changes(activity=_an_activity(engine))),
    ]


def sampled_term(engine) -> str:
    """Part of a reference ANALYZE's sample holds (in the histogram of upper(reference)), so
    that PostgreSQL guesses 1% of the cases hold it (10,000 at 1M), whatever they are: PTT and
    the first four digits of the first PTT reference there."""
    with engine.connect() as connection:
        bounds = connection.execute(
            text(
                "SELECT histogram_bounds::text::text[] FROM pg_stats"
                " WHERE tablename = 'ix_cases_reference_trgm'"
            )
        ).scalar()
    reference = next(b for b in bounds[1:-1] if "-PTT" in b)
    return "PTT" + reference.rpartition("-PTT")[2][:4]


def _all_types(session) -> set[str]:
    return set(session.scalars(select(Case.case_type_id).distinct()))


def _an_activity(engine) -> str:
    """The rarest activity among the sent cases (as a client asks for one)."""
    with Session(engine) as session:
        return session.execute(
            text(
                "SELECT activity FROM cases WHERE submitted_at IS NOT NULL "
                "GROUP BY activity ORDER BY count(*) LIMIT 1"
            )
        ).scalar()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "PORTAL_BASE_URL": "https://portal.example.org",
            "DATABASE_URL": args.url,
            "TESTING": True,
        }
    )
    engine = make_engine(args.url)
    with app.app_context():
        measure(engine, args)


def measure(engine, args) -> None:
    for name, run in scenarios(engine):
        if args.only and args.only not in name:
            continue
        run_ms = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with Session(engine) as session:
                run(session)
            run_ms.append((time.perf_counter() - started) * 1000)
        figures = explained(engine, run, args.plans)
        statements = ", ".join(
            f"{ms:.1f} ms/{read:,} rows" + (f"/{entries:,} index entries" if entries else "")
            for ms, read, entries in figures
        )
        spread = f"{min(run_ms):.0f}-{max(run_ms):.0f}"
        print(
            f"{name}: run {statistics.median(run_ms):.0f} ms (median of {args.runs}, {spread});"
            f" explained: {statements}"
        )


if __name__ == "__main__":
    main()
