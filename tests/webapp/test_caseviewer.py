"""Caseviewer: council officers work the cases of their teams' case types — the queue, a case's
answers, files and timeline, the workflow, internal notes, assignment and the CSV export —
and see nothing else (another team's case, a draft: 404)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import itertools
import re
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.webapp.conftest import staff, text_of
from tests.webapp.helpers import (
    AGREEMENT,
    ARRANGEMENT,
    BORN,
    CHILD,
    PDF,
    PROVIDER,
    answer,
    date,
    errors_on,
    mails,
    start,
)
from webapp.cli import main
from webapp.infra import clock
from webapp.models import (
    Attachment,
    AuditEvent,
    Case,
    CaseEvent,
    CaseTypeVersion,
    OutboxMessage,
    Team,
    User,
)

PTT = "part-time-timetable"
_NUMBERS = itertools.count(9001)
FORMULA = '=HYPERLINK("http://evil.example/x","Click me")'


# ---- the council's people ----


@dataclass
class Council:
    olivia: User  # SEND team: part-time timetables
    sam: User  # SEND team too
    eve: User  # Early Years team: the census only


@pytest.fixture
def council(world, db_session) -> Council:
    def officer(email, first_name, last_name):
        details = {"first_name": first_name, "last_name": last_name, "job_title": "Case officer"}
        return staff(db_session, email, "officer", **details)

    people = Council(
        officer("olivia@council.example.org", "Olivia", "Okoro"),
        officer("sam@council.example.org", "Sam", "Singh"),
        officer("eve@council.example.org", "Eve", "Evans"),
    )
    db_session.add_all(
        [
            Team(
                name="SEND",
                case_type_ids=[PTT, "send-referral"],
                members=[people.olivia, people.sam],
            ),
            Team(name="Early Years", case_type_ids=["early-years-census"], members=[people.eve]),
        ]
    )
    db_session.commit()
    return people


# ---- cases ----


def submit_ptt(portal, child=None, agreement=None, providers=None) -> str:
    """A part-time timetable sent through the school's pages, as a browser would; reference."""
    reference, first = start(portal, PTT)
    pages = f"/cases/{reference}/pages"
    answer(portal, first, {**CHILD, **(child or {})})
    answer(portal, f"{pages}/arrangement", ARRANGEMENT)
    answer(portal, f"{pages}/provision", providers or PROVIDER)
    answer(
        portal,
        f"{pages}/agreement",
        {**AGREEMENT, **(agreement or {})},
        files={"signed_plan": ("signed plan.pdf", PDF)},
    )
    portal.get(f"/cases/{reference}/check-answers")
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    return reference


def stored_case(
    db_session,
    school,
    creator,
    case_type_id=PTT,
    status="Active",
    activity="review",
    label="Review details on the case in caseviewer",
    submitted_at=None,
    assigned_to=None,
) -> str:
    """A submitted case written straight to the database (quicker than the pages)."""
    case = Case(
        reference=f"EDU-TEST-X{next(_NUMBERS)}",
        school_id=school.id,
        created_by_id=creator.id,
        case_type_id=case_type_id,
        case_type_version=1,
        case_type_name={PTT: "Part-time timetable alternative provision notification to LA"}.get(
            case_type_id, case_type_id
        ),
        service_name="Test service",
        status=status,
        activity=activity,
        activity_label=label,
        answers={},
        submitted_at=submitted_at or dt.datetime.now(dt.UTC),
    )
    case.assign(assigned_to)
    db_session.add(case)
    db_session.commit()
    return case.reference


def case_row(db_session, reference) -> Case:
    return db_session.scalar(
        select(Case).where(Case.reference == reference).execution_options(populate_existing=True)
    )


def queue_refs(portal, **query) -> list[str]:
    page = portal.get("/caseviewer/", query_string=query).page
    return [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]


def take(portal, reference, action, note=None, expect=302, from_activity=None, db_session=None):
    """Press a transition's button on the case page (its form as shown), with a note."""
    page = portal.get(f"/caseviewer/cases/{reference}").page
    form = next(
        (
            f
            for f in page.select("form")
            if f.find("input", attrs={"name": "action", "value": action})
        ),
        None,
    )
    data = {"action": action}
    if form is not None:
        data["from_activity"] = form.find("input", attrs={"name": "from_activity"})["value"]
    elif db_session is not None:  # not offered: post it anyway, from where the case is
        data["from_activity"] = case_row(db_session, reference).activity
    if from_activity is not None:
        data["from_activity"] = from_activity
    if note is not None:
        data["note"] = note
    return portal.post(f"/caseviewer/cases/{reference}/transition", data, expect=expect)


def offered_actions(page) -> list[str]:
    return [i["value"] for i in page.select("input[name=action]")]


# ---- the queue ----


def test_the_queue_lists_submitted_cases_of_the_officers_case_types_only(
    sign_in, world, council, db_session
):
    school = sign_in(world.alice)
    sent = submit_ptt(school)
    draft, _ = start(school, PTT)
    census = stored_case(db_session, world.nursery, world.nina, "early-years-census")

    olivia = sign_in(council.olivia)
    page = olivia.get("/caseviewer/").page
    assert [th.get_text(strip=True) for th in page.select("thead th")] == [
        "Reference",
        "Case type",
        "School",
        "Submitted",
        "Current activity",
        "Status",
        "Assigned to",
    ]
    assert queue_refs(olivia) == [sent]
    row = [td.get_text(" ", strip=True) for td in page.select("tbody tr td")]
    assert row[1:3] == [
        "Part-time timetable alternative provision notification to LA",
        "Aylestone Primary School",
    ]
    assert row[4:] == ["Case Officers Notification", "Active", "Nobody"]
    assert "The cases sent to SEND" in text_of(page)
    nav = [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__link")]
    assert "Caseviewer" in nav

    eve = sign_in(council.eve)
    assert queue_refs(eve) == [census]
    # A draft, and a case of another team's type, are not there at all.
    for officer, reference in ((olivia, draft), (olivia, census), (eve, sent)):
        assert officer.client.get(f"/caseviewer/cases/{reference}").status_code == 404


def test_the_queue_filters_sorts_and_pages(app, sign_in, world, council, db_session):
    day = dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC)
    a1 = stored_case(db_session, world.school_a, world.alice, submitted_at=day)
    a2 = stored_case(
        db_session,
        world.school_a,
        world.alice,
        status="Completed",
        activity="completed",
        label="Case completed",
        submitted_at=day + dt.timedelta(days=2),
        assigned_to=council.olivia,
    )
    b1 = stored_case(
        db_session,
        world.school_b,
        world.bob,
        submitted_at=day + dt.timedelta(days=5),
        assigned_to=council.sam,
    )
    late = stored_case(
        db_session,
        world.school_b,
        world.bob,
        activity="notified",
        label="Case Officers Notification",
        submitted_at=dt.datetime(2026, 11, 20, 0, 30, tzinfo=dt.UTC),
    )
    olivia = sign_in(council.olivia)

    assert queue_refs(olivia) == [late, b1, a2, a1]  # newest first
    assert queue_refs(olivia, sort="submitted", order="asc") == [a1, a2, b1, late]
    assert queue_refs(olivia, school=world.school_b.id) == [late, b1]
    assert queue_refs(olivia, status="Completed") == [a2]
    assert queue_refs(olivia, activity="Case Officers Notification") == [late]
    assert queue_refs(olivia, case_type=PTT, status="Active") == [late, b1, a1]
    # Not theirs (an old link): left out, as the selects show it, not an empty list under
    # "All case types".
    assert queue_refs(olivia, case_type="early-years-census") == [late, b1, a2, a1]
    assert queue_refs(olivia, assigned="me") == [a2]
    assert queue_refs(olivia, assigned="nobody") == [late, a1]
    assert queue_refs(olivia, submitted_from="2026-11-12", submitted_to="2026-11-15") == [b1, a2]
    assert queue_refs(olivia, submitted_to="2026-11-19") == [b1, a2, a1]
    assert queue_refs(olivia, submitted_from="2026-11-20") == [late]
    assert queue_refs(olivia, sort="school", order="asc")[:2] == [a1, a2]
    assert queue_refs(olivia, sort="assigned", order="asc") == [a2, b1, a1, late]

    # Dates are UK days: 23:30 UTC on 1 July is 00:30 on 2 July in the UK (summer time).
    summer = stored_case(
        db_session,
        world.school_a,
        world.alice,
        submitted_at=dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC),
    )
    assert queue_refs(olivia, submitted_from="2026-07-02", submitted_to="2026-07-02") == [summer]
    assert queue_refs(olivia, submitted_from="2026-7-1", submitted_to="2026-07-01") == []

    page = olivia.get("/caseviewer/", query_string={"sort": "school", "order": "asc"}).page
    assert page.find("th", attrs={"aria-sort": "ascending"}).get_text(strip=True) == "School"
    # Every school or setting that may raise a case type the teams work (from the catalogue,
    # not from the cases: the nursery may send a SEND referral, though it has sent none).
    school_choices = [o.get_text() for o in page.select("#school option")]
    assert school_choices == [
        "All schools and settings",
        "Aylestone Primary School",
        "Beaumont Leys School",
        "Little Acorns Pre-School",
    ]

    # A date written wrongly is shown as an error and ignored; the rest still applies. (An
    # older link's date, as here, is read into GOV.UK's day, month and year boxes.)
    response = olivia.get(
        "/caseviewer/", query_string={"submitted_from": "31/02/2026", "status": "Completed"}
    )
    assert errors_on(response) == ["Submitted from must be a real date"]
    assert response.page.title.get_text().startswith("Error: ")
    assert len(response.page.select("tbody tr")) == 1
    response = olivia.get(
        "/caseviewer/", query_string={"submitted_from": "2026-11-20", "submitted_to": "2026-11-01"}
    )
    assert errors_on(response) == ["Submitted to must be the same as or after submitted from"]

    app.config["CASEVIEWER_PAGE_SIZE"] = 3
    first = olivia.get(
        "/caseviewer/", query_string={"status": "Active", "sort": "reference", "order": "asc"}
    ).page
    assert [r.select_one("td a").get_text() for r in first.select("tbody tr")] == [a1, b1, late]
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "status=Active" in next_link and "page=2" in next_link and "sort=reference" in next_link
    second = olivia.get(next_link).page
    assert [r.select_one("td a").get_text() for r in second.select("tbody tr")] == [summer]
    assert second.select_one(".govuk-pagination__prev a")
    assert not second.select_one(".govuk-pagination__next")


