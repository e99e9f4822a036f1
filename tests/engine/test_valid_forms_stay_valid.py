"""Valid, sensible case types that the checks added by an author's trial (a pattern no answer
can match, date limits through other questions, a workflow with no way to an end, a condition
no allowed number changes, min_items past 50) must leave alone: an error there stops the
portal starting (webapp/infra/casetypes.py), a warning sends the author looking for a mistake
that is not there. Found or checked by review20."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

import engine.uk_date as uk_date
from tests.engine.conftest import case_type_yaml
from tests.engine.test_validation_errors import ACTIVITIES, load_field, load_file, load_workflow


def _own_problems(loaded, codes: str = "EW") -> list[str]:
    """The problems in the file written (not the test's shared files), of these severities."""
    return [
        str(p)
        for p in loaded.problems
        if p.path in ("case.yaml", "workflows.yaml") and p.code[0] in codes
    ]


# ---- patterns some answer matches --------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        # RE2's POSIX classes: Python's parser reads [[:digit:]] as a class of [ : d i g t,
        # then a `]`, two characters where RE2 reads one
        r"max_length: 4, pattern: '^[[:digit:]]{4}$'",
        r"max_length: 8, case: upper, pattern: '[[:upper:]]{2}[[:digit:]]{6}'",
        r"max_length: 1, pattern: '[^[:space:]]'",
        r"max_length: 6, pattern: '[[:alpha:][:digit:]]{6}'",
        # the rest were taken already: kept so that they stay so
        r"max_length: 5, pattern: '\bR\d{4}\b'",  # W506 only, for the \b
        r"max_length: 5, case: upper, pattern: 'R(?i)\d{4}'",  # (?i) midway: RE2's own
        r"max_length: 6, case: lower, pattern: 'r(?i:X)?\d{4}'",
        r"case: upper, pattern: 'STRASSE|STRAẞE'",  # ß is SS in capitals, ẞ stays
        r"case: upper, pattern: '[A-ZÄÖÜẞ]+'",
        r"case: upper, pattern: 'İSTANBUL'",
        r"case: lower, pattern: '[a-zçğıöşü]+'",
        r"max_length: 5, pattern: '\$\d{4}'",
        r"max_length: 5, pattern: '[$]\d{4}'",
        r"max_length: 4, pattern: '^$|^\d{4}$'",
        r"max_length: 4, pattern: '\d{4}\s*$'",
        r"max_length: 8, case: upper, pattern: '^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$'",
        r"max_length: 8, case: upper, pattern: '^(EY\d{6}|\d{6,7})$'",
        r"pattern: '\x{41}\pL+'",
    ],
)
def test_a_pattern_some_answer_matches_is_taken(settings):
    field = "{id: licence, type: text, label: Licence number, " + settings + "}"
    assert _own_problems(load_field(field), "E") == []


def test_a_posix_class_is_still_counted_against_max_length():
    field = r"{id: code, type: text, label: Code, max_length: 3, pattern: '[[:digit:]]{4}'}"
    problem = load_field(field).expect("E104", field, "'[[:digit:]]{4}'")
    assert "needs at least 4 characters, but 'max_length' is 3" in problem.message


# ---- date limits through other questions -------------------------------------------------------

TRIP = (
    "{id: leave_date, type: date, label: Date of leaving, min: today}",
    "{id: return_date, type: date, label: Date of return, min: leave_date, max: 2027-07-23}",
)


@pytest.mark.parametrize("day", ["2027-07-01", "2027-07-23", "2027-07-24", "2028-01-01"])
def test_a_form_with_limits_from_today_and_fixed_days_validates_whatever_the_day(monkeypatch, day):
    # a summer-term trip: leaving today or later, back by 23 July 2027. It validated until
    # 24 July, then E207 ('leave_date', today at the earliest, is above 2027-07-23): the
    # portal will not start on a case type with an error, so an untouched folder that
    # deployed on Friday stopped the portal on Monday. The same limits on one question
    # (min: today, max: 2027-07-23) were never refused; a limit from today is compared with
    # a fixed day, the one question or through another, only for a warning (W702) from the
    # day no date can be typed: the portal still starts, and `--strict` (CI) says so.
    monkeypatch.setattr(uk_date, "today", lambda: dt.date.fromisoformat(day))
    past = dt.date.fromisoformat(day) > dt.date(2027, 7, 23)
    assert _own_problems(load_field(*TRIP), "E") == []
    assert [p.split(": ")[1] for p in _own_problems(load_field(*TRIP))] == (
        ["warning W702"] if past else []
    )
    one = "{id: trip_date, type: date, label: Date of the trip, min: today, max: 2027-07-23}"
    assert _own_problems(load_field(one), "E") == []
    assert len(_own_problems(load_field(one))) == (1 if past else 0)


