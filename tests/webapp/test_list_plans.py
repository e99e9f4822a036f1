"""Lists that cost the same at any size (issue 12): on PostgreSQL, with 20,000 cases analysed,
every query My cases and the officers' queue run — each sort both ways, each filter, the
count, the next page and back again by cursor — reads the cases through an index, never a
sequential scan of the table, and takes a page's rows in an index's order (no Sort of every
matching row). The SQL is what the services send (captured as they run), explained, not a
copy; nothing is timed. Skipped without PostgreSQL (unless REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from functools import partial

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bench.plans import cases_read, index_entries, nodes, plan_of, statements_of
from engine import load_catalogue
from tests.webapp.conftest import private_schema
from tests.webapp.many_cases import fill
from webapp.areas.cases import services as my_cases
from webapp.areas.caseviewer import csv_export
from webapp.areas.caseviewer import services as caseviewer
from webapp.infra.database import make_engine
from webapp.models import Base, Case, School, User
from webapp.web import cursors
from webapp.web import listing as web_listing

CASES = 20_000


@pytest.fixture(scope="module")
def filled(postgres_url):
    with private_schema("plans") as url:
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            people = fill(session, load_catalogue("casetypes"), CASES)
        yield engine, people
        engine.dispose()


def costly(engine, run, sorts=True) -> list[str]:
    """The statements `run(session)` sends about cases that cost more as cases are added: a
    sequential scan of the table, or (`sorts`) a page whose order is not an index's (a Sort of
    every matching row before the LIMIT; an Incremental Sort of rows in order is fine). A
    statement read through a server-side cursor (an export) is explained as that cursor, which
    PostgreSQL plans for its first rows."""
    found = []
    with statements_of(engine, run) as (session, sent):
        for statement in sent:
            if " cases" not in statement[0]:
                continue
            found_nodes = list(nodes(plan_of(session, statement)["Plan"]))
            scans = [n for n in found_nodes if n["Node Type"] == "Seq Scan"]
            if any(n["Relation Name"] == "cases" for n in scans) or (
                sorts and any(n["Node Type"] == "Sort" and _unbounded(n) for n in found_nodes)
            ):
                found.append(statement[0])
    return found


def _unbounded(node: dict) -> bool:
    """Whether cases reach this node other than through a LIMIT (a Sort of the first rows of
    each of a few schools, merged, sorts a page's worth of rows each, not every matching row)."""
    if node["Node Type"] == "Limit":
        return False
    if node.get("Relation Name") == "cases":
        return True
    return any(_unbounded(child) for child in node.get("Plans", ()))


def _user(session: Session, user_id: int) -> User:
    return session.get(User, user_id)


MY_CASES_QUERIES = [
    *({"sort": sort, "order": order} for sort in my_cases.SORTS for order in ("asc", "desc")),
    {"status": "Draft"},
    {"status": "Active", "sort": "reference", "order": "asc"},
    {"service": "School closures"},
    {"case_type": "part-time-timetable", "sort": "submitted"},
    {"reference": "PAR12"},
    {"reference": "EDU-BENCH-PAR1234"},
    {"page": "40"},
]


@pytest.mark.parametrize("who", ["big_school_user", "small_school_user", "several_schools_user"])
@pytest.mark.parametrize("query", MY_CASES_QUERIES, ids=repr)
def test_my_cases_reads_the_cases_through_an_index(filled, who, query):
    engine, people = filled

    def list_cases(session, asked):
        user = _user(session, getattr(people, who))
        search = my_cases.CaseSearch.read(asked)
        return my_cases.list_cases(session, user, search, my_cases.MY_CASES.read(asked, 25))

    # A small school's few cases may be sorted as they are read (its size, not the table's),
    # and so may the cases a reference search finds (through the trigram index).
    sorts = who != "small_school_user" and "reference" not in query
    _check(engine, query, list_cases, sorts)


def _check(engine, query, list_again, sorts) -> None:
    """The page, the next (by cursor) and back again (by cursor) read through indexes; going
    back, a page near the first may be sorted (a few rows: PostgreSQL's choice)."""
    pages = {}

    def forward(session):
        pages["first"] = first = list_again(session, query)
        assert first.rows or query.get("reference")
        if first.next_after:
            asked = {**query, "page": first.page + 1, "after": first.next_after}
            pages["next"] = following = list_again(session, asked)
            assert following.rows and following.previous_before

    def back(session):
        following = pages["next"]
        asked = {**query, "page": following.page - 1, "before": following.previous_before}
        assert [c.id for c in list_again(session, asked).rows] == [
            c.id for c in pages["first"].rows
        ]

    assert costly(engine, forward, sorts) == []
    if "next" in pages:
        assert costly(engine, back, sorts=False) == []


def _queue_queries():
    yield from ({"sort": s, "order": o} for s in caseviewer.SORTS for o in ("asc", "desc"))
    yield {"case_type": "additional-funding"}
    yield {"status": "Completed", "sort": "case_type"}
    yield {"activity": "Form Submitted"}
    yield {"school": "school"}
    yield {"submitted_from": dt.date(2024, 2, 1), "submitted_to": dt.date(2024, 2, 20)}
    yield {"assigned": "me"}
    yield {"assigned": "nobody", "sort": "submitted", "order": "asc"}
    yield {"page": "40"}
    yield {"reference": "PAR12"}  # part of a reference, as a school reads it out
    yield {"reference": "EDU-BENCH-PAR1234", "status": "Active"}


@pytest.mark.parametrize("query", list(_queue_queries()), ids=repr)
def test_the_officers_queue_reads_the_cases_through_an_index(filled, query):
    engine, people = filled
    # The few cases a reference search finds (through the trigram index) may be sorted.
    _check(engine, query, partial(_queue, people), sorts="reference" not in query)


def _queue(people, session, asked):
    """The queue as the officer of the filled cases asks for it."""
    officer = _user(session, people.officer)
    asked = dict(asked)
    if asked.get("school") == "school":  # the small school's id
        asked["school"] = session.scalar(select(School.id).order_by(School.id.desc()))
    paging = {"sort", "order", "page", "after", "before", "reference"}
    search = caseviewer.QueueSearch(**{k: v for k, v in asked.items() if k not in paging})
    args = caseviewer.QUEUE.read({k: v for k, v in asked.items() if k in paging}, 25)
    teams = caseviewer.officer_teams(session, officer)
    return caseviewer.queue(session, officer, teams, search, args)


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_the_queue_by_assignee_goes_on_into_nobodys_cases_through_the_index(filled, order):
    """Sorted by "Assigned to", a page that starts among the last assigned cases goes on into
    the unassigned ones (last either way), and Previous comes back, by cursor: each read
    through an index, and in the order one sort of every case gives."""
    engine, people = filled
    queue, sort = partial(_queue, people), {"sort": "assigned", "order": order}
    with Session(engine) as session:
        args = caseviewer.QUEUE.read(sort, 25)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        every = session.execute(
            select(Case.assignee_last_name, Case.assignee_first_name, Case.id)
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(people.worked))
            .order_by(*args.order_by(caseviewer.SORTS["assigned"]), newest)
        ).all()
    ids = [row.id for row in every]
    unassigned = next(n for n, row in enumerate(every) if row.assignee_last_name is None)
    start = unassigned - 11  # the cursor's row: ten assigned cases follow it
    pages = {}

    def forward(session):
        after = cursors.write(list(every[start]))
        pages["next"] = queue(session, {**sort, "page": "3", "after": after})

    def back(session):
        before = pages["next"].previous_before
        pages["back"] = queue(session, {**sort, "page": "2", "before": before})

    assert costly(engine, forward) == []
    assert [case.id for case in pages["next"].rows] == ids[start + 1 : start + 26]
    assert [case.assigned_to_id for case in pages["next"].rows].count(None) == 15
    assert costly(engine, back, sorts=False) == []
    assert [case.id for case in pages["back"].rows] == ids[start - 24 : start + 1]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", list(my_cases.SORTS))
