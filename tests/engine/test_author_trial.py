"""What a new form author's trial found: two case types written from the docs alone (an
elective home education notification, a school trip risk assessment), with the mistakes
authors make. Each test is a small case type that was taken, or told badly, before."""

from __future__ import annotations

import pytest

from tests.engine.test_validation_errors import (
    CHILD_FORENAME,
    load_case,
    load_condition,
    load_field,
)

NAME = "{id: n, type: text, label: Name}"

# ---- words people read: not only spaces ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "part"),
    [
        ("{id: surname, type: text, label: '  '}", "'  '"),
        ("{id: intro, type: content, text: ' '}", "' '"),
        ("{id: consent, type: declaration, label: Consent, text: ' '}", "' '"),
        ("{id: consent, type: declaration, label: Consent, text: Yes, confirm_label: ' '}", "' '"),
        (f"{{id: staff, type: group, label: Staff, item_label: ' ', fields: [{NAME}]}}", "' '"),
        ("{id: kind, type: radios, label: Kind, options: [{value: a, label: ' '}]}", "' '"),
    ],
    ids=["label", "content", "declaration", "confirm-label", "item-label", "option-label"],
)
def test_text_of_only_spaces_where_people_read_it_is_refused(field, part):
    # taken before: the page showed an unlabelled box, a blank statement to tick, "Add another "
    problem = load_field(CHILD_FORENAME, field).expect("E104", field, part)
    assert "is only spaces, so people would read nothing there: write the words" in problem.message


def test_a_blank_page_title_or_button_is_refused():
    loaded = load_case(
        """
        - id: child
          title: ' '
          fields:
            - {id: forename, type: text, label: First name}
        """,
    )
    loaded.expect("E104", "title: ' '", "' '")


@pytest.mark.parametrize("setting", ["text: ''", "confirm_label: ''", "item_label: ''"])
def test_empty_words_of_a_field_type_are_refused_once(setting):
    # text: '' on a content block, a declaration or a group's item label was taken before
    kind = {
        "text": "{id: consent, type: declaration, label: Consent, %s}",
        "confirm_label": "{id: consent, type: declaration, label: Consent, text: Agreed, %s}",
        "item_label": "{id: staff, type: group, label: Staff, %s, fields: [" + NAME + "]}",
    }[setting.split(":")[0]]
    field = kind % setting
    loaded = load_field(CHILD_FORENAME, field)
    problem = loaded.expect("E104", field, "''")
    assert problem.message.endswith("must not be empty")
    assert len(loaded.problems) == 1, [str(p) for p in loaded.problems]


# ---- `x in [...]` with values of another kind: false whatever is answered ----------------


@pytest.mark.parametrize(
    ("condition", "advice"),
    [
        ("has_ehcp in ['yes']", "true or false: write has_ehcp"),
        ("start_date in ['2026-09-01']", "write start_date == date('2026-09-01')"),
        ("start_date not in ['1/9/2026']", "write start_date == date('2026-09-01')"),
        ("sen_provision in [1, 2]", "put the values in quotes, ['1', '2']"),
        ("len(forename) in ['1', '2']", "write the values without quotes, [1, 2]"),
    ],
)
def test_looking_for_an_answer_in_a_list_of_another_kind_is_refused(condition, advice):
    # taken before: a date, a yes/no or a count is never one of these values, so the question
    # was never asked (or, with not in, always); `has_ehcp == 'yes'` was E305 already
    problem = load_condition(condition).expect("E305", condition)
    assert "so this would be the same whatever the answer" in problem.message
    assert advice in problem.message


def test_a_list_of_the_right_kind_with_none_in_it_is_taken():
    # 'None' was reported as not an option of sen_provision
    assert not load_condition("sen_provision in ['E', none]").problems


# ---- suggestions: other capitals, and what other form builders call a type ---------------


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("upload", "file"),
        ("integer", "number"),
        ("boolean", "yes_no"),
        ("Yes-No", "yes_no"),
        ("repeating_group", "group"),
        ("calc", "calculated"),
        ("dropdown", "select"),
        ("multi_select", "checkboxes"),
        ("UPN", "upn"),
    ],
)
def test_a_type_named_as_other_form_builders_name_it_is_suggested(written, meant):
    # these named the twenty-one types with no suggestion
    field = f"{{id: thing, type: {written}, label: Thing}}"
    problem = load_field(CHILD_FORENAME, field).expect("E103", field, written)
    assert problem.message.endswith(f"did you mean '{meant}'?")


def test_an_allowed_word_in_other_capitals_is_suggested():
    # 'UK' had no suggestion (difflib weighs capitals as other letters): the author of a
    # trip's export wrote `dates: UK`
    loaded = load_case(
        """
        - id: child
          title: About the child
          fields:
            - {id: forename, type: text, label: First name}
        """,
        extra="export: {dates: UK}\n",
    )
    problem = loaded.expect("E103", "dates: UK", "UK")
    assert problem.message.endswith("did you mean 'uk'?")


# ---- comparing an answer with '': a blank answer is none, never '' ------------------------


@pytest.mark.parametrize(
    ("condition", "advice"),
    [
        ("forename != ''", "so this is always true: write answered(forename)"),
        ("'' == forename", "so this is always false: write not answered(forename)"),
        ("start_date != ''", "so this is always true: write answered(start_date)"),
    ],
)
def test_an_answer_compared_with_empty_text_is_refused(condition, advice):
    # `forename != ''` was taken and always true (a blank answer is kept as none), so the
    # question it showed was asked of everyone; a date's said only "cannot compare"
    problem = load_condition(condition).expect("E305", condition)
    assert problem.message.endswith(advice)


