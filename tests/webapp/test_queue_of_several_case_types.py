"""The caseviewer queue of an officer whose teams work several case types, read a query per case
type and merged for the sorts that follow the case type (h-scale): on SQLite and PostgreSQL,
every sort both ways gives the same pages as one sort of all the officer's cases, by number and
by Next and Previous, and never a case of a case type their teams do not work."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.areas.caseviewer import services as caseviewer
from webapp.infra.database import make_engine
from webapp.models import Case, School, Team, User

WORKED = ("part-time-timetable", "send-referral")
NOT_WORKED = "early-years-census"
CODES = {"part-time-timetable": "PTT", "send-referral": "SRF", NOT_WORKED: "EYC"}


@pytest.fixture
def officers_types(database_url):
    """An officer of a team working two case types, 90 sent cases over those and a third."""
    engine = make_engine(database_url)
    rng = random.Random(11)  # noqa: S311 (made-up data, repeatable)
    with Session(engine) as session:
        school = School(name="Abbey Primary", urn="100001", setting_type="school")
        officer = User(
            email="o@c.example.org",
            first_name="O",
            last_name="C",
            password_hash="x",
            council_role="officer",
        )
        session.add_all([school, officer])
        session.flush()
        session.add(Team(name="SEND", case_type_ids=list(WORKED), members=[officer]))
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        for n in range(90):
            case_type = (*WORKED, NOT_WORKED)[n % 3]
            at = start + dt.timedelta(hours=rng.randrange(48))  # ties: the id decides
            session.add(
                Case(
                    reference=f"EDU-T-{CODES[case_type]}{rng.randrange(1, 2000)}-{n}",
                    school_id=school.id,
                    created_by_id=officer.id,
                    case_type_id=case_type,
                    case_type_version=1,
                    case_type_name=rng.choice(["Alpha", "Beta", case_type]),
                    service_name="SEND",
                    status="Active",
                    activity=rng.choice(["sent", "read"]),
                    activity_label=rng.choice(["Sent", "Read"]),
                    answers={},
                    raw_input={},
                    page_versions={},
                    created_at=at,
                    updated_at=at,
                    submitted_at=at,
                )
            )
        session.commit()
        officer_id = officer.id
    yield engine, officer_id
    engine.dispose()


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", list(caseviewer.SORTS))
def test_pages_of_several_case_types_are_those_of_one_sort(officers_types, sort, order):
    engine, officer_id = officers_types
    with Session(engine) as session:
        officer = session.get(User, officer_id)
        teams = caseviewer.officer_teams(session, officer)
        args = caseviewer.QUEUE.args(10, sort=sort, descending=order == "desc", page=2)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        everything = select(Case.id).where(Case.case_type_id.in_(WORKED))
        if sort == "school":
            everything = everything.join(
                caseviewer._SCHOOL, Case.school_id == caseviewer._SCHOOL.id
            )
        ordered = everything.order_by(*args.order_by(caseviewer.SORTS[sort]), newest)
        expected = session.scalars(ordered).all()
        assert len(expected) == 60
        search = caseviewer.QueueSearch()

        def page(asked):
            return caseviewer.queue(session, officer, teams, search, asked)

        second = page(args)
        assert [case.id for case in second.rows] == expected[10:20]
        assert (second.total, second.pages) == (60, 6)
        last = page(replace(args, page=6))
        assert [case.id for case in last.rows] == expected[50:]
        assert NOT_WORKED not in {case.case_type_id for case in second.rows + last.rows}
        if not second.next_after:
            return
        third = page(replace(args, page=3, after=second.next_after))
        assert [case.id for case in third.rows] == expected[20:30]
        back = replace(args, page=2, before=third.previous_before)
        assert [case.id for case in page(back).rows] == [case.id for case in second.rows]


@pytest.mark.parametrize("sort", caseviewer.BY_CASE_TYPE)
def test_a_case_type_the_teams_do_not_work_lists_nothing_by_any_sort(officers_types, sort):
    engine, officer_id = officers_types
    with Session(engine) as session:
        officer = session.get(User, officer_id)
        teams = caseviewer.officer_teams(session, officer)
        args = caseviewer.QUEUE.args(10, sort=sort)
        search = caseviewer.QueueSearch(case_type=NOT_WORKED)
        listing = caseviewer.queue(session, officer, teams, search, args)
        assert (listing.rows, listing.total) == ([], 0)
        officer.council_role = ""  # no longer council staff: no teams, nothing
        args = caseviewer.QUEUE.args(10, sort=sort)
        none = caseviewer.queue(
            session,
            officer,
            caseviewer.officer_teams(session, officer),
            caseviewer.QueueSearch(),
            args,
        )
        assert (none.rows, none.total) == ([], 0)


FILTERS = [
    {"activity": "Sent"},
    {"activity": "Checked"},  # of part-time timetables only (added below)
    {"assigned": "nobody"},
    {"school": "the school"},
    {"activity": "Read", "status": "Active"},
]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", list(caseviewer.SORTS))
@pytest.mark.parametrize("wanted", FILTERS, ids=repr)
def test_filtered_pages_are_those_of_one_sort_of_the_filtered(officers_types, wanted, sort, order):
    """Filtered, each sort both ways gives the pages one sort of the matching cases gives: a
    sort a filter holds to one value (nobody's by assignee, a school's by school) by the
    tie-breaker alone, an activity read only in the case types with a case at it."""
    engine, officer_id = officers_types
    with Session(engine) as session:
        school = session.scalar(select(School))
        for n in range(14):
            session.add(
                Case(
                    reference=f"EDU-T-PTT{5000 + n}",
                    school_id=school.id,
                    created_by_id=officer_id,
                    case_type_id=WORKED[0],
                    case_type_version=1,
                    case_type_name="Alpha",
                    service_name="SEND",
                    status="Completed",
                    activity="checked",
                    activity_label="Checked",
                    answers={},
                    raw_input={},
                    page_versions={},
                    submitted_at=dt.datetime(2024, 1, 2, n, tzinfo=dt.UTC),
                )
            )
        session.commit()
        officer = session.get(User, officer_id)
        teams = caseviewer.officer_teams(session, officer)
        filters = {k: school.id if v == "the school" else v for k, v in wanted.items()}
        kept = [Case.case_type_id.in_(WORKED)]
        kept += [
            {
                "activity": Case.activity_label == filters.get("activity"),
                "status": Case.status == filters.get("status"),
                "assigned": Case.assigned_to_id.is_(None),
                "school": Case.school_id == school.id,
            }[name]
            for name in filters
        ]
        args = caseviewer.QUEUE.args(5, sort=sort, descending=order == "desc", page=2)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        everything = select(Case.id).where(*kept)
        if sort == "school":
            everything = everything.join(
                caseviewer._SCHOOL, Case.school_id == caseviewer._SCHOOL.id
            )
        ordered = everything.order_by(*args.order_by(caseviewer.SORTS[sort]), newest)
        expected = session.scalars(ordered).all()
        assert len(expected) > 10
        search = caseviewer.QueueSearch(**filters)

        def page(asked):
            return caseviewer.queue(session, officer, teams, search, asked)

        second = page(args)
        assert [case.id for case in second.rows] == expected[5:10]
        third = page(replace(args, page=3, after=second.next_after))
        assert [case.id for case in third.rows] == expected[10:15]
        back = replace(args, page=2, before=third.previous_before)
        assert [case.id for case in page(back).rows] == expected[5:10]