def test_several_schools_cases_come_in_one_order_school_by_school_merged(filled, sort, order):
    """Read a query per school and merged, a user of several schools sees the same pages as
    one sort of all their schools' cases: page 3 by number, then Next and Previous by cursor;
    never a case of another school."""
    engine, people = filled
    with Session(engine) as session:
        user = _user(session, people.several_schools_user)
        args = my_cases.MY_CASES.args(25, sort=sort, descending=order == "desc", page=3)
        direction = Case.id.desc() if order == "desc" else Case.id.asc()
        everything = select(Case.id).where(Case.school_id.in_(user.school_ids))
        ordered = everything.order_by(*args.order_by(my_cases.SORTS[sort]), direction)
        expected = session.scalars(ordered.offset(50).limit(50)).all()
        search = my_cases.CaseSearch.read({})
        third = my_cases.list_cases(session, user, search, args)
        assert [case.id for case in third.rows] == expected[:25]
        assert {case.school_id for case in third.rows} <= user.school_ids
        fourth = my_cases.list_cases(
            session, user, search, replace(args, page=4, after=third.next_after)
        )
        assert [case.id for case in fourth.rows] == expected[25:]
        back = replace(args, page=3, before=fourth.previous_before)
        assert [c.id for c in my_cases.list_cases(session, user, search, back).rows] == [
            c.id for c in third.rows
        ]


def test_an_export_reads_its_case_types_cases_in_the_order_sent_through_an_index(filled):
    """The CSV export (a server-side cursor) reads one case type's sent cases in the order
    sent through an index, never sorting them all first. (Which index is PostgreSQL's choice:
    here, where the table is in the order sent, submitted_at's; at 1M cases in no order, the
    case type's, ix_cases_sent_case_type, without which it read every sent case.)"""
    engine, people = filled
    app = Flask(__name__)
    app.extensions["catalogue"] = load_catalogue("casetypes")

    def export(session):
        officer = _user(session, people.officer)
        pieces = csv_export.open_export(session, officer, people.worked[0])
        assert sum(piece.count("\n") for piece in pieces) > csv_export.BATCH

    with app.app_context():
        assert costly(engine, export) == []


def rows_read(engine, run, kept: bool = False) -> list[int]:
    """For each page `run(session)` reads of the cases (an ORDER BY … LIMIT), how many rows
    PostgreSQL read from the table or its indexes to find it: those kept and those a filter
    threw away (`kept`: those kept only), counted by EXPLAIN ANALYZE (counted, never timed)."""
    with statements_of(engine, run) as (session, sent):
        return [
            cases_read(plan_of(session, statement, "ANALYZE, TIMING OFF"), kept)
            for statement in sent
            if " cases" in statement[0] and "ORDER BY" in statement[0]
        ]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", caseviewer.BY_CASE_TYPE)
