"""Repeating groups in the browser: the keys a user presses do what the page says."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import saved_draft, school_user, sign_in

USER = "groups@westcotes.example.org"  # sign-in codes of its own (5 in 15 minutes a user)


@pytest.mark.parametrize("javascript", [True, False])
def test_enter_in_an_items_answer_continues_and_never_removes_an_item(
    request, live, world, javascript
):
    # Found by trying it: Enter in a text box presses the form's first button, which on a
    # page with a repeating group was "Remove closure date 1" (or "Add another"): the first
    # item, with everything typed in it, was gone. Enter now means Continue.
    page = request.getfixturevalue("page" if javascript else "page_without_javascript")
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "planned-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    with page.expect_navigation():
        page.get_by_role("button", name="Add another closure date").click()
    items = page.locator(".app-group__item")
    expect(items).to_have_count(2)
    page.locator("#closure_dates-0-closure_date-day").fill("7")
    page.locator("#closure_dates-1-closure_date-day").fill("8")
    with page.expect_navigation():
        page.locator("#closure_dates-1-closure_date-day").press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # Continue: the rest to answer
    expect(items).to_have_count(2)
    expect(page.locator("#closure_dates-0-closure_date-day")).to_have_value("7")
    expect(page.locator("#closure_dates-1-closure_date-day")).to_have_value("8")


def test_removing_an_item_is_read_out_the_banner_saying_so_takes_the_focus(live, world, page):
    # Found by trying it: after "Remove closure date 2" nothing was said; then the banner
    # saying so did not take the focus, as the address's #fragment (the group) took it away,
    # so a screen reader still read nothing. The banner now has it.
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "planned-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    with page.expect_navigation():
        page.get_by_role("button", name="Add another closure date").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Remove closure date 2").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Closure date 2 has been removed.")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_be_focused()
    expect(page.locator(".app-group__item")).to_have_count(1)
