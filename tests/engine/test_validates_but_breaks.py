"""What an author's trial found valid that then failed on the page: a question named as the
page's form names its own parts, an option value the page could never send, a group whose
items have nothing to answer. Each validated clean; the preview showed the failure."""

from __future__ import annotations

import pytest

from tests.engine.test_validation_errors import covers, load_case, load_field

# ---- ids the page's own form uses ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["action", "shown", "acknowledged", "page_version", "csrf_token", "meta", "process", "data"],
)
def test_an_id_the_pages_form_uses_is_refused(name):
    # validated clean; the preview's page then failed ('meta', 'process', 'acknowledged': a
    # server error) or read the answer as the Continue button or a hidden value ('action')
    field = f"{{id: {name}, type: textarea, label: What action did the school take?}}"
    problem = load_field(field).expect("E210", field, name)
    assert problem.message.startswith(f"'{name}' cannot be an id: the page's form uses it")
    assert "write a longer id" in problem.message


def test_an_id_the_pages_form_uses_is_refused_in_a_group_too():
    field = (
        "{id: incidents, type: group, label: Incidents, "
        "fields: [{id: errors, type: text, label: Errors}]}"
    )
    load_field(field).expect("E210", field, "errors, type: text")


def test_a_group_item_may_use_a_name_only_the_page_sends():
    # an item's inputs are named after the group (actions_taken-0-action), as the shipped
    # education welfare referral's are: no clash with the page's button
    field = (
        "{id: actions_taken, type: group, label: Actions, "
        "fields: [{id: action, type: text, label: Action}]}"
    )
    assert [p for p in load_field(field).problems if p.path == "case.yaml"] == []


# ---- option values the page could never send ---------------------------------------------------


@pytest.mark.parametrize(
    ("option", "part", "advice"),
    [
        ("{value: ' spaced ', label: Spaced}", "' spaced '", "write 'spaced'"),
        ("'Other '", "'Other '", "write 'Other'"),
        ("{value: '', label: Not known}", "''", "give the option a value"),
    ],
    ids=["value", "plain", "empty"],
)
def test_an_option_value_with_spaces_at_either_end_is_refused(option, part, advice):
    # it validated, and the page, which takes spaces off what is chosen, refused the choice
    # ("Select one of the options"): the option could never be chosen
    field = f"{{id: who, type: radios, label: Who is it?, options: [{option}, Someone]}}"
    problem = load_field(field).expect("E104", field, part)
    assert "could never be chosen" in problem.message and advice in problem.message


# ---- a group with nothing to answer --------------------------------------------------------


def test_a_group_whose_items_ask_nothing_is_refused():
    # every item is empty, and empty items are dropped: "Add at least one item" for ever,
    # and the case could never be sent
    field = (
        "{id: things, type: group, label: Things, fields: "
        "[{id: note, type: content, text: Read this}, "
        "{id: two, type: calculated, label: Two, value: 1 + 1}]}"
    )
    problem = load_field(field).expect("E104", field, "[{id: note")
    assert problem.message.startswith("'fields': ")
    assert "nothing to answer" in problem.message


def test_a_group_with_one_question_to_answer_is_taken():
    field = (
        "{id: things, type: group, label: Things, fields: "
        "[{id: note, type: content, text: Read this}, {id: what, type: text, label: What}]}"
    )
    assert [p for p in load_field(field).problems if p.path == "case.yaml"] == []


# ---- dates no day can be -------------------------------------------------------------------


@pytest.mark.parametrize(("low", "high"), [("today", "yesterday"), ("tomorrow", "today")])
def test_a_date_after_today_and_before_it_is_refused(low, high):
    # validated, and no date could ever be typed: "must be today or in the future" one way,
    # "in the past" the other
    field = f"{{id: seen_on, type: date, label: Date seen, min: {low}, max: {high}}}"
    problem = load_field(field).expect("E207", field, f"{low}, max")
    assert f"({low}) is above the maximum ({high})" in problem.message


def test_a_date_between_yesterday_and_tomorrow_is_taken():
    field = "{id: seen_on, type: date, label: Date seen, min: yesterday, max: tomorrow}"
    assert [p for p in load_field(field).problems if p.path == "case.yaml"] == []


# ---- "None of these" with min_choices ----------------------------------------------------------

BARRIERS = """
- id: barriers
  title: Barriers
  fields:
    - id: barriers
      type: checkboxes
      label: What makes it hard for the pupil to attend?
      min_choices: 2
      options:
        - {value: health, label: Health}
        - {value: transport, label: Transport}
        - {value: bullying, label: Bullying}
        - {value: none_known, label: No barriers known, exclusive: true}
"""


