"""Lists sorted by case type (or service) while their cases of a case type hold one name (issue
12): My cases filtered by a case type, and the officers' queue a case type at a time, are read
in id order under that name. A case keeps the name its case type had when it was started, so
a renamed case type's cases hold two names, and two case types may share one: on SQLite and
PostgreSQL, every such list, both ways, gives the pages of one sort of all its cases, by
number and by Next and Previous."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.areas.cases import services as my_cases
from webapp.areas.caseviewer import services as caseviewer
from webapp.infra.database import make_engine
from webapp.models import Case, Membership, School, Team, User

# case type: the names and the services its cases were started under
TYPES = {
    "t-one": (["Mid"], ["SEND"]),  # never renamed
    "t-renamed": (["Alpha", "Zulu"], ["SEND", "SEND and inclusion"]),
    "t-service": (["Gamma"], ["Early years", "Early help"]),  # only its service renamed
    "t-other": (["Beta"], ["Early years"]),
    "t-same": (["Mid"], ["Admissions"]),  # the name of another case type
}
# Whom the officers' teams work: types of one name each, then types that are not.
OFFICERS = {
    "one name each": ["t-one", "t-other", "t-service"],
    "a type renamed": ["t-one", "t-renamed", "t-other"],
    "two types of one name": ["t-one", "t-same", "t-other"],
}
SIZE = 4  # rows a page


@pytest.fixture
def named(database_url):
    """Three schools (names out of id order), a user of the first two and one of the first,
    an officer per team of OFFICERS, and 300 cases of TYPES over the schools."""
    engine = make_engine(database_url)
    rng = random.Random(12)  # noqa: S311 (made-up data, repeatable)
    with Session(engine) as session:
        schools = [
            School(name=n, urn=f"20000{i}", setting_type="school")
            for i, n in enumerate(["Zeal Academy", "Abbey Primary", "Other School"])
        ]
        people = [_person(f"{n}@named.example.org", "") for n in ("two", "one")]
        officers = {
            key: _person(f"officer{n}@named.example.org", "officer")
            for n, key in enumerate(OFFICERS)
        }
        session.add_all([*schools, *people, *officers.values()])
        session.flush()
        session.add_all(Membership(user_id=people[0].id, school_id=s.id) for s in schools[:2])
        session.add(Membership(user_id=people[1].id, school_id=schools[0].id))
        session.add_all(
            Team(name=key, case_type_ids=worked, members=[officers[key]])
            for key, worked in OFFICERS.items()
        )
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        for n in range(300):
            case_type = list(TYPES)[n % len(TYPES)]
            names, services = TYPES[case_type]
            status = rng.choice(["Draft", "Active", "Completed"])
            at = start + dt.timedelta(hours=rng.randrange(48))
            session.add(
                Case(
                    reference=f"EDU-N-PTT{n + 1}",
                    school_id=schools[rng.randrange(3)].id,
                    created_by_id=people[0].id,
                    case_type_id=case_type,
                    case_type_version=1,
                    case_type_name=rng.choice(names),
                    service_name=rng.choice(services),
                    status=status,
                    activity_label="Sent",
                    answers={},
                    raw_input={},
                    page_versions={},
                    created_at=at,
                    updated_at=at,
                    submitted_at=None if status == "Draft" else at,
                )
            )
        session.commit()
        ids = {"two": people[0].id, "one": people[1].id, "school": schools[0].id}
        ids |= {key: officer.id for key, officer in officers.items()}
    yield engine, ids
    engine.dispose()


def _person(email: str, role: str) -> User:
    return User(email=email, first_name="A", last_name="B", password_hash="x", council_role=role)


def _walk(list_page, args, expected: list[int]) -> None:
    """The pages by number, and by Next and Previous, are those of `expected`, in order."""
    assert len(expected) > 3 * SIZE  # a page after the next, by cursor
    first = list_page(args)
    assert [case.id for case in first.rows] == expected[:SIZE]
    assert first.total == len(expected)
    second = list_page(replace(args, page=2))
    assert [case.id for case in second.rows] == expected[SIZE : 2 * SIZE]
    third = list_page(replace(args, page=3, after=second.next_after))
    assert [case.id for case in third.rows] == expected[2 * SIZE : 3 * SIZE]
    back = list_page(replace(args, page=2, before=third.previous_before))
    assert [case.id for case in back.rows] == expected[SIZE : 2 * SIZE]
    by_next = list_page(replace(args, page=2, after=first.next_after))
    assert [case.id for case in by_next.rows] == expected[SIZE : 2 * SIZE]
    last = list_page(replace(args, page=first.pages))
    assert [case.id for case in last.rows] == expected[(first.pages - 1) * SIZE :]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", ["case_type", "service"])
@pytest.mark.parametrize("case_type", ["t-one", "t-renamed", "t-service", "t-same"])
@pytest.mark.parametrize("who", ["two", "one"])
def test_my_cases_of_a_case_type_by_its_name_or_service_are_one_sort(
    named, who, case_type, sort, order
):
    engine, ids = named
    with Session(engine) as session:
        user = session.get(User, ids[who])
        args = my_cases.MY_CASES.args(SIZE, sort=sort, descending=order == "desc")
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(
            select(Case.id)
            .where(Case.school_id.in_(user.school_ids), Case.case_type_id == case_type)
            .order_by(*args.order_by(my_cases.SORTS[sort]), newest)
        ).all()
        search = my_cases.CaseSearch(case_type=case_type)
        _walk(lambda asked: my_cases.list_cases(session, user, search, asked), args, expected)


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("school", [False, True], ids=["every school", "one school"])
@pytest.mark.parametrize("officer", list(OFFICERS))
def test_the_queue_by_case_type_is_one_sort(named, officer, school, order):
    engine, ids = named
    with Session(engine) as session:
        user = session.get(User, ids[officer])
        teams = caseviewer.officer_teams(session, user)
        args = caseviewer.QUEUE.args(SIZE, sort="case_type", descending=order == "desc")
        search = caseviewer.QueueSearch(school=ids["school"] if school else None)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        kept = [Case.school_id == ids["school"]] if school else []
        expected = session.scalars(
            select(Case.id)
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(OFFICERS[officer]))
            .where(*kept)
            .order_by(*args.order_by(caseviewer.SORTS["case_type"]), newest)
        ).all()
        _walk(lambda asked: caseviewer.queue(session, user, teams, search, asked), args, expected)


# The queue's filters and a reference search, each with the condition a plain sort keeps to.
FILTERED = {
    "status": ({"status": "Active"}, [Case.status == "Active"]),
    "nobody's": ({"assigned": "nobody"}, [Case.assigned_to_id.is_(None)]),
    "sent from": (
        {"submitted_from": dt.date(2024, 1, 2)},
        [Case.submitted_at >= dt.datetime(2024, 1, 2, tzinfo=dt.UTC)],
    ),
    "a reference": ({}, [Case.reference.contains("PTT1")]),
}


@pytest.mark.parametrize("narrowed", [True, False], ids=["found few", "found many"])
@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("filtered", list(FILTERED))
def test_the_queue_by_case_type_filtered_or_searched_is_one_sort(
    named, monkeypatch, filtered, order, narrowed
):
    """A search that finds few cases is read at once, sorted (web/partitions.py's narrowed),
    one that finds many a case type at a time: either way, the plain sort's pages."""
    engine, ids = named
    if not narrowed:  # as if the search found more than a listing counts
        monkeypatch.setattr("webapp.web.listing.narrowed", lambda *_: None)
    wanted, kept = FILTERED[filtered]
    with Session(engine) as session:
        user = session.get(User, ids["one name each"])
        teams = caseviewer.officer_teams(session, user)
        searched = "ptt 1" if filtered == "a reference" else ""
        args = caseviewer.QUEUE.args(
            SIZE, sort="case_type", descending=order == "desc", search=searched
        )
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(
            select(Case.id)
            .where(Case.submitted_at.is_not(None), *kept)
            .where(Case.case_type_id.in_(OFFICERS["one name each"]))
            .order_by(*args.order_by(caseviewer.SORTS["case_type"]), newest)
        ).all()
        search = caseviewer.QueueSearch(**wanted)
        _walk(lambda asked: caseviewer.queue(session, user, teams, search, asked), args, expected)
