"""The pages every footer links to, as anyone meets them (signed out): they pass axe, and fit
a 320 px screen."""

from __future__ import annotations

import pytest

from tests.browser.helpers import at_320_pixels, axe


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/accessibility", "Accessibility statement"),
        ("/cookies", "Cookies"),
        ("/minimum-requirements", "Minimum requirements"),
        ("/feedback", "Feedback"),
    ],
)
def test_a_footer_page_passes_axe_and_fits_a_phone(page, live, path, name):
    """Found at 320 px: the cookies page's table (name, purpose, expiry) was 353 px wide, so
    the page scrolled sideways; no browser test had opened the footer's pages."""
    page.goto(path)
    axe(page, name)
    at_320_pixels(page, name, open_menu=False)