def test_an_option_ticked_on_its_own_meets_min_choices(compile_case):
    # "No barriers known" must be ticked on its own, and min_choices: 2 refused it alone
    # ("Select at least 2 options"): the school could not give the answer the form offers
    import jsonschema
    from werkzeug.datastructures import MultiDict

    from engine.answer_schema import question_schema

    case = compile_case(BARRIERS)
    saved = case.save_page(
        "barriers", case.form_class("barriers")(MultiDict([("barriers", "none_known")])), {}
    )
    assert saved.errors == [] and saved.answers["barriers"] == ["none_known"]
    two_few = MultiDict([("barriers", "health")])
    saved = case.save_page("barriers", case.form_class("barriers")(two_few), {})
    assert [e.message for e in saved.errors] == [
        "Select at least 2 options for ‘What makes it hard for the pupil to attend’"
    ]
    schema = question_schema(case.fields["barriers"])
    jsonschema.validate(["none_known"], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(["health"], schema)


# ---- a rule shown at a question nobody answers ---------------------------------------------


@pytest.mark.parametrize(
    ("shown_at", "what", "instead"),
    [
        ("total_hours", "a calculated value", "hours_a, hours_b"),
        ("guidance", "guidance (content)", "hours_a, hours_b"),
    ],
)
def test_a_rule_shown_at_a_calculated_value_or_content_is_refused(shown_at, what, instead):
    # it validated, and the page failed with a server error when the rule was broken: its
    # message had no input to stand at
    rule = f"{{check: hours_a + hours_b <= 25, message: Too many hours, field: {shown_at}}}"
    loaded = load_case(f"""
        - id: hours
          title: Hours
          fields:
            - {{id: hours_a, type: number, label: Hours at school}}
            - {{id: hours_b, type: number, label: Hours elsewhere}}
            - {{id: total_hours, type: calculated, label: Total, value: hours_a + hours_b}}
            - {{id: guidance, type: content, text: Check the hours.}}
          rules:
            - {rule}
    """)
    problem = loaded.expect("E206", rule, shown_at)
    assert f"'{shown_at}', which is not a question people answer; it is {what}" in problem.message
    assert problem.message.endswith(f"show the message at a question the check names: {instead}")


# ---- a pattern no answer can match -----------------------------------------------------------

LICENCE = "{id: licence, type: text, label: Provider's licence number, "


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        (
            r"max_length: 4, pattern: '^R\d{4}$'",
            "needs at least 5 characters, but 'max_length' is 4: raise it to 5",
        ),
        (r"pattern: 'R\d{250}'", "needs at least 251 characters, but 'max_length' is 200"),
        (
            r"case: lower, pattern: 'R\d{4}'",
            "`case: lower` puts every answer in small letters before the pattern checks it",
        ),
        (
            r"case: upper, pattern: '[a-z]{2}\d{4}'",
            "`case: upper` puts every answer in capitals before the pattern checks it",
        ),
        (r"pattern: '^R\d{4}$x'", "nothing can come after `$` (the end of the answer)"),
        (r"pattern: '\d+^R'", "nor before `^` (its start)"),
        (
            r"max_length: 2, pattern: '[\pL .''-]{3,}'",
            "needs at least 3 characters, but 'max_length' is 2",
        ),
        (r"max_length: 2, pattern: '\p{Greek}\PN{2}'", "needs at least 3 characters"),
    ],
    ids=[
        "max_length",
        "default_max_length",
        "lower",
        "upper",
        "after_end",
        "before_start",
        "letters_of_any_script",  # \pL, as docs/casetypes.md advises for names: not read
        "unicode_classes",
    ],
)
def test_a_pattern_no_answer_can_match_is_refused(settings, said):
    # each validated clean, and the page refused every answer ("Enter a licence number like
    # R1234", "must be 4 characters or fewer"): the case could never be sent
    field = LICENCE + settings + "}"
    problem = load_field(field).expect("E104", field, settings.split("pattern: ")[1])
    assert problem.message.startswith("'pattern': can match no answer: ")
    assert said in problem.message


@pytest.mark.parametrize(
    "settings",
    [
        r"max_length: 5, pattern: '^R\d{4}$'",
        r"case: upper, pattern: 'R\d{4}'",
        r"case: upper, pattern: '(?i)r\d{4}'",
        r"case: lower, pattern: '[^A-Z]+\d'",
        r"case: upper, pattern: 'EY\d{6}|\d{6,7}'",
        r"pattern: '\pL+'",  # RE2's own syntax: one letter of any script, of either case
        r"case: upper, pattern: '\pL{2}\d'",
        r"case: lower, pattern: '[\p{Latin} ]+'",
        r"pattern: '(?m)a$\nb'",
    ],
)
def test_a_pattern_some_answer_can_match_is_taken(settings):
    field = LICENCE + settings + "}"
    assert [p for p in load_field(field).problems if p.path == "case.yaml"] == []


