"""What an author's trial found in text pasted from a word processor or a web page, and in
lists written as people write them: a no-break space where YAML needs a space, curly quotes
around a text, options or file kinds written without [ ]. Each was told as something else —
a ':' YAML could not find on the next line, a key 'type: text' that does not exist, a list name
to write — with nothing to say what to retype."""

from __future__ import annotations

import pytest

from tests.engine.test_validation_errors import (
    load_case,
    load_condition,
    load_field,
    load_file,
    position,
)

NBSP = "\u00a0"
PASTED = "pasted from a word processor or a web page"

CASE = """\
id: nbsp-case
name: A case type
category: Tests
reference: {prefix: EDU-TEST, code: NBS}
version: 1
workflow: simple
pages:
  - id: child
    title: About the child
    fields:
      - id: social_worker
        type: yes_no
        label: Does the child have a social worker?
      - id: social_worker_name
        type: text
        label: Social worker's name
        show_if: social_worker
"""


def _only_problem(text: str):
    loaded = load_file(text)
    mine = [p for p in loaded.problems if p.path == "case.yaml"]
    assert len(mine) == 1, "\n".join(map(str, loaded.problems))
    return mine[0]


@pytest.mark.parametrize(
    ("written", "pasted"),
    [
        # the indentation of a question: YAML stumbled a line later, 'mapping values...'
        ("      - id: social_worker_name", f"{NBSP}     - id: social_worker_name"),
        # after a key's ':': "could not find expected ':'" on the line after
        ("        label: Social worker's name", f"        label:{NBSP}Social worker's name"),
        # after a list's '-': "did not find expected '-' indicator" at the next page
        ("  - id: child", f"  -{NBSP}id: child"),
    ],
    ids=["indentation", "after-colon", "after-dash"],
)
def test_a_no_break_space_where_yaml_needs_a_space_is_found_where_it_is(written, pasted):
    text = CASE.replace(written, pasted)
    problem = _only_problem(text)
    assert (problem.code, problem.line, problem.col) == ("E001", *position(text, NBSP))
    assert "no-break space (U+00A0)" in problem.message
    assert PASTED in problem.message and "type a space" in problem.message


def test_a_no_break_space_after_a_key_in_braces_is_found_not_a_missing_key():
    # read as one key 'type:\u00a0text': only "missing required key 'type'" was said
    field = f"{{id: forename, type:{NBSP}text, label: First name}}"
    loaded = load_field(field)
    problems = [p for p in loaded.problems if p.path == "case.yaml"]
    assert [p.code for p in problems] == ["E001"], "\n".join(map(str, problems))
    assert (problems[0].line, problems[0].col) == loaded.at(field, NBSP)
    assert "no-break space" in problems[0].message


def test_a_no_break_space_inside_words_is_taken():
    # "10\u00a0am" keeps its words together: text, not a space YAML needs
    loaded = load_field(
        f'{{id: start, type: text, label: "Starts at 10{NBSP}am: bring it", hint: Time:{NBSP}now}}'
    )
    assert [p for p in loaded.problems if p.path == "case.yaml"] == []


def test_curly_quotes_around_a_text_are_said_not_to_be_quotes():
    # "a text with ': ' in it needs quotes": the author had put it in quotes, curly ones
    text = CASE.replace("label: Social worker's name", "label: “Note: their name”")
    problem = _only_problem(text)
    assert problem.code == "E001"
    assert "“ ” and ‘ ’ are not quotes to YAML" in problem.message
    assert "needs quotes" not in problem.message


def test_options_written_without_brackets_are_told_to_write_a_list():
    # it said to write the list name 'health_bullying_other', which no list has
    loaded = load_case("""
        - id: decision
          title: The decision
          fields:
            - id: reasons
              type: checkboxes
              label: Reasons the parent gave
              options: Health, Bullying, Other
    """)
    problem = loaded.expect("E104", "options: Health", "Health")
    assert "options: [Health, Bullying, Other]" in problem.message
    assert "health_bullying_other" not in problem.message


@pytest.mark.parametrize(
    ("written", "advice"), [("pdf, docx", "accept: [pdf, docx]"), ("pdf", "accept: [pdf]")]
)
def test_file_kinds_written_without_brackets_are_told_to_write_a_list(written, advice):
    loaded = load_case(f"""
        - id: letter
          title: The letter
          fields:
            - id: letter
              type: file
              label: Copy of the letter
              accept: {written}
    """)
    problem = loaded.expect("E102", f"accept: {written}", "pdf")
    assert problem.message.endswith(f"write it in [ ]: {advice}")


@pytest.mark.parametrize(
    ("field", "meant"),
    [
        (
            "{id: note, type: text, label: Note, show_if: sen_provision in ['E', 'K']}",
            "show_if: \"sen_provision in ['E', 'K']\"",
        ),
        (
            "{id: note, type: text, label: Sibling [if known], required: false}",
            'label: "Sibling [if known]"',
        ),
    ],
    ids=["condition", "label"],
)
def test_brackets_inside_braces_are_told_to_quote_the_text_meant(field, meant):
    # "inside { } a ' #' starts a comment and ',' ends a value": neither was in the line
    problem = load_field(field).expect("E001", field, "[")
    assert problem.message.endswith(f"starts a list; put the text in quotes: {meant}")
    assert "' #'" not in problem.message


