"""What a school user meets: pages that come and go, answers kept, rules, sums and groups."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from engine import checking, uk_date
from engine import expressions as ex
from engine.answers import FieldError
from engine.fields.dates import long_date

PAGES = """
- id: child
  title: About the child
  fields:
    - {id: forename, type: text, label: First name}
    - {id: date_of_birth, type: date, label: Date of birth, max: today}
    - {id: sen_provision, type: radios, label: SEN provision, options: sen_provision}
    - id: primary_need
      type: text
      label: Primary need
      show_if: sen_provision in ['E', 'K']
    - {id: looked_after, type: yes_no, label: Is the child looked after?}
- id: carer
  title: Virtual School
  show_if: looked_after
  fields:
    - {id: virtual_school_told, type: yes_no, label: Has the Virtual School been told?}
- id: dates
  title: Dates
  fields:
    - {id: start_date, type: date, label: Start date}
    - {id: end_date, type: date, label: End date, min: start_date}
    - {id: normal_hours, type: number, label: Normal hours, decimals: 1, max: 40}
    - {id: part_hours, type: number, label: Part-time hours, decimals: 1}
    - id: length
      type: calculated
      label: Length
      value: days_between(start_date, end_date)
      suffix: days
  rules:
    - check: part_hours < normal_hours
      message: Part-time hours must be fewer than the normal hours
      field: part_hours
    - check: days_between(start_date, end_date) <= 42
      message: This lasts more than 6 weeks
      field: end_date
      severity: warning
- id: provision
  title: Provision
  fields:
    - id: providers
      type: group
      label: Providers
      item_label: Provider
      min_items: 2
      max_items: 3
      fields:
        - {id: name, type: text, label: Provider name}
        - {id: hours, type: number, label: Hours}
        - {id: cost, type: money, label: Cost each week}
        - id: paid_by_council
          type: yes_no
          label: Does the council pay?
        - id: invoice_ref
          type: text
          label: Invoice reference
          show_if: paid_by_council
    - id: total_cost
      type: calculated
      label: Total cost each week
      format: money
      value: total(providers, 'cost')