def test_the_queue_by_a_sort_that_follows_the_case_type_reads_only_the_officers_types(
    filled, sort, order
):
    """References start with their case type's code, a case type's cases share its name, and
    activities are its workflow's: sorted by any of them, the cases of the types an officer
    works lay beyond the other types' in one index of every case (3 s at 1M cases for an
    officer of three case types; 0.2 s by activity, growing with the others' cases). Each
    case type's cases are read through its own index run: a page reads a page (and one) of
    each, on the first page and the next, whatever the other types hold."""
    engine, people = filled
    query, pages = {"sort": sort, "order": order}, {}

    def first(session):
        pages["first"] = _queue(people, session, query)

    def following(session):
        after = {**query, "page": "2", "after": pages["first"].next_after}
        assert _queue(people, session, after).rows

    # A page of each, one more to tell whether more follow, the cursor's own row, and one that
    # ends the last run of equal values (an Incremental Sort's).
    each = 25 + 3
    bound = each * len(people.worked)
    assert all(read <= bound for read in rows_read(engine, first))
    with Session(engine) as session:  # the page one sort of all the officer's cases gives
        args = caseviewer.QUEUE.read(query, 25)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(
            select(Case.id)
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(people.worked))
            .order_by(*args.order_by(caseviewer.SORTS[sort]), newest)
            .limit(25)
        ).all()
    assert [case.id for case in pages["first"].rows] == expected
    assert pages["first"].next_after
    assert all(read <= bound for read in rows_read(engine, following))
    one = {**query, "case_type": people.worked[-1]}  # filtered to one: its run alone
    assert all(read <= each for read in rows_read(engine, partial(_queue, people, asked=one)))


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("who", ["big_school_user", "several_schools_user"])
def test_my_drafts_by_date_sent_read_the_drafts_only(filled, who, order):
    """Drafts have no date sent, and come after the sent cases by it either way: My cases'
    drafts sorted by date sent read every sent case of the school first (2.3 s at 1M cases for
    a user of four schools). They sort alike, newest or oldest first by the tie-breaker, which
    an index reads in order: the first page and the next read about a page of each school's
    drafts, whatever the number of its sent cases."""
    engine, people = filled
    query, pages = {"status": "Draft", "sort": "submitted", "order": order}, {}

    def list_cases(session, asked):
        user = _user(session, getattr(people, who))
        args = my_cases.MY_CASES.read(asked, 25)
        return my_cases.list_cases(session, user, my_cases.CaseSearch.read(asked), args)

    def first(session):
        pages["first"] = list_cases(session, query)

    def following(session):
        pages["next"] = list_cases(
            session, {**query, "page": "2", "after": pages["first"].next_after}
        )

    with Session(engine) as session:
        school_ids = _user(session, getattr(people, who)).school_ids
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        drafts = session.scalars(
            select(Case.id)
            .where(Case.school_id.in_(school_ids), Case.status == "Draft")
            .order_by(newest)
            .limit(50)
        ).all()
        sent = session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.school_id.in_(school_ids), Case.submitted_at.is_not(None))
        )
    # Drafts are a share of the cases: a page of them is found among a few pages' worth of
    # the schools' cases (in id order), never past all the sent ones.
    assert all(read < sent / 4 for read in rows_read(engine, first))
    assert all(read < sent / 4 for read in rows_read(engine, following))
    assert [case.id for case in pages["first"].rows] == drafts[:25]
    assert [case.id for case in pages["next"].rows] == drafts[25:]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_my_cases_by_school_go_on_by_cursor_reading_what_the_first_page_reads(filled, order):
    """Sorted by school, a user of several schools was paged by number only: Next from page
    N read N pages (and one) of every school (517 ms at page 400 with 1M cases, twenty
    schools). Next and Previous now seek school by school: the schools before the cursor's
    are left out, and each other is read from the cursor's row on, a page (and one) of it,
    as on the first page: deep in the list, Next reads no more than the first page did."""
    engine, people = filled
    query, deep, pages = {"sort": "school", "order": order}, 150, {}  # in the big school

    def list_cases(session, asked):
        user = _user(session, people.several_schools_user)
        args = my_cases.MY_CASES.read(asked, 25)
        return my_cases.list_cases(session, user, my_cases.CaseSearch.read(asked), args)

    def first(session):
        list_cases(session, query)

    def following(session):
        after = pages["deep"].next_after
        pages["next"] = list_cases(session, {**query, "page": str(deep + 1), "after": after})

    def back(session):
        before = pages["next"].previous_before
        pages["back"] = list_cases(session, {**query, "page": str(deep), "before": before})

    with Session(engine) as session:  # the pages by number, as one sort of them all gives
        pages["deep"] = list_cases(session, {**query, "page": str(deep)})
        by_number = list_cases(session, {**query, "page": str(deep + 1)})
    assert pages["deep"].next_after
    (bound,) = rows_read(engine, first)
    assert all(read <= 2 * bound for read in rows_read(engine, following))
    assert [case.id for case in pages["next"].rows] == [case.id for case in by_number.rows]
    assert all(read <= 2 * bound for read in rows_read(engine, back))
    assert [case.id for case in pages["back"].rows] == [case.id for case in pages["deep"].rows]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_a_page_of_my_cases_by_school_by_number_reads_its_school_only(filled, order):
    """A page by number (a link to page 150), sorted by school, for a user of several
    schools read as many rows of every school as the page's number asks for (214,000 rows
    for page 400 of twenty schools at 1M cases). The schools wholly before the page are
    counted (at most the page's offset, one by one), not read: only the school the page
    starts in is read, from its start to the page's end, and those after it from theirs."""
    engine, people = filled
    query, pages = {"sort": "school", "order": order, "page": "150"}, {}

    def list_cases(session):
        user = _user(session, people.several_schools_user)
        args = my_cases.MY_CASES.read(query, 25)
        pages["150"] = my_cases.list_cases(session, user, my_cases.CaseSearch.read({}), args)

    # The rows its scans of the cases kept: at 20,000 cases PostgreSQL may find a school's
    # cases in id order through the primary key, passing over the other schools' (its
    # choice at this size; at 1M cases it reads the school's index).
    read = rows_read(engine, list_cases, kept=True)
    with Session(engine) as session:
        user = _user(session, people.several_schools_user)
        args = my_cases.MY_CASES.read(query, 25)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(
            select(Case.id)
            .where(Case.school_id.in_(user.school_ids))
            .order_by(*args.order_by(my_cases.SORTS["school"]), newest)
            .offset(149 * 25)
            .limit(25)
        ).all()
    assert [case.id for case in pages["150"].rows] == expected
    assert all(rows <= 149 * 25 + 25 + 1 for rows in read)


@pytest.mark.parametrize("activity", ["Form Submitted", "Case completed"])
def test_the_queue_of_an_assignee_at_an_activity_reads_a_page_of_theirs(filled, activity):
    """The queue filtered by an assignee and an activity, as it opens (newest sent first),
    read every case of the assignee and every case at the activity and sorted the cases in
    both (87,000 and 27,000 index entries at 1M cases, for 25 shown). It now reads the
    assignee's cases at the activity in the order sent, through an index: a page (and one)
    of those of the officer's case types, and the next page likewise."""
    engine, people = filled
    query, pages = {"activity": activity, "assigned": "me"}, {}

    def first(session):
        pages["first"] = _queue(people, session, query)

    def following(session):
        after = {**query, "page": "2", "after": pages["first"].next_after}
        pages["next"] = _queue(people, session, after)

    with Session(engine) as session:
        theirs = session.execute(
            select(Case.case_type_id.in_(people.worked), Case.id)
            .where(
                Case.submitted_at.is_not(None),
                Case.assigned_to_id == people.officer,
                Case.activity_label == activity,
            )
            .order_by(Case.submitted_at.desc(), Case.id.desc())
        ).all()
    shown = [case_id for worked, case_id in theirs if worked]
    # Read in that order, the assignee's cases of other case types are passed over: no more
    # is read than up to the 51st of the officer's (two pages and one), of hundreds.
    bound = [n for n, (worked, _) in enumerate(theirs) if worked][50] + 1
    assert bound < len(theirs) / 3
    assert all(read <= bound for read in rows_read(engine, first))
    assert all(read <= bound for read in rows_read(engine, following))
    assert [case.id for case in pages["first"].rows] == shown[:25]
    assert [case.id for case in pages["next"].rows] == shown[25:50]


