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

HOURS = """\
id: weekly-hours
name: Weekly hours
category: Test forms
reference: {prefix: EDU-TEST, code: HRS}
version: 1
raised_by: [school]
workflow: standard
pages:
  - id: hours
    title: Hours
    fields:
      - {id: daily, type: number, label: Hours each day, decimals: 1}
      - {id: rate, type: money, label: Cost each day}
      - {id: weekly, type: calculated, label: Weekly, value: daily * 5, decimals: 2, suffix: hours}
      - {id: cost, type: calculated, label: Cost each week, format: money, value: rate * 5}
      - {id: began, type: time, label: Started}
      - {id: ended, type: time, label: Ended}
      - id: length
        type: calculated
        label: Length
        value: minutes_between(began, ended) if ended > began else none
        suffix: {one: minute, other: minutes}
    rules:
      - {check: ended > began, message: Ended must be after it started, field: ended}
"""


@pytest.fixture(scope="module")
def preview(browser_available, tmp_path_factory):
    folder = tmp_path_factory.mktemp("calculated") / "casetypes"
    shutil.copytree(ROOT / "casetypes" / "shared", folder / "shared")
    (folder / "return-dates.yaml").write_text(CASE_TYPE, encoding="utf-8")
    (folder / "weekly-hours.yaml").write_text(HOURS, encoding="utf-8")
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
        page.fill("[name=start-month]", "Dec")  # a month's name, as the server reads it
        expect(shown).to_have_text("7 December 2026")
        page.fill("[name=start-month]", "ma")  # March or May? no date, as on the server
        expect(shown).to_have_text("Not yet known")
        page.fill("[name=start-month]", "12")
        page.fill("[name=days]", "")
        expect(shown).to_have_text("Not yet known")


def test_a_decimal_comma_is_no_answer_while_typing_as_the_server_refuses_it(browser, preview):
    with page_at(browser, preview) as page:
        page.goto("/weekly-hours/pages/hours")
        weekly = page.locator("[data-question=weekly] .govuk-summary-list__value")
        cost = page.locator("[data-question=cost] .govuk-summary-list__value")
        page.fill("[name=daily]", "12.5")
        page.fill("[name=rate]", "£1,250.50")  # commas between thousands are read
        expect(weekly).to_have_text("62.5 hours")
        expect(cost).to_have_text("£6,252.50")
        # 12,5 was read as 125 (625 a week): now no answer, until the server says how to write it.
        page.fill("[name=daily]", "12,5")
        page.fill("[name=rate]", "£12,50")
        expect(weekly).to_have_text("Not yet known")
        expect(cost).to_have_text("Not yet known")
        # No thousands group starts with 0: 0,250 is a quarter, never 250 (as the server says).
        page.fill("[name=daily]", "0,250")
        expect(weekly).to_have_text("Not yet known")
        # A zero-width no-break space pasted with a number is ignored as the server ignores it.
        page.fill("[name=daily]", "1\ufeff2.5")
        expect(weekly).to_have_text("62.5 hours")
        # Spaces around a number are nothing; one inside it (12 5: 125, or 12.5?) is no
        # answer, as the server refuses it.
        page.fill("[name=daily]", " 12.5 ")
        expect(weekly).to_have_text("62.5 hours")
        page.fill("[name=daily]", "12 5")
        page.fill("[name=rate]", "£1 250")
        expect(weekly).to_have_text("Not yet known")
        expect(cost).to_have_text("Not yet known")


def test_a_duration_the_wrong_way_round_and_nothing_at_all_read_as_people_write(browser, preview):
    with page_at(browser, preview) as page:
        page.goto("/weekly-hours/pages/hours")
        weekly = page.locator("[data-question=weekly] .govuk-summary-list__value")
        length = page.locator("[data-question=length] .govuk-summary-list__value")
        page.fill("[name=daily]", "0")
        expect(weekly).to_have_text("0 hours")  # was "0.00 hours"
        page.fill("[name=began]", "10:45")
        page.fill("[name=ended]", "11:45")
        expect(length).to_have_text("60 minutes")
        page.fill("[name=ended]", "11.45 a.m.")  # as many write it, and the server reads it
        expect(length).to_have_text("60 minutes")
        page.fill("[name=ended]", "midday")
        expect(length).to_have_text("75 minutes")
        page.fill("[name=ended]", "9:45")
        expect(length).to_have_text("Not yet known")  # was "-60 minutes"
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Ended must be after it started"
        )
        expect(length).to_have_text("Not yet known")


# Times and months as people type them, each read in the page as the server reads it: the
# page shows what the server would store, or nothing where the server would refuse it.
TYPED_TIMES = [
    "2:15 p.m.", "2:15 P.M", "2.15pm", "11.45 a.m.", "12am", "12 pm", "0:30 am", "13:00 pm",
    "noon", "12 Noon", "12  noon", "12noon", "MIDDAY", "midnight", "12 midnight", "noon.",
    "9", "9pm", "9 .30", "9:30 a. m.", "\u00a09:30\u00a0", "\ufeff9:30", "9:30\x1c",
    "12\ufeffnoon", "9:30\ufeffam", "9:\ufeff30", "\ufeff\u00a09:30",
]  # fmt: skip
TYPED_MONTHS = [
    "December", "dec", "DEC.", "Sept", "sept.", "Jun", "ju", "ma", "May", "mays", "12",
    "Dec ember", "\u017fept", "augu\ufb05", "\u212a", "Dec\ufeff", "\x1cDec", "\ufeff",
]  # fmt: skip


def _server_time(typed: str) -> str | None:
    from engine.fields.base import Invalid
    from tests.engine.test_field_types import make

    field = make("time", label="Ended")
    try:
        return field.kind.parse(field, typed, {})
    except Invalid:
        return None


def test_times_typed_every_way_read_in_the_page_as_the_server_reads_them(browser, preview):
    with page_at(browser, preview) as page:
        page.goto("/weekly-hours/pages/hours")
        length = page.locator("[data-question=length] .govuk-summary-list__value")
        page.fill("[name=began]", "00:00")
        for typed in TYPED_TIMES:
            stored = _server_time(typed)
            minutes = int(stored[:2]) * 60 + int(stored[3:]) if stored else 0
            said = (
                f"{minutes:,} minute{'s' if minutes != 1 else ''}" if minutes else "Not yet known"
            )
            page.fill("[name=ended]", typed)
            expect(length, f"{typed!r}: the server stores {stored}").to_have_text(said)


def test_months_typed_every_way_read_in_the_page_as_the_server_reads_them(browser, preview):
    from engine.fields.base import Invalid
    from engine.fields.dates import date_from_parts

    with page_at(browser, preview) as page:
        page.goto("/return-dates/pages/dates")
        shown = page.locator("[data-question=back] .govuk-summary-list__value")
        page.fill("[name=start-day]", "2")
        page.fill("[name=start-year]", "2026")
        page.fill("[name=days]", "3")
        for typed in TYPED_MONTHS:
            try:
                month = date_from_parts("First day", {"day": "2", "month": typed, "year": "2026"})
            except Invalid:
                month = None
            said = "Not yet known"
            if month is not None:  # as the month's number shows it
                page.fill("[name=start-month]", str(month.month))
                expect(shown).not_to_have_text("Not yet known")
                said = shown.inner_text()
            page.fill("[name=start-month]", typed)
            expect(shown, f"{typed!r}: the server reads {month}").to_have_text(said)