def test_a_filter_the_queue_does_not_offer_is_left_out_as_its_select_shows(
    sign_in, world, council, db_session
):
    """An old bookmark's case type the officer's teams no longer work, a school that is not
    offered, an activity none of their workflows has: the queue listed nothing ("No cases
    match these filters") while every select said "All…". Each is left out, as status and
    "Assigned to" already were: the list is what the filters show."""
    sent = stored_case(db_session, world.school_a, world.alice)
    olivia = sign_in(council.olivia)
    for query in (
        {"case_type": "early-years-census"},
        {"school": 999999},  # no such school (or one long closed)
        {"activity": "Census checked"},
    ):
        page = olivia.get("/caseviewer/", query_string=query).page
        rows = [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]
        assert rows == [sent], query
        (name,) = query
        chosen = page.select_one(f"select[name={name}] option[selected]")
        assert chosen is None or chosen["value"] == "", query
        assert "No cases match these filters" not in text_of(page)


def test_a_reference_read_out_with_spaces_is_found(sign_in, world, council, db_session):
    """The school reads "X 9001" on the phone and the officer types it as heard: no reference
    holds a space, and the queue said 'No cases match these filters'."""
    wanted = stored_case(db_session, world.school_a, world.alice)
    stored_case(db_session, world.school_b, world.bob)
    olivia = sign_in(council.olivia)
    heard = f"{wanted[-5:-4]} {wanted[-4:-2]} {wanted[-2:]}".lower()  # "x 90 01"
    assert queue_refs(olivia, reference=heard) == [wanted]
    assert queue_refs(olivia, reference=wanted.replace("-", " - ")) == [wanted]


def test_a_case_assigned_to_a_locked_officer_says_so(sign_in, world, council, db_session):
    """Sam leaves and his account is locked: his cases still read 'Sam Singh' in the queue
    and on their pages, as if he were working them, and nobody took them over."""
    reference = stored_case(db_session, world.school_a, world.alice, assigned_to=council.sam)
    sam = db_session.get(User, council.sam.id, populate_existing=True)
    sam.is_locked = True
    db_session.commit()
    olivia = sign_in(council.olivia)
    row = next(
        r for r in olivia.get("/caseviewer/").page.select("tbody tr") if reference in r.get_text()
    )
    assert text_of(row.select("td")[-1]) == "Sam Singh (account locked)"
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    details = text_of(page.select_one("#case-details"))
    assert "Assigned to Sam Singh (account locked)" in details


def test_the_queue_finds_a_case_by_part_of_its_reference(app, sign_in, world, council, db_session):
    """A school reads a reference out on the phone: the officer types part of it, in any case,
    and the queue's sort and page links keep it."""
    wanted = stored_case(db_session, world.school_a, world.alice)
    others = [stored_case(db_session, world.school_b, world.bob) for _ in range(3)]
    olivia = sign_in(council.olivia)
    page = olivia.get("/caseviewer/").page
    assert page.select_one("label[for=reference]").get_text(strip=True) == "Reference"

    assert queue_refs(olivia, reference=wanted[-5:].lower()) == [wanted]
    assert queue_refs(olivia, reference=f"  {wanted}  ") == [wanted]
    assert queue_refs(olivia, reference="EDU-TEST-X") == [*reversed(others), wanted]
    page = olivia.get("/caseviewer/", query_string={"reference": "NOSUCH"}).page
    assert "No cases match these filters" in text_of(page)

    # One or two characters: no index finds them (at 1M cases "ZZ" read every case for 6 s):
    # the officer is asked for three, and the queue stays unsearched.
    page = olivia.get("/caseviewer/", query_string={"reference": "zz"}).page
    assert page.select_one(".govuk-error-summary a[href='#reference']").get_text(strip=True) == (
        "Enter at least 3 characters of the reference"
    )
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one("#reference")["value"] == "zz"
    assert len(page.select("tbody tr")) == 4
    assert text_of(page.select_one("[role=status]")) == (
        "“zz” is too short to search for, so the reference was not searched: 4 cases in all"
    )
    page = olivia.get("/caseviewer/", query_string={"reference": "zz", "status": "Active"}).page
    assert text_of(page.select_one("[role=status]")) == (
        "“zz” is too short to search for, so the reference was not searched:"
        " 4 cases found by the other filters"
    )

    app.config["CASEVIEWER_PAGE_SIZE"] = 2
    page = olivia.get("/caseviewer/", query_string={"reference": "t-x"}).page
    assert page.select_one("#reference")["value"] == "t-x"
    assert "reference=t-x" in page.select_one(".govuk-pagination__next a")["href"]
    assert "reference=t-x" in page.select_one("a.app-sort-link")["href"]


def test_the_queue_shows_the_cases_assigned_to_a_colleague(sign_in, world, council, db_session):
    """A team leader shares out the week's cases and checks what Sam has: "Assigned to" offers
    the officer's team colleagues; anyone else's id is no filter at all."""
    sams = stored_case(db_session, world.school_a, world.alice, assigned_to=council.sam)
    mine = stored_case(db_session, world.school_a, world.alice, assigned_to=council.olivia)
    nobodys = stored_case(db_session, world.school_b, world.bob)
    olivia = sign_in(council.olivia)
    page = olivia.get("/caseviewer/").page
    choices = [o.get_text() for o in page.select("#assigned option")]
    assert choices == ["Anyone or nobody", "Me", "Nobody", "Sam Singh"]

    assert queue_refs(olivia, assigned=str(council.sam.id)) == [sams]
    page = olivia.get("/caseviewer/", query_string={"assigned": council.sam.id}).page
    assert page.select_one("#assigned option[selected]").get_text() == "Sam Singh"
    assert queue_refs(olivia, assigned=str(council.eve.id)) == [nobodys, mine, sams]


def test_back_from_a_case_returns_to_the_queue_as_the_officer_left_it(
    sign_in, world, council, db_session
):
    """Filtered, sorted and on page 2, the officer opens a case, moves it on and goes Back:
    the queue is as they left it, not its first page of every case."""
    reference = stored_case(db_session, world.school_b, world.bob, activity="notified")
    olivia = sign_in(council.olivia)
    query = {"school": str(world.school_b.id), "status": "Active", "sort": "school", "page": "2"}
    olivia.get("/caseviewer/", query_string=query)

    def back_link():
        page = olivia.get(f"/caseviewer/cases/{reference}").page
        href = page.select_one(".govuk-back-link")["href"]
        path, _, kept = href.partition("?")
        return path, dict(pair.split("=") for pair in kept.split("&"))

    assert back_link() == ("/caseviewer/", query)
    take(olivia, reference, "Start review")
    assert back_link() == ("/caseviewer/", query)  # after an action too
    olivia.get("/caseviewer/")  # the whole queue again: Back goes there
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert page.select_one(".govuk-back-link")["href"] == "/caseviewer/"


def test_the_queue_and_a_case_cost_the_same_whatever_the_number_of_teams(
    app, sign_in, world, council, db_session
):
    """The colleagues in "Assigned to" and "Assign to a colleague" are read with their teams
    in a fixed number of queries: each team's members read one query at a time made the queue
    and every case page slower with each team the council added; and the queue reads the
    officer's teams once a request (it read them four times)."""
    from tests.webapp.test_lean_requests import statements_sent

    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)

    def selects() -> tuple[int, int]:
        with statements_sent(app) as on_queue:
            olivia.get("/caseviewer/")
        with statements_sent(app) as on_case:
            olivia.get(f"/caseviewer/cases/{reference}")
        return on_queue.count("SELECT"), on_case.count("SELECT")

    before = selects()
    # The queue reads the officer's teams once (their case types, colleagues and names all
    # come from that one read), not once for each thing it shows.
    with statements_sent(app, whole=True) as on_queue:
        olivia.get("/caseviewer/")
    assert len([s for s in on_queue if re.search(r"\bFROM teams\b", s)]) == 1, on_queue
    for n in range(5):
        details = {"first_name": "Pat", "last_name": f"Team{n}", "job_title": "Case officer"}
        person = staff(db_session, f"pat{n}@council.example.org", "officer", **details)
        works = [PTT] if n % 2 else ["early-years-census"]
        db_session.add(
            Team(
                name=f"Area {n}", case_type_ids=works, members=[person, council.olivia][: 1 + n % 2]
            )
        )
    db_session.commit()
    assert selects() == before