"""


@pytest.fixture
def case(compile_case):
    return compile_case(PAGES)


def save(case, page_id, answers=None, **typed):
    """Post a page as a browser would (date parts as ID-day etc.) and return the result."""
    form = case.form_class(page_id)(MultiDict(typed))
    return case.save_page(page_id, form, answers or {})


def save_dates(case, start, end, **answers):
    """Save the dates page with these start and end dates, each (day, month, year)."""
    parts = {}
    for name, (day, month, year) in (("start_date", start), ("end_date", end)):
        parts.update(
            {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}
        )
    return save(case, "dates", **answers, **parts)


def test_page_condition_hides_a_page_until_its_answer_is_given(case):
    assert [p.id for p in case.visible_pages({})] == ["child", "dates", "provision"]
    answers = {"looked_after": True}
    assert [p.id for p in case.visible_pages(answers)] == ["child", "carer", "dates", "provision"]
    assert case.next_page("child", answers).id == "carer"
    assert case.next_page("child", {"looked_after": False}).id == "dates"
    assert case.previous_page("dates", {"looked_after": False}).id == "child"
    assert case.previous_page("child", {}) is None
    assert case.next_page("provision", {}) is None


def test_field_condition_is_asked_only_when_it_applies(case):
    result = save(
        case,
        "child",
        forename="Sam",
        sen_provision="N",
        looked_after="no",
        **{"date_of_birth-day": "1", "date_of_birth-month": "2", "date_of_birth-year": "2015"},
    )
    assert result.valid, result.errors
    result = save(
        case,
        "child",
        forename="Sam",
        sen_provision="K",
        looked_after="no",
        **{"date_of_birth-day": "1", "date_of_birth-month": "2", "date_of_birth-year": "2015"},
    )
    assert [(e.key, e.message) for e in result.errors] == [("primary_need", "Enter primary need")]


def test_an_invalid_page_keeps_everything_typed_and_stores_the_valid_answers(case):
    result = save(
        case,
        "child",
        forename="  Sam ",
        sen_provision="K",
        looked_after="yes",
        **{"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "2015"},
    )
    assert not result.valid
    messages = {e.key: e.message for e in result.errors}
    assert messages["date_of_birth"] == "Date of birth must be a real date"
    assert {e.key: e.anchor for e in result.errors}["date_of_birth"] == "date_of_birth-day"
    assert result.raw["date_of_birth"] == {"day": "31", "month": "2", "year": "2015"}
    assert result.answers == {"forename": "Sam", "sen_provision": "K", "looked_after": True}
    # Shown again, the form holds what was typed, not what was stored.
    form = case.form("child", result.answers, raw=result.raw)
    assert form.date_of_birth.data == {"day": "31", "month": "2", "year": "2015"}
    assert form.forename.data == "  Sam "


def test_stored_answers_fill_the_form_again(case):
    answers = {"forename": "Sam", "date_of_birth": "2015-02-01", "looked_after": False}
    form = case.form("child", answers)
    assert form.date_of_birth.data == {"day": "1", "month": "2", "year": "2015"}
    assert form.looked_after.data == "no"


def date_of_birth(case, day: dt.date):
    """The error saving the child page with this date of birth gives it, or None."""
    parts = {"day": day.day, "month": day.month, "year": day.year}
    typed = {f"date_of_birth-{part}": str(number) for part, number in parts.items()}
    return {e.key: e.message for e in save(case, "child", **typed).errors}.get("date_of_birth")


def test_dates_in_the_future_and_before_another_date_are_refused(case):
    tomorrow = uk_date.today() + dt.timedelta(days=1)
    assert date_of_birth(case, tomorrow) == "Date of birth must be today or in the past"
    result = save_dates(case, (10, 9, 2026), (1, 9, 2026), normal_hours="25", part_hours="10")
    assert [(e.key, e.message) for e in result.errors] == [
        ("end_date", "End date must be the same as or after start date")
    ]


def test_a_date_missing_a_part_says_which(case):
    result = save(case, "child", **{"date_of_birth-day": "1", "date_of_birth-year": "2015"})
    assert {e.key: e.message for e in result.errors}["date_of_birth"] == (
        "Date of birth must include a month"
    )


def test_cross_field_rule_shows_its_message_on_its_field(case):
    result = save_dates(case, (1, 9, 2026), (8, 9, 2026), normal_hours="10", part_hours="12.5")
    assert [(e.key, e.message) for e in result.errors] == [
        ("part_hours", "Part-time hours must be fewer than the normal hours")
    ]
    assert result.answers["length"] == 7


def test_warning_rule_warns_without_blocking(case):
    result = save_dates(case, (1, 9, 2026), (1, 12, 2026), normal_hours="25", part_hours="10")
    assert result.valid
    assert [(w.key, w.message) for w in result.warnings] == [
        ("end_date", "This lasts more than 6 weeks")
    ]


def test_rules_wait_until_the_answers_they_relate_are_given(case):
    result = save_dates(case, (1, 9, 2026), (8, 9, 2026), normal_hours="25")
    assert [(e.key, e.message) for e in result.errors] == [("part_hours", "Enter part-time hours")]


GROUP_ITEM = {"name": "Oak Centre", "hours": "6", "cost": "£1,250.50", "paid_by_council": "no"}


def group_post(*items):
    data = MultiDict()
    for index, item in enumerate(items):
        for key, value in item.items():
            data.add(f"providers-{index}-{key}", value)
    return data


def test_repeating_group_respects_its_bounds_and_sums_a_column(case):
    one = case.save_page("provision", case.form_class("provision")(group_post(GROUP_ITEM)), {})
    assert [(e.key, e.message) for e in one.errors] == [("providers", "Add at least 2 providers")]
    second = {**GROUP_ITEM, "name": "Elm School", "cost": "100"}
    two = case.save_page(
        "provision", case.form_class("provision")(group_post(GROUP_ITEM, second)), {}
    )
    assert two.valid, two.errors
    assert two.answers["total_cost"] == "1350.50"
    assert two.answers["providers"][0] == {
        "name": "Oak Centre",
        "hours": 6,
        "cost": "1250.50",
        "paid_by_council": False,
    }
    four = case.save_page(
        "provision",
        case.form_class("provision")(group_post(GROUP_ITEM, second, second, second)),
        {},
    )
    assert [(e.key, e.message) for e in four.errors] == [
        ("providers", "Add no more than 3 providers")
    ]


def test_group_items_have_their_own_conditions_and_errors(case):
    paid = {**GROUP_ITEM, "paid_by_council": "yes"}
    result = case.save_page(
        "provision", case.form_class("provision")(group_post(GROUP_ITEM, paid)), {}
    )
    assert [(e.key, e.message) for e in result.errors] == [
        ("providers-1-invoice_ref", "Enter invoice reference")
    ]
    assert result.form.providers.entries[1].form.invoice_ref.errors == ["Enter invoice reference"]


def test_blank_group_items_are_dropped_not_reported(case):
    second = {**GROUP_ITEM, "name": "Elm"}
    blank = {"name": "", "hours": "", "cost": "", "paid_by_council": ""}
    result = case.save_page(
        "provision", case.form_class("provision")(group_post(GROUP_ITEM, blank, second)), {}
    )
    assert result.valid
    assert [p["name"] for p in result.answers["providers"]] == ["Oak Centre", "Elm"]


def test_a_group_shows_its_min_items_ready_to_fill_but_reads_only_what_was_sent(case):
    shown = case.form("provision", {"providers": [{"name": "Oak"}]})
    assert [e.form["name"].data for e in shown.providers.entries] == ["Oak", None]
    sent = case.form_class("provision")(group_post(GROUP_ITEM))
    assert len(sent.providers.entries) == 1


def test_form_classes_are_built_once(case):
    assert case.form_class("child") is case.form_class("child")


def test_summary_lists_visible_questions_with_readable_answers(case):
    answers = {
        "forename": "Sam",
        "date_of_birth": "2015-02-01",
        "sen_provision": "K",
        "primary_need": "Dyslexia",
        "looked_after": False,
        "providers": [{"name": "Oak", "hours": 6, "cost": 10.0, "paid_by_council": False}],
    }
    sections = {s.page_id: s for s in case.summary_sections(answers)}
    assert "carer" not in sections
    rows = {r.field_id: r.value for r in sections["child"].rows}
    assert rows == {
        "forename": "Sam",
        "date_of_birth": "1 February 2015",
        "sen_provision": "SEN support",
        "primary_need": "Dyslexia",
        "looked_after": "No",
    }
    provision = {r.field_id: r for r in sections["provision"].rows}
    assert provision["providers"].value == "1 provider"
    assert provision["providers"].item_label == "Provider"  # items read "Provider 1"…
    assert provision["providers"].items == (
        (
            ("Provider name", "Oak"),
            ("Hours", "6"),
            ("Cost each week", "£10.00"),
            ("Does the council pay?", "No"),
        ),
    )
    assert provision["total_cost"].value == "£10.00"


def test_completeness_check_names_the_unfinished_pages(case):
    answers = {
        "forename": "Sam",
        "date_of_birth": "2015-02-01",
        "sen_provision": "N",
        "looked_after": True,
    }
    problems = case.problems(answers)
    assert set(problems) == {"carer", "dates", "provision"}
    assert problems["carer"][0].message == "Select if the Virtual School has been told"


def test_submission_drops_answers_of_questions_no_longer_asked(case):
    answers = {
        "forename": "Sam",
        "sen_provision": "N",
        "primary_need": "left over",
        "looked_after": False,
        "virtual_school_told": True,
    }
    kept = case.submission_answers(answers)
    assert "primary_need" not in kept and "virtual_school_told" not in kept
    assert kept["forename"] == "Sam"


SESSIONS = """
- id: sessions
  title: Sessions
  fields:
    - id: sessions
      type: group
      label: Sessions
      item_label: Session
      fields:
        - {id: day, type: select, label: Day, options: [Monday, Tuesday]}
        - {id: starts, type: time, label: Starts at, min: "07:00"}
        - {id: ends, type: time, label: Ends at, min: starts, max: "19:00"}
        - id: hours
          type: calculated
          label: Length
          value: minutes_between(starts, ends) / 60
          decimals: 2
      rules:
        - check: hours >= 2.5
          message: A session must last at least 2.5 hours
          field: ends
        - check: day != 'Monday'
          message: Monday sessions are rarely funded
          field: day
          severity: warning
