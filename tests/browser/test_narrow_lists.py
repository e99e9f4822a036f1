"""Every list page on a phone (issue 11): at 375 and 320 CSS pixels wide, My cases, User admin,
the caseviewer queue and the council admin's lists need no sideways scrolling of the page, stack
each row with its cells named, keep their sort links in view, and axe finds nothing — for a
school user, a school admin of two schools, a council officer and a council admin."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe, person, shot, sign_in

WIDTHS = (375, 320)
FIRST = "Braunstone Frith Primary School and Nursery"  # long names wrap, never widen
SECOND = "Hamilton Community College"
SENCO = "senco@braunstone-frith.example.org"
TWO_SCHOOL_ADMIN = "head@braunstone-frith.example.org"
COUNCIL_ADMIN = "portal.admin@council.example.org"
LONG_EMAIL = "attendance.and.inclusion.lead@braunstone-frith-primary.example.org"
PTT = "part-time-timetable"
PTT_NAME = "Part-time timetable alternative provision notification to LA"


@pytest.fixture(scope="module")
def schools(world) -> dict[str, int]:
    """Two more schools: a head who administers both, a SENCO of the first, a user with a long
    email address, a council admin, and cases (drafts and submitted) at each school."""
    from webapp.models import Case, Membership, School

    session = world.session()
    try:
        first = School(name=FIRST, urn="130101", setting_type="school")
        second = School(name=SECOND, urn="130102", setting_type="school")
        head = person(
            TWO_SCHOOL_ADMIN,
            "Harriet",
            "Okonkwo-Whitfield",
            "Executive headteacher",
            [Membership(school=first, is_admin=True), Membership(school=second, is_admin=True)],
        )
        senco = person(SENCO, "Sam", "Patel", "SENCO", [Membership(school=first)])
        session.add_all(
            [
                head,
                senco,
                person(
                    LONG_EMAIL,
                    "Alexandra",
                    "Fitzgerald-Montgomery",
                    "Attendance and inclusion lead",
                    [Membership(school=first), Membership(school=second)],
                ),
                person(COUNCIL_ADMIN, "Priya", "Admin", role="admin"),
            ]
        )
        session.flush()
        sent = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
        for number, (school, creator, submitted) in enumerate(
            [(first, senco, sent), (first, senco, None), (second, head, sent)], start=90001
        ):
            session.add(
                Case(
                    reference=f"EDU-SENED-PTT{number}",
                    school_id=school.id,
                    created_by_id=creator.id,
                    case_type_id=PTT,
                    case_type_version=1,
                    case_type_name=PTT_NAME,
                    service_name="Special Educational Needs and Disabilities",
                    status="Active" if submitted else "Draft",
                    activity="notified" if submitted else None,
                    activity_label="Case Officers Notification"
                    if submitted
                    else "Not yet submitted",
                    answers={},
                    submitted_at=submitted,
                )
            )
        session.commit()
        return {"first": first.id, "second": second.id}
    finally:
        session.close()


def pages_of(who: str, world, schools) -> list[tuple[str, str]]:
    """Each person's list pages: (name, path)."""
    return {
        "school user": [("My cases", "/my-cases")],
        "school admin of two schools": [
            ("My cases", "/my-cases"),
            ("User admin", "/user-admin/"),
            ("User admin, one school", f"/user-admin/?school={schools['second']}"),
        ],
        "council officer": [
            ("Caseviewer", "/caseviewer/"),
            (
                "Caseviewer, an impossible date",
                "/caseviewer/?submitted_from-day=31&submitted_from-month=2"
                "&submitted_from-year=2026",
            ),
        ],
        "council admin": [
            ("Council schools", "/council/schools"),
            ("Council staff", "/council/officers"),
            ("Council teams", "/council/teams"),
            ("Council: case types to preview", "/council/case-types"),
            ("Council: a school's users", f"/council/schools/{schools['first']}"),
        ],
    }[who]


EMAILS = {
    "school user": lambda world: SENCO,
    "school admin of two schools": lambda world: TWO_SCHOOL_ADMIN,
    "council officer": lambda world: world.officer,
    "council admin": lambda world: COUNCIL_ADMIN,
}


def assert_fits(page, name: str, width: int) -> None:
    """No sideways scrolling of the page, and the list stacked: a block per row, each cell
    headed by its column's name, the sort links (if any) in view."""
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert sizes["scroll"] <= sizes["client"], f"{name}: {sizes['scroll']} px wide at {width} px"
    table = page.locator("table.app-listing")
    expect(table).to_have_count(1)
    stacked = page.evaluate("""() => {
        const row = document.querySelector('table.app-listing tbody tr');
        const cell = row.querySelector('td[data-label]');
        return {row: getComputedStyle(row).display,
                label: getComputedStyle(cell, '::before').content,
                expected: JSON.stringify(cell.dataset.label)};
      }""")
    assert stacked["row"] == "block", f"{name}: rows are not stacked at {width} px"
    assert stacked["label"] == stacked["expected"], f"{name}: a cell's column is not shown"
    sort_links = page.locator("table.app-listing thead a")
    if sort_links.count():
        for index in range(sort_links.count()):
            link = sort_links.nth(index)
            expect(link).to_be_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= sizes["client"], (
                f"{name}: the sort link {link.inner_text()!r} is off the page at {width} px"
            )


@pytest.mark.parametrize("who", list(EMAILS))
def test_every_list_page_fits_a_phone(page, live, world, schools, who):
    sign_in(page, live, EMAILS[who](world))
    for name, path in pages_of(who, world, schools):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 740})
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            assert_fits(page, name, width)
            axe(page, f"{name} ({who}) at {width} px wide")
        shot(page, f"narrow-{name.lower().replace(' ', '-').replace(',', '').replace(':', '')}")


def test_the_school_column_and_filter_for_an_admin_of_two_schools(page, live, world, schools):
    sign_in(page, live, TWO_SCHOOL_ADMIN)
    page.goto("/my-cases")
    expect(page.get_by_role("columnheader", name="School")).to_have_count(1)
    page.get_by_label("School or setting").select_option(label=SECOND)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("EDU-SENED-PTT90003")
    page.goto("/user-admin/")
    row = page.locator("tbody tr").filter(has_text=TWO_SCHOOL_ADMIN)
    expect(row).to_contain_text(f"Yes: {FIRST}, {SECOND}")
