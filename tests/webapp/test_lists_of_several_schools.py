"""My cases for a user of several schools, read a query per school and merged (issue 12): on
SQLite and PostgreSQL, every sort both ways gives the same pages as one sort of all their
schools' cases, by number and by Next and Previous, and never a case of another school."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.areas.cases import services as my_cases
from webapp.infra.database import make_engine
from webapp.models import Case, Membership, School, User

STATUSES = ("Draft", "Active", "Completed")


@pytest.fixture
def several(database_url):
    """A user of two schools (names out of id order) and a third school, 70 cases over them."""
    engine = make_engine(database_url)
    rng = random.Random(7)  # noqa: S311 (made-up data, repeatable)
    with Session(engine) as session:
        schools = [
            School(name=n, urn=f"10000{i}", setting_type="school")
            for i, n in enumerate(["Zeal Academy", "Abbey Primary", "Other School"])
        ]
        user = User(email="t@s.example.org", first_name="T", last_name="S", password_hash="x")
        session.add_all([*schools, user])
        session.flush()
        session.add_all(Membership(user_id=user.id, school_id=s.id) for s in schools[:2])
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        for n in range(70):
            status = rng.choice(STATUSES)
            at = start + dt.timedelta(hours=rng.randrange(48))  # ties: the id decides
            session.add(
                Case(
                    reference=f"EDU-T-PTT{n + 1}",
                    school_id=schools[n % 3].id,
                    created_by_id=user.id,
                    case_type_id="part-time-timetable",
                    case_type_version=1,
                    case_type_name=rng.choice(["Alpha", "Beta"]),
                    service_name="SEND",
                    status=status,
                    activity_label=rng.choice(["Sent", "Read"]),
                    answers={},
                    raw_input={},
                    page_versions={},
                    created_at=at,
                    updated_at=at,
                    submitted_at=None if status == "Draft" else at,
                )
            )
        session.commit()
        ids = user.id, schools[2].id
    yield engine, *ids
    engine.dispose()


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", list(my_cases.SORTS))
def test_a_reference_search_gives_the_pages_of_one_sort_of_what_it_finds(several, sort, order):
    """A search that finds few cases is read among them at once, not school by school: the
    same cases in the same order, by number and by Next."""
    engine, user_id, _ = several
    with Session(engine) as session:
        user = session.get(User, user_id)
        args = my_cases.MY_CASES.args(3, sort=sort, descending=order == "desc", search="ptt1")
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        holding = select(Case.id).where(
            Case.school_id.in_(user.school_ids), Case.reference.like("EDU-T-PTT1%")
        )
        ordered = holding.order_by(*args.order_by(my_cases.SORTS[sort]), newest)
        expected = session.scalars(ordered).all()
        assert len(expected) == 8  # PTT1 and PTT10-PTT19 of the two schools
        search = my_cases.CaseSearch.read({})
        first = my_cases.list_cases(session, user, search, args)
        second = my_cases.list_cases(session, user, search, replace(args, page=2))
        by_next = my_cases.list_cases(
            session, user, search, replace(args, page=2, after=first.next_after)
        )
        assert [case.id for case in first.rows] == expected[:3]
        assert [case.id for case in second.rows] == expected[3:6]
        assert [case.id for case in by_next.rows] == expected[3:6]
        assert (second.total, second.pages) == (8, 3)


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", list(my_cases.SORTS))
def test_pages_of_several_schools_are_those_of_one_sort(several, sort, order):
    engine, user_id, other_school = several
    with Session(engine) as session:
        user = session.get(User, user_id)
        args = my_cases.MY_CASES.args(10, sort=sort, descending=order == "desc", page=2)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        everything = select(Case.id).where(Case.school_id.in_(user.school_ids))
        ordered = everything.order_by(*args.order_by(my_cases.SORTS[sort]), newest)
        expected = session.scalars(ordered).all()
        assert len(expected) == 47
        search = my_cases.CaseSearch.read({})
        second = my_cases.list_cases(session, user, search, args)
        assert [case.id for case in second.rows] == expected[10:20]
        assert (second.total, second.pages) == (47, 5)
        last = my_cases.list_cases(session, user, search, replace(args, page=5))
        assert [case.id for case in last.rows] == expected[40:]
        assert other_school not in {case.school_id for case in second.rows + last.rows}
        if not second.next_after:  # paged by number only
            assert sort == "submitted"
            return
        third = my_cases.list_cases(
            session, user, search, replace(args, page=3, after=second.next_after)
        )
        assert [case.id for case in third.rows] == expected[20:30]
        back = replace(args, page=2, before=third.previous_before)
        assert [c.id for c in my_cases.list_cases(session, user, search, back).rows] == [
            c.id for c in second.rows
        ]


@pytest.fixture
def named_alike(database_url):
    """A user of four schools sorted by name: two of one name, one whose name sorts apart by
    case (lower case first or last, by the database's collation), one with no cases; 23 cases."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        names = ["Zeal Academy", "abbey primary", "Zeal Academy", "Empty School", "Other"]
        schools = [
            School(name=n, urn=f"20000{i}", setting_type="school") for i, n in enumerate(names)
        ]
        user = User(email="u@s.example.org", first_name="U", last_name="S", password_hash="x")
        session.add_all([*schools, user])
        session.flush()
        session.add_all(Membership(user_id=user.id, school_id=s.id) for s in schools[:4])
        at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        for n in range(23):
            session.add(
                Case(
                    reference=f"EDU-T-PTT{n + 1}",
                    school_id=schools[(0, 1, 2, 4)[n % 4]].id if n % 7 else schools[2].id,
                    created_by_id=user.id,
                    case_type_id="part-time-timetable",
                    case_type_version=1,
                    case_type_name="Alpha",
                    service_name="SEND",
                    status="Active",
                    activity_label="Sent",
                    answers={},
                    raw_input={},
                    page_versions={},
                    created_at=at,
                    updated_at=at,
                    submitted_at=at,
                )
            )
        session.commit()
        user_id = user.id
    yield engine, user_id
    engine.dispose()


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_next_and_previous_by_school_walk_the_pages_by_number(named_alike, order):
    """Sorted by school, every page reached by Next from the first, and every page reached
    by Previous from the last, is the page of that number: across schools of one name, a
    school with no cases, and names whose order is the database's collation's."""
    engine, user_id = named_alike
    with Session(engine) as session:
        user = session.get(User, user_id)
        search = my_cases.CaseSearch.read({})
        args = my_cases.MY_CASES.args(3, sort="school", descending=order == "desc", page=1)
        pages = my_cases.list_cases(session, user, search, args).pages
        by_number = [
            [c.id for c in my_cases.list_cases(session, user, search, replace(args, page=n)).rows]
            for n in range(1, pages + 1)
        ]
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        everything = select(Case.id).where(Case.school_id.in_(user.school_ids))
        school_by_school = (*my_cases.SORTS["school"], Case.school_id)  # alike names apart
        ordered = everything.order_by(*args.order_by(school_by_school), newest)
        expected = session.scalars(ordered).all()
        assert [i for page in by_number for i in page] == expected
        listing, forward = my_cases.list_cases(session, user, search, args), []
        for n in range(2, pages + 1):
            listing = my_cases.list_cases(
                session, user, search, replace(args, page=n, after=listing.next_after)
            )
            forward.append([c.id for c in listing.rows])
        assert forward == by_number[1:]
        assert not listing.next_after
        backward = []
        for n in range(pages - 1, 0, -1):
            listing = my_cases.list_cases(
                session, user, search, replace(args, page=n, before=listing.previous_before)
            )
            backward.append([c.id for c in listing.rows])
        assert backward == by_number[-2::-1]
        for n in range(2, pages + 1):  # Previous from a page reached by its number
            shown = my_cases.list_cases(session, user, search, replace(args, page=n))
            back = replace(args, page=n - 1, before=shown.previous_before)
            assert [c.id for c in my_cases.list_cases(session, user, search, back).rows] == (
                by_number[n - 2]
            )


@pytest.mark.parametrize("way", ["after", "before"])
def test_a_cursor_naming_another_school_lists_only_the_users_schools(named_alike, way):
    """A cursor altered by hand to name a school the user is not of (its name and id, a case
    of it) gives a page of the user's own schools' cases, never one of that school's."""
    from webapp.web import cursors

    engine, user_id = named_alike
    with Session(engine) as session:
        user = session.get(User, user_id)
        other = session.scalars(select(School).where(School.name == "Other")).one()
        theirs = session.scalars(select(Case.id).where(Case.school_id == other.id)).all()
        forged = cursors.write([other.name, other.id, min(theirs) - 1])
        args = my_cases.MY_CASES.args(3, sort="school", descending=False, page=2)
        search = my_cases.CaseSearch.read({})
        shown = my_cases.list_cases(session, user, search, replace(args, **{way: forged}))
        assert shown.rows
        assert {case.school_id for case in shown.rows} <= user.school_ids
        assert other.id not in user.school_ids