def _walk_queue(portal, **query) -> tuple[list[list[str]], list[list[str]]]:
    """The queue's pages from the first by Next, then back by Previous: each page's references."""

    def refs(page):
        return [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]

    pages = [portal.get("/caseviewer/", query_string=query).page]
    while link := pages[-1].select_one(".govuk-pagination__next a"):
        pages.append(portal.get(link["href"]).page)
    back = [pages[-1]]
    while link := back[-1].select_one(".govuk-pagination__prev a"):
        back.append(portal.get(link["href"]).page)
    return [refs(p) for p in pages], [refs(p) for p in back]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_the_queue_by_assignee_pages_by_cursor_through_to_nobodys_cases(
    app, sign_in, world, council, db_session, order
):
    """Sorted by "Assigned to", Next and Previous carry a cursor (not a page number) from the
    assigned cases into the unassigned ones, last whichever the order, and back again;
    renaming an officer moves their cases."""
    made = {}
    for name, who in [("o1", "olivia"), ("n1", None), ("s1", "sam"), ("o2", "olivia")]:
        officer = getattr(council, who) if who else None
        made[name] = stored_case(db_session, world.school_a, world.alice, assigned_to=officer)
    for name in ("n2", "n3"):
        made[name] = stored_case(db_session, world.school_b, world.bob)
    app.config["CASEVIEWER_PAGE_SIZE"] = 2
    olivia = sign_in(council.olivia)
    named = ["o1", "o2", "s1"] if order == "asc" else ["s1", "o2", "o1"]  # Okoro, Singh
    nobody = ["n1", "n2", "n3"] if order == "asc" else ["n3", "n2", "n1"]
    expected = [made[n] for n in named + nobody]

    pages, back = _walk_queue(olivia, sort="assigned", order=order)
    assert [ref for page in pages for ref in page] == expected
    assert back == pages[::-1]
    second = olivia.get("/caseviewer/", query_string={"sort": "assigned", "order": order}).page
    assert "after=" in second.select_one(".govuk-pagination__next a")["href"]

    with app.app_context():
        from webapp.domain import accounts
        from webapp.infra.database import db, transaction

        session = db()
        sam = session.get(User, council.sam.id)
        with transaction(session):
            accounts.update_details(session, None, sam, {"last_name": "Abbott"})
    renamed = ["s1", "o1", "o2"] if order == "asc" else ["o2", "o1", "s1"]
    pages, _back = _walk_queue(olivia, sort="assigned", order=order)
    assert [ref for page in pages for ref in page] == [made[n] for n in renamed + nobody]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_rename_while_an_officer_is_being_assigned_is_not_lost(
    app, world, council, db_session, database_url
):
    """Found by review: the assignment read the officer's name when the request loaded him, so
    a rename committed in between left the old name on the case (the queue sorts by it)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from webapp.domain import accounts, workflow

    reference = stored_case(db_session, world.school_a, world.alice)
    engine = create_engine(database_url)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        with app.app_context(), sessions() as assigning, sessions() as renaming:
            sam = assigning.get(User, council.sam.id)  # "Assign to me" has loaded Sam
            case = assigning.scalar(select(Case).where(Case.reference == reference))
            accounts.update_details(
                renaming, None, renaming.get(User, council.sam.id), {"last_name": "Abbott"}
            )
            renaming.commit()  # an admin renames him meanwhile
            workflow.assign(assigning, case, sam, sam)
            assigning.commit()
    finally:
        engine.dispose()
    db_session.expire_all()
    stored = db_session.scalar(select(Case).where(Case.reference == reference))
    assert (stored.assignee_first_name, stored.assignee_last_name) == ("Sam", "Abbott")


# ---- a case ----


def test_the_case_page_shows_answers_files_and_timeline_and_audits_the_view(
    sign_in, world, council, db_session
):
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    text = text_of(page)
    assert page.h1.get_text(strip=True) == reference
    for shown in (
        "Jordan",
        "Miles",
        "Oak Tree Learning Centre",
        "Monday morning",
        "About the child",
        "Alternative provision",
        "Aylestone Primary School",
    ):
        assert shown in text
    timeline = text_of(page.select_one(".app-timeline"))
    assert "Draft started by Alice Tester" in timeline
    assert "Case submitted by Alice Tester" in timeline
    assert "Notify case officers (automatic)" in timeline
    assert "Now at: Case Officers Notification" in timeline
    assert offered_actions(page) == ["Start review", "Abandon case"]

    link = page.find("a", string="signed plan.pdf")
    response = olivia.client.get(link["href"])
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    viewed = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "case_viewed"))
    assert viewed.actor_id == council.olivia.id and viewed.school_id == world.school_a.id
    assert viewed.detail == {"reference": reference}


def test_a_case_shows_against_the_definition_version_it_was_sent_with(
    app, sign_in, world, council, db_session
):
    reference = submit_ptt(sign_in(world.alice))
    older = copy.deepcopy(app.extensions["catalogue"].get(PTT).definition)
    older["version"] = 7  # any version other than the current one's (1)
    older["pages"][0]["fields"][0]["label"] = "Child's first name (older form)"
    db_session.add(CaseTypeVersion(case_type_id=PTT, version=7, definition=older))
    case_row(db_session, reference).case_type_version = 7
    db_session.commit()

    olivia = sign_in(council.olivia)
    text = text_of(olivia.get(f"/caseviewer/cases/{reference}").page)
    assert "Child's first name (older form) Jordan" in text
    assert "version 7 of the form" in text
    # The export has one layout for every case: the current definition's questions.
    export = olivia.client.get(f"/caseviewer/export/{PTT}.csv").data.decode("utf-8-sig")
    header, row = csv.reader(io.StringIO(export))
    assert "First name" in header and "Child's first name (older form)" not in header
    assert row[header.index("First name")] == "Jordan"


def test_the_export_keeps_answers_to_questions_the_current_version_no_longer_asks(
    app, sign_in, world, council, db_session
):
    """A case sent on an earlier version answered a question the form has since dropped: the
    officer's spreadsheet still has that answer, in a column saying it is no longer asked."""
    reference = submit_ptt(sign_in(world.alice))
    newer = submit_ptt(sign_in(world.alice))
    older = copy.deepcopy(app.extensions["catalogue"].get(PTT).definition)
    older["version"] = 7
    dropped = {"id": "previous_school", "type": "text", "label": "Previous school"}
    older["pages"][0]["fields"].append(dropped)
    db_session.add(CaseTypeVersion(case_type_id=PTT, version=7, definition=older))
    case = case_row(db_session, reference)
    case.case_type_version = 7
    case.sent_answers = {**case.sent_answers, "previous_school": "Ash Field Academy"}
    db_session.commit()

    olivia = sign_in(council.olivia)
    assert "Ash Field Academy" in text_of(olivia.get(f"/caseviewer/cases/{reference}").page)
    export = olivia.client.get(f"/caseviewer/export/{PTT}.csv").data.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(export))
    column = header.index("Previous school (no longer asked)")
    assert header[-1] == "Warnings the school acknowledged"
    by_reference = {row[0]: row for row in rows}
    assert by_reference[reference][column] == "Ash Field Academy"
    assert by_reference[newer][column] == ""
    assert by_reference[reference][header.index("First name")] == "Jordan"


def test_the_export_reads_each_dropped_answer_as_its_own_version_asked_it(
    app, sign_in, world, council, db_session
):
    """Two kept versions asked a since-dropped question differently (free text in version 6,
    a date in version 7): each case's answer is shown as the version it was sent on asked it,
    not read as the newer version's date (which failed the whole download mid-way)."""
    old_ref, new_ref = submit_ptt(sign_in(world.alice)), submit_ptt(sign_in(world.alice))
    current = app.extensions["catalogue"].get(PTT).definition
    for version, field, answer_ in (
        (6, {"id": "left_on", "type": "text", "label": "Left"}, "Before Easter"),
        (7, {"id": "left_on", "type": "date", "label": "Left"}, "2026-03-27"),
    ):
        older = copy.deepcopy(current)
        older["version"] = version
        older["pages"][0]["fields"].append(field)
        db_session.add(CaseTypeVersion(case_type_id=PTT, version=version, definition=older))
        case = case_row(db_session, old_ref if version == 6 else new_ref)
        case.case_type_version = version
        case.sent_answers = {**case.sent_answers, "left_on": answer_}
    db_session.commit()

    olivia = sign_in(council.olivia)
    export = olivia.client.get(f"/caseviewer/export/{PTT}.csv").data.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(export))
    column = header.index("Left (no longer asked)")
    by_reference = {row[0]: row[column] for row in rows}
    assert by_reference == {old_ref: "Before Easter", new_ref: "27 March 2026"}


