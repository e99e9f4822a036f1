"""The background save (static/js/autosave.js) against a slow connection."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import at_320_pixels, axe, saved_draft, school_user, sign_in

SLOW_ANSWERS = """() => {
  const fetch = window.fetch;
  window.fetch = (...args) => fetch(...args).then(
    (response) => new Promise((answer) => setTimeout(() => answer(response), 3000)));
}"""

USER = "autosave@westcotes.example.org"  # sign-in codes of its own (5 in 15 minutes a user)


def _page_version(world, case_type_id: str, page_id: str) -> int:
    """The page's version in the newest case of this type (0 before any case is saved)."""
    from sqlalchemy import select

    from webapp.models import Case

    session = world.session()
    try:
        case = session.scalar(
            select(Case).where(Case.case_type_id == case_type_id).order_by(Case.id.desc())
        )
        return case.page_versions.get(page_id, 0) if case else 0
    finally:
        session.close()


def test_continue_while_a_background_save_is_answered_slowly(page, live, world):
    sign_in(page, live, world.senco)
    page.goto("/submit-case/planned-closure")
    page.get_by_role("button", name="Start now").click()
    page.evaluate(SLOW_ANSWERS)  # the server answers at once; the answer arrives 3 s later
    page.get_by_label("Tell us more about the reason for the closure").fill("The boiler")
    deadline = time.monotonic() + 30  # a wait, not a measure: CI's machine may be busy
    while _page_version(world, "planned-closure", "closure") < 1:  # the background save is in
        assert time.monotonic() < deadline, "the background save never reached the server"
        time.sleep(0.1)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_text("This page was changed in another tab")).to_have_count(0, timeout=1000)
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # the page's own problems


def test_the_first_background_save_of_a_new_case_moves_the_page_to_the_saved_case(
    page, live, world
):
    sign_in(page, live, school_user(world, USER))
    page.goto("/submit-case/planned-closure")
    page.get_by_role("button", name="Start now").click()
    assert "/submit-case/planned-closure/new/closure" in page.url
    expect(page.locator(".app-reference")).to_have_text("")
    axe(page, "Case page: a new case, not saved yet")
    at_320_pixels(page, "Case page: a new case, not saved yet")
    page.get_by_label("Tell us more about the reason for the closure").fill("The boiler")
    expect(page.locator(".app-autosave-status")).to_contain_text("Saved at", timeout=10_000)
    reference = page.locator(".app-reference").inner_text()
    assert reference
    # The reference appearing in the caption is said too, in the status (a live region).
    expect(page.locator(".app-autosave-status")).to_contain_text(f" as draft {reference}.")
    assert page.url.endswith(f"/cases/{reference}/pages/closure")
    page.reload()  # the address is the case's page now: it shows what was saved
    expect(page.get_by_label("Tell us more about the reason for the closure")).to_have_value(
        "The boiler"
    )
    page.get_by_label("Tell us more about the reason for the closure").fill("The boiler failed")
    expect(page.locator(".app-autosave-status")).to_contain_text("Saved at", timeout=10_000)
    assert _page_version(world, "planned-closure", "closure") == 2  # the same case, saved again


@pytest.mark.parametrize("javascript", [True, False])
def test_back_to_a_new_case_page_sent_already_shows_the_case_not_a_blank_page(
    request, live, world, javascript
):
    # Back after the first Continue used to show the new page blank, and a correction typed
    # there started a second case: the page's address carries its start token from Start now
    # on (it was put there by the page's script, so without JavaScript it never was), and
    # leads to the case it made.
    page = request.getfixturevalue("page" if javascript else "page_without_javascript")
    sign_in(page, live, school_user(world, USER))
    page.goto("/submit-case/planned-closure")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    page.get_by_label("Tell us more about the reason for the closure").fill("The boiler")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and come back later").click()
    reference = page.locator("main").inner_text().split("come back to ")[1].split()[0]
    page.go_back()
    assert page.url.endswith(f"/cases/{reference}/pages/closure")
    expect(page.locator(".app-reference")).to_have_text(reference)
    expect(page.get_by_label("Tell us more about the reason for the closure")).to_have_value(
        "The boiler"
    )


