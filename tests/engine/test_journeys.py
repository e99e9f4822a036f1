"""Journey tests written by form authors (`portal test`): what an author sees when one fails.

Each test writes a small folder of case types (shared/ lists and workflows, one case type and
its `.tests.yaml`), runs `portal test` on it as an author would, and reads the output lines.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from engine.journeys import run_tests
from engine.journeys.format import SCHEMA, schema_json
from tests.engine.conftest import LISTS, WORKFLOWS
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[2]

CASE_TYPE = """\
id: tiny
name: Tiny
category: Tests
reference: {prefix: EDU-TEST, code: TNY}
version: 1
workflow: simple
pages:
  - id: first
    title: First
    fields:
      - {id: sen, type: radios, label: SEN provision, options: sen_provision}
      - {id: born, type: date, label: Date of birth, max: today}
      - {id: details, type: text, label: Details, show_if: "sen == 'E'"}
    rules:
      - {check: "born > date('2000-01-01')", message: Born this century, field: born}
  - id: second
    title: Second
    show_if: sen != 'N'
    fields:
      - {id: hours, type: number, label: Hours}
      - {id: double, type: calculated, label: Double, value: hours * 2}
"""

JOURNEYS = """\
case_type: tiny
journeys:
  - name: EHC plan
    reference: EDU-TEST-TNY
    pages:
      - page: first
        answers: {sen: E, born: 14/5/2015, details: Some}
        next: second
      - page: second
        answers: {hours: 4}
        values: {double: 8}
        next: check-answers
    check_answers: {double: "8", details: Some}
    workflow:
      - {activity: submitted, status: Active}
      - {by: officer, action: Complete, activity: done, status: Completed}
"""


@pytest.fixture
def folder(tmp_path):
    """A folder of case types with one case type and its journeys; returns a writer."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "workflows.yaml").write_text(WORKFLOWS)
    (tmp_path / "shared" / "lists.yaml").write_text(LISTS)
    (tmp_path / "tiny.yaml").write_text(CASE_TYPE)

    def write(journeys: str = JOURNEYS) -> Path:
        path = tmp_path / "tiny.tests.yaml"
        path.write_text(textwrap.dedent(journeys))
        return path

    write()
    return write


