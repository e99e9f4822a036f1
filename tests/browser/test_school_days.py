"""School days counted as the school types the dates: the Part-time Timetable's "School days in
the arrangement" skips the October half term in the browser, as the server does on saving."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import saved_draft, school_user, sign_in

USER = "school-days@westcotes.example.org"  # sign-in codes of its own (5 in 15 minutes a user)


def _arrangement_page(page, live, world) -> str:
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "part-time-timetable")
    page.goto(f"/cases/{reference}/pages/arrangement")
    return reference


def _type_date(page, name: str, day: int, month: int, year: int) -> None:
    for part, value in (("day", day), ("month", month), ("year", year)):
        page.fill(f"[name={name}-{part}]", str(value))


def test_school_days_skip_the_half_term_as_the_dates_are_typed(page, live, world):
    _arrangement_page(page, live, world)
    shown = page.locator("[data-question=school_days] .govuk-summary-list__value")
    _type_date(page, "start_date", 19, 10, 2026)  # Monday before the October half term
    _type_date(page, "end_date", 9, 11, 2026)  # three weeks on: one of them half term
    expect(shown).to_have_text("10 school days")
    _type_date(page, "start_date", 23, 10, 2026)  # the Friday before half term
    _type_date(page, "end_date", 2, 11, 2026)
    expect(shown).to_have_text("1 school day")