RARE = "early-years-census"  # raised by settings only: none of the filled cases


@pytest.fixture
def rare_cases(filled):
    """300 sent cases of a rare case type (1.5% of the cases), their changes spread over the
    same months as the others'; analysed, as autovacuum would. Removed afterwards."""
    engine, people = filled
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with Session(engine) as session:
        school_id = session.scalar(select(School.id).order_by(School.id))
        user_id = people.big_school_user
        for n in range(300):
            at = start + dt.timedelta(minutes=n * 450 + 3)
            session.add(
                Case(
                    reference=f"EDU-BENCH-EYC{n}",
                    school_id=school_id,
                    created_by_id=user_id,
                    case_type_id=RARE,
                    case_type_version=1,
                    case_type_name="Early years census",
                    service_name="Early years",
                    status="Active",
                    activity="notified",
                    activity_label="Notified",
                    created_at=at,
                    updated_at=at,
                    sent_updated_at=at,
                    submitted_at=at,
                )
            )
        session.commit()
    _analyse(engine)
    yield engine, people
    with Session(engine) as session:
        session.execute(Case.__table__.delete().where(Case.case_type_id == RARE))
        session.commit()
    _analyse(engine)


def _analyse(engine):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
        bare.exec_driver_sql("VACUUM ANALYZE cases")


@pytest.mark.parametrize("types", [(RARE,), ("rare and a common one",)], ids=["rare", "both"])
def test_the_api_changes_list_of_a_rare_case_type_reads_a_page_not_every_case(rare_cases, types):
    """A client of a rare case type polled the changes list through one index of every
    type's sent cases in the order of their changes, stepping over the others' cases (or
    sorted all of its type's) to fill a page. Each of its case types is now read through its
    own run of an index (case type, sent_updated_at, id) from the cursor on: a page (and one)
    of each, on the first page and the next, counted by EXPLAIN ANALYZE."""
    from types import SimpleNamespace

    from webapp.areas.api import listing

    engine, people = rare_cases
    allowed = [RARE] if types == (RARE,) else [RARE, people.worked[0]]
    client = SimpleNamespace(case_type_ids=allowed)
    pages = {}

    def first(session):
        pages["first"] = listing.list_cases(session, client, listing.CaseFilter(limit=50), 0)

    def following(session):
        after = listing.CaseFilter(limit=50, cursor=pages["first"][1])
        assert listing.list_cases(session, client, after, 0)[0]

    bound = (50 + 1) * len(allowed)
    assert all(read <= bound for read in rows_read(engine, first))
    rows, _cursor, more = pages["first"]
    assert more and len(rows) == 50
    with Session(engine) as session:  # the page one sort of all the client's cases gives
        expected = session.scalars(
            select(Case.id)
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(allowed))
            .order_by(Case.sent_updated_at, Case.id)
            .limit(50)
        ).all()
    assert [case.id for case in rows] == expected
    assert all(read <= bound for read in rows_read(engine, following))


@pytest.mark.parametrize("by", ["status", "activity"])
def test_the_api_changes_list_filtered_reads_a_page_of_the_filtered(filled, by):
    """Filtered by status or activity, the changes list read each case type's sent cases in
    the order of their changes and threw away those at other statuses or activities: 626,000
    rows (2.3 s) for a page of a rare activity at 1M cases. Each case type's cases at the
    status (or activity) are now read through their own run of an index in that order: a
    page (and one) of each, on the first page and the next, counted by EXPLAIN ANALYZE."""
    from types import SimpleNamespace

    from webapp.areas.api import listing

    engine, people = filled
    catalogue = load_catalogue("casetypes")
    workflow = catalogue.case_types[people.worked[0]].workflow
    wanted = (
        {"status": "Completed"} if by == "status" else {"activity": list(workflow.activities)[1]}
    )
    column = Case.status if by == "status" else Case.activity
    client = SimpleNamespace(case_type_ids=list(people.worked))
    app, pages = Flask(__name__), {}
    app.extensions["catalogue"] = catalogue

    def first(session):
        pages["first"] = listing.list_cases(session, client, listing.CaseFilter(**wanted), 0)

    def following(session):
        after = listing.CaseFilter(cursor=pages["first"][1], **wanted)
        pages["next"] = listing.list_cases(session, client, after, 0)

    bound = (50 + 1) * len(people.worked)
    with app.app_context():
        assert all(read <= bound for read in rows_read(engine, first))
        assert all(read <= bound for read in rows_read(engine, following))
    with Session(engine) as session:  # the pages one sort of all the client's cases gives
        expected = session.scalars(
            select(Case.id)
            .where(
                Case.submitted_at.is_not(None),
                Case.case_type_id.in_(people.worked),
                column == next(iter(wanted.values())),
            )
            .order_by(Case.sent_updated_at, Case.id)
            .limit(100)
        ).all()
    assert [case.id for case in pages["first"][0] + pages["next"][0]] == expected


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("held", [{"assigned": "nobody"}, {"school": "big"}], ids=repr)
def test_the_queue_sorted_by_what_a_filter_holds_reads_a_page(filled, held, order):
    """Filtered to nobody's cases (or one school's) and sorted by assignee (by school), the
    queue was read through the sort's index, passing over every other assignee's (school's)
    cases first: 350,000 rows (1.3 s) at 1M cases. Their values all alike, they are sorted
    by the tie-breaker alone, newest (or oldest) sent first: a page of them is found among
    the cases in that order, and the next page likewise, by cursor."""
    engine, people = filled
    (name,) = held
    query, pages = {**held, "sort": name if name == "school" else "assigned", "order": order}, {}
    with Session(engine) as session:
        big = session.scalar(select(School.id).order_by(School.id))
        if name == "school":
            query["school"] = big
        kept = Case.school_id == big if name == "school" else Case.assigned_to_id.is_(None)
        theirs = (Case.submitted_at.is_not(None), Case.case_type_id.in_(people.worked), kept)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(select(Case.id).where(*theirs).order_by(newest).limit(50)).all()
        matching = session.scalar(select(func.count()).select_from(Case).where(*theirs))

    def first(session):
        pages["first"] = _queue(people, session, query)

    def following(session):
        after = {**query, "page": "2", "after": pages["first"].next_after}
        pages["next"] = _queue(people, session, after)

    # A page (and one) of them, among the cases of the council's other case types in the
    # order sent: never all of them, nor every other assignee's (school's) before them.
    assert all(read < matching / 2 for read in rows_read(engine, first))
    assert all(read < matching / 2 for read in rows_read(engine, following))
    assert [case.id for case in pages["first"].rows] == expected[:25]
    assert [case.id for case in pages["next"].rows] == expected[25:]


