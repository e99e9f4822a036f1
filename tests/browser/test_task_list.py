"""A long form's task list and its prefilled "Your details", in Chromium, checked by axe."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import at_320_pixels, axe, shot, sign_in


def test_a_referral_opens_on_its_task_list_and_fills_in_the_schools_details(page, live, world):
    sign_in(page, live, world.senco)
    page.goto("/submit-case/send-referral")
    page.get_by_role("button", name="Start now").click()

    # The task list: every section not yet started, each a link but none done.
    expect(page.get_by_role("heading", level=1, name="SEND services referral")).to_be_visible()
    statuses = page.locator(".govuk-task-list__status")
    expect(statuses).to_have_text(["Not yet started"] * 4)
    axe(page, "Task list")
    at_320_pixels(page, "Task list")
    shot(page, "task-list")

    # Permissions: finishing the section's only page comes back to the task list, completed.
    page.get_by_role("link", name="Permissions").click()
    page.get_by_role("group", name="Has a parent or carer").get_by_label("Yes").check()
    page.get_by_role("group", name="Have they agreed").get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(statuses.first).to_have_text("Completed")
    expect(page.get_by_text("You have completed 1 of 4 sections")).to_be_visible()
    axe(page, "Task list: a section completed")

    # Your details: the school's name and URN shown, not asked; the user's name filled in.
    page.get_by_role("link", name="Your details").click()
    school = page.locator("#setting_name")
    expect(school).to_contain_text(world.school_name)
    expect(page.locator("#setting_urn")).to_contain_text(world.school_urn)
    expect(page.get_by_role("textbox", name="Name of your school or setting")).to_have_count(0)
    expect(page.get_by_label("Your name")).to_have_value("Dev Mistry")
    expect(page.get_by_label("Email address")).to_have_value(world.senco)
    axe(page, "Case page: prefilled school details")
    at_320_pixels(page, "Case page: prefilled school details")
    shot(page, "prefilled-details")
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="SEND services referral")).to_be_visible()
