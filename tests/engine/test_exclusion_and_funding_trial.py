"""What a form author's trial found writing an exclusion notification and an early years
funding claim, and a child missing education referral (tests/engine/author_trial/ holds
the three case types): each test is a
small case type that was taken, or told wrongly, before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.journeys import run_tests
from tests.engine.test_validation_errors import covers, load_case, load_field, load_file

ROOT = Path(__file__).resolve().parents[2]

# ---- a date's limit naming a question of a repeating group ---------------------------------


def test_a_date_limit_naming_a_question_of_an_earlier_group_says_it_is_in_the_group():
    # was "which is not a date question defined earlier (it comes later)": the group's page
    # came first, and the author looked for a question written after the meeting's date
    loaded = load_case(
        """
        - id: previous
          title: Previous suspensions
          fields:
            - id: suspensions
              type: group
              label: Previous suspensions
              fields:
                - {id: suspension_start, type: date, label: First day}
        - id: governors
          title: Governors' meeting
          fields:
            - {id: meeting_date, type: date, label: Date of the meeting, min: suspension_start}
        """
    )
    problem = loaded.expect("E206", "min: suspension_start", "suspension_start")
    assert "comes later" not in problem.message
    assert problem.message.endswith(
        "(it is a question of the group 'suspensions', with an answer for each item): write a "
        "rule such as `meeting_date >= latest(suspensions, 'suspension_start')`"
    )


def test_a_date_limit_naming_a_later_question_still_says_it_comes_later():
    loaded = load_case(
        """
        - id: governors
          title: Governors' meeting
          fields:
            - {id: meeting_date, type: date, label: Date of the meeting, min: first_day}
            - {id: first_day, type: date, label: First day}
        """
    )
    problem = loaded.expect("E206", "min: first_day", "first_day")
    assert problem.message.endswith("(it comes later)")


@pytest.mark.parametrize("key", ["min", "max"])
def test_a_date_limit_naming_its_own_question_says_so(key):
    # it said "(it comes later)" of the question the limit is written on
    loaded = load_case(
        f"""
        - id: visit
          title: The visit
          fields:
            - {{id: leave_date, type: date, label: Date of leaving}}
            - {{id: return_date, type: date, label: Date of return, {key}: return_date}}
        """
    )
    problem = loaded.expect("E206", f"{key}: return_date", "return_date")
    assert problem.message.endswith(
        "(it is this question itself: name an earlier question, or a fixed limit)"
    ), problem.message


# ---- a calculated amount of money shown as a number ---------------------------------------

RATE = "{id: rate, type: money, label: Hourly rate}"
HOURS = "{id: hours, type: number, label: Hours, decimals: 2}"
COSTS = (
    "{id: costs, type: group, label: Costs, fields: [{id: cost, type: money, label: Cost}, "
    "{id: cost_hours, type: number, label: Hours}]}"
)


@covers("W722")
@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("hours * rate", "'rate'"),
        ("rate * 38 + 10", "'rate'"),
        ("round(rate / 2, 2)", "'rate'"),
        ("total(costs, 'cost')", "'cost'"),
        ("max(rate, total(costs, 'cost'))", "'rate', 'cost'"),
        ("rate if hours > 10 else 0", "'rate'"),
    ],
)
def test_a_value_worked_out_from_money_without_a_format_is_warned(value, named):
    # £832.50 was shown as "833", with no £, on the page, Check your answers and in caseviewer
    field = f'{{id: claim, type: calculated, label: Claim, value: "{value}"}}'
    problem = load_field(RATE, HOURS, COSTS, field).expect("W722", field, f'"{value}')
    assert problem.message.startswith(
        f"'claim' is worked out from amounts of money ({named}) but shown as a number"
    )
    assert problem.message.endswith(
        "write format: money, or format: number if it is not an amount of money"
    )


def test_a_total_of_a_value_warned_of_is_warned_too():
    # told one at a time, the author fixed the first and met the second on the next run
    cost = "{id: child_cost, type: calculated, label: Cost, value: hours * rate}"
    claim = "{id: claim, type: calculated, label: Claim, value: child_cost * 2}"
    loaded = load_field(RATE, HOURS, cost, claim)
    loaded.expect("W722", cost, "hours * rate")
    loaded.expect("W722", claim, "child_cost * 2")


@pytest.mark.parametrize(
    "value",
    [
        "hours * rate\n                format: money",
        "hours * rate\n                format: number",  # the author said so
        "total(costs, 'cost') / rate",  # a ratio of amounts
        "rate * rate",
        "total(costs, 'cost_hours')",
        "len(costs)",
        "hours * 2",
    ],
)
def test_a_value_shown_as_money_or_no_amount_is_not_warned(value):
    fields = "".join(f"\n                - {f}" for f in (RATE, HOURS, COSTS))
    loaded = load_case(
        f"""
        - id: claim_page
          title: Claim
          fields:{fields}
            - id: claim
              type: calculated
              label: Claim
              value: {value}
        """
    )
    assert [p for p in loaded.problems if p.code == "W722"] == []


# ---- a locked prefilled answer the question's own limits may refuse ------------------------


@covers("E613")
@pytest.mark.parametrize(
    ("field", "part", "why"),
    [
        (
            "{id: setting_name, type: text, label: School name, prefill: school.name, "
            "locked: true, max_length: 30}",
            "max_length",
            "school.name can be up to 200 characters",
        ),
        (
            "{id: setting_name, type: text, label: School name, prefill: school.name, "
            "locked: true, pattern: '[A-Za-z ]+'}",
            "pattern",
            "school.name can be any text",
        ),
        (
            "{id: setting_urn, type: text, label: URN, prefill: school.urn, locked: true, "
            "pattern: '[0-9]{6}'}",
            "pattern",
            "school.urn can be 'EY123456', which it refuses",
        ),
    ],
    ids=["name-length", "name-pattern", "urn-pattern"],
)
def test_a_locked_prefilled_question_with_a_limit_its_value_may_break_is_refused(field, part, why):
    # a school named longer than 30 characters was shown "School name must be 30 characters
    # or fewer" beside a name it could not change: the page, and so the case, never went on
    problem = load_field(field).expect("E613", field, part)
    assert problem.message == (
        f"a locked question cannot have this `{part}`: {why}, and the school cannot change the "
        f"prefilled answer, so its page could never be sent; leave out `{part}`, or `locked` "
        "so that the school can correct the answer"
    )


@pytest.mark.parametrize(
    "field",
    [
        # the school can change it: its limits are for what it types
        "{id: setting_name, type: text, label: School name, prefill: school.name, "
        "max_length: 30, pattern: '[A-Za-z ]+'}",
        # long enough for any name, and a pattern every URN the portal holds meets (shipped)
        "{id: setting_name, type: text, label: School name, prefill: school.name, "
        "locked: true, max_length: 200}",
        "{id: setting_urn, type: text, label: URN, prefill: school.urn, locked: true, "
        "pattern: '\\d{6}|[Ee][Yy]\\d{6}|\\d{7}'}",
    ],
    ids=["not-locked", "long-enough", "every-urn"],
)
def test_a_prefilled_question_whose_limits_its_value_meets_is_taken(field):
    assert [p.code for p in load_field(field).problems if p.code.startswith("E")] == []


@pytest.mark.parametrize(
    ("raised_by", "limits", "refused"),
    [
        # a school's URN is 6 digits: a case type only schools raise holds no other
        ("[school]", "max_length: 6, pattern: '[0-9]{6}'", []),
        # an early years setting's may be EY and 6 digits, or 7 digits
        ("[early_years]", "pattern: 'EY[0-9]{6}'", ["pattern"]),
        ("[early_years]", "max_length: 7", ["max_length"]),
        ("[school, early_years]", "max_length: 6", ["max_length"]),
    ],
    ids=["school-urns", "early-years-pattern", "early-years-length", "both"],
)
def test_a_locked_urns_limits_are_those_of_the_settings_that_raise_the_case_type(
    raised_by, limits, refused
):
    # a case type raised by schools alone, with its URN locked as 6 digits, was refused for
    # an EY URN that no case of it can have
    loaded = load_case(
        f"""
        - id: setting
          title: Your school
          fields:
            - {{id: urn, type: text, label: URN, prefill: school.urn, locked: true, {limits}}}
        """,
        extra=f"raised_by: {raised_by}\n",
    )
    found = [p for p in loaded.problems if p.code == "E613"]
    assert [p.message.split("`")[1] for p in found] == refused


# ---- options written as numbers YAML reads otherwise -----------------------------------------


@pytest.mark.parametrize(
    ("options", "written", "read"),
    [
        ("[4.50, 5.00, 5.50]", "4.50", "4.5"),
        ("[0.5, 1e3]", "1e3", "1000.0"),
        ("[.5, 1]", ".5", "0.5"),
        ("[{value: 7.50, label: '£7.50 an hour'}]", "7.50", "7.5"),
    ],
)
def test_an_option_written_as_a_number_yaml_reads_otherwise_is_refused(options, written, read):
    # the form showed "4.5" and "5.0" for rates written 4.50 and 5.00, and a condition with
    # rate == '4.50' was told it is not an option
    field = f"{{id: rate, type: radios, label: Hourly rate, options: {options}}}"
    problem = load_field(field).expect("E102", field, written)
    assert problem.message.endswith(
        f"must be text, not {written}, which YAML reads as the number {read} (shown '{read}'): "
        f"write '{written}', in quotes"
    )


def test_an_option_of_a_shared_list_written_so_is_refused_too():
    lists = "kind: option_lists\nlists:\n  rates: [4.50, '5.00']\n"
    problem = load_file(lists, "shared/rates.yaml", shared=False).expect(
        "E102", "[4.50", "4.50", path="shared/rates.yaml"
    )
    assert problem.message.startswith("item 1 of 'rates' must be text, not 4.50")


def test_options_that_read_as_written_are_taken():
    field = "{id: rate, type: radios, label: Rate, options: [1, 2.5, '4.50', 10]}"
    loaded = load_field(field)
    assert [p for p in loaded.problems if p.severity == "error"] == []


def test_an_option_written_so_in_a_file_with_anchors_is_refused_too():
    # a file with an anchor is read another way (engine/source.py, not one_pass.py)
    field = "{id: rate, type: radios, label: Hourly rate, options: [4.50, 5.5]}"
    loaded = load_field("&name {id: forename, type: text, label: First name}", field)
    assert loaded.expect("E102", field, "4.50").message.startswith("item 1 of 'options'")
    assert [p.code for p in loaded.problems if p.severity == "error"] == ["E102"]


# ---- the trial's case types, as they ended -----------------------------------------------


def test_the_trials_case_types_validate_and_their_journeys_pass(tmp_path):
    # tests/engine/author_trial: an exclusion notification, an early years funding claim and a
    # child missing education referral, with the shipped shared lists, workflows and calendar
    shutil.copytree(ROOT / "casetypes" / "shared", tmp_path / "shared")
    for path in (ROOT / "tests" / "engine" / "author_trial").iterdir():
        shutil.copy(path, tmp_path / path.name)
    result = run_tests([str(tmp_path)])
    assert [str(p) for p in result.problems if p.severity == "error"] == []
    assert [str(f) for f in result.failures] == []
    assert (result.journeys, result.pages, result.failed) == (4, 18, False)


# ---- W508's advice keeps the meaning of a condition with `or` ----------------------------


def test_a_condition_of_several_ors_is_bracketed_in_the_w508_advice():
    # "write ... or has_ehcp or sen_provision == 'K' and not school_named": `and` binds
    # first, so the condition copied from the advice was another one
    loaded = load_case(
        """
        - id: child
          title: About the child
          fields:
            - {id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}
            - {id: sen_provision, type: radios, label: SEN provision, options: sen_provision}
        - id: school
          title: School
          show_if: has_ehcp or sen_provision == 'K'
          fields:
            - {id: school_named, type: yes_no, label: Is a school named?}
        - id: placement
          title: Placement
          fields:
            - {id: note, type: text, label: Why not, show_if: not school_named}
        """
    )
    problem = loaded.expect("W508", "show_if: not school_named", "not school_named")
    assert problem.message.endswith("or (has_ehcp or sen_provision == 'K') and not school_named")


# ---- a tab where YAML wants spaces ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["id: x\nf:\n  a: 1\n  \tb: 2\n", "id: x\nf:\n  - a: 1\n\t  b: 2\n"],
    ids=["tab-after-spaces", "tab-before-spaces"],
)
def test_a_tab_that_breaks_the_indentation_says_to_indent_with_spaces(text):
    # was only "found a tab character that violates indentation"
    problem = next(p for p in load_file(text).problems if p.code == "E001")
    assert problem.message.endswith(
        "found a tab character that violates indentation: indent with spaces, never tabs (an "
        "editor can be set to type spaces for the Tab key)"
    ), problem