@pytest.mark.parametrize("sort", ["reference", "case_type"])
def test_the_queue_at_an_activity_of_one_case_type_reads_only_that_type(filled, sort):
    """Filtered by an activity of one case type's workflow and sorted by reference (or case
    type), the queue read each of the officer's case types through its own run of the sort's
    index, and so every case of the types without the activity, to find none: 344,000 rows
    (2-3 s) at 1M cases. The types with a case at the activity are found first (a probe of an
    index each), and only theirs are read."""
    engine, people = filled
    with Session(engine) as session:
        label, case_type = session.execute(
            select(Case.activity_label, func.min(Case.case_type_id))
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(people.worked))
            .group_by(Case.activity_label)
            .having(func.count(Case.case_type_id.distinct()) == 1)
            .order_by(Case.activity_label)
            .limit(1)
        ).one()
        at = (Case.submitted_at.is_not(None), Case.activity_label == label)
        matching = session.scalar(select(func.count()).select_from(Case).where(*at))
        assert caseviewer.with_cases(session, set(people.worked), Case.activity_label == label) == {
            case_type
        }
    query, pages = {"activity": label, "sort": sort, "order": "desc"}, {}

    def first(session):
        pages["first"] = _queue(people, session, query)

    # No other case type's cases are read (at this size PostgreSQL finds each type's few at
    # the activity through another index; at 1M it read each type's run to its end), and at
    # most the cases at the activity are.
    others = set(people.worked) - {case_type}
    with statements_of(engine, first) as (session, sent):
        for statement in (s for s in sent if " cases" in s[0] and "ORDER BY" in s[0]):
            plan = plan_of(session, statement, "ANALYZE, TIMING OFF")
            assert cases_read(plan) <= matching + 26
            scanned = [str(n.get("Index Cond", "")) + str(n.get("Recheck Cond", "")) for n in
                       nodes(plan["Plan"])]  # fmt: skip
            assert not [other for other in others if any(other in cond for cond in scanned)]
    assert len(pages["first"].rows) == min(25, matching)
    assert {case.activity_label for case in pages["first"].rows} == {label}


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("status", ["Abandoned", "Completed"])
def test_the_queue_at_a_status_by_activity_reads_a_page_of_each_case_type(filled, status, order):
    """Filtered by a status and sorted by activity, the queue read each case type's cases in
    activity order and threw away those at other statuses; an activity has one status, so a
    status's cases lay together, far from the start for some: 220,000 rows (1.5 s) for the
    first page of abandoned cases at 1M cases. Each case type's cases at the status are read
    through their own run of an index (case type, status, activity): a page (and one) of
    each, on the first page and the next."""
    engine, people = filled
    query, pages = {"status": status, "sort": "activity", "order": order}, {}

    def first(session):
        pages["first"] = _queue(people, session, query)

    def following(session):
        after = {**query, "page": "2", "after": pages["first"].next_after}
        pages["next"] = _queue(people, session, after)

    bound = (25 + 3) * len(people.worked)  # as for the other sorts that follow the case type
    assert all(read <= bound for read in rows_read(engine, first))
    assert all(read <= bound for read in rows_read(engine, following))
    with Session(engine) as session:  # the pages one sort of all the officer's cases gives
        args = caseviewer.QUEUE.read(query, 25)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(
            select(Case.id)
            .where(
                Case.submitted_at.is_not(None),
                Case.case_type_id.in_(people.worked),
                Case.status == status,
            )
            .order_by(*args.order_by(caseviewer.SORTS["activity"]), newest)
            .limit(50)
        ).all()
    assert [case.id for case in pages["first"].rows + pages["next"].rows] == expected


def test_the_scanners_last_answer_is_read_from_an_index_not_every_file(filled):
    """While files wait for the virus scanner, the council admins' home page says when it
    last answered: the latest scanned_at of every file, read by a sequential scan of the
    attachments (300,000 rows, 87 ms, on each view at 1M cases). It is read from the end of
    an index of scanned_at: one row, whatever the number of files."""
    from webapp.domain import scanning
    from webapp.models import Attachment

    engine, people = filled
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with Session(engine) as session:
        case_ids = session.scalars(select(Case.id).order_by(Case.id).limit(3000)).all()
        for n, case_id in enumerate(case_ids):
            at = start + dt.timedelta(minutes=n)
            pending = n >= len(case_ids) - 3
            session.add(
                Attachment(
                    case_id=case_id,
                    field_key="evidence",
                    filename=f"letter-{n}.pdf",
                    kind="pdf",
                    content_type="application/pdf",
                    size=3,
                    data=b"pdf",
                    uploaded_by_id=people.big_school_user,
                    created_at=at,
                    scan_status=scanning.PENDING if pending else scanning.CLEAN,
                    scanned_at=None if pending else at,
                )
            )
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
        bare.exec_driver_sql("VACUUM ANALYZE attachments")
    try:
        found = {}

        def home_page(session):
            found["backlog"] = scanning.backlog(session)

        with statements_of(engine, home_page) as (session, sent):
            read = [
                sum(
                    n["Actual Rows"] * n["Actual Loops"] + n.get("Rows Removed by Filter", 0)
                    for n in nodes(plan_of(session, statement, "ANALYZE, TIMING OFF")["Plan"])
                    if n.get("Relation Name") == "attachments"
                )
                for statement in sent
            ]
        assert found["backlog"].waiting == 3
        assert found["backlog"].last_answer == start + dt.timedelta(minutes=len(case_ids) - 4)
        assert len(read) == 2 and all(rows <= 3 for rows in read)
    finally:
        with Session(engine) as session:
            session.execute(Attachment.__table__.delete())
            session.commit()


