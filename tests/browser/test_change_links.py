"""A Change link on Check your answers puts the focus on the answer to change: the chosen
radio, the first box ticked, "No" when No was the answer, and a repeating group left empty's
"Add a …" button. Followed in Chromium, where the page's own focus is what a keyboard or
screen-reader user meets; shown in `portal preview` of a case type of the test's own."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.helpers import ROOT, focused, page_at, preview_of

CASE_TYPE = """\
id: choices
name: Choices
category: Test forms
reference: {prefix: EDU-TEST, code: CHO}
version: 1
raised_by: [school]
workflow: standard
pages:
  - id: about
    title: About the visit
    fields:
      - id: colour
        type: radios
        label: Room
        options: [{value: red, label: Red room}, {value: green, label: Green room}]
      - id: days
        type: checkboxes
        label: Days
        options:
          - {value: mon, label: Monday}
          - {value: tue, label: Tuesday}
          - {value: none, label: None of these days, exclusive: true}
      - {id: agreed, type: yes_no, label: Was it agreed?}
      - id: helpers
        type: group
        label: Helpers
        item_label: Helper
        required: false
        fields:
          - {id: helper_name, type: text, label: Helper's name}
"""


@pytest.fixture(scope="module")
def preview(browser_available, tmp_path_factory):
    folder = tmp_path_factory.mktemp("change-links") / "casetypes"
    shutil.copytree(ROOT / "casetypes" / "shared", folder / "shared")
    (folder / "choices.yaml").write_text(CASE_TYPE, encoding="utf-8")
    with preview_of(folder) as url:
        yield url


def _change(page, label: str) -> dict:
    """Follow the Change link of the row `label` on Check your answers: what has the focus."""
    page.goto("/choices/check")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Change {label}").click()
    return focused(page)


def test_change_links_focus_the_answer_given_or_the_way_to_add_one(browser, preview):
    with page_at(browser, preview) as page:
        page.goto("/choices/pages/about")
        page.get_by_label("Green room").check()
        page.get_by_label("Tuesday").check()
        page.get_by_label("No", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()

        chosen = _change(page, "Room")
        assert (chosen["name"], chosen["value"], chosen["checked"]) == ("colour", "green", True)
        chosen = _change(page, "Days")
        assert (chosen["name"], chosen["value"], chosen["checked"]) == ("days", "tue", True)
        chosen = _change(page, "Was it agreed?")
        assert (chosen["name"], chosen["value"], chosen["checked"]) == ("agreed", "no", True)
        # No helper was added: the link leads to the button that adds one.
        adding = _change(page, "Helpers")
        assert (adding["tag"], adding["text"]) == ("button", "Add a helper")
