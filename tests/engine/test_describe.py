"""Expressions in plain English (engine/describe.py): every construct of the language reads as
an author's colleague would say it, with labels and option labels instead of ids and codes."""

from __future__ import annotations

import ast

import pytest

from engine.describe import Describer, Subject, subjects_of
from engine.expressions import BOOL, DATE, GROUP, LIST, NUMBER, TEXT, TIME

SUBJECTS = {
    "injured": Subject("Was the pupil injured?", BOOL, always_answered=True),
    "told": Subject("Have the parents been told?", BOOL),
    "provision": Subject(
        "SEN provision", TEXT, {"E": "EHC plan", "K": "SEN support", "N": "No SEN"}
    ),
    "needs": Subject(
        "Needs", LIST, {"SEMH": "Social, emotional and mental health", "HI": "Hearing"}
    ),
    "notes": Subject("Notes", TEXT),
    "start": Subject("Start date", DATE),
    "end": Subject("End date", DATE),
    "from_time": Subject("From", TIME),
    "to_time": Subject("To", TIME),
    "hours": Subject("Hours a week", NUMBER),
    "sessions": Subject("Sessions", NUMBER),
    "providers": Subject("Providers", GROUP),
    "cost": Subject("Cost", NUMBER),
    "visit": Subject("Visit date", DATE),
}


def english(text: str) -> str:
    return Describer(SUBJECTS).describe(text)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("injured", "‘Was the pupil injured?’ is Yes"),
        ("not injured", "‘Was the pupil injured?’ is No"),
        ("not told", "‘Have the parents been told?’ is not Yes"),
        ("notes", "‘Notes’ is answered"),
        ("not notes", "‘Notes’ is not answered"),
        ("injured == true", "‘Was the pupil injured?’ is Yes"),
        ("injured != false", "‘Was the pupil injured?’ is not No"),
    ],
)
def test_yes_no_questions_and_answered_questions(expression, expected):
    assert english(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("provision == 'E'", "‘SEN provision’ is “EHC plan”"),
        ("'E' == provision", "‘SEN provision’ is “EHC plan”"),
        ("provision != 'N'", "‘SEN provision’ is not “No SEN”"),
        ("provision in ['E', 'K']", "‘SEN provision’ is one of “EHC plan” or “SEN support”"),
        (
            "provision not in ['E', 'K', 'N']",
            "‘SEN provision’ is none of “EHC plan”, “SEN support” or “No SEN”",
        ),
        ("provision in ['E']", "‘SEN provision’ is “EHC plan”"),
        ("'HI' in needs", "‘Needs’ includes “Hearing”"),
        ("'SEMH' not in needs", "‘Needs’ does not include “Social, emotional and mental health”"),
        ("'urgent' in notes", "‘Notes’ contains “urgent”"),
        ("'urgent' not in notes", "‘Notes’ does not contain “urgent”"),
    ],
)
def test_options_read_as_their_labels(expression, expected):
    assert english(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("end > start", "‘End date’ is after ‘Start date’"),
        ("end >= start", "‘End date’ is on or after ‘Start date’"),
        ("end < start", "‘End date’ is before ‘Start date’"),
        ("end <= today()", "‘End date’ is on or before today's date"),
        ("start >= date('2026-09-01')", "‘Start date’ is on or after 1 September 2026"),
        ("to_time > from_time", "‘To’ is later than ‘From’"),
        ("to_time <= from_time", "‘To’ is at or earlier than ‘From’"),
        ("hours > 25", "‘Hours a week’ is more than 25"),
        ("hours >= 2.5", "‘Hours a week’ is at least 2.5"),
        ("hours < 1500", "‘Hours a week’ is less than 1,500"),
        ("hours <= 10", "‘Hours a week’ is at most 10"),
        ("10 < hours", "‘Hours a week’ is more than 10"),
        ("hours == 0", "‘Hours a week’ is 0"),
        ("0 < hours <= 32", "‘Hours a week’ is more than 0 and ‘Hours a week’ is at most 32"),
    ],
)
def test_comparisons_of_dates_times_and_numbers(expression, expected):
    assert english(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "injured and provision == 'E'",
            "‘Was the pupil injured?’ is Yes and ‘SEN provision’ is “EHC plan”",
        ),
        (
            "injured or told",
            "‘Was the pupil injured?’ is Yes or ‘Have the parents been told?’ is Yes",
        ),
        (
            "injured and (told or notes)",
            "‘Was the pupil injured?’ is Yes and "
            "(‘Have the parents been told?’ is Yes or ‘Notes’ is answered)",
        ),
        (
            "not (injured and told)",
            "it is not true that ‘Was the pupil injured?’ is Yes and "
            "‘Have the parents been told?’ is Yes",
        ),
        ("answered(notes)", "‘Notes’ is answered"),
        ("not answered(notes)", "‘Notes’ is not answered"),
    ],
)
def test_and_or_not(expression, expected):
    assert english(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("hours + sessions", "‘Hours a week’ plus ‘Sessions’"),
        ("hours - sessions * 2", "‘Hours a week’ minus ‘Sessions’ times 2"),
        ("(hours - sessions) * 2", "(‘Hours a week’ minus ‘Sessions’) times 2"),
        ("hours - (sessions - 1)", "‘Hours a week’ minus (‘Sessions’ minus 1)"),
        ("hours / 5", "‘Hours a week’ divided by 5"),
        ("-hours", "minus ‘Hours a week’"),
        ("+hours", "‘Hours a week’"),
        (
            "'High' if hours > 25 else 'Low'",
            "“High” if ‘Hours a week’ is more than 25, otherwise “Low”",
        ),
        ("1 + (2 if injured else 0)", "1 plus (2 if ‘Was the pupil injured?’ is Yes, otherwise 0)"),
    ],
)
def test_arithmetic_and_choices_of_value(expression, expected):
    assert english(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("today()", "today's date"),
        ("len(needs)", "the number of options ticked in ‘Needs’"),
        ("len(providers)", "the number of items of ‘Providers’"),
        ("len(notes)", "the number of characters in ‘Notes’"),
        ("total(providers, 'cost')", "the total of ‘Cost’ over every item of ‘Providers’"),
        (
            "earliest(providers, 'visit')",
            "the earliest ‘Visit date’ among the items of ‘Providers’",
        ),
        ("latest(providers, 'visit')", "the latest ‘Visit date’ among the items of ‘Providers’"),
        (
            "weekdays_between(start, end)",
            "the number of weekdays (Monday to Friday) from ‘Start date’ up to ‘End date’",
        ),
        (
            "school_days_between(start, end)",
            "the number of school days from ‘Start date’ up to ‘End date’",
        ),
        (
            "add_school_days(start, 15)",
            "the date 15 school days after ‘Start date’",
        ),
        ("add_school_days(start, 1)", "the date 1 school day after ‘Start date’"),
        ("add_days(start, 1)", "the date 1 day after ‘Start date’"),
        ("add_days(start, 2)", "the date 2 days after ‘Start date’"),
        ("add_days(start, -1)", "the date 1 day before ‘Start date’"),
        ("add_days(start, -1.5)", "the date 1.5 days before ‘Start date’"),
        ("add_days(start, hours)", "the date ‘Hours a week’ days after ‘Start date’"),
        ("days_between(start, end)", "the number of days from ‘Start date’ to ‘End date’"),
        ("weeks_between(start, end)", "the number of weeks from ‘Start date’ to ‘End date’"),
        ("years_between(start, end)", "the number of whole years from ‘Start date’ to ‘End date’"),
        ("minutes_between(from_time, to_time)", "the number of minutes from ‘From’ to ‘To’"),
        ("round(hours)", "‘Hours a week’ rounded to a whole number"),
        ("round(hours, 1)", "‘Hours a week’ rounded to 1 decimal place"),
        ("round(hours / 3, 2)", "(‘Hours a week’ divided by 3) rounded to 2 decimal places"),
        ("abs(hours)", "the size of ‘Hours a week’ (ignoring a minus sign)"),
        ("min(hours, 10)", "the smaller of ‘Hours a week’ and 10"),
        ("max(hours, sessions, 3)", "the largest of ‘Hours a week’, ‘Sessions’ and 3"),
        ("max(hours)", "‘Hours a week’"),
    ],
)
def test_functions_by_name(expression, expected):
    assert english(expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("provision == none", "‘SEN provision’ is nothing (not answered)"),
        ("mystery == 'x'", "‘mystery’ is “x”"),
        ("provision == 'Z'", "‘SEN provision’ is “Z”"),
        ("date('not a date') > start", "“not a date” is after ‘Start date’"),
    ],
)
def test_what_the_vocabulary_does_not_know_reads_as_written(expression, expected):
    assert english(expression) == expected


