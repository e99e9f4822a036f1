"""Valid, sensible case types that the checks added by an author's trial (a pattern no answer
can match, date limits through other questions, a workflow with no way to an end, a condition
no allowed number changes, min_items past 50) must leave alone: an error there stops the
portal starting (webapp/infra/casetypes.py), a warning sends the author looking for a mistake
that is not there. Found or checked by review20."""

from __future__ import annotations

import pytest

from tests.engine.test_validation_errors import load_field


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
