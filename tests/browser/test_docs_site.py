"""The generated documentation (`portal docs`) in a real browser: served as any static host
would serve it, it passes axe (WCAG 2.2 A and AA) on the index and on a case type's page, wide
and narrow, and its links lead from the index to a case type and back."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import axe, page_at
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


@pytest.fixture(scope="module")
def docs_url(tmp_path_factory) -> Iterator[str]:
    """The site of the shipped case types, served on 127.0.0.1 by the standard library."""
    out = tmp_path_factory.mktemp("docs-site")
    assert main(["docs", str(ROOT / "casetypes"), "--out", str(out)]) == 0
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def docs_page(browser, docs_url):
    with page_at(browser, docs_url) as page:
        yield page


def test_the_index_and_a_case_type_page_pass_axe(docs_page):
    docs_page.goto("/index.html")
    assert docs_page.locator("h1").inner_text() == "Case types"
    axe(docs_page, "docs: index")
    docs_page.get_by_role("link", name="Physical Intervention Record").click()
    docs_page.wait_for_url("**/physical-intervention.html")
    assert docs_page.locator("h1").inner_text() == "Physical Intervention Record"
    assert docs_page.get_by_role("img", name="The workflow of Physical Intervention Record")
    axe(docs_page, "docs: case type")
    docs_page.get_by_role("link", name="Case types").first.click()
    docs_page.wait_for_url("**/index.html")


def test_a_case_type_page_passes_axe_on_a_narrow_screen(docs_page):
    docs_page.set_viewport_size({"width": 320, "height": 640})
    docs_page.goto("/send-referral.html")
    axe(docs_page, "docs: case type, 320px wide")
    overflow = docs_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 320px"
