"""Ids and names holding a letter drawn like another (a Cyrillic 'о' typed on another keyboard
or pasted from a document, an accented 'é'): the author sees the word they meant, so each
message names the character and suggests the word with the letter it looks like. The messages
said "'hs_revіew' must use lower-case letters ...: write 'hs_rev_ew'", dropping the letter,
and "did you mean 'overseas'?" beside an 'оverseas' that looks the same."""

from __future__ import annotations

import pytest

from tests.engine.test_validation_errors import load_field, load_file

CYRILLIC_O = "\u043e"  # о
UKRAINIAN_I = "\u0456"  # і
CYRILLIC_A = "\u0430"  # а


@pytest.mark.parametrize(
    ("written", "meant", "named"),
    [
        (f"{CYRILLIC_O}verseas", "overseas", "CYRILLIC SMALL LETTER O (U+043E), not the Latin 'o'"),
        (f"provider_{UKRAINIAN_I}d", "provider_id", "(U+0456), not the Latin 'i'"),
        ("café_name", "cafe_name", "LATIN SMALL LETTER E WITH ACUTE (U+00E9), not the Latin 'e'"),
        ("\ufb01rst_aider", "first_aider", "LATIN SMALL LIGATURE FI (U+FB01), not the Latin 'fi'"),
    ],
    ids=["cyrillic", "ukrainian", "accent", "ligature"],
)
def test_an_id_with_a_lookalike_letter_names_it_and_suggests_the_plain_id(written, meant, named):
    field = f"{{id: {written}, type: yes_no, label: Is the visit outside the UK?}}"
    problem = load_field(field).expect("E104", field, written)
    assert f"write '{meant}'" in problem.message
    assert named in problem.message


def test_an_activity_with_a_lookalike_letter_is_told_the_id_meant():
    loaded = load_file(
        f"""
        kind: workflows
        workflows:
          trips:
            start: submitted
            activities:
              submitted: {{label: Received, status: Active}}
              hs_rev{UKRAINIAN_I}ew: {{label: With health and safety, status: Active}}
              done: {{label: Done, status: Completed}}
              dropped: {{label: Dropped, status: Abandoned}}
            transitions:
              - {{from: submitted, to: done, action: Complete, by: officer}}
              - {{from: submitted, to: dropped, action: Abandon, by: officer}}
        """,
        path="shared/trips.yaml",
    )
    problem = loaded.expect("E104", f"hs_rev{UKRAINIAN_I}ew: ")
    assert "write 'hs_review'" in problem.message
    assert "(U+0456), not the Latin 'i'" in problem.message


def test_a_condition_naming_an_id_with_a_lookalike_letter_names_it():
    loaded = load_field(
        "{id: overseas, type: yes_no, label: Is the visit outside the UK?}",
        f"{{id: country, type: text, label: Country, show_if: {CYRILLIC_O}verseas}}",
    )
    problem = loaded.expect("E302", f"show_if: {CYRILLIC_O}verseas", f"{CYRILLIC_O}verseas")
    assert problem.message.endswith(
        f"did you mean 'overseas'? ('{CYRILLIC_O}' in '{CYRILLIC_O}verseas' is CYRILLIC SMALL "
        "LETTER O (U+043E), not the Latin 'o')"
    )


def test_an_option_value_with_a_lookalike_letter_is_named_where_a_condition_misses_it():
    # the condition is right and the option wrong: "did you mean 'wаter'?" looked the same
    loaded = load_field(
        f"{{id: kinds, type: checkboxes, label: Activities, options: [museum, w{CYRILLIC_A}ter]}}",
        "{id: swim_test, type: yes_no, label: Swum?, show_if: \"'water' in kinds\"}",
    )
    problem = next(p for p in loaded.problems if p.code == "E304")
    assert f"(did you mean 'w{CYRILLIC_A}ter'? ('{CYRILLIC_A}' in 'w{CYRILLIC_A}ter' is " in (
        problem.message
    )
    assert "CYRILLIC SMALL LETTER A (U+0430), not the Latin 'a')" in problem.message
