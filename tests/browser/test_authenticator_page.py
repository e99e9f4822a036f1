"""Use an authenticator app, as a school user meets it: the page passes axe, and its key for
those who cannot scan the QR code fits a 320 px screen."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import at_320_pixels, axe, school_user, sign_in


def test_the_key_for_those_who_cannot_scan_fits_a_phone(page, live, world):
    """Found by trying it at 320 px (and 400 % zoom): the 32-letter key ran off the screen
    in one unbroken line, the page scrolled sideways and the key's end could not be read
    beside its start; no browser test had opened the page."""
    sign_in(page, live, school_user(world, "authenticator@westcotes.example.org"))
    page.goto("/account/authenticator")
    axe(page, "Use an authenticator app")
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator(".govuk-details__text p").last
    expect(key).to_be_visible()
    assert len(key.inner_text().strip()) == 32  # copied or typed as it stands
    at_320_pixels(page, "Use an authenticator app, its key shown")
