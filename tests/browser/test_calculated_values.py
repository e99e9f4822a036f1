"""A calculated value shows as the server shows it while the answers are typed: a date as
GOV.UK writes it ("7 December 2026", not 2026-12-07), a count of school days with its suffix,
and "Not yet known" while an answer it needs is missing. Shown in `portal preview` of a case
type of the test's own, since no shipped case type calculates a date."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ROOT, page_at, preview_of

CASE_TYPE = """\
id: return-dates
name: Return dates
category: Test forms
reference: {prefix: EDU-TEST, code: RET}
version: 1
raised_by: [school]
workflow: standard
pages:
  - id: dates
    title: The suspension
    fields:
      - {id: start, type: date, label: First day}
      - {id: days, type: number, label: School days, min: 1, max: 45}
      - id: back
        type: calculated
        label: Back in school on
        format: date
        value: add_school_days(start, days)
"""


@pytest.fixture(scope="module")
def preview(browser_available, tmp_path_factory):
    folder = tmp_path_factory.mktemp("calculated") / "casetypes"
    shutil.copytree(ROOT / "casetypes" / "shared", folder / "shared")
    (folder / "return-dates.yaml").write_text(CASE_TYPE, encoding="utf-8")
    with preview_of(folder) as url:
        yield url


def test_a_calculated_date_shows_as_a_date_is_written_as_it_is_typed(browser, preview):
    with page_at(browser, preview) as page:
        page.goto("/return-dates/pages/dates")
        shown = page.locator("[data-question=back] .govuk-summary-list__value")
        expect(shown).to_have_text("Not yet known")
        for part, value in (("day", "2"), ("month", "12"), ("year", "2026")):
            page.fill(f"[name=start-{part}]", value)
        page.fill("[name=days]", "3")
        # Wednesday 2 December 2026 and three school days: Thursday, Friday, then Monday.
        expect(shown).to_have_text("7 December 2026")
        page.fill("[name=days]", "")
        expect(shown).to_have_text("Not yet known")
