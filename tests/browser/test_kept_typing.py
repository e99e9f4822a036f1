"""Caseviewer's case page keeps what an officer typed in its note boxes (static/js/kept-typing.js,
the mechanism the school's case pages keep their typing with) while another of its forms is
sent or the page is reloaded, until the box's own form is sent, and forgets it at sign-out."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import at_320_pixels, axe, person, school_user, sign_in
from tests.browser.test_journeys import _submitted_case, error_summary, press_button

OFFICER = "kept-typing@council.example.org"  # sign-in codes of its own (5 in 15 minutes)
# A colleague of the SENCO who sends the cases back: the SENCO's own codes are spent by the
# journeys (two more sign-ins here put test_task_list's over the limit in CI's full run).
WRITER = "kept-message@school.example.org"


def _officer(world) -> str:
    """An officer of the world's SEND team, added once."""
    from sqlalchemy import select

    from webapp.models import Team, User

    session = world.session()
    try:
        if session.scalar(select(User).where(User.email == OFFICER)) is None:
            team = session.scalar(select(Team).where(Team.name == world.team))
            team.members.append(person(OFFICER, "Kit", "Moss", role="officer"))
            session.commit()
    finally:
        session.close()
    return OFFICER


def test_typing_in_one_note_box_survives_the_other_forms_and_reloads(page, live, world):
    # Found by a new user's trial: an internal note half written, then "Assign to me", and the
    # page came back without it (each action is a form of its own; only the one sent is sent).
    reference = _submitted_case(world)
    sign_in(page, live, _officer(world))
    page.goto(f"/caseviewer/cases/{reference}")
    internal = page.get_by_label("Add an internal note")
    abandon = page.get_by_label(re.compile("Note for the school – Abandon case"))
    internal.fill("Rang the SENCO: the plan is signed.")
    abandon.fill("Sent twice: see the other case.")

    press_button(page, "Assign to me")
    expect(page.get_by_text(f"{reference} is now assigned to you")).to_be_visible()
    expect(internal).to_have_value("Rang the SENCO: the plan is signed.")
    expect(abandon).to_have_value("Sent twice: see the other case.")

    # A transition: the case moves on, and "Abandon case" is still offered from there (its box
    # numbered differently on the new page, but the same action's box).
    press_button(page, "Start review")
    expect(page.get_by_text("The case is now at ‘Review details")).to_be_visible()
    expect(internal).to_have_value("Rang the SENCO: the plan is signed.")
    expect(abandon).to_have_value("Sent twice: see the other case.")
    # Refused (a transition's note is required): the other boxes keep theirs too.
    press_button(page, "Request more information")
    expect(error_summary(page)).to_contain_text("Enter a note for the school")
    expect(internal).to_have_value("Rang the SENCO: the plan is signed.")
    expect(abandon).to_have_value("Sent twice: see the other case.")

    page.reload()
    expect(internal).to_have_value("Rang the SENCO: the plan is signed.")
    abandon.fill("Sent twice: see the other case, PTT1033.")
    page.reload()
    expect(abandon).to_have_value("Sent twice: see the other case, PTT1033.")

    # The note's own form sent: its box is empty from then on, the other keeps its typing.
    press_button(page, "Add note")
    expect(page.get_by_text("Your internal note has been added")).to_be_visible()
    expect(page.locator(".app-timeline")).to_contain_text("Rang the SENCO: the plan is signed.")
    expect(abandon).to_have_value("Sent twice: see the other case, PTT1033.")
    expect(internal).to_have_value("")
    # Found by a new user's trial: the note's tag, "Internal note – not shown to the school",
    # kept to one line, made the page 322 px wide on a 320 px phone.
    at_320_pixels(page, "Caseviewer: a case with an internal note")
    page.reload()
    expect(abandon).to_have_value("Sent twice: see the other case, PTT1033.")
    expect(internal).to_have_value("")

    # Signing out forgets the rest: the next person at the browser cannot read it.
    page.goto("/sign-out")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.wait_for_load_state()  # its scripts have run
    kept = page.evaluate("() => JSON.stringify(Object.entries(window.sessionStorage))")
    assert "Sent twice" not in kept


OTHER_OFFICER = "kept-typing-2@council.example.org"


def _other_officer(world) -> str:
    """A second officer of the same team: the next person at a shared computer."""
    from sqlalchemy import select

    from webapp.models import Team, User

    session = world.session()
    try:
        if session.scalar(select(User).where(User.email == OTHER_OFFICER)) is None:
            team = session.scalar(select(Team).where(Team.name == world.team))
            team.members.append(person(OTHER_OFFICER, "Lou", "Reed", role="officer"))
            session.commit()
    finally:
        session.close()
    return OTHER_OFFICER