def test_a_kept_definition_that_todays_checks_refuse_still_shows_and_works_its_cases(
    app, sign_in, world, council, db_session
):
    """A version deployed before a check was added to the engine (here: patterns are RE2's,
    without look-ahead) keeps serving the cases sent with it: nothing to mend, nothing lost."""
    reference = submit_ptt(sign_in(world.alice))
    older = copy.deepcopy(app.extensions["catalogue"].get(PTT).definition)
    older["version"] = 7
    older["pages"][0]["fields"][0]["pattern"] = "(?=[A-Z])[A-Za-z' -]+"  # E104 today
    db_session.add(CaseTypeVersion(case_type_id=PTT, version=7, definition=older))
    case_row(db_session, reference).case_type_version = 7
    db_session.commit()

    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert "Jordan" in text_of(page) and "version 7 of the form" in text_of(page)
    take(olivia, reference, "Start review")
    alice = sign_in(world.alice)
    assert "Jordan" in text_of(alice.get(f"/cases/{reference}/view").page)
    assert alice.get(f"/cases/{reference}/pdf").mimetype == "application/pdf"


def test_assign_to_me_and_unassign(sign_in, world, council, db_session):
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert page.find("button", string=re.compile("Assign to me"))
    olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": "me"}, expect=302)
    assigned = case_row(db_session, reference)
    assert assigned.assigned_to_id == council.olivia.id
    assert mails(db_session, None, "case_assigned") == []  # nobody to tell: she took it
    # ...with the name the queue sorts by
    assert (assigned.assignee_last_name, assigned.assignee_first_name) == ("Okoro", "Olivia")
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert f"{reference} is now assigned to you" in text_of(page)
    assert page.find("button", string=re.compile("Unassign"))
    assert queue_refs(olivia, assigned="me") == [reference]

    sam = sign_in(council.sam)
    assert "Olivia Okoro" in text_of(sam.get("/caseviewer/").page)
    olivia.post(
        f"/caseviewer/cases/{reference}/assign",
        {"to": "nobody", "from_assignee": str(council.olivia.id)},  # as her page now shows it
        expect=302,
    )
    unassigned = case_row(db_session, reference)
    assert (unassigned.assigned_to_id, unassigned.assignee_last_name) == (None, None)
    olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": "sam"}, expect=400)
    school_view = text_of(sign_in(world.alice).get(f"/cases/{reference}/view").page)
    assert "Assigned" not in school_view and "Olivia" not in school_view


def test_assign_to_a_colleague_of_the_teams_that_work_the_case_type(
    sign_in, world, council, db_session
):
    """Olivia gives a case to Sam (her SEND team): Eve (Early Years) is not offered, nor
    taken when her id is sent."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert page.select_one("label[for=assign-to]").get_text(strip=True) == "Assign to a colleague"
    # Nobody is chosen until she chooses: Assign pressed at the prompt says so, and assigns none.
    assert [o.get_text() for o in page.select("#assign-to option")] == [
        "Choose a colleague",
        "Sam Singh",
    ]
    unchosen = olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": ""}, expect=400)
    assert errors_on(unchosen) == ["Choose the colleague to assign the case to"]
    assert unchosen.page.select_one("#assign-to-error") is not None
    assert case_row(db_session, reference).assigned_to_id is None

    olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": str(council.eve.id)}, expect=400)
    assert case_row(db_session, reference).assigned_to_id is None
    olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": str(council.sam.id)}, expect=302)
    assert case_row(db_session, reference).assigned_to_id == council.sam.id
    # Sam is told by email: who gave it, its reference and a link, none of its answers.
    [told] = mails(db_session, None, "case_assigned")
    assert told.to_address == council.sam.email
    assert told.subject == f"{reference} has been assigned to you"
    assert "Olivia Okoro has assigned case" in told.body
    assert f"https://portal.example.org/caseviewer/cases/{reference}" in told.body
    for answered in ("Jordan", "Miles", "Y856200124123", "Oak Tree", "Happy with mornings"):
        assert answered not in told.body
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert f"{reference} is now assigned to Sam Singh" in text_of(page)
    assert not page.select_one("#assign-to")  # nobody else to give it to
    # Sent again from the page that showed nobody: refused, and no second email.
    olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": str(council.sam.id)}, expect=409)
    assert len(mails(db_session, None, "case_assigned")) == 1
    sam = sign_in(council.sam)
    assert queue_refs(sam, assigned="me") == [reference]
    timeline = text_of(sam.get(f"/caseviewer/cases/{reference}").page)
    assert "Assigned to Sam Singh" in timeline


def test_a_colleague_locked_while_the_page_was_open_is_a_problem_on_the_form(
    sign_in, world, council, db_session
):
    """Olivia opens the case; Sam's account is locked meanwhile; she chooses Sam. She used to get
    a bare 400 page; now the case page says why, on the colleagues' list, and Sam is neither
    given the case nor emailed."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{reference}")
    sam = db_session.get(User, council.sam.id, populate_existing=True)
    sam.is_locked = True
    db_session.commit()
    refused = olivia.post(
        f"/caseviewer/cases/{reference}/assign", {"to": str(council.sam.id)}, expect=400
    )
    assert errors_on(refused) == [
        "The colleague you chose cannot be given this case now (their account is locked, or "
        "they no longer work this case type). Choose someone else"
    ]
    # Nobody is left to choose: the summary leads to the rest of what she can do.
    link = refused.page.select_one(".govuk-error-summary__list a")["href"]
    assert refused.page.select_one(link) is not None and not refused.page.select("#assign-to")
    assert case_row(db_session, reference).assigned_to_id is None
    assert mails(db_session, None, "case_assigned") == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_a_case_assigned_meanwhile_is_a_problem_on_the_case_page(
    sign_in, world, council, db_session, monkeypatch
):
    """Olivia presses Assign to me as Sam takes the case: her assignment finds the case changed
    under it. She was sent back to the page with a banner; now the case page says so in its
    error summary (linked to who has the case now), and Sam keeps it."""
    from webapp.domain import workflow

    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{reference}")
    assign = workflow.assign

    def sam_first(session, case, officer, actor):
        taken = case_row(db_session, reference)  # Sam's request, committed just before hers
        taken.assign(db_session.get(User, council.sam.id))
        db_session.commit()
        assign(session, case, officer, actor)

    monkeypatch.setattr(workflow, "assign", sam_first)
    response = olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": "me"}, expect=409)
    assert response.page.title.get_text().startswith("Error: ")
    assert errors_on(response) == [
        "This case has changed since you opened it: it is assigned to Sam Singh now. Nothing "
        "was changed: try again if you still need to"
    ]
    link = response.page.select_one(".govuk-error-summary__list a")["href"]
    assert link == "#case-details"
    assert "Assigned to Sam Singh" in text_of(response.page.select_one(link))
    assert case_row(db_session, reference).assigned_to_id == council.sam.id


def _seen_assignee(page) -> str:
    """Whom the case page shows the case assigned to, as its assignment forms send it (all
    alike; "" for nobody, or from a page that does not say)."""
    seen = {i["value"] for i in page.select("form input[name=from_assignee]")} or {""}
    assert len(seen) == 1, seen
    return seen.pop()


def _taken_by_sam_meanwhile(sign_in, council, reference) -> None:
    """Sam presses Assign to me on his own, fresh, page of the case."""
    sam = sign_in(council.sam)
    seen = _seen_assignee(sam.get(f"/caseviewer/cases/{reference}").page)
    sam.post(
        f"/caseviewer/cases/{reference}/assign", {"to": "me", "from_assignee": seen}, expect=302
    )


SAM_HAS_IT = (
    "This case has changed since you opened it: it is assigned to Sam Singh now. Nothing was "
    "changed: try again if you still need to"
)


@pytest.mark.parametrize("to", ["me", "colleague"])
def test_assigning_from_a_page_opened_before_a_colleague_took_the_case_is_refused(
    sign_in, world, council, db_session, to
):
    """Found by review: Olivia opened an unassigned case; Sam took it; her Assign to me (or
    Assign to Tom) from that page then took it from Sam without a word, as the form did not say
    whom she saw it assigned to. Now it does (as a transition says where the case was), and
    the case page refuses it in its error summary, naming who has the case now."""
    tom = staff(db_session, "tom@council.example.org", "officer", first_name="Tom")
    send = db_session.scalar(select(Team).where(Team.name == "SEND"))
    send.members.append(tom)
    db_session.commit()
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = _seen_assignee(page)
    assert seen == ""  # nobody
    _taken_by_sam_meanwhile(sign_in, council, reference)

    chosen = {"me": "me", "colleague": str(tom.id)}[to]
    refused = olivia.post(
        f"/caseviewer/cases/{reference}/assign", {"to": chosen, "from_assignee": seen}, expect=409
    )
    assert refused.page.title.get_text().startswith("Error: ")
    assert errors_on(refused) == [SAM_HAS_IT]
    link = refused.page.select_one(".govuk-error-summary__list a")["href"]
    assert "Assigned to Sam Singh" in text_of(refused.page.select_one(link))
    stored = case_row(db_session, reference)
    assert stored.assigned_to_id == council.sam.id
    assert [m.to_address for m in mails(db_session, None, "case_assigned")] == []  # Tom: never
    assert "Assigned to Olivia" not in text_of(refused.page)  # nor on the timeline
    # The page she is given shows Sam: taking it from him now is her informed choice.
    seen = _seen_assignee(refused.page)
    assert seen == str(council.sam.id)
    olivia.post(
        f"/caseviewer/cases/{reference}/assign", {"to": "me", "from_assignee": seen}, expect=302
    )
    assert case_row(db_session, reference).assigned_to_id == council.olivia.id