# ---- a comma inside { } that cuts an expression in two -------------------------------------


@pytest.mark.parametrize(
    ("value", "cut", "whole"),
    [
        (
            "days_between(start_date, end_date)",
            "end_date)",
            'value: "days_between(start_date, end_date)"',
        ),
        (
            "round(days_between(start_date, end_date) / 7, 1)",
            "1)",
            'value: "round(days_between(start_date, end_date) / 7, 1)"',
        ),
        ("add_days(start_date, -7)", "-7)", 'value: "add_days(start_date, -7)"'),
    ],
    ids=["two_names", "nested", "negative"],
)
def test_a_function_call_cut_by_its_comma_inside_braces_says_to_quote_it(value, cut, whole):
    # it said only "unknown key 'end_date)'": the author looked for a key they never wrote
    field = f"{{id: nights, type: calculated, label: Nights, value: {value}}}"
    loaded = load_field(
        "{id: start_date, type: date, label: Start date}",
        "{id: end_date, type: date, label: End date}",
        field,
    )
    problem = loaded.expect("E100", field, cut)
    assert problem.message.endswith(
        f"a comma inside {{ }} ends the value: put the whole expression in quotes: {whole}"
    ), problem.message


# ---- a group asking for more items than it takes ----------------------------------------------


def test_a_group_asking_for_more_items_than_its_default_most_is_refused():
    # max_items is 50 when not given: min_items: 60 validated, and 60 items typed were told
    # "Add at least 60 items" (the page takes 50), so the case could never be sent
    field = (
        "{id: pupils, type: group, label: Pupils going, min_items: 60, "
        "fields: [{id: pupil_name, type: text, label: Name}]}"
    )
    problem = load_field(field).expect("E207", field, "60")
    assert problem.message.endswith(
        "the minimum (60) is above the maximum (50, the most a group takes without max_items)"
    ), problem.message


def test_an_amount_of_money_below_0_needs_a_min_below_it():
    """`max: -5` on a money question, whose least amount is 0 without `min`, validated, and
    refused every amount ("must be £0.00 or more", "must be -£5.00 or less") (an author's
    trial)."""
    field = "{id: refund, type: money, label: Refund, max: -5}"
    problem = load_field(field).expect("E207", field, "-5")
    assert problem.message.endswith(
        "the minimum (0, the least an amount of money takes without min) is above the maximum (-5)"
    ), problem.message
    fits = "{id: refund, type: money, label: Refund, min: -100, max: -5}"
    assert [p for p in load_field(fits).problems if p.path == "case.yaml"] == []


def test_a_group_of_at_most_50_items_needs_no_max_items():
    field = (
        "{id: pupils, type: group, label: Pupils going, min_items: 50, "
        "fields: [{id: pupil_name, type: text, label: Name}]}"
    )
    assert [p for p in load_field(field).problems if p.path == "case.yaml"] == []


# ---- a date limited through another question to no day at all ---------------------------------


@pytest.mark.parametrize(
    ("leaving", "returning", "part", "said"),
    [
        (
            "min: tomorrow",
            "min: leave_date, max: today",
            "leave_date, max",
            "the minimum ('leave_date', tomorrow at the earliest) is above the maximum (today)",
        ),
        (
            "max: 2027-09-01",
            "max: leave_date, min: 2027-10-01",
            "leave_date, min",
            "the minimum (2027-10-01) is above the maximum ('leave_date', 2027-09-01 at the "
            "latest)",
        ),
    ],
    ids=["tomorrow_today", "fixed"],
)
def test_a_date_whose_limits_through_another_question_leave_no_day_is_refused(
    leaving, returning, part, said
):
    # validated, and once the date of leaving was given no date of return could be typed:
    # "must be today or in the past" and "the same as or after the date of leaving" at once
    field = f"{{id: return_date, type: date, label: Date of return, {returning}}}"
    loaded = load_field(f"{{id: leave_date, type: date, label: Date of leaving, {leaving}}}", field)
    problem = loaded.expect("E207", field, part)
    assert problem.message.endswith(said), problem.message


