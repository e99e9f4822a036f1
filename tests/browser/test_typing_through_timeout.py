"""What an officer typed on a case's page survives their session timing out for idleness, for
them alone (SECURITY-CHECKLIST 14): a note box not sent yet stays in the tab through the
timeout's sign-in page (kept-typing.js; someone else signing in there has it forgotten), and a
note sent as the session timed out is kept on the server (caseviewer/kept_notes.py) and put back
in its box after signing in again. Sign out pressed still forgets it all.

Found by an attacker trial: the timeout led to the sign-in page, which forgot the tab's typing,
and a note sent after the timeout was dropped, so the officer wrote it again from memory.

The timeout is had without waiting: the session cookie is signed again with its last activity
an hour back (the test knows the portal's SECRET_KEY), as if the officer had left for lunch."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import person, sign_in, sign_in_here
from tests.browser.test_journeys import _submitted_case, press_button

NOTE = "Mum rang: the child is not safe at home."
FOR_THE_SCHOOL = "Sent twice: see the other case."
TIMED_OUT = "You have been signed out because you were inactive for 30 minutes."


def _officer(world, email: str) -> str:
    """An officer of the world's SEND team (each test its own: 5 sign-in codes in 15 minutes)."""
    from sqlalchemy import select

    from webapp.models import Team, User

    session = world.session()
    try:
        if session.scalar(select(User).where(User.email == email)) is None:
            team = session.scalar(select(Team).where(Team.name == world.team))
            team.members.append(person(email, "Ada", email.split("@")[0], role="officer"))
            session.commit()
    finally:
        session.close()
    return email


def _idle_for_an_hour(page, world) -> None:
    """The browser's session as the portal will read it an hour after its last request."""
    app = world.app
    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = next(c for c in page.context.cookies() if c["name"] == name)
    data = serializer.loads(cookie["value"])
    data["seen_at"] -= 3600
    cookie["value"] = serializer.dumps(data)
    page.context.add_cookies([cookie])


def _kept_in_the_tab(page) -> str:
    page.wait_for_load_state()  # its scripts have run
    return page.evaluate("() => JSON.stringify(Object.entries(window.sessionStorage))")


def _type_both_notes(page, reference: str):
    page.goto(f"/caseviewer/cases/{reference}")
    internal = page.get_by_label("Add an internal note")
    abandon = page.get_by_label(re.compile("Note for the school – Abandon case"))
    internal.fill(NOTE)
    abandon.fill(FOR_THE_SCHOOL)
    return internal, abandon


def test_a_note_not_sent_yet_survives_the_timeout(page, live, world):
    reference = _submitted_case(world)
    officer = _officer(world, "timeout-1@council.example.org")
    sign_in(page, live, officer)
    internal, abandon = _type_both_notes(page, reference)
    _idle_for_an_hour(page, world)
    page.reload()  # what the timeout warning does when nobody answers it on this page
    expect(page.locator(".govuk-notification-banner")).to_contain_text(TIMED_OUT)
    sign_in_here(page, live, officer)
    expect(page).to_have_url(re.compile(f"/caseviewer/cases/{reference}$"))
    expect(internal).to_have_value(NOTE)
    expect(abandon).to_have_value(FOR_THE_SCHOOL)


def test_a_note_sent_after_the_timeout_is_put_back_in_its_box(page, live, world):
    reference = _submitted_case(world)
    officer = _officer(world, "timeout-2@council.example.org")
    sign_in(page, live, officer)
    internal, abandon = _type_both_notes(page, reference)
    _idle_for_an_hour(page, world)
    press_button(page, "Add note")  # back from lunch: the warning's timer had not run
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"{TIMED_OUT} What you typed has been kept: sign in to carry on."
    )
    assert NOTE not in _kept_in_the_tab(page)  # sent: kept on the server, not in the tab
    sign_in_here(page, live, officer)
    expect(page).to_have_url(re.compile(f"/caseviewer/cases/{reference}$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "What you typed on this case after you had been signed out has been put back in its box."
    )
    expect(internal).to_have_value(NOTE)
    expect(abandon).to_have_value(FOR_THE_SCHOOL)
    expect(page.locator(".app-timeline")).not_to_contain_text(NOTE)  # not added: checked first
    page.reload()  # given back once: from now on the tab keeps it, as any typing
    expect(page.get_by_text("has been put back in its box")).to_have_count(0)
    expect(internal).to_have_value(NOTE)
    press_button(page, "Add note")
    expect(page.locator(".app-timeline")).to_contain_text(NOTE)


def test_what_one_officer_typed_before_the_timeout_never_reaches_the_next(page, live, world):
    reference = _submitted_case(world)
    officer = _officer(world, "timeout-3@council.example.org")
    next_officer = _officer(world, "timeout-4@council.example.org")
    sign_in(page, live, officer)
    internal, abandon = _type_both_notes(page, reference)
    _idle_for_an_hour(page, world)
    press_button(page, "Add note")  # the internal note kept on the server, the other in the tab
    expect(page.locator(".govuk-notification-banner")).to_contain_text(TIMED_OUT)

    sign_in_here(page, live, next_officer)  # the next person at the shared computer
    expect(page).to_have_url(re.compile(f"/caseviewer/cases/{reference}$"))
    expect(internal).to_have_value("")
    expect(abandon).to_have_value("")
    expect(page.get_by_text("has been put back in its box")).to_have_count(0)
    kept = _kept_in_the_tab(page)
    assert NOTE not in kept and FOR_THE_SCHOOL not in kept

    # Still kept for the officer who typed it, on the server.
    page.goto("/sign-out")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live, officer)
    page.goto(f"/caseviewer/cases/{reference}")
    expect(internal).to_have_value(NOTE)


def test_sign_out_pressed_still_forgets_what_was_kept_through_a_timeout(page, live, world):
    reference = _submitted_case(world)
    officer = _officer(world, "timeout-5@council.example.org")
    sign_in(page, live, officer)
    internal, abandon = _type_both_notes(page, reference)
    _idle_for_an_hour(page, world)
    press_button(page, "Add note")
    sign_in(page, live, officer)  # signed in again, the case not opened yet
    page.goto("/sign-out")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    kept = _kept_in_the_tab(page)
    assert NOTE not in kept and FOR_THE_SCHOOL not in kept

    sign_in(page, live, officer)
    page.goto(f"/caseviewer/cases/{reference}")
    page.wait_for_load_state()
    expect(internal).to_have_value("")
    expect(abandon).to_have_value("")
    expect(page.get_by_text("has been put back in its box")).to_have_count(0)