def test_typing_kept_in_a_tab_is_not_given_to_the_next_person_signed_in(page, live, world):
    # Found by attack4: signing out in one tab forgot only that tab's typing. Another tab
    # still held the note half written there, and the next officer to sign in at the shared
    # computer had it put back in the box on that tab, to read or send as theirs.
    reference = _submitted_case(world)
    sign_in(page, live, _officer(world))
    page.goto(f"/caseviewer/cases/{reference}")
    page.get_by_label("Add an internal note").fill("Mum rang: the child is not safe at home.")

    other_tab = page.context.new_page()
    other_tab.goto("/sign-out")
    other_tab.get_by_role("button", name="Sign out").click()
    other_tab.get_by_role("heading", name="Sign in").wait_for()
    sign_in(other_tab, live, _other_officer(world))

    page.goto(f"/caseviewer/cases/{reference}")  # the first tab, by the next officer
    page.get_by_role("heading", level=1, name=reference).wait_for()
    page.wait_for_load_state()  # its scripts have run
    expect(page.get_by_label("Add an internal note")).to_have_value("")
    kept = page.evaluate("() => JSON.stringify(Object.entries(window.sessionStorage))")
    assert "not safe" not in kept
    other_tab.close()


def _officer_moves(world, reference: str, *moves: tuple[str, str]) -> None:
    """The world's officer takes each (action, note) on the case, as caseviewer would."""
    from sqlalchemy import select

    from webapp.domain import workflow
    from webapp.models import Case, User

    with world.app.app_context():
        session = world.session()
        try:
            case = session.scalar(select(Case).where(Case.reference == reference))
            officer = session.scalar(select(User).where(User.email == world.officer))
            case_type = workflow.definition_for(session, case)
            for action, note in moves:
                workflow.take_transition(session, case, case_type, action, officer, "officer", note)
            session.commit()
        finally:
            session.close()


def _asked_for_more(world) -> str:
    reference = _submitted_case(world)
    _officer_moves(world, reference, ("Start review", ""), ("Request more information", "Dates?"))
    return reference


def test_a_schools_message_to_the_council_is_kept_through_a_reload_then_sent(page, live, world):
    """The school's message with a case sent back (its transition's `note: optional`) is kept
    in the tab as an officer's notes are, and reaches the timeline on its lines."""
    reference = _asked_for_more(world)
    sign_in(page, live, school_user(world, WRITER))
    page.goto(f"/cases/{reference}/check-answers")
    message = page.get_by_label("Message to the council (optional)")
    message.fill("The dates are right.\nNothing needed to change.")
    page.reload()
    expect(message).to_have_value("The dates are right.\nNothing needed to change.")
    press_button(page, "Send the changes")  # the declaration not ticked: refused, kept
    expect(error_summary(page)).to_contain_text("Tick the box to confirm the declaration")
    expect(message).to_have_value("The dates are right.\nNothing needed to change.")
    page.get_by_label("I confirm").check()
    press_button(page, "Send the changes")
    expect(page.get_by_text("has been sent back to the council")).to_be_visible()
    timeline = page.locator(".app-timeline")
    expect(timeline).to_contain_text("The dates are right.")
    assert timeline.locator("br").count() >= 1


def test_a_message_sent_after_the_council_abandoned_the_case_is_given_back(page, live, world):
    """The council abandons the case while the school's Check your changes is open: the
    message the tab forgot on sending is shown back to copy, on a page that passes axe and
    fits 320 px (review22's page)."""
    reference = _asked_for_more(world)
    sign_in(page, live, school_user(world, WRITER))
    page.goto(f"/cases/{reference}/check-answers")
    page.get_by_label("Message to the council (optional)").fill(
        "The dates are right.\nAll of them."
    )
    page.get_by_label("I confirm").check()
    _officer_moves(world, reference, ("Abandon case", "Closed by the council."))
    press_button(page, "Send the changes")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your message to the council has not been sent"
    )
    expect(page.locator(".app-sent-message")).to_contain_text("The dates are right.")
    axe(page, "A school's message not sent: the case was abandoned")
    at_320_pixels(page, "A school's message not sent: the case was abandoned")


SIGNED_OUT_WRITER = "kept-message-signed-out@school.example.org"


def test_a_message_sent_after_signing_out_elsewhere_is_put_back_to_send(page, live, world):
    """Signed out on another device while writing the message to the council (a sign-out
    in this browser forgets what its tabs kept, for the next person at it): Send the changes
    says the case was not sent and asks to sign in, which leads back to Check your changes
    with the message in its box (the tab kept it through sending), to be sent from there.
    The tab forgot it on sending, and the school had it to write again (attack7)."""
    from tests.browser.helpers import page_at, sign_in_here

    reference = _asked_for_more(world)
    email = school_user(world, SIGNED_OUT_WRITER)
    sign_in(page, live, email)
    page.goto(f"/cases/{reference}/check-answers")
    written = "The dates are right.\nAll of them."
    page.get_by_label("Message to the council (optional)").fill(written)
    page.get_by_label("I confirm").check()
    with page_at(page.context.browser, live.url) as phone:  # another browser: its sign-out
        sign_in(phone, live, email)  # ends every session of theirs, on the server
        phone.goto("/sign-out")
        phone.get_by_role("button", name="Sign out").click()
        phone.get_by_role("heading", name="Sign in").wait_for()

    press_button(page, "Send the changes")
    expect(page.get_by_text(f"so {reference} was not sent")).to_be_visible()
    sign_in_here(page, live, email)
    expect(page).to_have_url(re.compile(f"/cases/{reference}/check-answers"))
    expect(page.get_by_label("Message to the council (optional)")).to_have_value(written)
    page.get_by_label("I confirm").check()
    press_button(page, "Send the changes")
    expect(page.get_by_text("has been sent back to the council")).to_be_visible()
    expect(page.locator(".app-timeline")).to_contain_text("All of them.")
