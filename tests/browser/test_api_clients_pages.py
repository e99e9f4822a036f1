"""The council admin's API client pages and the API's own documentation page, in Chromium:
axe finds nothing, and at 320 px nothing scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import at_320_pixels, axe, person, sign_in

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
    with page.expect_navigation():
        page.get_by_role("link", name="SEND case system").click()
    axe(page, "Council: an API client")
    at_320_pixels(page, "Council: an API client")

    page.goto("/api/v1/docs")
    axe(page, "API documentation")
    at_320_pixels(page, "API documentation")