@pytest.mark.parametrize(
    ("field", "meant"),
    [
        (
            "{id: first_expiry, type: calculated, label: First to expire, format: date, "
            "value: earliest(medicines, 'expires_on')}",
            "value: \"earliest(medicines, 'expires_on')\"",
        ),
        (
            '{id: note, type: text, label: Note, show_if: "answered(medicines)" and '
            "total(medicines, 'dose') > 2}",
            "",
        ),
    ],
    ids=["quoted_argument", "not_a_call"],
)
def test_a_call_whose_quoted_argument_breaks_braces_is_told_to_quote_the_expression(field, meant):
    # "inside { } a ' #' starts a comment and ',' ends a value; quote such a text": there is
    # no ' #', and the author's value had one comma, inside the function's brackets
    loaded = load_field("{id: forename, type: text, label: First name}", field)
    problem = next(p for p in loaded.problems if p.code == "E001")
    if meant:
        assert problem.message.endswith(
            f"a comma ends the value even inside ( ); put the whole expression in quotes: {meant}"
        ), problem.message
        assert "' #'" not in problem.message
    else:
        assert "a comma ends the value even inside ( )" not in problem.message


# ---- a key indented as the list's items ----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "dedented", "key", "spaces"),
    [
        ("        label: Social worker's name", "      label: Social worker's name", "label", 8),
        ("    title: About the child", "  title: About the child", "title", 4),
    ],
    ids=["question", "page"],
)
def test_a_key_indented_as_the_lists_dashes_is_told_to_line_up_with_its_items_keys(
    written, dedented, key, spaces
):
    # "every item of a list starts with '- ', all at the same indentation": the author had
    # meant no new item, only a key of the one above
    text = CASE.replace(written, dedented)
    problem = _only_problem(text)
    assert (problem.code, problem.line, problem.col) == ("E001", *position(text, dedented, key))
    assert problem.message.endswith(
        f"'{key}:' stands where the list's items start with '- ', so it is neither an item nor "
        f"a key of the item above: indent it {spaces} spaces, as the keys above it"
    )


@pytest.mark.parametrize(
    ("condition", "at", "advice"),
    [
        ("has_ehcp AND start_date", "AND", "write and, or and not in small letters"),
        ("has_ehcp Or start_date", "Or", "write and, or and not in small letters"),
        ("NOT has_ehcp", "NOT", "write and, or and not in small letters"),
        (
            "len(forename) > 5 characters",
            "characters",
            "write a number without its unit: 5, not 5 characters",
        ),
    ],
)
def test_a_condition_written_as_a_spreadsheet_writes_it_is_told_what_to_write(
    condition, at, advice
):
    # only "invalid syntax", at the word after the one to mend
    field = f'show_if: "{condition}"'
    problem = load_condition(condition).expect("E300", field, at)
    assert problem.message.endswith(advice)


@pytest.mark.parametrize(
    ("written", "meant"),
    [("≥", ">="), ("≤", "<="), ("≠", "!="), ("–", "-"), ("—", "-"), ("−", "-"), ("×", "*")],
)
def test_a_sign_a_word_processor_made_is_told_the_one_to_type(written, meant):
    # "invalid character '≥' (U+2265)", and nothing on what to type
    condition = f"len(forename) {written} 2"
    problem = load_condition(condition).expect("E300", f'show_if: "{condition}"', written)
    assert problem.message.endswith(f"write {meant} instead of {written}")


@pytest.mark.parametrize("written", ["TRUE", "FALSE"])
def test_true_or_false_in_capitals_is_told_to_write_it_in_small_letters(written):
    # it was told to name a yes/no question, though the author had: has_ehcp == TRUE
    condition = f"has_ehcp == {written}"
    problem = load_condition(condition).expect("E302", f'show_if: "{condition}"', written)
    assert problem.message.endswith(f"write {written.lower()}, in small letters")


def test_a_no_break_space_before_a_keys_colon_is_found_in_the_key():
    # "missing required key 'label'" and "unknown key 'label '", of a key that looked right
    written = "        label: Social worker's name"
    text = CASE.replace(written, f"        label{NBSP}: Social worker's name")
    problem = _only_problem(text)
    assert (problem.code, problem.line, problem.col) == ("E001", *position(text, NBSP))
    assert problem.message.endswith("is in a key, where YAML reads it as a letter: delete it")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("description: About the exclusion", "intro"),  # a page
        ("help_text: As on the birth certificate", "hint"),  # a question
        ("condition: has_ehcp", "show_if"),
        ("visible_if: has_ehcp", "show_if"),
    ],
)
def test_a_key_as_other_form_builders_name_it_is_told_the_one_meant(written, meant):
    # "unknown key 'description'" and no way on: a page's description is its intro
    where = (
        "    title: About the child"
        if written.startswith("description")
        else ("        label: Social worker's name")
    )
    indent = where[: len(where) - len(where.lstrip())]
    text = CASE.replace(where, f"{where}\n{indent}{written}")
    problem = _only_problem(text)
    assert problem.code == "E100"
    assert problem.message.endswith(f"did you mean '{meant}'?")


def test_a_number_written_in_quotes_is_told_to_lose_them():
    # "'version' must be a whole number, not text"
    problem = _only_problem(CASE.replace("version: 1", 'version: "1"'))
    assert problem.message.endswith("not text: take off the quotes, version: 1")