def test_the_hourly_purge_finds_old_drafts_without_reading_every_case(filled):
    """The retention purge (hourly, in the mail worker) looked for drafts untouched for
    months through an index of every case, school first, read end to end (6,400 pages, 80 ms,
    at 1M cases), and with many to delete loaded them all at once. It reads them oldest first,
    a batch at a time, through an index of the drafts by when last touched: here, an hour with
    none gone past reads a few pages of it, whatever the number of cases."""
    from webapp.domain import retention

    engine, _people = filled
    with Session(engine) as session:
        oldest = session.scalar(select(func.min(Case.updated_at)).where(Case.status == "Draft"))
        pages_of_cases = session.scalar(
            text("SELECT relpages FROM pg_class WHERE oid = 'cases'::regclass")
        )
    now = oldest + dt.timedelta(days=180)  # the oldest draft is not yet past (it is not <)

    def hourly(session):
        assert retention.purge(session, draft_days=180, now=now)["old drafts"] == 0

    with statements_of(engine, hourly) as (session, sent):
        (found,) = [s for s in sent if "FROM cases" in s[0] and s[0].startswith("SELECT")]
        plan = plan_of(session, found, "ANALYZE, BUFFERS, TIMING OFF")
    pages = plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
    assert pages <= 5 < pages_of_cases / 100


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_the_queue_at_an_activity_by_status_reads_a_page_of_each_case_type(filled, order):
    """Filtered by an activity and sorted by status, the queue read the index of every sent
    case by status and threw away those at other activities: 133,000 rows (0.4 s) for the
    first page at "Form Submitted" at 1M cases. Each case type's cases at the activity are
    read in status order through its own run of an index (case type, status, activity, id):
    a page (and one) of each, on the first page and the next."""
    engine, people = filled
    with Session(engine) as session:
        label = session.scalar(  # an activity of every case type the officer works
            select(Case.activity_label)
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(people.worked))
            .group_by(Case.activity_label)
            .having(func.count(Case.case_type_id.distinct()) == len(people.worked))
            .order_by(func.count().desc())
            .limit(1)
        )
    query, pages = {"activity": label, "sort": "status", "order": order}, {}

    def first(session):
        pages["first"] = _queue(people, session, query)

    def following(session):
        after = {**query, "page": "2", "after": pages["first"].next_after}
        pages["next"] = _queue(people, session, after)

    bound = (25 + 3) * len(people.worked)
    assert all(read <= bound for read in rows_read(engine, first))
    assert all(read <= bound for read in rows_read(engine, following))
    with Session(engine) as session:  # the pages one sort of all the officer's cases gives
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        status = Case.status.desc() if order == "desc" else Case.status.asc()
        expected = session.scalars(
            select(Case.id)
            .where(
                Case.submitted_at.is_not(None),
                Case.case_type_id.in_(people.worked),
                Case.activity_label == label,
            )
            .order_by(status, newest)
            .limit(50)
        ).all()
    assert [case.id for case in pages["first"].rows + pages["next"].rows] == expected


@pytest.mark.parametrize("sort", ["reference", "activity"])
def test_the_queue_of_a_setting_that_raises_one_case_type_reads_only_that_type(filled, sort):
    """Filtered by a nursery whose setting raises one of the officer's case types, and sorted
    by a column that follows the case type, the queue read every other type's run of the
    sort's index too (or every case of the nursery). Only the types with a sent case of the
    nursery (a probe each) are read."""
    engine, people = filled
    with Session(engine) as session:
        nursery = School(name="Zz Nursery", urn="EY000001", setting_type="early_years")
        session.add(nursery)
        session.flush()
        for n in range(40):
            at = dt.datetime(2024, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)
            session.add(
                Case(
                    reference=f"EDU-BENCH-NUR{n}",
                    school_id=nursery.id,
                    created_by_id=people.big_school_user,
                    case_type_id=people.worked[0],
                    case_type_version=1,
                    case_type_name="Nursery's",
                    service_name="Early years",
                    status="Active",
                    activity="sent",
                    activity_label="Sent",
                    created_at=at,
                    updated_at=at,
                    sent_updated_at=at,
                    submitted_at=at,
                )
            )
        session.commit()
        nursery_id = nursery.id
    _analyse(engine)
    try:
        query, pages = {"school": nursery_id, "sort": sort, "order": "desc"}, {}

        def first(session):
            pages["first"] = _queue(people, session, query)

        others = set(people.worked) - {people.worked[0]}
        with statements_of(engine, first) as (session, sent):
            for statement in (s for s in sent if " cases" in s[0] and "ORDER BY" in s[0]):
                plan = plan_of(session, statement, "ANALYZE, TIMING OFF")
                assert cases_read(plan) <= 40 + 26
                scanned = [str(n.get("Index Cond", "")) + str(n.get("Filter", "")) for n in
                           nodes(plan["Plan"])]  # fmt: skip
                assert not [other for other in others if any(other in c for c in scanned)]
        assert len(pages["first"].rows) == 25
        assert {case.school_id for case in pages["first"].rows} == {nursery_id}
    finally:
        with Session(engine) as session:
            session.execute(Case.__table__.delete().where(Case.school_id == nursery_id))
            session.execute(School.__table__.delete().where(School.id == nursery_id))
            session.commit()
        _analyse(engine)


def _a_term_the_statistics_hold(engine, people) -> str:
    """Part of a reference in ANALYZE's sample (the histogram of upper(reference)): PostgreSQL
    guesses that 1% of the cases hold it (200 here, 10,000 at 1M), however few do. Of a case
    each lister below lists: sent, at the big school, of a case type the officer works."""
    with Session(engine) as session:
        bounds = session.execute(
            text(
                "SELECT histogram_bounds::text::text[] FROM pg_stats WHERE schemaname ="
                " current_schema() AND tablename = 'ix_cases_reference_trgm'"
            )
        ).scalar()
        reference = session.scalar(
            select(Case.reference)
            .where(
                func.upper(Case.reference).in_(bounds[1:-1]),
                Case.submitted_at.is_not(None),
                Case.case_type_id.in_(people.worked),
                Case.school_id == select(func.min(School.id)).scalar_subquery(),
            )
            .order_by(Case.reference)
            .limit(1)
        )
    return reference[-8:-3]  # its case type's code and the first digits of its number