@pytest.mark.parametrize(
    "email, again, said, page_says",
    [
        # It said "your answers will be saved when you press Continue", then lost them.
        ("signed-out@westcotes.example.org", False, "You have been signed out", "the page you"),
        # Its token is not the new session's: the same promise, then a bare 400.
        ("signed-in-again@westcotes.example.org", True, "opened before you last", "what you"),
    ],
)
def test_signed_out_in_another_tab_the_page_says_it_is_no_longer_saved(
    context, page, live, world, email, again, said, page_says
):
    user = school_user(world, email)
    sign_in(page, live, user)
    reference = saved_draft(page, "planned-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    other_tab = context.new_page()
    other_tab.goto("/sign-out")
    other_tab.get_by_role("button", name="Sign out").click()
    if again:
        sign_in(other_tab, live, user)
    page.get_by_label("Tell us more about the reason for the closure").fill("The boiler")
    expect(page.locator(".app-autosave-status")).to_contain_text(said, timeout=10_000)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.locator("main")).to_contain_text(f"{page_says} sent could not be saved")


def test_a_chosen_file_is_said_to_wait_for_continue_not_saved(page, live, world, tmp_path):
    # Found by trying it: a file chosen, then more typing, and the page said only "Saved at
    # 10:45", though background saves never carry files; closing the page then lost the file.
    sign_in(page, live, school_user(world, "files@westcotes.example.org"))
    reference = saved_draft(page, "part-time-timetable")
    page.goto(f"/cases/{reference}/pages/agreement")
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Signed plan").set_input_files(plan)
    status = page.locator(".app-autosave-status")
    expect(status).to_contain_text("The file you chose is not uploaded yet")
    page.get_by_label("What does the pupil think about the arrangement? (optional)").fill("Happy")
    expect(status).to_contain_text("Saved at", timeout=10_000)
    expect(status).to_contain_text("it is uploaded when you press Continue")


def test_a_page_reloaded_straight_after_typing_comes_back_with_it_and_goes_on_saving(
    page, live, world
):
    # Found by trying it: typing, then at once the browser's Reload, brought the page back
    # without what was typed: the browser asks for the page again before the save on the way
    # out is sent. That save landed afterwards, so the next change was refused, "changed in
    # another tab or window", with one tab open, and lost.
    sign_in(page, live, school_user(world, "reload@westcotes.example.org"))
    reference = saved_draft(page, "planned-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    reason = page.get_by_label("Tell us more about the reason for the closure")
    status = page.locator(".app-autosave-status")
    reason.fill("The boiler")
    page.reload()
    expect(reason).to_have_value("The boiler")
    reason.fill("The boiler failed")
    expect(status).to_contain_text("Saved at", timeout=10_000)
    expect(status).not_to_contain_text("another tab")
    page.reload()
    expect(reason).to_have_value("The boiler failed")


def test_signing_out_leaves_none_of_the_typing_in_the_tab(page, live, world):
    # Found reviewing the reload fix: leaving a page with typing keeps the answers in the
    # tab's sessionStorage, which outlives signing out. On a school's shared computer the next
    # person at the browser (a colleague, a pupil) could read them with the developer tools.
    sign_in(page, live, school_user(world, "shared-pc@westcotes.example.org"))
    reference = saved_draft(page, "planned-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    page.get_by_label("Tell us more about the reason for the closure").fill("Asbestos found")
    page.goto("/sign-out")  # straight after typing: the answers are kept on the way out
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.wait_for_load_state()  # its scripts have run
    kept = page.evaluate("() => JSON.stringify(Object.entries(window.sessionStorage))")
    assert "Asbestos found" not in kept


def test_a_new_case_does_not_start_with_the_typing_of_the_last_one(page, live, world):
    # Found reviewing the reload fix: typing kept on the way out of a new case's first page
    # was put back on the next new case of that type started in the tab (the same address
    # but for its start token), and saved there: another pupil's case began with this one's.
    sign_in(page, live, school_user(world, "two-new@westcotes.example.org"))
    page.goto("/submit-case/planned-closure")
    page.get_by_role("button", name="Start now").click()
    reason = page.get_by_label("Tell us more about the reason for the closure")
    reason.fill("Flooded kitchen")
    page.goto("/my-cases")  # straight after typing: the answers are kept on the way out
    page.goto("/submit-case/planned-closure")
    page.get_by_role("button", name="Start now").click()
    expect(page.locator(".app-reference")).to_have_text("")
    page.wait_for_load_state("networkidle")
    expect(reason).to_have_value("")