def test_unassign_from_a_page_opened_before_a_colleague_took_the_case_is_refused(
    sign_in, world, council, db_session
):
    """Olivia's page shows the case as hers (Unassign); Sam takes it meanwhile. Her Unassign
    used to leave the case with nobody, Sam's work unseen in the queue; now it is refused."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{reference}")
    olivia.post(f"/caseviewer/cases/{reference}/assign", {"to": "me"}, expect=302)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert page.find("button", string=re.compile("Unassign"))
    seen = _seen_assignee(page)
    _taken_by_sam_meanwhile(sign_in, council, reference)

    refused = olivia.post(
        f"/caseviewer/cases/{reference}/assign", {"to": "nobody", "from_assignee": seen}, expect=409
    )
    assert case_row(db_session, reference).assigned_to_id == council.sam.id
    assert errors_on(refused) == [SAM_HAS_IT]
    assert seen == str(council.olivia.id)  # as her page said
    assert queue_refs(sign_in(council.sam), assigned="me") == [reference]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_two_officers_pressing_assign_to_me_at_once_one_gets_it_and_the_other_is_told(
    sign_in, world, council, db_session, monkeypatch
):
    """Olivia and Sam, both on the page showing nobody, press Assign to me at the same moment.
    Sam's request is made to finish first and Olivia's to read the case only after it (the
    order in which the row version cannot help: she reads the case as Sam left it). She used
    to take the case from him; now she is told he has it."""
    from tests.webapp.test_concurrency import run_together
    from webapp.areas.caseviewer import services

    reference = submit_ptt(sign_in(world.alice))
    olivia, sam = sign_in(council.olivia), sign_in(council.sam)
    seen = [_seen_assignee(p.get(f"/caseviewer/cases/{reference}").page) for p in (olivia, sam)]
    sams_done = threading.Event()
    assign_case, case_for_officer = services.assign_case, services.case_for_officer

    def sams_first(session, case, officer, *args):
        try:
            return assign_case(session, case, officer, *args)
        finally:
            sams_done.set()

    def olivia_after(session, officer, reference):
        if officer.id == council.olivia.id:
            assert sams_done.wait(timeout=30), "Sam's request never finished"
        return case_for_officer(session, officer, reference)

    monkeypatch.setattr(services, "assign_case", sams_first)
    monkeypatch.setattr(services, "case_for_officer", olivia_after)
    path = f"/caseviewer/cases/{reference}/assign"
    olivias, sams = run_together(
        2, lambda i: (olivia, sam)[i].post(path, {"to": "me", "from_assignee": seen[i]})
    )
    assert (olivias.status_code, sams.status_code) == (409, 302)
    assert errors_on(olivias) == [SAM_HAS_IT]
    assert case_row(db_session, reference).assigned_to_id == council.sam.id


def test_a_case_walks_its_whole_workflow_to_completed_and_the_school_is_told(
    sign_in, world, council, db_session
):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    olivia = sign_in(council.olivia)

    take(olivia, reference, "Start review")
    assert case_row(db_session, reference).activity == "review"
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert "The case is now at ‘Review details on the case in caseviewer’" in text_of(page)
    assert offered_actions(page) == ["Request more information", "Complete case", "Abandon case"]
    take(olivia, reference, "Complete case", note="Plan agreed with the school.")

    case = case_row(db_session, reference)
    assert (case.status, case.activity, case.activity_label) == (
        "Completed",
        "completed",
        "Case completed",
    )
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert offered_actions(page) == []
    assert "There is nothing more to do with this case" in text_of(page)
    timeline = text_of(page.select_one(".app-timeline"))
    assert "Complete case by Olivia Okoro" in timeline
    assert "Start review by Olivia Okoro" in timeline
    assert "Plan agreed with the school." in timeline

    mine = alice.get("/my-cases").page
    row = next(r for r in mine.select("tbody tr") if reference in r.get_text())
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[-2:] == ["Case completed", "Completed"]
    assert "Plan agreed with the school." in text_of(alice.get(f"/cases/{reference}/view").page)

    [mail] = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "case_update", OutboxMessage.to_address == world.alice.email
        )
    )
    assert reference in mail.subject and "Case completed" in mail.subject
    assert f"/cases/{reference}/view" in mail.body
    for child_data in ("Jordan", "Miles", "Y856200124123", "Plan agreed"):
        assert child_data not in mail.subject + mail.body
    # Officers heard of the new case (the workflow's system step emails them).
    told = db_session.scalars(
        select(OutboxMessage.to_address).where(
            OutboxMessage.kind == "case_update", OutboxMessage.to_address.like("%council%")
        )
    ).all()
    assert sorted(told) == ["olivia@council.example.org", "sam@council.example.org"]


def test_transitions_not_allowed_from_here_or_for_officers_are_refused(
    sign_in, world, council, db_session
):
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)

    # From "Case Officers Notification": Complete case belongs to the review activity…
    response = take(olivia, reference, "Complete case", expect=400, db_session=db_session)
    assert errors_on(response) == [
        "You cannot ‘Complete case’ now: the case is at ‘Case Officers Notification’"
    ]
    # …the system's step and the school's resubmission are not an officer's to take…
    take(olivia, reference, "Notify case officers", expect=400, db_session=db_session)
    take(olivia, reference, "Resubmit with more information", expect=400, db_session=db_session)
    take(olivia, reference, "", expect=400, db_session=db_session)
    case = case_row(db_session, reference)
    assert (case.activity, case.status) == ("notified", "Active")
    transitions = db_session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "transition")
    )
    assert transitions == 1  # only the system's notification

    # A page opened before someone else moved the case on does not act on the new state.
    stale = olivia.get(f"/caseviewer/cases/{reference}").page
    sam = sign_in(council.sam)
    take(sam, reference, "Start review")
    response = olivia.post(
        f"/caseviewer/cases/{reference}/transition",
        {
            "action": "Abandon case",
            "note": "Duplicate",
            "from_activity": stale.find("input", attrs={"name": "from_activity"})["value"],
        },
        expect=409,
    )
    assert "This case has changed since you opened it" in errors_on(response)[0]
    assert case_row(db_session, reference).activity == "review"


def test_a_note_typed_for_a_case_someone_else_moved_on_is_not_lost(
    sign_in, world, council, db_session
):
    """Olivia writes a long note while Sam moves the case on: her note comes back, in the same
    action's box when it is still offered, or shown as not sent when it is not."""
    reference = submit_ptt(sign_in(world.alice))
    olivia, sam = sign_in(council.olivia), sign_in(council.sam)
    notified = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = notified.find("input", attrs={"name": "from_activity"})["value"]

    take(sam, reference, "Start review")
    note = "Sent twice:\nsee the other case."
    response = olivia.post(
        f"/caseviewer/cases/{reference}/transition",
        {"action": "Abandon case", "note": note, "from_activity": seen},
        expect=409,
    )
    boxes = {
        form.find("input", attrs={"name": "action"})["value"]: form.find("textarea")
        for form in response.page.select("form")
        if form.find("input", attrs={"name": "action"})
    }
    assert boxes["Abandon case"].get_text().strip() == note
    assert not response.page.select_one("#unsent-note")

    reviewed = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = reviewed.find("input", attrs={"name": "from_activity"})["value"]
    take(sam, reference, "Complete case", note="Done")
    response = olivia.post(
        f"/caseviewer/cases/{reference}/transition",
        {
            "action": "Request more information",
            "note": "Please send the plan",
            "from_activity": seen,
        },
        expect=409,
    )
    assert "Your note was not sent" in text_of(response.page.select_one("#unsent-note"))
    assert "Please send the plan" in text_of(response.page.select_one("#unsent-note"))
    assert case_row(db_session, reference).activity == "completed"


