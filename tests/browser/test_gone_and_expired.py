"""Two pages this session added that only a lapse of time reaches, in Chromium at full width and
at 320 px through axe: the sign-in page of a colleague whose emailed password expired before
they used it, and the page of a draft the purge deleted while it was still open in a tab."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.helpers import PASSWORD, at_320_pixels, axe, person, sign_in


def test_an_expired_emailed_password_says_so_and_passes_axe(page, live, world):
    from webapp.models import Membership, School

    session = world.session()
    try:
        school = session.scalars(select(School).where(School.urn == world.school_urn)).one()
        late = person(
            "late@westcotes.example.org", "Lee", "Late", "SENCO", [Membership(school=school)]
        )
        late.password_generated_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=8)
        session.add(late)
        session.commit()
    finally:
        session.close()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("late@westcotes.example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("The password we sent you has expired")
    axe(page, "Sign in: the emailed password has expired")
    at_320_pixels(page, "Sign in: the emailed password has expired")


def test_a_purged_draft_open_in_a_tab_says_why_it_has_gone_and_passes_axe(page, live, world):
    from webapp.areas.cases import starting
    from webapp.domain.retention import _purge_old_drafts
    from webapp.models import Membership, School

    session = world.session()
    try:
        school = session.scalars(select(School).where(School.urn == world.school_urn)).one()
        user = person(
            "gone@westcotes.example.org", "Gus", "Gone", "SENCO", [Membership(school=school)]
        )
        session.add(user)
        session.commit()
        case_type = world.app.extensions["catalogue"].get("part-time-timetable")
        case = starting.start_case(session, user, school, case_type)
        reference = case.reference
        case.updated_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
        session.commit()
        # Only the draft purge, at the real time: no other row of the shared server goes.
        assert _purge_old_drafts(session, dt.datetime.now(dt.UTC), 180) == 1
        session.commit()
    finally:
        session.close()
    sign_in(page, live, "gone@westcotes.example.org")
    page.goto(f"/cases/{reference}")
    expect(page.locator("main")).to_contain_text("because it had not been used for 180 days")
    axe(page, "A draft the purge deleted")
    at_320_pixels(page, "A draft the purge deleted")