def test_a_compiled_case_type_gives_labels_types_and_options(compile_case):
    case = compile_case("""
        - id: incident
          title: The incident
          fields:
            - {id: injured, type: yes_no, label: Was the pupil injured?}
            - id: injury
              type: textarea
              label: Describe the injury
              show_if: injured
            - {id: provision, type: radios, label: SEN provision, options: sen_provision}
            - id: ehcp_date
              type: date
              label: Date of the plan
              show_if: provision in ['E', 'K'] and not injured
    """)
    describer = Describer(subjects_of(case))
    fields = case.page("incident").fields
    assert describer.describe(fields[1].show_if) == "‘Was the pupil injured?’ is Yes"
    assert describer.describe(fields[3].show_if) == (
        "‘SEN provision’ is one of “EHC plan” or “SEN support” and ‘Was the pupil injured?’ is No"
    )


def test_a_function_the_english_does_not_know_yet_reads_by_its_name():
    tree = ast.parse("term_weeks_between(start, end)", mode="eval")
    said = Describer(SUBJECTS).describe(tree)
    assert said == "term_weeks_between(‘Start date’, ‘End date’)"


def test_text_is_parsed_as_loading_parses_it_never_evaluated():
    with pytest.raises(ValueError, match="attribute access"):
        english("notes.__class__")
    assert english("(" * 50 + "hours" + ")" * 50 + " > 1") == "‘Hours a week’ is more than 1"