def test_a_move_sent_twice_by_its_officer_is_taken_once_and_told_as_done(
    sign_in, world, council, db_session
):
    """Olivia presses Abandon case again while the first press is on its way (a slow line, or
    Back and the button again): the case was abandoned once, by her, with her note. The
    second press is told as already done, not as 'This case has changed since you opened it'
    with 'Your note was not sent' beside the success of the first."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = page.find("input", attrs={"name": "from_activity"})["value"]
    pressed = {"action": "Abandon case", "note": "Sent twice by the school.", "from_activity": seen}
    olivia.post(f"/caseviewer/cases/{reference}/transition", pressed, expect=302)
    response = olivia.post(f"/caseviewer/cases/{reference}/transition", pressed, expect=302)

    assert response.headers["Location"].endswith(f"/caseviewer/cases/{reference}")
    page = olivia.get(response.headers["Location"]).page
    said = text_of(page)
    assert "There is a problem" not in said and "Your note was not sent" not in said
    assert "You had already pressed ‘Abandon case’, and it was done once" in said
    case = case_row(db_session, reference)
    moves = [e.to_activity for e in case.events if e.kind == "transition"]
    assert moves == ["notified", "abandoned"]
    mails = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "case_update", OutboxMessage.to_address == world.alice.email
        )
    ).all()
    assert len(mails) == 1

    # Someone else's move, or her own with another note, is still a change to be told.
    reference = submit_ptt(sign_in(world.alice))
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = page.find("input", attrs={"name": "from_activity"})["value"]
    take(olivia, reference, "Abandon case", note="Sent twice by the school.")
    response = olivia.post(
        f"/caseviewer/cases/{reference}/transition",
        {"action": "Abandon case", "note": "Another reason", "from_activity": seen},
        expect=409,
    )
    assert "This case has changed since you opened it" in errors_on(response)[0]


def test_an_internal_note_sent_twice_is_added_once(sign_in, world, council, db_session):
    """Add note pressed again while the first press was on its way (or Back and Add note
    again) added the note twice to the timeline, the PDF and the audit trail."""
    reference = submit_ptt(sign_in(world.alice))
    olivia, sam = sign_in(council.olivia), sign_in(council.sam)
    note = "Phoned the school:\nplan to follow."
    olivia.get(f"/caseviewer/cases/{reference}")
    for _press in range(2):
        response = olivia.post(f"/caseviewer/cases/{reference}/notes", {"note": note}, expect=302)
    assert "Your internal note has been added" in text_of(
        olivia.get(response.headers["Location"]).page
    )
    notes = [e.note for e in case_row(db_session, reference).events if e.kind == "note"]
    assert notes == [note]

    # The same words again after anything else happened, or from a colleague, are a new note.
    take(olivia, reference, "Start review")
    olivia.post(f"/caseviewer/cases/{reference}/notes", {"note": note}, expect=302)
    sam.get(f"/caseviewer/cases/{reference}")
    sam.post(f"/caseviewer/cases/{reference}/notes", {"note": note}, expect=302)
    notes = [e.note for e in case_row(db_session, reference).events if e.kind == "note"]
    assert notes == [note] * 3


def _add_note_as_shown(portal, reference, note):
    """Add note pressed on the case page as it is shown now (its form's fields)."""
    page = portal.get(f"/caseviewer/cases/{reference}").page
    form = page.find("textarea", id="internal-note").find_parent("form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return fields | {"note": note}


def test_the_same_internal_note_added_again_later_is_a_second_note(
    sign_in, world, council, db_session
):
    """Olivia phones the school in the morning and again in the afternoon, each time adding
    'Phoned the school, no answer.' from the case page she has open: the second was told
    'Your internal note has been added' and never added, so the timeline said she rang once."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    note = "Phoned the school, no answer."
    morning = _add_note_as_shown(olivia, reference, note)
    olivia.post(f"/caseviewer/cases/{reference}/notes", morning, expect=302)
    olivia.post(f"/caseviewer/cases/{reference}/notes", morning, expect=302)  # pressed twice
    afternoon = _add_note_as_shown(olivia, reference, note)
    olivia.post(f"/caseviewer/cases/{reference}/notes", afternoon, expect=302)
    notes = [e.note for e in case_row(db_session, reference).events if e.kind == "note"]
    assert notes == [note, note]


@pytest.mark.parametrize("from_event", ["\u00b2", "9" * 5000])
def test_a_tampered_last_event_of_an_internal_note_is_a_400_not_a_500(
    sign_in, world, council, db_session, from_event
):
    """The note form's hidden last event, the id the page showed, was read with isdigit()
    then int(): "²" is a digit to isdigit() and not to int(), and int() refuses 5,000
    digits, so Add note answered 500, a traceback in the log, and the note typed was lost
    (found by attack6). A tampered form is refused, with what was typed kept."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    sent = _add_note_as_shown(olivia, reference, "Phoned the school.") | {"from_event": from_event}
    response = olivia.post(f"/caseviewer/cases/{reference}/notes", sent, expect=400)
    assert response.page.find("textarea", id="internal-note").get_text() == "Phoned the school."
    assert [e for e in case_row(db_session, reference).events if e.kind == "note"] == []


def test_an_internal_note_pressed_twice_at_once_is_added_once(sign_in, world, council, db_session):
    """The second press sent while the first was still being saved read the timeline before
    the first note was on it, and added the note again."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    pressed = _add_note_as_shown(olivia, reference, "Asked the school for the signed plan.")
    start = threading.Barrier(2)

    def press():
        start.wait()
        olivia.post(f"/caseviewer/cases/{reference}/notes", pressed, expect=302)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes = [e.note for e in case_row(db_session, reference).events if e.kind == "note"]
    assert notes == ["Asked the school for the signed plan."]


def _summary_link(response) -> str:
    """The one error summary link's target, which must be on the page."""
    [link] = response.page.select(".govuk-error-summary__list a")
    assert response.page.select_one(link["href"]) is not None, link["href"]
    return link["href"]


def test_a_note_too_long_for_a_case_moved_on_is_told_as_moved_on_and_kept(
    sign_in, world, council, db_session
):
    """Olivia writes a note over the limit while Sam moves the case on. The note's length was
    checked first: she was told only that, linked to a box that was not on the page (the
    transition no longer offered) with her note gone. The case moving on is told first now,
    her note kept, and its length told on the box when she sends it again."""
    reference = submit_ptt(sign_in(world.alice))
    olivia, sam = sign_in(council.olivia), sign_in(council.sam)
    notified = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = notified.find("input", attrs={"name": "from_activity"})["value"]
    take(sam, reference, "Start review")
    note = "Sent twice, see the other case. " + "x" * 5000
    response = olivia.post(
        f"/caseviewer/cases/{reference}/transition",
        {"action": "Abandon case", "note": note, "from_activity": seen},
        expect=409,
    )
    assert response.page.title.get_text().startswith("Error: ")
    assert errors_on(response) == [
        "This case has changed since you opened it. Check where it is now, then try again."
    ]
    assert _summary_link(response) == "#what-next"
    assert response.page.select_one("#transition-note-3").get_text().strip() == note

    # Sent again from the page she now has: the length, on Abandon's box, the note kept.
    response = take(olivia, reference, "Abandon case", note=note, expect=400)
    assert response.page.title.get_text().startswith("Error: ")
    assert errors_on(response) == ["Note must be 5,000 characters or fewer"]
    assert _summary_link(response) == "#transition-note-3"
    assert response.page.select_one("#transition-note-3").get_text().strip() == note
    assert response.page.select_one("#transition-note-3-error") is not None

    # A transition no longer offered at all: told as moved on, the note shown as not sent.
    reviewed = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = reviewed.find("input", attrs={"name": "from_activity"})["value"]
    take(sam, reference, "Complete case", note="Done")
    response = olivia.post(
        f"/caseviewer/cases/{reference}/transition",
        {"action": "Request more information", "note": note, "from_activity": seen},
        expect=409,
    )
    assert "This case has changed since you opened it" in errors_on(response)[0]
    assert _summary_link(response) == "#what-next"
    assert note in text_of(response.page.select_one("#unsent-note"))
    assert case_row(db_session, reference).activity == "completed"


def test_a_note_pasted_with_a_null_character_is_taken_without_it(
    sign_in, world, council, db_session
):
    """Text pasted from a PDF can hold U+0000, which shows as nothing: an officer's note with
    one was refused with the bare 400 page and lost, as the school's answers were once. It is
    taken out, as from the school's answers (request_guard's answers_posted)."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{reference}")
    olivia.post(
        f"/caseviewer/cases/{reference}/notes", {"note": "From the PDF:\x00 page 2"}, expect=302
    )
    take(olivia, reference, "Abandon case", note="Sent twice\x00, see the other case.")
    case = case_row(db_session, reference)
    assert case.status == "Abandoned"
    notes = db_session.scalars(
        select(CaseEvent.note).where(CaseEvent.case_id == case.id, CaseEvent.note != "")
    ).all()
    assert sorted(notes) == ["From the PDF: page 2", "Sent twice, see the other case."]
    # A NUL in a form's name is still refused, as anywhere else.
    olivia.post(f"/caseviewer/cases/{reference}/notes", {"no\x00te": "x"}, expect=400)


def test_a_note_of_many_lines_within_the_limit_is_taken(sign_in, world, council, db_session):
    """A browser sends each new line of a box as two characters (\\r\\n): a note of 4,503
    characters over 901 lines was refused as over 5,000, and kept so on the timeline. A new
    line counts as one, as the person typing counts it (and the feedback form's counter)."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{reference}")
    note = "line\r\n" * 900 + "end"
    assert len(note) > 5000 > len(note.replace("\r\n", "\n"))
    olivia.post(f"/caseviewer/cases/{reference}/notes", {"note": note}, expect=302)
    take(olivia, reference, "Abandon case", note=note)
    case = case_row(db_session, reference)
    assert case.status == "Abandoned"
    notes = db_session.scalars(
        select(CaseEvent.note).where(CaseEvent.case_id == case.id, CaseEvent.note != "")
    ).all()
    assert notes == ["line\n" * 900 + "end"] * 2


def test_a_required_note_is_asked_for_and_abandoning_needs_a_reason(
    sign_in, world, council, db_session
):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    hint = page.find(id="transition-note-2-hint").get_text(strip=True)
    assert hint.startswith("Required.")

    response = take(olivia, reference, "Abandon case", note="   ", expect=400)
    assert errors_on(response) == ["Enter a note for the school"]
    assert response.page.select_one("#transition-note-2-error")
    assert case_row(db_session, reference).status == "Active"

    take(olivia, reference, "Abandon case", note="Sent twice: see the other case.")
    case = case_row(db_session, reference)
    assert (case.status, case.activity_label) == ("Abandoned", "Case abandoned")
    school_view = text_of(alice.get(f"/cases/{reference}/view").page)
    assert "Sent twice: see the other case." in school_view


def test_request_more_information_sends_the_case_back_to_the_school(
    sign_in, world, council, db_session
):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    olivia = sign_in(council.olivia)
    take(olivia, reference, "Start review")
    response = take(olivia, reference, "Request more information", note="", expect=400)
    assert errors_on(response) == ["Enter a note for the school"]
    take(
        olivia, reference, "Request more information", note="Please send the provider's timetable."
    )

    case = case_row(db_session, reference)
    assert (case.activity, case.status) == ("more_information", "Active")
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert "The case is with the school" in text_of(page)
    assert offered_actions(page) == ["Abandon case"]
    mails = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.to_address == world.alice.email, OutboxMessage.kind == "case_update"
        )
    )
    assert [m.subject for m in mails] == [f"Case {reference}: More information requested"]
    assert "Please send the provider's timetable." in text_of(
        alice.get(f"/cases/{reference}/view").page
    )


def test_a_page_older_than_the_schools_new_answers_cannot_complete_the_case(
    sign_in, world, council, db_session
):
    """Olivia reads the case at review; Sam asks the school for more, and the school sends new
    answers back, so the case is at review again. Her page, older than those answers, still
    completed the case (it checked only that the case was at the activity it showed): she
    decided on answers that were no longer the school's. Now it is told as changed, her note
    kept, and from the page she then has it goes through."""
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    olivia, sam = sign_in(council.olivia), sign_in(council.sam)
    take(olivia, reference, "Start review")
    read = olivia.get(f"/caseviewer/cases/{reference}").page
    form = next(f for f in read.select("form") if f.find("input", attrs={"value": "Complete case"}))
    pressed = {
        i["name"]: i.get("value", "") for i in form.select("input[type=hidden]") if i.get("name")
    } | {"note": "All in order."}

    take(sam, reference, "Request more information", note="Is the end date right?")
    answer(
        alice,
        f"/cases/{reference}/pages/arrangement",
        {**ARRANGEMENT, **date("end_date", 23, 10, 2026)},
    )
    alice.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert case_row(db_session, reference).activity == "review"

    response = olivia.post(f"/caseviewer/cases/{reference}/transition", pressed, expect=409)
    assert "This case has changed since you opened it" in errors_on(response)[0]
    assert "Answers changed" in text_of(response.page.select_one(".app-timeline"))
    boxes = {
        f.find("input", attrs={"name": "action"})["value"]: f.find("textarea")
        for f in response.page.select("form")
        if f.find("input", attrs={"name": "action"})
    }
    assert boxes["Complete case"].get_text().strip() == "All in order."
    assert case_row(db_session, reference).activity == "review"
    take(olivia, reference, "Complete case", note="All in order.")
    assert case_row(db_session, reference).activity == "completed"


def test_internal_notes_never_reach_the_school(sign_in, world, council, db_session):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{reference}")
    response = olivia.post(f"/caseviewer/cases/{reference}/notes", {"note": " "}, expect=400)
    assert errors_on(response) == ["Enter a note"]

    olivia.post(
        f"/caseviewer/cases/{reference}/notes",
        {"note": "Rang the SENCO: the plan is fine."},
        expect=302,
    )
    take(olivia, reference, "Start review")
    take(olivia, reference, "Complete case", note="All in order.")
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    note = next(
        li for li in page.select(".app-timeline__item") if "Rang the SENCO" in li.get_text()
    )
    assert "Internal note – not shown to the school" in text_of(note)

    school_view = alice.get(f"/cases/{reference}/view").page
    assert "All in order." in text_of(school_view)
    assert "Rang the SENCO" not in school_view.decode()
    for mail in db_session.scalars(select(OutboxMessage)):
        assert "Rang the SENCO" not in mail.body
    audit = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "case_note_added"))
    assert "SENCO" not in str(audit.detail)