"""


def test_group_rules_and_time_bounds_are_checked_for_each_item(compile_case):
    case = compile_case(SESSIONS)
    data = MultiDict(
        [
            ("sessions-0-day", "Monday"),
            ("sessions-0-starts", "9:00"),
            ("sessions-0-ends", "10:00"),
            ("sessions-1-day", "Tuesday"),
            ("sessions-1-starts", "13:00"),
            ("sessions-1-ends", "12:00"),
            ("sessions-2-day", "Tuesday"),
            ("sessions-2-starts", "9:00"),
            ("sessions-2-ends", "3pm"),
        ]
    )
    result = case.save_page("sessions", case.form_class("sessions")(data), {})
    assert {(e.key, e.message) for e in result.errors} == {
        ("sessions-0-ends", "A session must last at least 2.5 hours"),
        ("sessions-1-ends", "Ends at must be the same as or later than starts at"),
    }
    assert [(w.key, w.message) for w in result.warnings] == [
        ("sessions-0-day", "Monday sessions are rarely funded")
    ]
    assert result.answers["sessions"][2] == {
        "day": "Tuesday",
        "starts": "09:00",
        "ends": "15:00",
        "hours": 6,
    }


def test_yesterday_and_tomorrow_bounds_say_in_the_past_and_in_the_future(compile_case):
    # GOV.UK's words: "must be in the past" where today cannot be the answer;
    # `max: today` keeps "must be today or in the past".
    case = compile_case("""
    - id: child
      title: Child
      fields:
        - {id: dob, type: date, label: Date of birth, max: yesterday}
        - {id: visit, type: date, label: Visit date, min: tomorrow}
        - {id: seen, type: date, label: Date seen, min: yesterday}
    """)

    def errors(**days):
        data = MultiDict()
        for name, day in days.items():
            parts = {"day": day.day, "month": day.month, "year": day.year}
            data.update({f"{name}-{part}": str(n) for part, n in parts.items()})
        return {
            e.key: e.message
            for e in case.save_page("child", case.form_class("child")(data), {}).errors
        }

    today = uk_date.today()
    one = dt.timedelta(days=1)
    assert errors(dob=today, visit=today, seen=today - 2 * one) == {
        "dob": "Date of birth must be in the past",
        "visit": "Visit date must be in the future",
        "seen": f"Date seen must be the same as or after {long_date(today - one)}",
    }
    assert errors(dob=today - one, visit=today + one, seen=today - one) == {}


def test_a_rule_can_make_a_question_required_in_some_cases(compile_case):
    case = compile_case("""
    - id: child
      title: Child
      fields:
        - {id: dob, type: date, label: Date of birth}
        - {id: upn, type: upn, label: UPN, required: false}
      rules:
        - check: answered(upn) or years_between(dob, today()) < 5
          message: Enter the UPN of a school-age child
          field: upn
    """)

    def post(year):
        data = MultiDict({"dob-day": "1", "dob-month": "9", "dob-year": str(year), "upn": ""})
        return case.save_page("child", case.form_class("child")(data), {})

    assert [e.message for e in post(2015).errors] == ["Enter the UPN of a school-age child"]
    assert post(uk_date.today().year - 1).valid


@pytest.fixture
def server_clock_off_the_uk_date(monkeypatch):
    """The server's clock set to a time zone whose date is not the UK's at this moment (UTC-12
    or UTC+14: at any hour one of them is a day off), as a server kept in UTC is for an hour
    each night of British Summer Time."""
    import time

    for zone in ("Etc/GMT+12", "Etc/GMT-14"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        if dt.date.today() != uk_date.today():
            break
    assert dt.date.today() != uk_date.today()
    yield dt.date.today()
    monkeypatch.undo()
    time.tzset()


def test_today_is_the_uk_date_whatever_the_servers_time_zone(case, server_clock_off_the_uk_date):
    uk_today = uk_date.today()
    assert date_of_birth(case, uk_today) is None  # today in the UK, not "in the future"
    tomorrow = uk_today + dt.timedelta(days=1)
    assert date_of_birth(case, tomorrow) == "Date of birth must be today or in the past"
    expression, _ = ex.parse("today()")
    assert expression.evaluate({}) == uk_today != server_clock_off_the_uk_date


def test_a_definition_kept_as_data_compiles_to_the_same_case_type():
    import json
    from pathlib import Path

    from engine import compile_definition, load_catalogue

    catalogue = load_catalogue(str(Path(__file__).resolve().parents[2] / "casetypes"))
    for original in catalogue.case_types.values():
        stored = json.loads(json.dumps(original.definition))  # as a JSON column keeps it
        again = compile_definition(stored)
        assert [p.id for p in again.pages] == [p.id for p in original.pages]
        assert again.workflow.activities == original.workflow.activities
        assert {f.id: f.options for f in again.fields.values()} == {
            f.id: f.options for f in original.fields.values()
        }


def test_a_kept_calculation_that_todays_parser_refuses_is_not_known_rather_than_a_crash():
    """A version deployed before a check was added (here E309: a number past what the browser
    reads exactly) is built for its cases; its calculation could not be parsed, and every
    page of those cases failed on the missing formula (AttributeError) for officers too."""
    import copy
    from pathlib import Path

    from engine import compile_definition, load_catalogue

    catalogue = load_catalogue(str(Path(__file__).resolve().parents[2] / "casetypes"))
    older = copy.deepcopy(catalogue.get("part-time-timetable").definition)
    older["pages"][0]["fields"].append(
        {"id": "calc", "type": "calculated", "label": "Calc", "value": "9007199254740993 + 1"}
    )
    kept = compile_definition(older)
    assert kept.values({"forename": "Jordan"}).get("calc") is None
    assert [p.id for p in kept.visible_pages({"forename": "Jordan"})][0] == "child"


# ---- money to the penny ------------------------------------------------------------------------

FUNDING = """
- id: funding
  title: Funding
  fields:
    - id: provision
      type: group
      label: Provision
      fields:
        - {id: what, type: text, label: What}
        - {id: cost, type: money, label: Cost}
        - {id: half, type: calculated, label: Half the cost, format: money, value: cost / 2}
    - {id: budget, type: money, label: Budget}
    - id: total_cost
      type: calculated
      label: Total cost
      format: money
      value: total(provision, 'cost')
    - {id: hours, type: number, label: Hours, decimals: 1, required: false}
    - {id: squared, type: calculated, label: Squared, value: hours * hours * hours * hours}
  rules:
    - check: total(provision, 'cost') <= budget
      message: The total is over the budget
      field: budget
