"""Back to a page that had come back with its errors: the browser sends that page's form
again (Chrome's "Confirm Form Resubmission", then Reload), and the portal shows the page as
saved since, not the old answers as another tab's."""

from __future__ import annotations

import contextlib

from playwright.sync_api import Error, expect

from tests.browser.helpers import axe, saved_draft, school_user, sign_in

USER = "back-to-errors@westcotes.example.org"  # sign-in codes of its own


def _about_the_child(page, upn: str) -> None:
    page.get_by_label("First name").fill("Kai")
    page.get_by_label("Last name").fill("Brown")
    page.locator("#date_of_birth-day").fill("14")
    page.locator("#date_of_birth-month").fill("5")
    page.locator("#date_of_birth-year").fill("2015")
    page.get_by_label("Unique pupil number (UPN)").fill(upn)
    page.get_by_label("National curriculum year group").select_option(label="Year 5")
    page.get_by_label("Home postcode").fill("LE3 9QQ")
    page.get_by_label("No special educational need").check()
    page.locator("input[name=looked_after][value=no]").check()
    page.locator("input[name=has_social_worker][value=no]").check()


def _reload(page) -> None:
    """Reload, once Chrome's page asking to send the form again is in the tab (until then
    the tab has no page to reload)."""
    for _attempt in range(20):
        try:
            page.reload()
            return
        except Error as error:
            if "Not attached to an active page" not in str(error):
                raise
            page.wait_for_timeout(250)
    page.reload()


def test_back_to_a_page_sent_with_a_mistake_shows_the_answers_saved_since(page, live, world):
    """Found by trying it: after putting a mistake right and going on, Back then Reload said
    "This page was changed in another tab or window" (there was one tab), showed the old
    wrong UPN, and asked the school to press Continue to save it over the right one."""
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "part-time-timetable")
    child = f"/cases/{reference}/pages/child"
    page.goto(child)
    _about_the_child(page, "A1")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("UPN must be 13 characters")
    page.get_by_label("Unique pupil number (UPN)").fill("A123456789012")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith(f"/cases/{reference}/pages/arrangement")

    with contextlib.suppress(Error):  # net::ERR_CACHE_MISS: "Confirm Form Resubmission"
        page.go_back()
    _reload(page)  # Chrome's own page asked; Reload sends the form with the mistake again
    assert page.url.endswith(child)
    expect(page.get_by_text("You went back to a page you had already sent")).to_be_visible()
    expect(page.get_by_text("changed in another tab")).to_have_count(0)
    expect(page.get_by_label("Unique pupil number (UPN)")).to_have_value("A123456789012")
    axe(page, "A page sent again by going Back to its errors")
