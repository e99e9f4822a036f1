"""A case page that comes back after Continue with a warning, or unsaved because another tab
saved it first, says why to a screen reader: its notice takes the focus as the page loads, as
an error summary does (before, the focus stayed at the top of a page that looked unchanged)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import axe, saved_draft, school_user, sign_in

USER = "notices@westcotes.example.org"  # sign-in codes of its own


def _fill_closure(page) -> None:
    page.get_by_label("Why is the school closed?").select_option(label="Severe weather")
    page.get_by_label("Tell us what has happened").fill("Snow")
    page.get_by_label("Yes, the whole school is closed").check()
    page.get_by_label("How many pupils are affected?").fill("120")
    page.locator("#start_session").check()  # the morning
    page.locator("#reopening_known").check()  # yes: the reopening's questions appear
    page.locator("#reopening_session").check()
    for date, (day, month, year) in (
        ("start_date", ("2", "3", "2027")),
        ("reopening_date", ("5", "4", "2027")),
    ):
        page.locator(f"#{date}-day").fill(day)
        page.locator(f"#{date}-month").fill(month)
        page.locator(f"#{date}-year").fill(year)


def test_a_warning_takes_the_focus_when_the_page_comes_back(page, live, world):
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "school-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    _fill_closure(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    banner = page.locator(".app-warning-summary")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("the closure would last more than 2 weeks")
    axe(page, "Case page: a warning to confirm")


def test_a_page_saved_in_another_tab_says_so_with_the_focus(page, live, world):
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "school-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    other = page.context.new_page()
    other.goto(f"/cases/{reference}/pages/closure")
    # The other tab saves a changed answer first (a copy sending what is stored already is
    # no conflict: nothing would be lost).
    other.get_by_label("Tell us what has happened").fill("The boiler has been replaced.")
    with other.expect_navigation():
        other.get_by_role("button", name="Save and come back later").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    banner = page.locator(".govuk-notification-banner", has_text="Not saved")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_be_focused()
    other.close()
