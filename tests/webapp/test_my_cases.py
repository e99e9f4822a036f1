"""My cases: every case of the user's schools, searched, sorted and paged, never anyone else's.

The case types are the shipped ones and a retired one written here (its drafts closed after a
day), so that a draft that can no longer be sent is listed as one."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import update

from engine.case_settings import Lifecycle
from tests.webapp.conftest import shipped_casetypes_and, text_of, usual_app
from tests.webapp.helpers import answer, date, start
from webapp.areas.cases import starting
from webapp.models import Case, School, User, utcnow
from webapp.web import listing as listing_module
from webapp.web.templating import uk_date

HEADERS = [
    "Service case ref",
    "Case type",
    "Service name",
    "Case submitted",
    "Current activity",
    "Case status",
]

WHOLE_CLOSURE = {
    "reason": "weather",
    "reason_details": "Heavy snow: the roads to the school are closed.",
    "extent": "whole",
    "pupils_affected": "420",
    **date("start_date", 12, 1, 2026),
    "start_session": "am",
    "reopening_known": "no",
}
CLOSURE_PAGES = {
    "closure": WHOLE_CLOSURE,
    "communication": {
        "parents_informed": "yes",
        "parents_informed_how": ["text"],
        "uses_council_transport": "no",
    },
    "pupils": {"vulnerable_pupils_plan": "The DSL phones every vulnerable pupil each day."},
    "submitter": {
        "submitter_name": "Carol Tester",
        "submitter_role": "headteacher",
        "submitter_email": "carol@ab.example.org",
        "submitter_phone": "0116 454 1000",
    },
}


CLOSED = "Draft – can no longer be sent"
LAST_DAY = dt.date(2027, 3, 31)
RETIRED = f"""\
id: old-notification
name: Old notification
category: SEND forms
reference: {{prefix: EDU-TEST, code: OLD}}
version: 1
raised_by: [school]
status: retired
retired_drafts_until: {LAST_DAY.isoformat()}
workflow: standard
pages:
  - id: about
    title: About the pupil
    fields:
      - {{id: pupil_name, type: text, label: Pupil's name}}
"""


@pytest.fixture(scope="session")
def casetypes_folder(tmp_path_factory):
    """The shipped case types and the retired one of this module."""
    folder = tmp_path_factory.mktemp("my-cases") / "casetypes"
    return shipped_casetypes_and(folder, {"old-notification": RETIRED})


@pytest.fixture
def app(database_url, casetypes_folder):
    with usual_app(database_url, PORTAL_CASETYPES=str(casetypes_folder)) as app:
        yield app


def drafts(app, user, school, case_type_id, count=1) -> list[str]:
    """Start drafts straight through the services layer (quicker than the pages); references."""
    case_type = app.extensions["catalogue"].get(case_type_id)
    with app.extensions["db_sessions"]() as session:
        person, place = session.get(User, user.id), session.get(School, school.id)
        return [
            starting.start_case(session, person, place, case_type).reference for _ in range(count)
        ]


def retired_draft(app, user, school) -> str:
    """A draft of the retired form, started while it was still live."""
    case_type = app.extensions["catalogue"].get("old-notification")
    while_live = dataclasses.replace(case_type, lifecycle=Lifecycle())
    with app.extensions["db_sessions"]() as session:
        person, place = session.get(User, user.id), session.get(School, school.id)
        return starting.start_case(session, person, place, while_live).reference


def submit_closure_through_the_pages(portal, school) -> str:
    reference, _ = start(portal, "school-closure", school)
    for page_id, answers in CLOSURE_PAGES.items():
        answer(portal, f"/cases/{reference}/pages/{page_id}", answers)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    return reference


def listing(portal, **search):
    return portal.get("/my-cases", query_string=search).page


def references(page) -> list[str]:
    return [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]


def cells(page, reference) -> list[str]:
    row = next(r for r in page.select("tbody tr") if reference in r.get_text())
    return [td.get_text(" ", strip=True) for td in row.select("td")]


def test_my_cases_has_six_columns_and_every_case_of_all_the_users_schools(sign_in, world, app):
    at_a = drafts(app, world.alice, world.school_a, "school-closure")[0]
    at_b = drafts(app, world.bob, world.school_b, "planned-closure")[0]

    page = listing(sign_in(world.carol))  # carol belongs to both schools: a School column
    assert [th.get_text(strip=True) for th in page.select("thead th")] == [
        HEADERS[0],
        "School",
        *HEADERS[1:],
    ]
    assert "Every case of your schools" in text_of(page)
    assert sorted(references(page)) == sorted([at_a, at_b])
    assert "2 cases" in page.select_one("[role=status]").get_text()
    assert cells(page, at_a) == [
        f"{at_a} Draft – editable",
        world.school_a.name,
        "Emergency or unplanned school closure",
        "School closures",
        "Not submitted",
        "Not yet submitted",
        "Draft",
    ]

    assert references(listing(sign_in(world.bob))) == [at_b]
    page = listing(sign_in(world.alice))  # one school: no School column
    assert [th.get_text(strip=True) for th in page.select("thead th")] == HEADERS
    assert references(page) == [at_a]


def test_drafts_are_editable_and_submitted_cases_read_only(sign_in, world, app):
    carol = sign_in(world.carol)
    sent = submit_closure_through_the_pages(carol, world.school_b)
    draft = drafts(app, world.carol, world.school_a, "part-time-timetable")[0]

    page = listing(carol)
    assert cells(page, sent) == [
        f"{sent} Submitted – read only",
        world.school_b.name,
        "Emergency or unplanned school closure",
        "School closures",
        uk_date(utcnow()),
        "Case Officers Notification",
        "Active",
    ]
    assert cells(page, draft)[0] == f"{draft} Draft – editable"
    assert cells(page, draft)[4:] == ["Not submitted", "Not yet submitted", "Draft"]
    # The reference opens a draft for editing and a submitted case read-only.
    assert (
        carol.client.get(f"/cases/{draft}")
        .headers["Location"]
        .endswith(f"/cases/{draft}/pages/child")
    )
    assert carol.client.get(f"/cases/{sent}").headers["Location"].endswith(f"/cases/{sent}/view")
    # Bob, at school B, sees the case carol sent for his school, but not her school A draft.
    assert references(listing(sign_in(world.bob))) == [sent]


def test_search_by_part_of_the_reference_in_either_case(sign_in, world, app):
    closures = drafts(app, world.alice, world.school_a, "school-closure", 3)
    timetable = drafts(app, world.alice, world.school_a, "part-time-timetable")[0]
    portal = sign_in(world.alice)

    last_digits = closures[2][-3:]
    page = listing(portal, reference=last_digits)
    assert references(page) == [closures[2]]
    assert "1 case found" in text_of(page)
    assert page.find("input", attrs={"name": "reference"})["value"] == last_digits

    page = listing(portal, reference="schcl-esc")  # lower case finds upper-case references
    assert sorted(references(page)) == sorted(closures)
    assert "3 cases found" in text_of(page)
    assert references(listing(portal, reference=f"  {timetable.lower()} ")) == [timetable]
    page = listing(portal, reference="NOSUCHREF")
    assert "0 cases found" in text_of(page)
    # Found by trying it: a search that found nothing said "No cases to show. Submit a
    # case", as if the school had none; it now says the search found none, as other lists do.
    assert "No cases match your search" in text_of(page)
    assert page.find("a", string="Show all cases")["href"] == "/my-cases"
    assert "Submit a case" not in text_of(page.select_one("main"))


def test_a_reference_read_out_with_spaces_or_other_dashes_is_found(sign_in, world, app):
    """A reference copied from a letter or taken down over the phone ("EDU SENED PTT 1033",
    "PTT-1033") found nothing: "0 cases found", though the case was there. Spaces, dots,
    slashes and dashes are read as the reference's own hyphens between its letters, and left
    out before its number."""
    timetable = drafts(app, world.alice, world.school_a, "part-time-timetable")[0]
    number = timetable.removeprefix("EDU-SENED-PTT")
    portal = sign_in(world.alice)
    for typed in (
        f"EDU SENED PTT {number}",
        f"edu sened ptt{number}",
        f"PTT-{number}",
        f"PTT {number}",
        f"edu/sened/ptt/{number}.",
        f"EDU – SENED – PTT{number}",
    ):
        page = listing(portal, reference=typed)
        assert references(page) == [timetable], typed
        assert page.find("input", attrs={"name": "reference"})["value"] == typed


def test_a_search_of_fewer_than_three_characters_asks_for_more(sign_in, world, app, monkeypatch):
    """One or two characters are in most references, or none, and no index finds them: the
    trigram index needs three (at 1M cases, "ZZ" read the whole table for 2.5-10 s). The
    school is asked for three; what they typed stays in the box, the list stays unsearched.
    Nor is a search of only dashes, dots or slashes ("---"), which no reference is searched by
    once they are read as its hyphens: it listed every case as "found", and said nothing."""
    closures = drafts(app, world.alice, world.school_a, "school-closure", 2)
    portal = sign_in(world.alice)
    for typed in ("zz", "7", " %_1 ", "---", "%%%", " ./ "):
        page = listing(portal, reference=typed)
        summary = page.select_one(".govuk-error-summary")
        assert summary.find("a", href="#reference").get_text(strip=True) == (
            "Enter at least 3 characters of the reference"
        )
        assert page.title.get_text().startswith("Error: ")
        assert "Enter at least 3 characters" in page.select_one("#reference-error").get_text()
        assert page.find("input", attrs={"name": "reference"})["value"] == typed
        assert sorted(references(page)) == sorted(closures)
        # The count says the reference was not searched, not "2 cases found".
        assert text_of(page.select_one("[role=status]")) == (
            f"“{typed.strip()}” is too short to search for, so the reference was not searched:"
            " 2 cases in all"
        )
    page = listing(portal, reference="zz", case_type="school-closure")
    assert text_of(page.select_one("[role=status]")) == (
        "“zz” is too short to search for, so the reference was not searched:"
        " 2 cases found by the other filters"
    )
    monkeypatch.setattr(listing_module, "COUNT_CAP", 1)  # past the count's cap, the same
    assert text_of(listing(portal, reference="zz").select_one("[role=status]")).startswith(
        "“zz” is too short to search for, so the reference was not searched. More than 1 cases."
    )
    page = listing(portal, reference="zzz")
    assert not page.select_one(".govuk-error-summary")
    assert text_of(page.select_one("[role=status]")) == "0 cases found"


def test_search_by_case_type_service_name_and_status(sign_in, world, app, db_session):
    emergency = drafts(app, world.alice, world.school_a, "school-closure", 3)
    planned = drafts(app, world.alice, world.school_a, "planned-closure")[0]
    timetable = drafts(app, world.alice, world.school_a, "part-time-timetable")[0]
    portal = sign_in(world.alice)
    portal.get(f"/cases/{emergency[0]}/abandon")
    portal.post(f"/cases/{emergency[0]}/abandon", {}, expect=302)
    db_session.execute(
        update(Case)
        .where(Case.reference == emergency[1])
        .values(
            status="Active",
            activity="submitted",
            activity_label="Form Submitted",
            submitted_at=utcnow(),
        )
    )
    db_session.commit()

    page = listing(portal, case_type="planned-closure")
    assert references(page) == [planned]
    chosen = page.select_one("#case_type option[selected]")
    assert chosen["value"] == "planned-closure"
    # The choices are the case types a school may raise (from the catalogue, not the cases).
    offered = [o.get_text(strip=True) for o in page.select("#case_type option")]
    assert offered[0] == "All case types"
    assert offered[1:] == sorted(offered[1:], key=str.lower)
    assert {
        "Emergency or unplanned school closure",
        "Part-time timetable alternative provision notification to LA",
        "Planned school closure notification",
    } <= set(offered)
    assert "Early Years Census" not in offered  # early-years settings only
    assert sorted(references(listing(portal, service="School closures"))) == sorted(
        [*emergency, planned]
    )
    assert references(listing(portal, service="SEND part-time timetables")) == [timetable]

    assert sorted(references(listing(portal, status="Draft"))) == sorted(
        [emergency[2], planned, timetable]
    )
    assert references(listing(portal, status="Active")) == [emergency[1]]
    assert references(listing(portal, status="Abandoned")) == [emergency[0]]
    # Filters combine.
    assert references(
        listing(portal, service="School closures", status="Draft", case_type="school-closure")
    ) == [emergency[2]]
    page = listing(portal, status="Draft", case_type="school-closure")
    assert page.select_one("#status option[selected]")["value"] == "Draft"


def test_sorting_by_reference_both_ways_marks_the_sorted_column(sign_in, world, app):
    made = drafts(app, world.alice, world.school_a, "school-closure", 2) + drafts(
        app, world.alice, world.school_a, "part-time-timetable", 2
    )
    portal = sign_in(world.alice)

    page = listing(portal, sort="reference", order="asc")
    assert references(page) == sorted(made)
    sorted_headers = page.select("thead th[aria-sort]")
    assert [(th.get_text(strip=True), th["aria-sort"]) for th in sorted_headers] == [
        ("Service case ref", "ascending")
    ]
    # Its link sorts the other way; another column's link sorts that column.
    assert "order=desc" in sorted_headers[0].a["href"]
    assert "sort=case_type" in page.select("thead th")[1].a["href"]

    page = listing(portal, sort="reference", order="desc")
    assert references(page) == sorted(made, reverse=True)
    assert page.select_one("thead th[aria-sort]")["aria-sort"] == "descending"

    page = listing(portal, sort="case_type", order="asc")
    assert [c[1] for c in (cells(page, r) for r in references(page))] == [
        "Emergency or unplanned school closure"
    ] * 2 + ["Part-time timetable alternative provision notification to LA"] * 2


def test_thirty_cases_are_paged_25_then_5(sign_in, world, app):
    made = drafts(app, world.alice, world.school_a, "school-closure", 30)
    portal = sign_in(world.alice)

    first = listing(portal)
    assert len(first.select("tbody tr")) == 25
    assert "30 cases" in text_of(first)
    pagination = first.select_one(".govuk-pagination")
    numbers = [a.get_text(strip=True) for a in pagination.select(".govuk-pagination__item a")]
    assert numbers == ["1", "2"]
    assert first.select_one(".govuk-pagination__item--current").get_text(strip=True) == "1"
    assert not first.select(".govuk-pagination__prev")
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "page=2" in next_link

    second = portal.get(next_link).page
    assert len(second.select("tbody tr")) == 5
    assert second.select_one(".govuk-pagination__prev a") and not second.select(
        ".govuk-pagination__next"
    )
    assert sorted(references(first) + references(second)) == sorted(made)
    # Newest first: the last five made are on page 1, the first five on page 2.
    assert sorted(references(second)) == sorted(made[:5])
    # A page past the end shows the last page.
    assert references(listing(portal, page="9")) == references(second)


def test_a_search_never_finds_another_schools_case(sign_in, world, app):
    alices = drafts(app, world.alice, world.school_a, "school-closure")[0]
    drafts(app, world.bob, world.school_b, "planned-closure")
    bob = sign_in(world.bob)

    page = listing(bob, reference=alices)
    assert references(page) == []
    assert "0 cases found" in text_of(page)
    assert references(listing(bob, case_type="school-closure")) == []
    assert alices not in references(listing(bob, reference=alices[-4:], status="Draft"))
    # Bob's options are what his school may raise, from the catalogue: nothing in them comes
    # from another school's cases (the same for Alice, whose cases differ).
    options = [o["value"] for o in listing(bob).select("#case_type option")]
    assert "planned-closure" in options and "early-years-census" not in options
    assert options == [
        o["value"] for o in listing(sign_in(world.alice)).select("#case_type option")
    ]
    assert bob.client.get(f"/cases/{alices}").status_code == 404


# ---- a retired case type's drafts after their last day ----


def href(page, reference) -> str:
    row = next(r for r in page.select("tbody tr") if reference in r.get_text())
    return row.select_one("td a")["href"]


def statuses_offered(page) -> list[str]:
    return [o["value"] for o in page.select("#status option")]


def test_a_retired_forms_draft_is_editable_until_its_last_day(sign_in, world, app, moving_clock):
    moving_clock.to_uk_day(LAST_DAY)
    old = retired_draft(app, world.alice, world.school_a)
    page = listing(sign_in(world.alice))
    assert cells(page, old)[0] == f"{old} Draft – editable"
    assert cells(page, old)[-1] == "Draft"
    assert href(page, old) == f"/cases/{old}"
    assert CLOSED not in statuses_offered(page)  # no case type's drafts are closed yet
    assert references(listing(sign_in(world.alice), status="Draft")) == [old]


def test_after_its_last_day_a_retired_forms_draft_says_it_can_no_longer_be_sent(
    sign_in, world, app, moving_clock
):
    old = retired_draft(app, world.alice, world.school_a)
    live = drafts(app, world.alice, world.school_a, "school-closure")[0]
    moving_clock.to_uk_day(LAST_DAY + dt.timedelta(days=1))
    alice = sign_in(world.alice)
    page = listing(alice)
    row = cells(page, old)
    assert row[:2] + row[3:] == [
        f"{old} {CLOSED}",
        "Old notification",
        "Not submitted",
        "Not yet submitted",
        CLOSED,
    ]
    assert "app-case-list__row--submitted" in row_classes(page, old)  # read only, as sent ones
    assert cells(page, live)[0] == f"{live} Draft – editable"
    # The reference leads straight to the read-only page, which says why.
    assert href(page, old) == f"/cases/{old}/view"
    view = alice.get(href(page, old)).page
    assert CLOSED in text_of(view) and "could be sent until 31 March 2027" in text_of(view)


def test_drafts_that_can_no_longer_be_sent_have_a_status_filter_of_their_own(
    sign_in, world, app, moving_clock
):
    """ "Draft" lists the drafts that can still be sent; the closed ones have their own status,
    offered while some case type's drafts are closed."""
    old = retired_draft(app, world.alice, world.school_a)
    live = drafts(app, world.alice, world.school_a, "school-closure")[0]
    moving_clock.to_uk_day(LAST_DAY + dt.timedelta(days=1))
    alice = sign_in(world.alice)
    assert statuses_offered(listing(alice)) == [
        "",
        "Draft",
        CLOSED,
        "Active",
        "Completed",
        "Abandoned",
    ]
    assert references(listing(alice, status="Draft")) == [live]
    page = listing(alice, status=CLOSED)
    assert references(page) == [old]
    assert page.select_one("#status option[selected]")["value"] == CLOSED
    assert references(listing(alice, status=CLOSED, case_type="school-closure")) == []
    assert sorted(references(listing(alice))) == sorted([old, live])


def row_classes(page, reference) -> list[str]:
    row = next(r for r in page.select("tbody tr") if reference in r.get_text())
    return row["class"]