"""


def provision(*costs):
    return [{"what": f"Item {i}", "cost": cost} for i, cost in enumerate(costs)]


def test_totals_of_money_never_drift_by_a_penny(compile_case):
    case = compile_case(FUNDING)
    # 0.10 three times is 0.30 exactly; as floats it was 0.30000000000000004, over budget.
    raw = {"provision": provision("0.10", "0.10", "0.10"), "budget": "0.30"}
    result = case.check_page("funding", raw, {})
    assert result.errors == []
    assert result.answers["total_cost"] == "0.30"
    # Half of £2.01 is £1.005: shown £1.01, rounded half up (a float made it £1.00).
    result = case.check_page("funding", {"provision": provision("2.01"), "budget": "5"}, {})
    assert result.answers["provision"][0]["half"] == "1.01"
    [section] = case.summary_sections(result.answers)
    rows = {row.label: (row.value, row.items) for row in section.rows}
    assert rows["Provision"][1] == (
        (("What", "Item 0"), ("Cost", "£2.01"), ("Half the cost", "£1.01")),
    )
    assert rows["Total cost"][0] == "£2.01"


def test_answers_stored_as_floats_before_still_show_and_total_exactly(compile_case):
    case = compile_case(FUNDING)
    stored_long_ago = {
        "provision": [{"what": "a", "cost": 0.1, "half": 0.05}, {"what": "b", "cost": 0.2}],
        "budget": 0.3,
        "total_cost": 0.30000000000000004,
        "hours": 12.5,
    }
    [section] = case.summary_sections(stored_long_ago)
    rows = {row.label: row for row in section.rows}
    assert rows["Total cost"].value == "£0.30"
    assert rows["Budget"].value == "£0.30" and rows["Hours"].value == "12.5"
    assert rows["Provision"].items[0] == (
        ("What", "a"),
        ("Cost", "£0.10"),
        ("Half the cost", "£0.05"),
    )
    assert case.values(stored_long_ago)["total_cost"] == Decimal("0.3")
    assert case.form_data("funding", stored_long_ago)["budget"] == "0.30"
    assert case.problems(stored_long_ago) == {}  # the budget rule holds: 0.1 + 0.2 <= 0.3


def test_a_calculation_past_the_range_of_numbers_is_not_known(compile_case):
    case = compile_case(FUNDING)
    answers = {"provision": [], "budget": "1", "hours": "99999"}  # 99,999 ** 4 is about 1e20
    [section] = case.summary_sections(answers)
    assert {row.label: row.value for row in section.rows}["Squared"] == "Not yet known"


def test_a_calculated_date_shows_as_a_date_is_written(compile_case):
    # It showed as 2026-12-07 on the page and on "Check your answers".
    case = compile_case("""
