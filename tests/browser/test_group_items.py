"""Repeating groups in the browser: the keys a user presses do what the page says."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    at_320_pixels,
    axe,
    focused,
    saved_draft,
    school_user,
    sign_in,
    tab_to,
)

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


def test_a_key_pressed_on_remove_asks_before_an_item_with_answers_goes(live, world, page):
    # Found by trying it with the keyboard: Space on a session's radio, Tab, and Space once
    # more (as if still on the radios) pressed "Remove closure date 1", and the date and its
    # session were gone at once, for good. An item holding answers now goes only once the
    # user says so, and "No" leads back to it as it was typed.
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "planned-closure")
    page.goto(f"/cases/{reference}/pages/closure")
    with page.expect_navigation():
        page.get_by_role("button", name="Add another closure date").click()
    for index, day in ((0, "7"), (1, "8")):
        page.locator(f"#closure_dates-{index}-closure_date-day").fill(day)
        page.locator(f"#closure_dates-{index}-closure_date-month").fill("1")
        page.locator(f"#closure_dates-{index}-closure_date-year").fill("2027")
    page.locator("input[name=closure_dates-0-closure_session]").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Remove closure date 1"
    with page.expect_navigation():
        page.keyboard.press("Space")
    heading = "Are you sure you want to remove closure date 1?"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe(page, "Remove an item: are you sure?")
    at_320_pixels(page, "Remove an item: are you sure?")
    assert tab_to(page, "main a[href$='#closure_dates-0']")["text"] == "No, keep closure date 1"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".app-group__item")).to_have_count(2)
    expect(page.locator("#closure_dates-0-closure_date-day")).to_have_value("7")
    expect(page.locator("#closure_dates-1-closure_date-day")).to_have_value("8")
    expect(page.locator("input[name=closure_dates-0-closure_session]").first).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Remove closure date 1").click()
    assert tab_to(page, "main button")["text"] == "Yes, remove closure date 1"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Closure date 1 has been removed.")
    expect(page.locator(".app-group__item")).to_have_count(1)
    expect(page.locator("#closure_dates-0-closure_date-day")).to_have_value("8")
