"""The school calendar, a file's own option lists and suffixes that agree, as authors use them:
school days counted over half terms and bank holidays, beyond the calendar as weekdays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine import compile_definition, load_catalogue
from tests.engine.conftest import case_type_yaml, catalogue_of

ROOT = Path(__file__).resolve().parents[2]
CALENDAR = """\
kind: calendar
terms:
  - {name: Autumn 1, start: 2026-09-03, end: 2026-10-23}
  - {name: Autumn 2, start: 2026-11-02, end: 2026-12-18}
bank_holidays:
  - {date: 2026-08-31, name: Summer bank holiday}
  - {date: 2026-12-25, name: Christmas Day}
  - {date: 2026-12-28, name: Boxing Day (substitute day)}
closures:
  - {name: Polling day, date: 2026-11-05}
"""
PAGES = """
- id: dates
  title: Dates
  fields:
    - {id: start_date, type: date, label: First day}
    - {id: end_date, type: date, label: Last day}
    - id: days
      type: calculated
      label: School days
      value: school_days_between(start_date, end_date)
      suffix: {one: day, other: days}
    - {id: due, type: calculated, label: Due, format: date, value: "add_school_days(start_date, 3)"}
"""
D = dt.date


def _case(calendar: str | None = CALENDAR):
    files = [("case.yaml", case_type_yaml(PAGES))]
    if calendar:
        files.append(("shared/calendar.yaml", calendar))
    catalogue = catalogue_of(*files)
    assert catalogue.errors == []
    return catalogue.get("test-case")


def _calculated(case_type, start, end=None):
    values = {"start_date": start, "end_date": end}
    days, due = case_type.pages[0].fields[2], case_type.pages[0].fields[3]
    return days.kind.evaluate(days, values), due.kind.evaluate(due, values), days


def test_half_term_closures_and_bank_holidays_are_not_school_days():
    case_type = _case()
    # Mon 19 Oct to Mon 9 Nov: 5 days before half term, none in it, 5 after less polling day.
    days, _, _ = _calculated(case_type, D(2026, 10, 19), D(2026, 11, 9))
    assert days == 9
    # Counting backwards gives the same number, negative, as weekdays_between does.
    assert _calculated(case_type, D(2026, 11, 9), D(2026, 10, 19))[0] == -9


def test_adding_school_days_skips_holidays_and_closures():
    case_type = _case()
    assert _calculated(case_type, D(2026, 10, 22))[1] == D(2026, 11, 3)  # Fri 23, Mon 2, Tue 3
    assert _calculated(case_type, D(2026, 11, 4))[1] == D(2026, 11, 10)  # 5 Nov is closed
    assert _calculated(case_type, D(2026, 12, 17))[1] == D(2026, 12, 22)  # Fri, Mon, Tue


def test_outside_the_calendar_every_weekday_but_a_bank_holiday_counts():
    case_type = _case()
    # 24 Aug to 3 Sep 2026: 8 weekdays, less the summer bank holiday; 21 Dec to 4 Jan:
    # 10 weekdays less Christmas Day and the Boxing Day substitute.
    assert _calculated(case_type, D(2026, 8, 24), D(2026, 9, 3))[0] == 7
    assert _calculated(case_type, D(2026, 12, 21), D(2027, 1, 4))[0] == 8


def test_without_a_calendar_school_days_are_weekdays():
    case_type = _case(calendar=None)
    assert _calculated(case_type, D(2026, 10, 19), D(2026, 11, 9))[0] == 15
    assert _calculated(case_type, D(2026, 10, 22))[1] == D(2026, 10, 27)


def test_unanswered_dates_and_odd_counts_give_no_value():
    case_type = _case()
    assert _calculated(case_type, None, D(2026, 11, 9))[:2] == (None, None)
    calendar = case_type.calendar
    assert calendar.add_school_days(D(2026, 10, 22), 0) == D(2026, 10, 22)
    assert calendar.add_school_days(D(2026, 11, 3), -2) == D(2026, 10, 23)
    assert calendar.add_school_days(D(2026, 11, 3), 2.5) is None
    assert calendar.add_school_days(D(2026, 11, 3), 10**6) is None  # beyond MOST_DAYS
    assert calendar.add_school_days(D(9999, 12, 30), 5) is None  # past the last date


def test_the_number_agrees_with_its_suffix():
    case_type = _case()
    days, _, field = _calculated(case_type, D(2026, 10, 22), D(2026, 10, 23))
    assert field.kind.display(field, days) == "1 day"
    assert field.kind.display(field, 2) == "2 days"


def test_the_shipped_calendar_loads_and_knows_the_early_may_bank_holiday():
    catalogue = load_catalogue(str(ROOT / "casetypes"))
    calendar = catalogue.calendar
    assert calendar is not None and catalogue.errors == []
    assert calendar.start == D(2025, 9, 3) and calendar.end == D(2027, 7, 21)
    assert not calendar.is_school_day(D(2026, 5, 4))  # in the summer term, a bank holiday
    assert calendar.is_school_day(D(2026, 5, 5))
    assert not calendar.is_school_day(D(2026, 2, 16))  # February half term
    # A school year of about 190 days (the council's, before each school's training days).
    assert 185 <= calendar.school_days_between(D(2025, 9, 3), D(2026, 7, 22)) <= 196


def test_a_stored_definition_counts_with_the_calendar_it_is_given():
    case_type = _case()
    again = compile_definition(case_type.definition, "stored", case_type.calendar)
    assert _calculated(again, D(2026, 10, 19), D(2026, 11, 9))[0] == 9


LOCAL = """
lists:
  reasons:
    - {value: pm, label: Physical assault}
    - {value: vb, label: Verbal abuse}