@pytest.mark.parametrize("who", ["several_schools_user", "big_school_user", "officer"])
def test_a_reference_search_reads_the_cases_it_finds_not_every_case_listed(filled, who):
    """The count and the page of a search read the cases whose reference holds it (through the
    trigram index, then each by its id), not the cases the list keeps to: guessing that many
    held it, PostgreSQL read an index of every case of the user's schools or the officer's case
    types with the trigrams to count them (245,000-626,000 entries at 1M), and those cases in
    the sort's order to find the page (200,000-700,000 rows, 2-4 s at 1M)."""
    engine, people = filled
    term = _a_term_the_statistics_hold(engine, people)
    with Session(engine) as session:
        found = session.scalar(
            select(func.count()).where(func.upper(Case.reference).contains(term))
        )
        listed = session.scalar(select(func.count()).select_from(Case))

    def search(session):
        if who == "officer":
            listing = _queue(people, session, {"reference": term})
        else:
            user = _user(session, getattr(people, who))
            args = my_cases.MY_CASES.read({"reference": term}, 25)
            listing = my_cases.list_cases(session, user, my_cases.CaseSearch(), args)
        assert 0 < listing.total <= found

    with statements_of(engine, search) as (session, sent):
        read = [
            cases_read(plan) + index_entries(plan)
            for statement in sent
            if " cases" in statement[0]
            for plan in [plan_of(session, statement, "ANALYZE, TIMING OFF")]
        ]
    # The trigrams' entries and rows, and a look-up by id of each (of each school, merged).
    assert found < 200 and listed == CASES
    assert max(read) <= 6 * found, (term, found, read)


# The indexes that hold the cases in order of their names (services): school by school (My
# cases), a case type's sent cases (the queue).
IN_NAME_ORDER = {
    "ix_cases_school_case_type_name": "case_type_name",
    "ix_cases_school_service_name": "service_name",
    "ix_cases_sent_type_name": "case_type_name",
}


def past_other_names(engine, run) -> list[str]:
    """The indexes in order of names (services) that the pages `run(session)` reads are read
    through without a name given: from the first name on, past every other name's cases."""
    found = []
    with statements_of(engine, run) as (session, sent):
        for statement in sent:
            if " cases" not in statement[0] or "ORDER BY" not in statement[0]:
                continue
            for node in nodes(plan_of(session, statement)["Plan"]):
                column = IN_NAME_ORDER.get(node.get("Index Name"))
                if column and column not in node.get("Index Cond", ""):
                    found.append(node["Index Name"])
    return found


def _middle_type(session: Session, school_ids) -> str:
    """Of the case types the schools' cases are of, the one whose name is in the middle: its
    cases lie beyond others' in name order either way."""
    names = session.execute(
        select(Case.case_type_name, Case.case_type_id)
        .where(Case.school_id.in_(school_ids))
        .distinct()
        .order_by(Case.case_type_name)
    ).all()
    return names[len(names) // 2][1]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", ["case_type", "service"])
@pytest.mark.parametrize("who", ["big_school_user", "several_schools_user"])
def test_my_cases_of_a_case_type_by_its_name_or_service_read_a_page(filled, who, sort, order):
    """Filtered by a case type and sorted by case type (or service), My cases was read through
    the index of (school, name, id), past every other name's cases before the type's
    (120,000-145,000 rows, 0.4-0.5 s, for a user of twenty schools at 1M cases). The type's
    cases all hold one name (and service), so they are sorted by the tie-breaker alone, read
    in an index's order with that name given (or in id order), the next page likewise."""
    engine, people = filled
    with Session(engine) as session:
        school_ids = _user(session, getattr(people, who)).school_ids
        case_type = _middle_type(session, school_ids)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        theirs = (Case.school_id.in_(school_ids), Case.case_type_id == case_type)
        expected = session.scalars(select(Case.id).where(*theirs).order_by(newest)).all()
    query, pages = {"case_type": case_type, "sort": sort, "order": order}, {}

    def list_cases(session, asked):
        user = _user(session, getattr(people, who))
        args = my_cases.MY_CASES.read(asked, 25)
        return my_cases.list_cases(session, user, my_cases.CaseSearch.read(asked), args)

    def first(session):
        pages["first"] = list_cases(session, query)

    def following(session):
        after = {**query, "page": "2", "after": pages["first"].next_after}
        pages["next"] = list_cases(session, after)

    for run in (first, following):
        assert past_other_names(engine, run) == []
        assert costly(engine, run) == []
    assert [case.id for case in pages["first"].rows] == expected[:25]
    assert [case.id for case in pages["next"].rows] == expected[25:50]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_the_queue_of_one_school_by_case_type_reads_a_page_of_each_type(filled, order):
    """Filtered to one school and sorted by case type, the queue read each of the officer's
    case types in name order, or sorted the school's cases (74,668 rows, 0.3 s, for the
    biggest school at 1M cases). Each type's cases all hold its one name: each type is read
    in id order through an index with that name given, a page (and one) of each, on the
    first page and the next."""
    engine, people = filled
    with Session(engine) as session:
        big = session.scalar(select(School.id).order_by(School.id))
        args = caseviewer.QUEUE.read({"sort": "case_type", "order": order}, 25)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(
            select(Case.id)
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(people.worked))
            .where(Case.school_id == big)
            .order_by(*args.order_by(caseviewer.SORTS["case_type"]), newest)
            .limit(50)
        ).all()
    query, pages = {"school": big, "sort": "case_type", "order": order}, {}

    def first(session):
        pages["first"] = _queue(people, session, query)

    def following(session):
        after = {**query, "page": "2", "after": pages["first"].next_after}
        pages["next"] = _queue(people, session, after)

    for run in (first, following):
        assert past_other_names(engine, run) == []
        assert costly(engine, run) == []
    assert [case.id for case in pages["first"].rows] == expected[:25]
    assert [case.id for case in pages["next"].rows] == expected[25:]


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", ["activity", "reference"])
def test_a_page_by_number_of_merged_runs_sorts_their_keys_not_their_cases(filled, sort, order):
    """A page by number of the queue read a case type at a time and merged (the biggest
    school's cases by activity, page 200 at 1M cases) took the offset and a page of every
    type's run with each case whole, its answers too: 47,000 cases of 2 KB sorted on disk,
    0.7-1.1 s, for 25. The runs now give each case's id and sort values only, merged and
    skipped, and the page's 25 cases are read by id: the same cases in the same order."""
    engine, people = filled
    with Session(engine) as session:
        big = session.scalar(select(School.id).order_by(School.id))
        args = caseviewer.QUEUE.read({"sort": sort, "order": order}, 25)
        newest = Case.id.desc() if order == "desc" else Case.id.asc()
        expected = session.scalars(
            select(Case.id)
            .where(Case.submitted_at.is_not(None), Case.case_type_id.in_(people.worked))
            .where(Case.school_id == big)
            .order_by(*args.order_by(caseviewer.SORTS[sort]), newest)
            .offset(50)
            .limit(25)
        ).all()
    query, pages, merged = {"school": big, "sort": sort, "order": order, "page": "3"}, {}, []

    def third(session):
        pages["third"] = _queue(people, session, query)

    with statements_of(engine, third) as (session, sent):
        for statement in sent:
            if " cases" in statement[0] and "UNION ALL" in statement[0]:
                plan = plan_of(session, statement, "VERBOSE")["Plan"]
                runs = [n for n in nodes(plan) if n["Node Type"].endswith("Append")]
                merged += [n for run in runs for child in run["Plans"] for n in nodes(child)]
    assert merged, "the page is merged from the case types' runs"
    whole = [n["Node Type"] for n in merged if any("answers" in c for c in n.get("Output", ()))]
    assert whole == []
    assert [case.id for case in pages["third"].rows] == expected