@pytest.mark.parametrize(
    "fields",
    [
        (  # three questions, each from the one before, to a fixed day far ahead
            "{id: asked_on, type: date, label: Asked on, min: yesterday, max: tomorrow}",
            "{id: leave_date, type: date, label: Date of leaving, min: asked_on}",
            "{id: return_date, type: date, label: Date of return, min: leave_date, "
            "max: 2099-12-31}",
        ),
        (  # a date of birth in the past, a start at school after it and not after today
            "{id: birth_date, type: date, label: Date of birth, min: 2005-09-01, max: yesterday}",
            "{id: start_date, type: date, label: Start date, min: birth_date, max: today}",
        ),
        (  # an exclusion that began this school year and ended by today
            "{id: excluded_from, type: date, label: First day, min: 2026-09-01, max: today}",
            "{id: excluded_to, type: date, label: Last day, min: excluded_from, max: today}",
        ),
        (  # an end limiting a start from above
            "{id: end_date, type: date, label: End date, min: 2026-09-01, max: 2027-07-31}",
            "{id: start_date, type: date, label: Start date, max: end_date, min: 2026-09-01}",
        ),
    ],
    ids=["chain_of_three", "birth_then_start", "exclusion", "max_through"],
)
def test_date_limits_through_other_questions_that_leave_a_day_are_taken(fields):
    assert _own_problems(load_field(*fields)) == []


# ---- groups: min_items with and without max_items ----------------------------------------------


@pytest.mark.parametrize(
    "counts", ["min_items: 50", "min_items: 60, max_items: 100", "min_items: 10, max_items: 10"]
)
def test_a_group_whose_fewest_items_it_takes_is_taken(counts):
    field = (
        f"{{id: pupils, type: group, label: Pupils going, {counts}, "
        "fields: [{id: pupil_name, type: text, label: Name}]}"
    )
    assert _own_problems(load_field(field)) == []


# ---- workflows whose every active activity can end -------------------------------------------

STEPS = (
    ACTIVITIES
    + """
    notified: {label: Case Officers Notification, status: Active}
    review: {label: Review, status: Active}
    more_info: {label: More information requested, status: Active, school_can_edit: true}
    hs_review: {label: With health and safety, status: Active}
"""
)


@pytest.mark.parametrize(
    "ways_out",
    [
        # only the school can end it from more_info: by withdrawing
        "- {from: more_info, to: dropped, action: Withdraw the request, by: school}\n",
        # health and safety hands it back; the review ends it
        "- {from: hs_review, to: done, action: Complete, by: officer}\n",
    ],
    ids=["school_withdraws", "hs_completes"],
)
def test_a_workflow_whose_loops_with_the_school_have_a_way_out_is_taken(ways_out):
    transitions = (
        "- {from: submitted, to: notified, action: Notify case officers, by: system}\n"
        "- {from: notified, to: review, action: Start review, by: officer}\n"
        "- {from: review, to: more_info, action: Ask the school, by: officer}\n"
        "- {from: more_info, to: review, action: Send more information, by: school}\n"
        "- {from: review, to: hs_review, action: Refer, by: officer}\n"
        "- {from: hs_review, to: more_info, action: Ask the school, by: officer}\n"
        "- {from: hs_review, to: review, action: Hand back, by: officer}\n"
        "- {from: review, to: done, action: Complete, by: officer}\n"
        "- {from: notified, to: dropped, action: Abandon, by: officer}\n" + ways_out
    )
    loaded = load_workflow(STEPS, transitions)
    assert [p for p in _own_problems(loaded, "E")] == []