@covers("W702")
@pytest.mark.parametrize(
    ("settings", "part", "said"),
    [
        (
            "min: today, max: 2020-01-01",
            "today",
            "no day can be typed today: the minimum (today) is after the maximum (2020-01-01)",
        ),
        (
            "min: 2099-01-01, max: yesterday",
            "2099-01-01",
            "no day can be typed today: the minimum (2099-01-01) is after the maximum (yesterday)",
        ),
    ],
)
def test_a_date_with_no_day_between_its_limits_today_is_a_warning(settings, part, said):
    """`min: today, max: 2020-01-01` (a form for one school year, left live after it) validated
    clean and refused every date. Not an error: which limit is higher changes with the day,
    and the portal does not start on a case type with an error (an author's trial)."""
    field = f"{{id: start_date, type: date, label: Start date, {settings}}}"
    loaded = load_field(field)
    problem = loaded.expect("W702", field, part)
    assert problem.message.startswith(said), problem.message
    assert [p.code for p in loaded.problems if p.path == "case.yaml"] == ["W702"]


def test_a_date_limited_through_another_question_to_no_day_today_is_a_warning():
    leaving = "{id: leave_date, type: date, label: Date of leaving, min: today}"
    field = "{id: return_date, type: date, label: Date of return, min: leave_date, max: 2020-07-23}"
    # a fixed day and a limit from today are compared only for a warning: which is higher
    # changes with the day, and an error would stop the portal overnight (review20)
    loaded = load_field(leaving, field)
    assert [p.code for p in loaded.problems if p.path == "case.yaml"] == ["W702"]
    problem = loaded.expect("W702", field, "leave_date, max")
    assert "the minimum ('leave_date', today at the earliest) is after the maximum" in (
        problem.message
    )


def test_a_time_whose_limits_through_another_question_leave_no_time_is_refused():
    """A meeting starting at 07:00 or later and ending, `min: meet_start`, by 06:00 validated,
    and no end time could be typed once a start was (an author's trial)."""
    start = "{id: meet_start, type: time, label: Start time, min: 07:00, max: 19:00}"
    end = "{id: meet_end, type: time, label: End time, min: meet_start, max: 06:00}"
    problem = load_field(start, end).expect("E207", end, "meet_start, max")
    assert problem.message.endswith(
        "the minimum ('meet_start', 07:00 at the earliest) is above the maximum (06:00)"
    ), problem.message
    fits = "{id: meet_end, type: time, label: End time, min: meet_start, max: 19:00}"
    assert [p for p in load_field(start, fits).problems if p.path == "case.yaml"] == []


@pytest.mark.parametrize(
    ("leaving", "returning"),
    [
        ("max: today", "min: leave_date, max: today"),
        ("min: today", "min: leave_date, max: 2099-01-01"),
        ("min: 2026-01-01", "min: leave_date, max: today"),  # possible once 2026 has come
        ("min: tomorrow", "min: leave_date"),
        ("min: 2027-09-01", "max: leave_date, min: 2027-10-01"),  # leaving later is possible
    ],
)
def test_a_date_whose_limits_through_another_question_leave_a_day_is_taken(leaving, returning):
    field = f"{{id: return_date, type: date, label: Date of return, {returning}}}"
    loaded = load_field(f"{{id: leave_date, type: date, label: Date of leaving, {leaving}}}", field)
    assert [p for p in loaded.problems if p.path == "case.yaml"] == []


# ---- a condition no answer within a question's limits can meet -------------------------------


@pytest.mark.parametrize(
    ("condition", "value", "said"),
    [
        ("pupils > 300", "false", "('pupils' is 1 to 300)"),
        ("pupils < 1", "false", "('pupils' is 1 to 300)"),
        ("pupils == 0 or pupils > 500", "false", "('pupils' is 1 to 300)"),
    ],
)
def test_a_condition_no_answer_within_the_questions_limits_can_change_is_warned(
    condition, value, said
):
    # validated clean: the insurance question, asked only for more than 300 pupils on a form
    # that takes 300 at most, was never asked
    field = f'{{id: insurance, type: text, label: Insurer, show_if: "{condition}"}}'
    loaded = load_field("{id: pupils, type: number, label: Pupils, min: 1, max: 300}", field)
    problem = loaded.expect("W504", field, condition)
    assert problem.message == (
        f"condition is always {value}, whatever the answer to 'pupils' {said}"
    ), problem.message


@pytest.mark.parametrize("condition", ["pupils > 299", "pupils >= 300", "pupils < 2"])
def test_a_condition_an_answer_within_the_limits_can_change_is_taken(condition):
    field = f'{{id: insurance, type: text, label: Insurer, show_if: "{condition}"}}'
    loaded = load_field("{id: pupils, type: number, label: Pupils, min: 1, max: 300}", field)
    assert [p for p in loaded.problems if p.path == "case.yaml"] == []
