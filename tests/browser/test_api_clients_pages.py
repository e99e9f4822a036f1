"""The council admin's API client pages (a new webhook signing secret too) and the API's own
documentation page, in Chromium: axe finds nothing, and at 320 px nothing scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.helpers import at_320_pixels, axe, person, sign_in
from webapp.models_api import ApiClient

EMAIL = "api-admin@council.example.org"


def test_api_client_pages_pass_axe_and_fit_a_phone(page, live, world):
    session = world.session()
    try:
        session.add(person(EMAIL, "Ada", "Okafor", "Integration lead", role="admin"))
        session.commit()
    finally:
        session.close()
    sign_in(page, live, EMAIL)

    page.goto("/council/api-clients/add")
    axe(page, "Council: add an API client")
    at_320_pixels(page, "Council: add an API client")
    page.get_by_label("Name").fill("SEND case system")
    page.get_by_label("Part-time timetable alternative provision notification to LA").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add API client").click()
    expect(page.locator("#secret")).to_be_visible()
    axe(page, "Council: an API client's key, shown once")
    at_320_pixels(page, "Council: an API client's key, shown once")

    page.goto("/council/api-clients")
    expect(page.get_by_text("SEND case system")).to_be_visible()
    axe(page, "Council: API clients")
    at_320_pixels(page, "Council: API clients")
    session = world.session()
    try:  # a webhook saved earlier (its address is not called here)
        client = session.scalars(select(ApiClient)).one()
        client.webhook_url, client.webhook_events = "https://hooks.example.org/portal", []
        client.webhook_secret = "whsec_" + "a" * 43
        session.commit()
    finally:
        session.close()
    with page.expect_navigation():
        page.get_by_role("link", name="SEND case system").click()
    axe(page, "Council: an API client")
    at_320_pixels(page, "Council: an API client")

    with page.expect_navigation():
        page.get_by_role("button", name="Make a new signing secret").click()
    axe(page, "Council: a new signing secret, asked first")
    at_320_pixels(page, "Council: a new signing secret, asked first")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, make a new signing secret").click()
    expect(page.locator("#secret")).to_contain_text("whsec_")
    expect(page.locator("#secret")).not_to_contain_text("a" * 43)
    axe(page, "Council: a new signing secret, shown once")
    at_320_pixels(page, "Council: a new signing secret, shown once")

    with page.expect_navigation():
        page.get_by_role("link", name="Continue to SEND case system").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Change its case types, actions or networks").click()
    axe(page, "Council: change what an API client may do")
    at_320_pixels(page, "Council: change what an API client may do")
    page.get_by_label("Start review").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Start review", exact=True)).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Revoke key").click()
    axe(page, "Council: revoke a key, asked first")
    at_320_pixels(page, "Council: revoke a key, asked first")
    expect(page.get_by_text("This is the only live key of SEND case system")).to_be_visible()

    page.go_back()
    with page.expect_navigation():
        page.get_by_role("link", name="Remove the webhook").click()
    axe(page, "Council: remove a webhook, asked first")
    at_320_pixels(page, "Council: remove a webhook, asked first")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, remove the webhook").click()
    expect(page.get_by_text("The webhook of SEND case system has been removed")).to_be_visible()

    page.goto("/api/v1/docs")
    axe(page, "API documentation")
    at_320_pixels(page, "API documentation")