# ---- who may see what ----


def test_an_officer_of_another_team_finds_nothing(sign_in, world, council, db_session):
    reference = submit_ptt(sign_in(world.alice))
    attachment = db_session.scalar(select(Attachment)).id
    eve = sign_in(council.eve)
    eve.get("/sign-out")  # a page with a form: a CSRF token of her own
    for path in (
        f"/caseviewer/cases/{reference}",
        f"/caseviewer/cases/{reference}/files/{attachment}",
        f"/caseviewer/export/{PTT}.csv",
    ):
        response = eve.client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.get_data(as_text=True)
    for path, data in (
        (
            f"/caseviewer/cases/{reference}/transition",
            {"action": "Abandon case", "from_activity": "notified", "note": "x"},
        ),
        (f"/caseviewer/cases/{reference}/notes", {"note": "x"}),
        (f"/caseviewer/cases/{reference}/assign", {"to": "me"}),
    ):
        assert eve.post(path, data).status_code == 404, path
    unknown = eve.client.get("/caseviewer/cases/EDU-SENED-PTT999999")
    assert unknown.get_data() == eve.client.get(f"/caseviewer/cases/{reference}").get_data()
    case = case_row(db_session, reference)
    assert (case.activity, case.assigned_to_id) == ("notified", None)
    # An officer's own case's file id, asked for under another case, is not found either.
    olivia = sign_in(council.olivia)
    other = stored_case(db_session, world.school_a, world.alice)
    assert olivia.client.get(f"/caseviewer/cases/{other}/files/{attachment}").status_code == 404


def test_the_queue_the_case_page_and_the_export_decide_the_officers_case_types_one_way(
    sign_in, world, council, db_session, monkeypatch
):
    """Which case types an officer works is decided in one place (case_types_of their
    teams): the queue, a case's page and the export never disagree about a case type."""
    from webapp.areas.caseviewer import services

    reference = stored_case(db_session, world.school_a, world.alice)
    olivia = sign_in(council.olivia)
    assert queue_refs(olivia) == [reference]
    olivia.get(f"/caseviewer/cases/{reference}")
    assert olivia.client.get(f"/caseviewer/export/{PTT}.csv").status_code == 200

    worked = services.case_types_of
    monkeypatch.setattr(services, "case_types_of", lambda teams: worked(teams) - {PTT})
    assert queue_refs(olivia) == []
    for path in (f"/caseviewer/cases/{reference}", f"/caseviewer/export/{PTT}.csv"):
        assert olivia.client.get(path).status_code == 404, path


