"""The background save (static/js/autosave.js) against a slow connection."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.browser.helpers import sign_in

SLOW_ANSWERS = """() => {
  const fetch = window.fetch;
  window.fetch = (...args) => fetch(...args).then(
    (response) => new Promise((answer) => setTimeout(() => answer(response), 3000)));
}"""


def _page_version(world, reference: str, page_id: str) -> int:
    from sqlalchemy import select

    from webapp.models import Case

    session = world.session()
    try:
        case = session.scalar(select(Case).where(Case.reference == reference))
        return case.page_versions.get(page_id, 0)
    finally:
        session.close()


def test_continue_while_a_background_save_is_answered_slowly(page, live, world):
    sign_in(page, live, world.senco)
    page.goto("/submit-case/planned-closure")
    page.get_by_role("button", name="Start now").click()
    reference = page.locator(".app-reference").inner_text()
    page.evaluate(SLOW_ANSWERS)  # the server answers at once; the answer arrives 3 s later
    page.get_by_label("Tell us more about the reason for the closure").fill("The boiler")
    deadline = time.monotonic() + 10
    while _page_version(world, reference, "closure") < 1:  # the background save is in
        assert time.monotonic() < deadline, "the background save never reached the server"
        time.sleep(0.1)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_text("This page was changed in another tab")).to_have_count(0, timeout=1000)
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # the page's own problems