def run(capsys, *args) -> tuple[int, list[str], str]:
    status = main(["test", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_journeys_that_hold_pass(folder, tmp_path, capsys):
    status, lines, err = run(capsys, tmp_path)
    assert (status, lines) == (0, [])
    assert "1 journey(s), 2 page(s) in 1 file(s): 0 failed, 1 passed" in err


def test_a_case_type_named_runs_its_journeys(folder, tmp_path, capsys):
    """`portal test tiny.yaml` (the form, not its tests) ran nothing and passed: "0
    journey(s)… 0 failed". It runs tiny.tests.yaml, and a failing journey fails it."""
    status, _lines, err = run(capsys, tmp_path / "tiny.yaml")
    assert status == 0
    assert "1 journey(s), 2 page(s) in 1 file(s): 0 failed, 1 passed" in err
    folder(JOURNEYS.replace("next: second", "next: first"))
    assert run(capsys, tmp_path / "tiny.yaml")[0] == 1


def test_a_case_type_named_without_journeys_is_refused_in_one_line(folder, tmp_path, capsys):
    (tmp_path / "tiny.tests.yaml").unlink()
    status, lines, err = run(capsys, tmp_path / "tiny.yaml")
    assert (status, lines) == (2, [])
    assert err.splitlines() == [
        f"portal test: {tmp_path}/tiny.yaml has no journey tests: write them in "
        f"{tmp_path}/tiny.tests.yaml (docs/casetypes.md, Journey tests), or see what they "
        "should visit with --coverage"
    ]
    status, lines, _err = run(capsys, "--coverage", tmp_path / "tiny.yaml")
    assert status == 0
    assert lines[0].endswith("not covered: case type 'tiny': no journey")


def test_a_wrong_next_page_fails_at_its_line(folder, tmp_path, capsys):
    path = folder(JOURNEYS.replace("next: second", "next: third"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:8:15: FAIL: expected next page 'third', which is not a page of 'tiny', got "
        "'second' (journey 'EHC plan')"
    ]


def test_a_date_written_year_first_as_in_case_type_files_is_typed_as_that_date(
    folder, tmp_path, capsys
):
    """`born: 2015-05-14` (as `min: 2026-09-01` is written in the case type) put 2015 in the
    day box: 'Date of birth must include a year with 4 numbers', and no hint why."""
    folder(JOURNEYS.replace("born: 14/5/2015", "born: 2015-05-14"))
    assert run(capsys, tmp_path)[:2] == (0, [])


def test_a_prefilled_question_left_out_says_a_journey_must_answer_it(folder, tmp_path, capsys):
    """A locked `prefill: user.full_name` failed with "expected no error on 'your_name', got
    'Enter your name'": a question no school is ever asked, and no word of why."""
    prefilled = (
        "{id: your_name, type: text, label: Your name, prefill: user.full_name, locked: true}"
    )
    (tmp_path / "tiny.yaml").write_text(
        CASE_TYPE.replace("      - {id: hours,", f"      - {prefilled}\n      - {{id: hours,")
    )
    path = folder()
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines[0] == (
        f"{path}:9:15: FAIL: expected no error on 'your_name', got 'Enter your name' "
        "('your_name' is prefilled from user.full_name in the portal; a journey has no school "
        "or user, so give its answer) (journey 'EHC plan')"
    )
    folder(JOURNEYS.replace("answers: {hours: 4}", "answers: {hours: 4, your_name: Jo Bloggs}"))
    assert run(capsys, tmp_path)[:2] == (0, [])


def test_an_error_not_expected_fails_at_the_page(folder, tmp_path, capsys):
    path = folder(JOURNEYS.replace("born: 14/5/2015", "born: 31/2/2015"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines[0] == (
        f"{path}:6:15: FAIL: expected no error on 'born', got 'Date of birth must be a real "
        "date' (journey 'EHC plan')"
    )


def test_an_expected_error_matches_a_fragment_and_a_wrong_one_fails_at_its_line(
    folder, tmp_path, capsys
):
    journeys = JOURNEYS.replace(
        "        next: second\n",
        "        errors: {born: born THIS century}\n        next: first\n"
        "      - page: first\n        answers: {born: 14/5/2015}\n        next: second\n",
    ).replace("born: 14/5/2015, details", "born: 14/5/1999, details")
    folder(journeys)
    assert run(capsys, tmp_path)[:2] == (0, [])
    path = folder(journeys.replace("born THIS century", "born last century"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:8:24: FAIL: expected the error on 'born' to say 'born last century', got "
        "'Born this century' (journey 'EHC plan')"
    ]


def test_values_rows_reference_and_workflow_fail_at_their_lines(folder, tmp_path, capsys):
    path = folder(
        JOURNEYS.replace("values: {double: 8}", "values: {double: 9}")
        .replace('double: "8"', 'double: "9"')
        .replace("EDU-TEST-TNY", "EDU-TEST-XXX")
        .replace("action: Complete,", "action: Close,")
    )
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert [line.split(": FAIL: ")[0] for line in lines] == [f"{path}:11:26"]
    assert "expected 'double' to be '9', got '8'" in lines[0]
    path = folder(
        JOURNEYS.replace('double: "8"', 'double: "9"')
        .replace("EDU-TEST-TNY", "EDU-TEST-XXX")
        .replace("action: Complete,", "action: Close,")
    )
    status, lines, _err = run(capsys, tmp_path)
    assert [line.split(" (journey")[0] for line in lines] == [
        f"{path}:13:29: FAIL: expected the row 'double' to read '9', got '8'",
        f"{path}:4:16: FAIL: expected reference 'EDU-TEST-XXX…', got 'EDU-TEST-TNY…'",
        f"{path}:16:31: FAIL: expected 'officer' to be offered 'Close' in 'submitted', got "
        "'Complete', 'Abandon'",
    ]


def test_a_page_id_that_is_no_page_is_named_with_a_suggestion(folder, tmp_path, capsys):
    # was "expected page 'secnd', but it is not a page of it" (found by a new author's trial)
    path = folder(JOURNEYS.replace("      - page: second", "      - page: secnd"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:9:15: FAIL: expected page 'secnd', but it is not a page of 'tiny' (did you "
        "mean 'second'?); got pages shown: first, second (journey 'EHC plan')"
    ]


def test_a_next_page_that_is_no_page_is_named_with_a_suggestion(folder, tmp_path, capsys):
    # was "expected next page 'secnd', got 'second'": the slip was left to be spotted
    path = folder(JOURNEYS.replace("next: second", "next: secnd"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:8:15: FAIL: expected next page 'secnd', which is not a page of 'tiny' (did "
        "you mean 'second'?), got 'second' (journey 'EHC plan')"
    ]


def test_a_question_the_page_does_not_ask_is_named_with_a_suggestion(folder, tmp_path, capsys):
    path = folder(JOURNEYS.replace("details: Some}", "detials: Some}"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:7:44: FAIL: page 'first' asks no question 'detials'; did you mean 'details'? "
        "(journey 'EHC plan')"
    ]


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("sen: e,", "'e' is not an option of 'sen'; did you mean 'E'?"),
        (
            "sen: EHC,",
            "'EHC' is not an option of 'sen'; give an option's value or its label: E (EHC plan), "
            "K (SEN support), N (No SEN)",
        ),
    ],
)
def test_an_answer_that_is_no_option_fails_at_the_answer(folder, tmp_path, capsys, answer, said):
    """It was sent as typed: the page said 'Select one of the options', and the next page
    and the hidden questions failed after it, but never the answer no browser could send."""
    path = folder(JOURNEYS.replace("sen: E,", answer))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [f"{path}:7:19: FAIL: {said} (journey 'EHC plan')"]


def test_a_year_written_in_words_is_matched_by_its_number(folder, tmp_path, capsys):
    """'Year Six' was as near 'Year 9' as 'Year 6' by its letters, and the run said "did you
    mean 'Year 9'?": numbers written as words are read as digits, and a tie is no guess."""
    (tmp_path / "tiny.yaml").write_text(
        CASE_TYPE.replace(
            "      - {id: hours,",
            "      - {id: year, type: select, label: Year group, options: [Year 5, Year 6, "
            "Year 9]}\n      - {id: hours,",
        )
    )
    path = folder(JOURNEYS.replace("answers: {hours: 4}", "answers: {hours: 4, year: Year Six}"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:10:29: FAIL: 'Year Six' is not an option of 'year'; did you mean 'Year 6'? "
        "(journey 'EHC plan')"
    ]


def test_a_yes_no_answer_that_is_neither_fails_at_the_answer(folder, tmp_path, capsys):
    (tmp_path / "tiny.yaml").write_text(
        CASE_TYPE.replace(
            "      - {id: hours,",
            "      - {id: helped, type: yes_no, label: Helped?}\n      - {id: hours,",
        )
    )
    path = folder(JOURNEYS.replace("answers: {hours: 4}", "answers: {hours: 4, helped: Y}"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:10:29: FAIL: 'helped' is answered Yes or No (or true or false), not 'Y' "
        "(journey 'EHC plan')"
    ]


def test_a_drop_down_left_at_select_an_option_is_an_answer_a_browser_sends(
    folder, tmp_path, capsys
):
    """Found in a review: the drop-down's first entry, "Select an option", sends an empty
    value, which the page takes as no answer. Answers that are no option were made to fail
    (no browser could send them), and this one, which every browser sends, failed with them."""
    (tmp_path / "tiny.yaml").write_text(
        CASE_TYPE.replace(
            "      - {id: hours,",
            "      - {id: area, type: select, label: Area, required: false,\n"
            "         options: [north, south]}\n"
            "      - {id: hours,",
        )
    )
    folder(JOURNEYS.replace("answers: {hours: 4}", "answers: {hours: 4, area: ''}"))
    status, lines, _err = run(capsys, tmp_path)
    assert lines == []
    assert status == 0


def test_a_calculated_value_given_as_an_answer_says_to_check_it_under_values(
    folder, tmp_path, capsys
):
    """`answers: {hours: 4, double: 8}` said "page 'second' asks no question 'double'",
    though the page shows it: it is worked out, not typed."""
    path = folder(JOURNEYS.replace("answers: {hours: 4}", "answers: {hours: 4, double: 8}"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert [line.split(" (journey")[0] for line in lines] == [
        f"{path}:10:29: FAIL: 'double' on page 'second' is not typed: check a value under values:"
    ]


def test_a_number_with_a_comma_inside_braces_says_the_comma_ended_the_answer(
    folder, tmp_path, capsys
):
    """`answers: {hours: 1,250}` said "page 'second' asks no question '250'", and
    `values: {double: 2,500}` "no question '500'": inside { } the comma ends the value, as
    the author of an amount such as 1,800.25 was left to work out (an author's trial)."""
    path = folder(
        JOURNEYS.replace("answers: {hours: 4}", "answers: {hours: 1,250}").replace(
            "values: {double: 8}", "values: {double: 2,500}"
        )
    )
    assert run(capsys, tmp_path)[1][0].split(" (journey")[0] == (
        f"{path}:10:28: FAIL: page 'second' asks no question '250'; a comma inside {{ }} ends "
        "the answer to 'hours' before it: put an answer with a comma in quotes"
    )
    path = folder(JOURNEYS.replace("values: {double: 8}", "values: {double: 2,500}"))
    assert [line.split(" (journey")[0] for line in run(capsys, tmp_path)[1]] == [
        f"{path}:11:26: FAIL: expected 'double' to be '2', got '8' (stored as 8)",
        f"{path}:11:28: FAIL: no question '500'; a comma inside {{ }} ends the answer to "
        "'double' before it: put an answer with a comma in quotes",
    ]


def test_a_misspelt_row_on_check_answers_is_named_even_when_no_row_is_expected(
    folder, tmp_path, capsys
):
    """`{detials: ~}` used to pass (no row by that name, as expected) and `{detials: Some}`
    said 'got no row': both name the question that does not exist."""
    path = folder(JOURNEYS.replace("details: Some}\n    work", "detials: ~, doubel: x}\n    work"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert [line.split(" (journey")[0] for line in lines] == [
        f"{path}:13:34: FAIL: 'detials' is not a question of 'tiny'; did you mean 'details'?",
        f"{path}:13:46: FAIL: 'doubel' is not a question of 'tiny'; did you mean 'double'?",
    ]


def test_an_answer_to_a_question_hidden_on_its_page_fails_at_the_answer(folder, tmp_path, capsys):
    """With SEN support, 'details' is not shown: a browser would not send it, so a journey
    that answers it would test less than it says."""
    path = folder(
        JOURNEYS.replace("sen: E,", "sen: K,").replace(
            'check_answers: {double: "8", details: Some}', 'check_answers: {double: "8"}'
        )
    )
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:7:44: FAIL: question 'details' is not shown here: its show_if "
        "'sen == 'E'' is false, so the answer would not be sent (journey 'EHC plan')"
    ]


PEOPLE = """\
      - id: people
        type: group
        label: People
        fields:
          - {id: person, type: text, label: Name}
          - {id: hurt, type: yes_no, label: Hurt?}
          - {id: injury, type: text, label: Injury, show_if: hurt}
        rules:
          - {check: "person != 'X'", message: Give a real name, field: person}
      - {id: details,"""


def _with_people() -> str:
    """The one-page case type with a repeating group of people (a hidden question per item)."""
    return CASE_TYPE.split("  - id: second")[0].replace("      - {id: details,", PEOPLE)


def test_an_answer_an_item_of_a_group_hides_fails_at_the_answer(folder, tmp_path, capsys):
    """It was dropped in silence. An item that sends nothing (every answer ~) is not counted,
    as the page's form does not count it, so the answers of the item after it stay shown."""
    (tmp_path / "tiny.yaml").write_text(_with_people())
    path = folder("""\
        case_type: tiny
        journeys:
          - name: Two people
            pages:
              - page: first
                answers:
                  sen: K
                  born: 14/5/2015
                  people:
                    - {person: ~}
                    - {person: Ann, hurt: Yes, injury: A cut}
                    - {person: Bob, hurt: No, injury: A bruise}
                next: check-answers
    """)
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:12:39: FAIL: question 'injury' in item 3 is not shown here: its show_if "
        "'hurt' is false, so the answer would not be sent (journey 'Two people')"
    ]


def test_an_item_of_a_group_typed_again_keeps_the_answers_not_given(folder, tmp_path, capsys):
    """An author corrected one answer of an item after its error (`- {person: Ann}`) and the
    item's other answers were dropped: the page failed with 'Select an answer to Hurt?'. A
    page answered again starts from what was typed there, a group's items one by one; a
    shorter list removes the items past it, and a hidden question's answer fails as before."""
    (tmp_path / "tiny.yaml").write_text(_with_people())
    journeys = """\
        case_type: tiny
        journeys:
          - name: Two people
            pages:
              - page: first
                answers:
                  sen: K
                  born: 14/5/2015
                  people:
                    - {person: X, hurt: Yes, injury: A cut}
                    - {person: Bob, hurt: No}
                errors: {people-0-person: real name}
                next: first
              - page: first
                answers:
                  people: [{person: Ann}, {}]
                values:
                  people: [{person: Ann, hurt: true, injury: A cut}, {person: Bob, hurt: false}]
                next: check-answers
              - page: first
                answers:
                  people: [{}]
                values: {people: [{person: Ann, hurt: true, injury: A cut}]}
                next: check-answers
    """
    folder(journeys)
    assert run(capsys, tmp_path)[:2] == (0, [])
    path = folder(journeys.replace("people: [{}]", "people: [{hurt: No}]"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines[0].startswith(f"{path}:23:26: FAIL: expected 'people' to be")
    path = folder(journeys.replace("people: [{}]", "people: [{hurt: No, injury: A cut}]"))
    status, lines, _err = run(capsys, tmp_path)
    assert lines[0] == (
        f"{path}:22:31: FAIL: question 'injury' in item 1 is not shown here: its show_if "
        "'hurt' is false, so the answer would not be sent (journey 'Two people')"
    )


def test_a_question_of_a_group_item_named_alone_says_to_name_the_group(folder, tmp_path, capsys):
    """`values: {hurt: true}` said only "no question 'hurt'", which the author had written."""
    (tmp_path / "tiny.yaml").write_text(_with_people())
    path = folder("""\
        case_type: tiny
        journeys:
          - name: One person
            pages:
              - page: first
                answers: {sen: K, born: 14/5/2015, people: [{person: Ann, hurt: No}]}
                values: {hurt: false}
                next: check-answers
            check_answers: {person: Ann}
    """)
    status, lines, _err = run(capsys, tmp_path)
    assert [line.split(" (journey")[0] for line in lines] == [
        f"{path}:7:18: FAIL: no question 'hurt': it is asked for each item of 'people', so "
        "name 'people' (every item), or 'people-0-hurt' (the first item's)"
    ]
    folder(
        path.read_text().replace(
            "values: {hurt: false}", "values: {people: [{person: Ann, hurt: false}]}"
        )
    )
    status, lines, _err = run(capsys, tmp_path)
    assert [line.split(" (journey")[0] for line in lines] == [
        f"{path}:9:21: FAIL: 'person' is not a question of 'tiny': it is asked for each item "
        "of 'people', so name 'people'"
    ]


def test_a_value_of_one_item_is_named_by_its_input_name(folder, tmp_path, capsys):
    """An author's trial: a calculated value of each item could be checked only by writing out
    every answer of every item (`people: [{...}, {...}]`); `errors` named one item's question
    (`people-0-person`), and `values` now does too."""
    (tmp_path / "tiny.yaml").write_text(_with_people())
    journeys = """\
        case_type: tiny
        journeys:
          - name: Two people
            pages:
              - page: first
                answers:
                  sen: K
                  born: 14/5/2015
                  people: [{person: Ann, hurt: No}, {person: Bob, hurt: Yes, injury: A cut}]
                values: {people-1-injury: A cut, people-0-hurt: false, people-2-person: ~}
                next: check-answers
    """
    folder(journeys)
    assert run(capsys, tmp_path)[:2] == (0, [])
    path = folder(journeys.replace("people-1-injury: A cut", "people-1-injury: A bruise"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines[0].startswith(f"{path}:10:35: FAIL: expected 'injury' to be 'A bruise', got")


def test_no_boxes_ticked_on_a_hidden_question_is_no_answer(folder, tmp_path, capsys):
    """`[]` sends nothing, as `~` does: the journey does not fail at it."""
    (tmp_path / "tiny.yaml").write_text(
        CASE_TYPE.replace(
            "{id: details, type: text, label: Details,",
            "{id: details, type: checkboxes, label: Details, options: [a, b],",
        )
    )
    folder(
        JOURNEYS.replace("sen: E,", "sen: K,")
        .replace("born: 14/5/2015, details: Some}", "born: 14/5/2015, details: []}")
        .replace('{double: "8", details: Some}', '{double: "8"}')
    )
    status, lines, _err = run(capsys, tmp_path)
    assert (status, lines) == (0, [])


ROUND_WORKFLOW = """\
workflow:
  start: submitted
  activities:
    submitted: {label: Submitted, status: Active}
    waiting: {label: Waiting, status: Active}
    done: {label: Done, status: Completed}
    gone: {label: Gone, status: Abandoned}
  transitions:
    - {from: submitted, to: done, action: Plan, by: system, when: "sen == 'E'"}
    - {from: submitted, to: gone, action: Drop, by: system, when: "sen == 'N'"}
    - {from: submitted, to: waiting, action: Wait, by: system}
    - {from: waiting, to: submitted, action: Retry, by: system}
    - {from: waiting, to: gone, action: Abandon, by: officer}
"""


def test_a_journey_the_portal_would_pass_round_for_ever_fails_at_its_workflow(
    folder, tmp_path, capsys
):
    """Without an EHC plan the case goes submitted, waiting, submitted… : E407 cannot know it
    (a `when` may stop the round), and the journey ended wherever the 20th move left it."""
    (tmp_path / "tiny.yaml").write_text(CASE_TYPE.replace("workflow: simple\n", ROUND_WORKFLOW))
    path = folder("""\
        case_type: tiny
        journeys:
          - name: EHC plan
            pages:
              - {page: first, answers: {sen: E, born: 14/5/2015, details: Some}, next: second}
              - {page: second, answers: {hours: 4}, next: check-answers}
            workflow:
              - {activity: done}
          - name: SEN support
            pages:
              - {page: first, answers: {sen: K, born: 14/5/2015}, next: second}
              - {page: second, answers: {hours: 4}, next: check-answers}
            workflow:
              - {activity: waiting}
    """)
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:14:7: FAIL: the portal's own transitions pass the case round 'submitted' -> "
        "'waiting' -> 'submitted' for ever, given these answers (it stops after 20 moves): make "
        "one of them `by: officer`, or give it a `when` these answers make false "
        "(journey 'SEN support')"
    ]


def test_a_page_not_shown_and_an_unknown_case_type_fail(folder, tmp_path, capsys):
    path = folder(
        JOURNEYS.replace("sen: E", "sen: No SEN").replace("details: Some}", "details: ~}")
    )
    status, lines, _err = run(capsys, tmp_path)
    assert lines[0].startswith(f"{path}:8:15: FAIL: expected next page 'second', got 'check-")
    path = folder(JOURNEYS.replace("case_type: tiny", "case_type: tinny"))
    status, lines, _err = run(capsys, tmp_path)
    assert lines == [
        f"{path}:1:12: FAIL: expected a case type 'tinny', got none; did you mean 'tiny'?"
    ]


def test_a_file_that_breaks_the_format_is_reported_like_a_case_type(folder, tmp_path, capsys):
    path = folder(JOURNEYS.replace("    next: check-answers", "    nxt: check-answers"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [f"{path}:12:9: error E100: unknown key 'nxt'; did you mean 'next'?"]


def test_coverage_lists_what_no_journey_visits_and_strict_fails(folder, tmp_path, capsys):
    case_type = tmp_path / "tiny.yaml"
    status, lines, err = run(capsys, "--coverage", tmp_path)
    assert status == 0
    assert lines == [
        f"{tmp_path / 'shared' / 'workflows.yaml'}:12:9: not covered: transition 'Abandon' "
        "(submitted -> dropped, by officer): no journey takes it",
        f"{case_type}:13:60: not covered: condition 'sen == 'E'' is false in no journey",
        f"{case_type}:15:17: not covered: rule 'born > date('2000-01-01')': no journey breaks it",
        f"{case_type}:18:14: not covered: condition 'sen != 'N'' is false in no journey",
        f"{case_type}:18:14: not covered: option 'N' of 'sen', which steers 'sen != 'N'', is "
        "chosen by no journey",
    ]
    assert "5 not covered" in err
    assert run(capsys, "--coverage", "--strict", tmp_path)[0] == 1


def test_a_rule_a_journey_could_not_break_for_its_questions_own_error_says_so(
    folder, tmp_path, capsys
):
    # a new author's trip had `min: departure_date` on the return date and a rule saying the
    # same: the journey typed a return before departure, met the min's error, and coverage
    # said only "no journey breaks it"
    folder(
        JOURNEYS.replace(
            "answers: {sen: E, born: 14/5/2015, details: Some}\n        next: second",
            "answers: {sen: E, born: 1/1/2099, details: Some}\n"
            "        errors: {born: today or in the past}\n"
            "        next: first\n"
            "      - page: first\n"
            "        answers: {born: 14/5/2015}\n"
            "        next: second",
        )
    )
    status, lines, _err = run(capsys, "--coverage", tmp_path)
    assert status == 0
    assert (
        f"{tmp_path / 'tiny.yaml'}:15:17: not covered: rule 'born > date('2000-01-01')': no "
        "journey breaks it; where a journey tried, 'born' had an error of its own first (a rule "
        "is checked only when its question has none): break it with an answer the question "
        "takes, or, if none can, its min or max already says what the rule says"
    ) in lines


def test_the_portal_leaves_journey_files_out_of_its_case_types(folder, tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 0
    assert "1 case type(s)" in capsys.readouterr().err


def test_journeys_named_yml_like_case_types_are_run_and_left_out_of_validate(
    folder, tmp_path, capsys
):
    """Case types may end in .yml; `tiny.tests.yml` was read as a case type (nine E1xx)."""
    folder().rename(tmp_path / "tiny.tests.yml")
    assert main(["validate", str(tmp_path)]) == 0
    assert "1 case type(s)" in capsys.readouterr().err
    status, lines, err = run(capsys, tmp_path)
    assert (status, lines) == (0, [])
    assert "1 journey(s)" in err


def test_a_journey_file_named_as_a_case_type_is_one_problem_saying_how_to_name_it(
    folder, tmp_path, capsys
):
    """`tiny.test.yaml` gave nine problems of a case type with no word of journeys."""
    path = folder().rename(tmp_path / "tiny.test.yaml")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{path}:2:1: error E100: unknown key 'journeys'; this is a journey-test file: name it "
        "tiny.tests.yaml, which portal validate leaves out and portal test runs"
    ]


def test_the_shipped_journeys_pass():
    result = run_tests([str(ROOT / "casetypes")])
    assert result.problems == []
    assert [str(f) for f in result.failures] == []
    assert result.journeys >= 8


def test_every_shipped_case_type_is_covered_in_full():
    """`portal test --strict casetypes`: every page, condition both ways, rule broken and met,
    steering option and transition of every shipped case type is visited by some journey."""
    result = run_tests([str(ROOT / "casetypes")])
    assert [str(f) for f in result.failures] == []
    assert [str(g) for g in result.gaps] == []


@pytest.mark.parametrize("case_type", ["part-time-timetable", "physical-intervention"])
def test_these_journeys_cover_their_case_type_and_workflow_on_their_own(case_type):
    result = run_tests([str(ROOT / "casetypes" / "send" / f"{case_type}.tests.yaml")])
    assert [str(f) for f in result.failures] == []
    assert [str(g) for g in result.gaps] == []


def test_the_schema_file_is_up_to_date():
    committed = (ROOT / "schemas" / "casetype-tests.schema.json").read_text()
    assert committed == schema_json(), (
        "run: portal test --schema > schemas/casetype-tests.schema.json"
    )
    assert json.loads(committed) == SCHEMA


def test_the_schema_is_a_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_portal_test_needs_neither_flask_nor_a_database():
    import subprocess
    import sys

    code = (
        "import sys; from webapp.cli import main; status = main(['test', 'casetypes']); "
        "assert status == 0; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout == "[]\n"


def test_a_broken_case_type_is_reported_and_fails(folder, tmp_path, capsys):
    (tmp_path / "tiny.yaml").write_text(CASE_TYPE.replace("label: Hours}", "label: Hours, max: x}"))
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert [line.split(": error ")[0] for line in lines] == [f"{tmp_path / 'tiny.yaml'}:20:54"]


def test_coming_back_to_a_page_starts_from_what_was_typed_there(folder, tmp_path, capsys):
    """Changing one answer on the first page, after the second, keeps the others: with no SEN
    the second page no longer applies and Check your answers drops its rows."""
    folder(
        JOURNEYS.replace(
            "        next: check-answers\n",
            "        next: check-answers\n"
            "      - page: first\n        answers: {sen: N}\n        next: check-answers\n",
        ).replace(
            'check_answers: {double: "8", details: Some}',
            "check_answers: {double: ~, details: ~, born: 14 May 2015}",
        )
    )
    assert run(capsys, tmp_path)[:2] == (0, [])


def test_a_transition_whose_when_does_not_hold_is_not_offered_to_a_journey(
    folder, tmp_path, capsys
):
    own_workflow = CASE_TYPE.replace(
        "workflow: simple",
        """workflow:
  start: submitted
  activities:
    submitted: {label: Form Submitted, status: Active}
    done: {label: Done, status: Completed}
    dropped: {label: Dropped, status: Abandoned}
  transitions:
    - {from: submitted, to: done, action: Complete, by: officer, when: "sen == 'N'"}
    - {from: submitted, to: dropped, action: Abandon, by: officer}""",
    )
    (tmp_path / "tiny.yaml").write_text(own_workflow)
    path = folder(
        JOURNEYS.replace("{activity: submitted, status: Active}", "{activity: submitted}")
    )
    status, lines, _err = run(capsys, tmp_path)
    assert status == 1
    assert lines == [
        f"{path}:16:31: FAIL: expected 'officer' to be offered 'Complete' in 'submitted', "
        "got 'Abandon' (journey 'EHC plan')"
    ]


OWN_WORKFLOW = """workflow:
  start: submitted
  activities:
    submitted: {label: Form Submitted, status: Active}
    done: {label: Done, status: Completed}
    dropped: {label: Dropped, status: Abandoned}
  transitions:
    - {from: submitted, to: done, action: Complete, by: officer, when: "sen == 'E'"}
    - {from: submitted, to: dropped, action: Abandon, by: officer}"""

SEN_SUPPORT_ABANDONED = """\
  - name: SEN support, abandoned
    pages:
      - page: first
        answers: {sen: K, born: 14/5/2015}
        next: second
      - page: second
        answers: {hours: 1}
        next: check-answers
    workflow:
      - {by: officer, action: Abandon, activity: dropped}
"""


def test_a_transition_with_a_when_is_covered_only_once_a_journey_finds_it_closed(
    folder, tmp_path, capsys
):
    """Both outcomes of a `when:`: taken (its transition's gap), and false where the case
    stood (its own gap, at the `when:`), as a condition needs both."""
    case_type = tmp_path / "tiny.yaml"
    case_type.write_text(CASE_TYPE.replace("workflow: simple", OWN_WORKFLOW))
    folder()  # one journey: an EHC plan, completed (the `when:` holds)
    status, lines, _err = run(capsys, "--coverage", "--strict", tmp_path)
    assert status == 1
    assert transition_gaps(lines) == [
        f"{case_type}:13:72: not covered: transition 'Complete' (submitted -> done): its "
        "condition 'sen == 'E'' is false in no journey that reaches 'submitted'",
        f"{case_type}:14:7: not covered: transition 'Abandon' (submitted -> dropped, by "
        "officer): no journey takes it",
    ]
    folder(JOURNEYS + SEN_SUPPORT_ABANDONED)  # SEN support: Complete not offered, Abandon
    status, lines, _err = run(capsys, "--coverage", tmp_path)
    assert transition_gaps(lines) == []


def transition_gaps(lines: list[str]) -> list[str]:
    return [line for line in lines if line.partition(": not covered: ")[2].startswith("trans")]


@pytest.mark.parametrize(
    ("today", "written", "day"),
    [
        ("2026-12-01", "4 years ago", "2022-12-01"),
        ("2026-03-31", "1 month ago", "2026-02-28"),  # February has no 31st
        ("2028-02-29", "1 year ago", "2027-02-28"),
        ("2026-12-01", "2 weeks ago", "2026-11-17"),
        ("2026-12-01", "Today", "2026-12-01"),
        # as `min: yesterday` is written in a case type; before, typed into the day box alone:
        # "Date the child last attended must include a month and a year", and no hint why
        ("2026-12-01", "yesterday", "2026-11-30"),
        ("2026-12-31", "tomorrow", "2027-01-01"),
        ("2026-12-01", "in 3 days", "2026-12-04"),
        ("2026-01-31", "in 1 month", "2026-02-28"),
        ("2026-12-01", "in 2 years", "2028-12-01"),
    ],
)
def test_a_journey_may_write_a_date_as_an_age_that_stays_right(monkeypatch, today, written, day):
    """A census child's date of birth must be under 6 years ago: a fixed date in a journey
    would be refused once the child had grown up, so journeys write "4 years ago"."""
    import datetime as dt

    import engine.uk_date as uk_date
    from engine.journeys.typed import date_ago

    monkeypatch.setattr(uk_date, "today", lambda: dt.date.fromisoformat(today))
    assert date_ago(written) == dt.date.fromisoformat(day)