def test_a_calculated_text_may_still_be_compared_with_empty_text():
    loaded = load_field(
        CHILD_FORENAME,
        "{id: title, type: calculated, format: text, label: Title,"
        " value: \"'Dr' if len(forename) > 3 else ''\"}",
        "{id: note, type: text, label: Note, show_if: \"title != ''\"}",
    )
    assert not [p for p in loaded.problems if p.code == "E305"]


@pytest.mark.parametrize(
    ("condition", "advice"),
    [
        ("start_date > 'today'", "today's date is today(), without quotes"),
        ("start_date == '1/9/2026'", "write a date as date('2026-09-01')"),
    ],
)
def test_a_date_compared_with_text_is_told_what_the_text_meant(condition, advice):
    # both were told to write date('2015-01-31')
    problem = load_condition(condition).expect("E305", condition)
    assert problem.message.endswith(advice)


# ---- a group's rule indented as the page's -------------------------------------------------


def test_a_page_rule_on_a_question_of_a_group_says_where_the_rule_belongs():
    # was "field names 'carer_phone', which is not a question on this page": it is on the
    # page, in the group, and the rule had slipped out of the group by its indentation
    loaded = load_case(
        """
        - id: parents
          title: Parents and carers
          fields:
            - id: carers
              type: group
              label: Parents and carers
              fields:
                - {id: carer_name, type: text, label: Full name}
                - {id: carer_phone, type: phone, label: Telephone number, required: false}
          rules:
            - check: answered(carer_phone) or len(carers) > 1
              message: Give a telephone number
              field: carer_phone
        """
    )
    problem = loaded.expect("E206", "field: carer_phone", "carer_phone")
    assert problem.message.endswith(
        "it is a question of the group 'carers': a rule for each item belongs in the group's "
        "own `rules`, indented like its `fields`"
    )


# ---- translations ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["label_cy", "lang", "label_welsh"])
def test_a_translated_label_is_told_that_case_types_have_one_language(key):
    # label_cy was answered "did you mean 'label'?", as if the Welsh had been a typo
    field = f"{{id: forename, type: text, label: First name, {key}: Enw cyntaf}}"
    problem = load_field(field).expect("E100", field, key)
    assert problem.message == (
        f"unknown key '{key}'; case types are written in one language: there are no "
        "translated texts"
    )


def test_a_whole_number_written_with_decimals_is_told_as_written():
    # was "'decimals' must be a whole number, not a number"
    field = "{id: staff, type: number, label: Number of staff, decimals: 0.5}"
    problem = load_field(field).expect("E102", field, "0.5")
    assert problem.message == "'decimals' must be a whole number, not 0.5, which has decimals"


def test_a_ratio_written_with_a_colon_is_told_to_divide():
    # `value: pupils:staff` was only "invalid syntax"
    field = "{id: ratio, type: calculated, label: Pupils for each adult, value: 'pupils:staff'}"
    loaded = load_field(
        "{id: pupils, type: number, label: Pupils}",
        "{id: staff, type: number, label: Staff}",
        field,
    )
    problem = next(p for p in loaded.problems if p.code == "E300")
    assert problem.message.endswith("':' is no operator: a ratio such as 1:10 is a division, a / b")


# ---- a condition on a question asked after it ----------------------------------------------


def test_a_condition_on_a_question_below_it_on_its_page_says_to_move_that_question_up():
    # was "which is defined later (on page 'deregistration')", the page the author was on
    loaded = load_field(
        "{id: tail, type: text, label: Details, show_if: \"'bullying' in reasons\"}",
        "{id: reasons, type: checkboxes, label: Reasons, options: [bullying, health]}",
    )
    problem = loaded.expect("E303", 'reasons"', "reasons")
    assert problem.message.endswith(
        "is defined later (below it on page 'child': move 'reasons' above the question that "
        "names it)"
    )


def test_a_condition_on_a_question_of_a_later_page_says_what_it_may_name():
    loaded = load_case(
        """
        - id: child
          title: About the child
          fields:
            - {id: forename, type: text, label: First name, show_if: has_ehcp}
        - id: needs
          title: Needs
          fields:
            - {id: has_ehcp, type: yes_no, label: Does the child have an EHCP?}
        """
    )
    problem = loaded.expect("E303", "show_if: has_ehcp", "has_ehcp")
    assert problem.message.endswith(
        "(on page 'needs': an expression names only questions before it)"
    )


def test_yes_where_true_or_false_belongs_is_told_what_to_write():
    # was "'allow_temporary' must be true or false, not text"
    field = "{id: upn, type: upn, label: UPN, allow_temporary: yes}"
    problem = load_field(field).expect("E102", field, "yes}")
    assert problem.message.endswith("not 'yes', which YAML reads as text: write true")


@pytest.mark.parametrize(
    ("bound", "advice"),
    [
        ("01/09/2026", "write 2026-09-01"),
        ("2026-9-1", "write 2026-09-01"),
        ("Today", "write today"),
        ("Yesterday", "write yesterday"),  # the other days from today, as 'today'
        ("Tomorrow", "write tomorrow"),
    ],
)
def test_a_date_limit_written_as_people_write_dates_is_told_how_to_write_it(bound, advice):
    # only "must be 'today', a date like 2026-09-01, or the id of an earlier date question"
    field = f"{{id: departure, type: date, label: Date of departure, min: {bound}}}"
    problem = load_field(field).expect("E104", field, bound)
    assert problem.message.endswith(f"or the id of an earlier date question: {advice}")