"""
LOCAL_PAGES = """
- id: p
  title: P
  fields:
    - {id: reason, type: radios, label: Reason, options: reasons}
    - {id: detail, type: text, label: Detail, show_if: "reason == 'pm'"}
"""


def test_a_files_own_list_gives_options_and_is_checked_in_expressions():
    catalogue = catalogue_of(("case.yaml", case_type_yaml(LOCAL_PAGES, extra=LOCAL)))
    assert catalogue.errors == []
    reason = catalogue.get("test-case").pages[0].fields[0]
    assert [o.label for o in reason.options] == ["Physical assault", "Verbal abuse"]
    broken = LOCAL_PAGES.replace("reason == 'pm'", "reason == 'px'")
    catalogue = catalogue_of(("case.yaml", case_type_yaml(broken, extra=LOCAL)))
    assert [p.code for p in catalogue.errors] == ["E304"]


def test_a_stored_definition_has_its_own_lists_written_in():
    case_type = catalogue_of(("case.yaml", case_type_yaml(LOCAL_PAGES, extra=LOCAL))).get(
        "test-case"
    )
    assert "lists" not in case_type.definition
    again = compile_definition(case_type.definition)
    assert [o.value for o in again.pages[0].fields[0].options] == ["pm", "vb"]


@pytest.mark.parametrize("suffix", ["hours", "{one: hour, other: hours}"])
def test_a_number_question_takes_either_suffix(suffix):
    pages = f"""
    - id: p
      title: P
      fields:
        - {{id: n, type: number, label: N, suffix: {suffix}}}
    """
    catalogue = catalogue_of(("case.yaml", case_type_yaml(pages)))
    # A plain plural is taken, with a warning that 1 reads "1 hours" (W721).
    problems = [p.code for p in catalogue.problems if p.path == "case.yaml"]
    assert problems == (["W721"] if suffix == "hours" else [])
    field = catalogue.get("test-case").pages[0].fields[0]
    assert field.kind.display(field, 1) == ("1 hours" if suffix == "hours" else "1 hour")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("add_school_days(start_date, 'five')", "needs a number here, not text"),
        ("add_school_days(3, 5)", "needs a date here, not a number"),
        ("add_school_days(start_date)", "takes 2 value(s), not 1"),
    ],
)
def test_school_day_functions_are_type_checked(value, says):
    pages = f"""
    - id: p
      title: P
      fields:
        - {{id: start_date, type: date, label: Start}}
        - {{id: due, type: calculated, label: Due, format: date, value: "{value}"}}
    """
    files = [("case.yaml", case_type_yaml(pages)), ("shared/calendar.yaml", CALENDAR)]
    errors = catalogue_of(*files).errors
    assert [p.code for p in errors] == ["E307"]
    assert says in errors[0].message


def test_a_calendar_that_breaks_the_schema_is_reported_once_not_as_missing():
    broken = CALENDAR.replace("bank_holidays:", "bank_holiday:")
    files = [("case.yaml", case_type_yaml(PAGES)), ("shared/calendar.yaml", broken)]
    codes = {p.code for p in catalogue_of(*files).problems}
    assert "W701" not in codes
    assert {"E100", "E101"} <= codes  # the misspelt key, with "did you mean"