def test_a_case_types_workflow_whose_way_to_an_end_has_a_when_is_taken():
    # the only way out of the referral is offered when someone was hurt: a `when` on the way
    # to an end is still a way
    workflow = """\
        workflow:
          start: submitted
          activities:
            submitted: {label: Form Submitted, status: Active}
            review: {label: Review, status: Active}
            hs_review: {label: Injuries referred, status: Active}
            completed: {label: Case completed, status: Completed}
            abandoned: {label: Case abandoned, status: Abandoned}
          transitions:
            - {from: submitted, to: review, action: Start review, by: officer}
            - {from: review, to: hs_review, action: Refer, by: officer, when: injured}
            - {from: hs_review, to: review, action: Hand back, by: officer}
            - {from: hs_review, to: completed, action: Complete, by: officer, when: injured}
            - {from: review, to: completed, action: Complete case, by: officer}
            - {from: review, to: abandoned, action: Abandon case, by: officer}
    """
    pages = """
        - id: incident
          title: The incident
          fields:
            - {id: injured, type: yes_no, label: Was anyone hurt?}
    """
    text = case_type_yaml(pages).replace("workflow: simple\n", textwrap.dedent(workflow))
    loaded = load_file(text)
    assert _own_problems(loaded, "E") == []


# ---- conditions on a number that its allowed answers do change -------------------------------


@pytest.mark.parametrize(
    ("limits", "condition"),
    [
        ("min: 1, max: 300", "pupils >= 300"),
        ("min: 1, max: 300", "pupils == 300"),
        ("min: 1, max: 300", "pupils <= 1"),
        ("min: 1, max: 300", "pupils != 300"),
        ("min: 1, max: 300", "not pupils > 299"),
        ("min: 1, max: 300", "pupils > 200 or pupils < 5"),
        ("min: 1, max: 300", "answered(pupils) and pupils > 150"),
        ("min: 1, max: 300", "pupils in [1, 2, 3]"),
        ("min: 0, max: 1, decimals: 1", "pupils > 0.5"),
        ("min: 0, max: 5, decimals: 2", "pupils > 4.99"),
        ("min: 1.5, max: 2.5, decimals: 1", "pupils == 2"),
        ("min: -10, max: -1", "pupils < -5"),
        ("min: -10, max: -1", "pupils >= -1"),
        ("max: 300", "pupils > 299"),
        ("min: 10", "pupils < 11"),
        ("min: 10", "pupils > 1000"),
    ],
)
def test_a_condition_an_allowed_number_changes_is_not_warned(limits, condition):
    loaded = load_field(
        f"{{id: pupils, type: number, label: Pupils, {limits}}}",
        f'{{id: insurer, type: text, label: Insurer, show_if: "{condition}"}}',
    )
    assert _own_problems(loaded) == []


@pytest.mark.parametrize(
    ("number", "condition"),
    [
        ("{id: cost, type: money, label: Cost, max: 1000}", "cost >= 1000"),
        ("{id: cost, type: money, label: Cost, min: 0.01, max: 50}", "cost <= 0.01"),
        (  # a calculated amount from a bounded number: not bounded itself
            "{id: pupils, type: number, label: Pupils, min: 1, max: 30}\n"
            "            - {id: cost, type: calculated, label: Cost, value: pupils * 12, "
            "format: money}",
            "cost > 300",
        ),
    ],
    ids=["money_max", "money_min", "calculated"],
)
def test_a_condition_on_money_or_a_calculation_it_can_change_is_not_warned(number, condition):
    field = f'{{id: why, type: text, label: Why, show_if: "{condition}"}}'
    assert _own_problems(load_field(number, field)) == []


@pytest.mark.parametrize(
    ("limits", "condition", "said"),
    [
        ("min: -10, max: -1", "pupils > 0", "'pupils' is -10 to -1"),
        ("max: 2.5, decimals: 1", "pupils > 2.5", "'pupils' is at most 2.5"),
        ("min: 10", "pupils < 10", "'pupils' is at least 10"),
    ],
)
def test_a_condition_no_allowed_number_changes_is_still_warned(limits, condition, said):
    field = f'{{id: insurer, type: text, label: Insurer, show_if: "{condition}"}}'
    loaded = load_field(f"{{id: pupils, type: number, label: Pupils, {limits}}}", field)
    problem = loaded.expect("W504", field, condition)
    assert problem.message.endswith(f"({said})"), problem.message