def test_a_case_in_small_letters_opens_for_its_officers_and_is_not_found_for_others(
    sign_in, world, council, db_session
):
    """/caseviewer/cases/edu-sened-ptt1033 leads to the case (test_access.py: every address);
    an officer of another team is answered as for a reference that does not exist."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    page = olivia.client.get(f"/caseviewer/cases/{reference.lower()}", follow_redirects=True)
    assert page.status_code == 200 and page.request.path == f"/caseviewer/cases/{reference}"
    eve = sign_in(council.eve)
    answers = []
    for asked in (reference.lower(), "edu-sened-ptt999999"):
        first = eve.client.get(f"/caseviewer/cases/{asked}")
        final = eve.client.get(f"/caseviewer/cases/{asked}", follow_redirects=True)
        answers.append((first.status_code, final.status_code, final.get_data()))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (308, 404)


def test_an_officer_downloads_only_the_files_the_case_was_sent_with(
    sign_in, world, council, db_session
):
    """Asked for more information, the school replaces its signed plan (the first was another
    pupil's): the new file is not the officer's until the case is sent back, and then the one
    it replaced is no longer given, even from a link kept from before (as the API answers)."""
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    olivia = sign_in(council.olivia)
    take(olivia, reference, "Start review")
    take(olivia, reference, "Request more information", note="That plan is not Jordan's.")
    agreement = f"/cases/{reference}/pages/agreement"
    answer(alice, agreement, AGREEMENT, files={"signed_plan": ("right plan.pdf", PDF)})

    def file_id(name):
        return db_session.scalar(select(Attachment.id).where(Attachment.filename == name))

    def status(name):
        return olivia.client.get(f"/caseviewer/cases/{reference}/files/{file_id(name)}").status_code

    assert (status("signed plan.pdf"), status("right plan.pdf")) == (200, 404)
    alice.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert (status("signed plan.pdf"), status("right plan.pdf")) == (404, 200)
    # The school still has its own upload, sent or not.
    school_link = f"/cases/{reference}/files/{file_id('right plan.pdf')}"
    assert alice.client.get(school_link).status_code == 200


def test_school_staff_get_404_for_every_caseviewer_address(
    sign_in, world, council, db_session, client
):
    reference = submit_ptt(sign_in(world.alice))
    attachment = db_session.scalar(select(Attachment)).id
    alice = sign_in(world.alice)  # the case's own school, and its admin
    alice.get("/sign-out")  # a page with a form: a CSRF token of her own
    for path in (
        "/caseviewer/",
        f"/caseviewer/cases/{reference}",
        f"/caseviewer/cases/{reference}/files/{attachment}",
        f"/caseviewer/export/{PTT}.csv",
    ):
        assert alice.client.get(path).status_code == 404, path
    for path in ("transition", "notes", "assign"):
        response = alice.post(
            f"/caseviewer/cases/{reference}/{path}",
            {"action": "Start review", "from_activity": "notified", "to": "me", "note": "x"},
        )
        assert response.status_code == 404, path
    assert case_row(db_session, reference).activity == "notified"
    nav = [
        a.get_text(strip=True)
        for a in alice.get("/").page.select(".govuk-service-navigation__link")
    ]
    assert "Caseviewer" not in nav
    # Signed out: asked to sign in.
    response = client.client.get("/caseviewer/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# ---- export ----


def test_csv_export_of_a_case_type_with_a_repeating_group(sign_in, world, council, db_session):
    alice = sign_in(world.alice)
    first = submit_ptt(alice, agreement={"pupil_views": FORMULA})
    second_provider = {
        **PROVIDER,
        "providers-1-provider_name": "+Riverside Tuition",
        "providers-1-provider_number": "12345678",
        "providers-1-registered": "no",
        "providers-1-provider_days": ["tue"],
        "providers-1-provider_hours": "3",
        "providers-1-attendance_code": "K",
    }
    reference, page_one = start(alice, PTT)
    pages = f"/cases/{reference}/pages"
    answer(alice, page_one, {**CHILD, "forename": "Amélie"})
    answer(alice, f"{pages}/arrangement", ARRANGEMENT)
    answer(alice, f"{pages}/provision", PROVIDER, action="add:providers")
    answer(alice, f"{pages}/provision", second_provider)
    answer(alice, f"{pages}/agreement", AGREEMENT, files={"signed_plan": ("p.pdf", PDF)})
    alice.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    start(alice, PTT)  # a draft: never exported
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{first}")
    olivia.post(f"/caseviewer/cases/{first}/assign", {"to": "me"}, expect=302)

    response = olivia.client.get(f"/caseviewer/export/{PTT}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    today = dt.datetime.now(dt.UTC).date()
    assert re.fullmatch(
        rf"attachment; filename={PTT}-\d{{4}}-\d\d-\d\d\.csv",
        response.headers["Content-Disposition"],
    )
    assert str(today.year) in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, *cases = rows
    fixed = "Reference, School, School URN, Submitted, Current activity, Status, Assigned to"
    assert header[:7] == fixed.split(", ")
    assert header[7:10] == ["First name", "Last name", "Date of birth"]
    assert "Alternative provision providers" in header and "Signed plan" in header
    assert len(header) == len(set(header))
    assert [row[0] for row in cases] == [first, reference]
    assert all(len(row) == len(header) for row in cases)
    one, two = (dict(zip(header, row, strict=True)) for row in cases)

    assert (one["School"], one["School URN"], one["Status"]) == (
        "Aylestone Primary School",
        "111111",
        "Active",
    )
    submitted = case_row(db_session, first).submitted_at
    moment = clock.aware(submitted).replace(microsecond=0)
    assert dt.datetime.fromisoformat(one["Submitted"]) == moment  # to the second
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[01]:00", one["Submitted"])
    assert one["Current activity"] == "Case Officers Notification"
    assert (one["Assigned to"], two["Assigned to"]) == ("Olivia Okoro", "")
    assert one["Date of birth"] == f"14 May {BORN}"
    assert one["Which sessions will the pupil attend school?"] == (
        "Monday morning; Tuesday morning; Wednesday morning; Thursday morning"
    )
    assert one["Is the child looked after by a local authority?"] == "No"
    assert one["Signed plan"] == "signed plan.pdf"
    assert one["Primary type of need"]
    assert one["Has the child's SEND case officer been told about this arrangement?"] == ""
    assert one["Alternative provision providers"] == (
        "1) Provider name: Oak Tree Learning Centre; Provider URN or UKPRN: 123456; "
        "Is the provider registered with Ofsted or the DfE?: Yes; "
        "Days attended: Monday, Wednesday; Hours each week: 6; Cost each week: £250.00; "
        "Attendance code used in the register: B - educated off site"
    )
    assert two["Alternative provision providers"].startswith("1) Provider name: Oak Tree")
    assert " | 2) Provider name: +Riverside Tuition; " in two["Alternative provision providers"]
    assert two["First name"] == "Amélie"
    # Formula-like answers are neutralised: a spreadsheet shows them as text.
    assert one["What does the pupil think about the arrangement?"] == "'" + FORMULA
    assert two["What does the pupil think about the arrangement?"] == "Happy with mornings."

    exported = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "cases_exported"))
    assert exported.actor_id == council.olivia.id
    assert exported.detail == {"case_type": PTT, "count": 2}

    queue = olivia.get("/caseviewer/").page
    assert queue.find("a", href=f"/caseviewer/export/{PTT}.csv")
    assert olivia.client.get("/caseviewer/export/no-such-type.csv").status_code == 404


def test_csv_export_streams_in_batches_and_the_link_says_how_big_it_is(
    sign_in, world, council, db_session, monkeypatch
):
    from webapp.areas.caseviewer import csv_export

    monkeypatch.setattr(csv_export, "BATCH", 2)
    moments = [dt.datetime(2026, 11, 2, 9, n, tzinfo=dt.UTC) for n in range(5)]
    references = [
        stored_case(db_session, world.school_a, world.alice, submitted_at=moment)
        for moment in moments
    ]
    olivia = sign_in(council.olivia)
    response = olivia.client.get(f"/caseviewer/export/{PTT}.csv", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    pieces = [piece.decode("utf-8") for piece in response.response]
    response.close()
    # The BOM, the header, then the rows two at a time: nothing waits for the whole file.
    assert pieces[0] == "\ufeff" and pieces[1].count("\r\n") == 1
    assert [piece.count("\r\n") for piece in pieces[2:]] == [2, 2, 1]
    rows = list(csv.reader(io.StringIO("".join(pieces).removeprefix("\ufeff"))))
    assert [row[0] for row in rows[1:]] == references
    assert all(len(row) == len(rows[0]) for row in rows)
    exported = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "cases_exported"))
    assert exported.detail == {"case_type": PTT, "count": 5}

    link = olivia.get("/caseviewer/").page.find("a", href=f"/caseviewer/export/{PTT}.csv")
    assert text_of(link.parent).endswith("(CSV) — 5 cases")
    monkeypatch.setattr(csv_export, "LARGE_EXPORT", 4)
    link = olivia.get("/caseviewer/").page.find("a", href=f"/caseviewer/export/{PTT}.csv")
    assert text_of(link.parent).endswith(
        "(CSV) — more than 4 cases: the file may take a minute or two to download"
    )


def test_the_csv_says_when_a_case_was_sent_in_uk_time_with_its_offset(
    sign_in, world, council, db_session
):
    """The pages say "1 July 2026 at 10:30am" (UK time); the CSV said 09:30:00Z of the same
    case. Now it gives the same clock time, with its offset, still ISO 8601."""
    summer = stored_case(
        db_session,
        world.school_a,
        world.alice,
        submitted_at=dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC),
    )
    winter = stored_case(
        db_session,
        world.school_a,
        world.alice,
        submitted_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
    )
    olivia = sign_in(council.olivia)
    export = olivia.client.get(f"/caseviewer/export/{PTT}.csv").data.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(export))
    sent = {row[0]: row[header.index("Submitted")] for row in rows}
    assert sent == {summer: "2026-07-01T10:30:00+01:00", winter: "2026-12-01T09:30:00+00:00"}
    page = olivia.get(f"/caseviewer/cases/{summer}").page
    assert "1 July 2026 at 10:30am" in text_of(page)  # what the page says of the same case


def test_csv_cells_are_neutralised_whatever_they_start_with():
    from webapp.areas.caseviewer.csv_export import _safe_row

    assert _safe_row(["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "", "a=b"]) == [
        "'=1+1",
        "'+44",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "plain",
        "",
        "a=b",
    ]


# ---- the portal command ----


def test_portal_commands_add_teams_and_council_staff(portal_env, db_session, capsys, world):
    assert (
        main(["add-team", "--name", "SEND", "--case-type", PTT, "--case-type", "send-referral"])
        == 0
    )
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1 and "SEND" in out

    assert main(["add-team", "--name", "SEND", "--case-type", "part-time-timetabel"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "portal add-team: no case type 'part-time-timetabel' "
        "(did you mean 'part-time-timetable'?)\n"
    )

    assert (
        main(
            [
                "add-council-user",
                "--email",
                "Olivia@Council.example.org",
                "--first-name",
                "Olivia",
                "--last-name",
                "Okoro",
                "--role",
                "officer",
                "--team",
                "SEND",
                "--team",
                "Attendance",
            ]
        )
        == 0
    )
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1 and "olivia@council.example.org" in out
    db_session.rollback()
    olivia = db_session.scalar(select(User).where(User.email == "olivia@council.example.org"))
    assert olivia.council_role == "officer" and olivia.memberships == []
    teams = {t.name: t for t in db_session.scalars(select(Team))}
    assert teams["SEND"].case_type_ids == [PTT, "send-referral"]
    assert teams["Attendance"].case_type_ids == []
    assert {m.email for m in teams["SEND"].members} == {"olivia@council.example.org"}
    [mail] = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "olivia@council.example.org")
    )
    assert mail.kind == "sign_up"
    password = re.search(r"^Password: (\S+)$", mail.body, re.M).group(1)
    assert password not in out

    assert (
        main(
            [
                "add-council-user",
                "--email",
                world.alice.email,
                "--first-name",
                "A",
                "--last-name",
                "B",
                "--role",
                "admin",
            ]
        )
        == 1
    )
    out, err = capsys.readouterr()
    assert err == f"portal add-council-user: {world.alice.email} already has an account\n"
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "add-council-user",
                "--email",
                "x@council.example.org",
                "--first-name",
                "X",
                "--last-name",
                "Y",
                "--role",
                "headteacher",
            ]
        )
    assert exit_.value.code == 2