- id: dates
  title: Dates
  fields:
    - {id: start, type: date, label: First day}
    - {id: back, type: calculated, label: Back on, format: date, value: start}
""")
    [section] = case.summary_sections({"start": "2026-12-07"})
    assert {row.label: row.value for row in section.rows}["Back on"] == "7 December 2026"
    [section] = case.summary_sections({})
    assert {row.label: row.value for row in section.rows}["Back on"] == "Not yet known"
    # A value stored when `format` was another (an old version's answer, read with today's
    # definition, as the CSV export does) shows as it was kept, not an error (found by review).
    field = case.fields["back"]
    assert field.kind.display(field, "42") == "42"


# ---- a repeating group costs the same for each item ---------------------------------------------

MANY_ITEMS = """
- id: staff
  title: Staff
  fields:
    - id: people
      type: group
      label: Staff members
      max_items: 100000
      fields:
        - {id: name, type: text, label: Name}
        - {id: hours, type: number, label: Hours}
        - {id: role, type: text, label: Role}
      rules:
        - {check: hours < 40, message: Hours must be fewer than 40, field: hours}
"""


def test_checking_a_group_does_the_same_work_for_each_item(compile_case, monkeypatch):
    # Work is counted, not timed: how often an error's key is looked at. Each item's rules
    # once looked through the errors of every item before it (1,000 items: 1,000,000 looks).
    looks = Counter()

    class CountedError(FieldError):
        def __getattribute__(self, name):
            if name == "key":
                looks["key"] += 1
            return super().__getattribute__(name)

    monkeypatch.setattr(checking, "FieldError", CountedError)
    case = compile_case(MANY_ITEMS)

    def work(count: int) -> int:
        items = [{"name": f"Person {i}", "hours": "50", "role": ""} for i in range(count)]
        looks.clear()
        result = case.check_page("staff", {"people": items}, {})
        assert len(result.errors) == 2 * count  # each item: no role, and too many hours
        return looks["key"]

    assert work(1000) == 10 * work(100)


def test_a_kept_transition_condition_that_todays_parser_refuses_never_moves_a_case_by_itself():
    """Read as "no condition", an unreadable `when:` of a kept version made the portal's own
    transition move every case; it never holds now, while a person's is offered to them."""
    import copy
    from pathlib import Path

    from engine import compile_definition, load_catalogue

    catalogue = load_catalogue(str(Path(__file__).resolve().parents[2] / "casetypes"))
    older = copy.deepcopy(catalogue.get("physical-intervention").definition)
    unreadable = "pupil_injured and 9007199254740993 > 1"  # E309 today
    for transition in older["workflow"]["transitions"]:
        if transition["by"] in ("system", "officer") and transition["from"] in (
            "submitted",
            "review",
        ):
            transition["when"] = unreadable
    kept = compile_definition(older)
    answers = {"pupil_injured": "yes"}
    assert kept.transitions_for("submitted", "system", answers) == []
    offered = [t.action for t in kept.transitions_for("review", "officer", answers)]
    assert "Complete case" in offered and "Request more information" in offered