@pytest.mark.parametrize("who", ["several_schools_user", "big_school_user"])
def test_a_search_many_cases_hold_is_counted_through_the_trigrams(filled, who):
    """Whether a search finds more cases than a list counts (partitions.narrowed) is asked of
    the trigram index. Counted as constants, the cases holding a common part ("PTT", 91,000
    at 1M) were read through the unique index of references instead, from "EDU-ATTEND" on:
    701,450 entries for the first 10,001 holding it, 0.2-0.45 s before any page was read."""
    engine, people = filled
    term = "PAR"  # the part-time timetables' code: a ninth of the cases

    def search(session):
        user = _user(session, getattr(people, who))
        args = my_cases.MY_CASES.read({"reference": term}, 25)
        assert my_cases.list_cases(session, user, my_cases.CaseSearch(), args).total > 25

    probes = []
    with statements_of(engine, search) as (session, sent):
        for statement in sent:
            if " cases AS cases_1 " in statement[0] and "count(" in statement[0]:
                plan = plan_of(session, statement)["Plan"]
                probes.append([n.get("Index Name") for n in nodes(plan)])
    assert probes, "the search is counted in the whole table"
    assert [p for p in probes if "ix_cases_reference_trgm" not in p] == [], probes


def _a_term_the_queue_holds_none_of(engine, people) -> str:
    """Part of a reference that more than 100 cases hold (more than a list counts, with the
    cap at 100 as below) and no case of the officer's queue does."""
    with Session(engine) as session:
        rows = session.execute(select(Case.reference, Case.case_type_id)).all()
    whole, queued = Counter(), Counter()
    for reference, case_type_id in rows:
        parts = {reference[i : i + 4].upper() for i in range(len(reference) - 3)}
        whole.update(parts)
        if case_type_id in people.worked:
            queued.update(parts)
    return min(t for t, n in whole.items() if n > 100 and "-" not in t and not queued[t])


@pytest.mark.parametrize("page", ["1", "400"])
def test_a_search_many_cases_hold_and_the_queue_none_reads_no_page(filled, monkeypatch, page):
    """A search more cases hold than a list counts (partitions.narrowed gives up) that no case
    of the list holds: counted none, its page was still read, and PostgreSQL, guessing
    thousands held it, read every case of the officer's case types in the sort's order to
    find none (700,583 rows, 4-7 s at 1M cases, for "SC10" by an officer of the SEND team).
    A list counted empty is read no further."""
    engine, people = filled
    monkeypatch.setattr(web_listing, "COUNT_CAP", 100)
    term = _a_term_the_queue_holds_none_of(engine, people)

    def search(session):
        shown = _queue(people, session, {"reference": term, "page": page})
        assert (shown.rows, shown.total, shown.page, shown.pages) == ([], 0, 1, 1)

    with statements_of(engine, search) as (_session, sent):
        pages = [s for s, *_ in sent if " cases" in s and "ORDER BY" in s]
    assert pages == [], term


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_one_schools_queue_by_assignee_reads_that_schools_cases(filled, order):
    """One school's queue sorted by "Assigned to" on a page by number (page 400: a number
    link near a page reached by Next, or typed) was read through the index of every sent case
    by assignee, past every other school's before the school's own: 146,517 rows for page 400
    of the biggest school at 1M cases (0.7-1.3 s). An index holds each school's cases in that
    order (migration 0032): the school's are read, up to the page. At 20,000
    cases PostgreSQL rather sorts a school's few: told not to sort, as at 1M it chooses not
    to, it shows whether an index serves the order (for a small school: for the big one here
    it still reads every school's, as it did not at 1M)."""
    engine, people = filled
    with Session(engine) as session:
        chosen = session.scalar(select(School.id).order_by(School.id.desc()))  # a small one
        theirs = (
            Case.submitted_at.is_not(None),
            Case.case_type_id.in_(people.worked),
            Case.school_id == chosen,
        )
        last, first = Case.assignee_last_name, Case.assignee_first_name
        by = (
            [last, first, Case.id]
            if order == "asc"
            else [last.desc(), first.desc(), Case.id.desc()]
        )
        expected = session.scalars(
            select(Case.id).where(*theirs).order_by(*(c.nulls_last() for c in by)).limit(25)
        ).all()
        of_school = session.scalar(select(func.count()).where(*theirs[:1], theirs[2]))
        every = session.scalar(select(func.count()).where(theirs[0]))
    query = {"school": chosen, "sort": "assigned", "order": order, "page": "1"}
    shown = {}

    def listed(session):
        shown["page"] = _queue(people, session, query)

    with statements_of(engine, listed) as (session, sent):
        session.execute(text("SET LOCAL enable_sort = off"))
        read = [
            cases_read(plan_of(session, statement, "ANALYZE, TIMING OFF"))
            for statement in sent
            if " cases" in statement[0] and "ORDER BY" in statement[0]
        ]
    assert expected and [case.id for case in shown["page"].rows] == expected
    # The school's sent cases at most (those of other teams' case types left by a filter),
    # never every sent case (12,000 here).
    assert read and max(read) <= of_school < every / 3, (read, of_school, every)
