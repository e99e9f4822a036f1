"""Journey-test files: `<case type>.tests.yaml` beside a case type, their JSON Schema and loading.

A journey is what a school does, page by page (the answers as typed), and what must follow:
the next page, the errors and warnings, calculated values, the "Check your answers" rows, the
reference and a workflow path. `schemas/casetype-tests.schema.json` is SCHEMA written out
(`portal test --schema`); a test keeps the two in step. Files are read with the case types'
own located loader, so every expectation knows its line and column.
"""

from __future__ import annotations

import json
from functools import cache

from engine.catalogue import TESTS_SUFFIX
from engine.problems import Code, Problem, make_problem
from engine.source import Source, read_source

SUFFIX = TESTS_SUFFIX
CHECK_ANSWERS = "check-answers"  # `next:` after the last page

_TEXT = {"type": "string", "minLength": 1}
_MESSAGES = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "description": "By input name (a question's id, or group-0-question inside a repeating "
    "group): a fragment of the message shown, compared without regard to case",
}
_ANSWER = {
    "description": "As a school types it: text or a number; a date as '14/5/2015', "
    "'2015-05-14' or {day, month, year}; yes/no as true/false or 'Yes'/'No'; an option's "
    "value or label; a list for checkboxes; a list of mappings (one per item) for a repeating "
    "group; a file name for an upload",
    "type": ["string", "number", "boolean", "array", "object", "null"],
}
_PAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["page"],
    "properties": {
        "page": {**_TEXT, "description": "The id of the page answered"},
        "answers": {"type": "object", "additionalProperties": _ANSWER},
        "next": {
            **_TEXT,
            "description": f"The page shown after Continue: a page id, '{CHECK_ANSWERS}' after "
            "the last, or this page's own id when it has errors",
        },
        "errors": {**_MESSAGES, "description": "Every error the page shows (none if absent)"},
        "warnings": {**_MESSAGES, "description": "Every warning the page shows (none if absent)"},
        "values": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean", "array", "null"]},
            "description": "Answers and calculated values after saving, by question id (one "
            "item's by its input name, 'providers-0-weekly_cost'): the stored value or the text "
            "shown ('6.5 weeks'); a list of option values for checkboxes; null for none",
        },
    },
}
_STEP = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "by": {"enum": ["school", "officer"], "description": "Who takes the transition"},
        "action": {**_TEXT, "description": "The transition's button, as its `action` says"},
        "activity": {**_TEXT, "description": "The activity the case is in afterwards"},
        "status": {"enum": ["Active", "Completed", "Abandoned"]},
        "emails": {
            "type": "array",
            "items": {"enum": ["school", "officers"]},
            "description": "Who is emailed by this step ([] for nobody; unchecked if absent)",
        },
    },
    "dependentRequired": {"action": ["by"], "by": ["action"]},
}
_JOURNEY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "pages"],
    "properties": {
        "name": _TEXT,
        "pages": {"type": "array", "minItems": 1, "items": _PAGE},
        "check_answers": {
            "type": "object",
            "additionalProperties": {"type": ["string", "null"]},
            "description": "Rows of Check your answers by question id: the text shown, or null "
            "when the question is not shown",
        },
        "reference": {**_TEXT, "description": "The reference's start, like EDU-SENED-PTT"},
        "workflow": {
            "type": "array",
            "items": _STEP,
            "description": "After sending (the portal's own steps taken): where the case is, "
            "then each transition taken by a school or an officer",
        },
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:school-portal:casetype-tests.schema.json",
    "title": "School Portal journey tests of a case type",
    "type": "object",
    "additionalProperties": False,
    "required": ["case_type", "journeys"],
    "properties": {
        "case_type": {**_TEXT, "description": "The id of the case type the journeys fill in"},
        "journeys": {"type": "array", "minItems": 1, "items": _JOURNEY},
    },
}


def schema_json() -> str:
    """The schema as the text of schemas/casetype-tests.schema.json."""
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


def is_tests_file(path: str) -> bool:
    return path.endswith(SUFFIX)


@cache
def _fast_validator():
    import jsonschema_rs

    return jsonschema_rs.validator_for(SCHEMA)


def load_tests(path: str) -> Source:
    """A journey-test file read with positions; its reading and schema problems in `problems`."""
    source = read_source(path)
    if source.problems or source.data is None:
        return source
    if not isinstance(source.data, dict):
        problem = make_problem(Code.E003, path, 1, 1, found=type(source.data).__name__)
        return Source(path, None, source.positions, [problem])
    if not _fast_validator().is_valid(source.data):
        source.problems.extend(_schema_problems(source))
    return source


def _schema_problems(source: Source) -> list[Problem]:
    """Located problems for a file that breaks the schema (the case types' wording)."""
    # the case types' reporter and validator class: the same messages, patterns read alike
    from engine.schema_check import _Reporter, draft_validator

    reporter = _Reporter(source)
    for error in draft_validator()(SCHEMA).iter_errors(source.data):
        reporter.report(error)
    return sorted(set(reporter.problems))
