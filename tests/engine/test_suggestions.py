"""A misspelt word where the format takes one of a few ("type: raido", "by: oficer") is
answered with the word meant ("did you mean 'radios'?"), for every key of the case-type format
that takes a fixed set of words, and for those of journey-test files.

Each row is the author's slip and the suggestion they must see. A last test reads the
published schema: a key given a fixed set of words later, without a row here, fails it.
"""

from __future__ import annotations

import pytest

from engine.journeys import run_tests
from engine.journeys.format import SCHEMA
from engine.schema import build_schema
from tests.engine.conftest import case_type_yaml, catalogue_of
from tests.engine.test_journeys import CASE_TYPE, JOURNEYS, LISTS, WORKFLOWS

ON_A_PAGE = """
- id: child
  title: About the child
  fields:
    - {{id: forename, type: text, label: First name}}
    - {field}
"""
OWN_WORKFLOW = """
workflow:
  start: submitted
  activities:
    submitted: {{label: Form submitted, status: {status}}}
    done: {{label: Done, status: Completed}}
    dropped: {{label: Dropped, status: Abandoned}}
  transitions:
    - {{from: submitted, to: done, action: Complete, by: {by}, note: {note}}}
    - {{from: submitted, to: dropped, action: Abandon, by: officer}}
"""


def field(text: str) -> tuple[str, str]:
    return ON_A_PAGE.format(field=text), ""


def rule(severity: str) -> tuple[str, str]:
    pages = ON_A_PAGE.format(field="{id: age, type: number, label: Age}")
    return (
        pages
        + f"  rules:\n    - {{field: age, check: age < 30, message: Old, severity: {severity}}}\n",
        "",
    )


def top(text: str) -> tuple[str, str]:
    return ON_A_PAGE.format(field="{id: surname, type: text, label: Last name}"), text + "\n"


def workflow(status="Active", by="officer", note="none") -> tuple[str, str]:
    pages, _ = top("")
    return pages, OWN_WORKFLOW.format(status=status, by=by, note=note)


# key: (the case type's pages and top-level keys, the word written, the word meant)
CASE_TYPE_SLIPS = {
    "type": (field("{id: sen, type: raido, label: SEN, options: [E, K]}"), "raido", "radios"),
    "format": (
        field("{id: t, type: calculated, label: T, value: '1', format: nmber}"),
        "nmber",
        "number",
    ),  # noqa: E501
    "prefill": (
        field("{id: s, type: text, label: School, prefill: school.nme}"),
        "school.nme",
        "school.name",
    ),  # noqa: E501
    "width": (field("{id: u, type: text, label: URN, width: one-thrid}"), "one-thrid", "one-third"),
    "case": (field("{id: u, type: text, label: UPN, case: uper}"), "uper", "upper"),
    "accept": (field("{id: f, type: file, label: Plan, accept: [pdff]}"), "pdff", "pdf"),
    "style": (field("{id: c, type: content, text: Note, style: warnin}"), "warnin", "warning"),
    "min": (field("{id: d, type: date, label: Date, min: tody}"), "tody", "today"),
    "max": (field("{id: d, type: date, label: Date, max: todayy}"), "todayy", "today"),
    "severity": (rule("warn"), "warn", "warning"),
    "raised_by": (top("raised_by: [school, earlyyears]"), "earlyyears", "early_years"),
    "status": (top("status: retird"), "retird", "retired"),
    "options": (top("export: {options: label}"), "label", "labels"),
    "dates": (top("export: {dates: isoo}"), "isoo", "iso"),
    "by": (workflow(by="oficer"), "oficer", "officer"),
    "note": (workflow(note="requried"), "requried", "required"),
    "activity status": (workflow(status="Activ"), "Activ", "Active"),
}
# In a journey-test file: key: (the line of the file's workflow replaced, by what, meant)
JOURNEY_SLIPS = {
    "by": ("by: officer", "by: oficer", "officer"),
    "status": ("status: Completed", "status: Complete", "Completed"),
    "emails": (
        "activity: submitted, status: Active}",
        "activity: submitted, emails: [officer]}",
        "officers",
    ),  # noqa: E501
}


@pytest.mark.parametrize(
    ("case", "written", "meant"), CASE_TYPE_SLIPS.values(), ids=CASE_TYPE_SLIPS
)
def test_a_misspelt_word_of_the_case_type_format_suggests_the_word_meant(case, written, meant):
    pages, extra = case
    text = case_type_yaml(pages, extra=extra)
    if "workflow:\n" in extra:
        text = text.replace("workflow: simple\n", "")
    problems = catalogue_of(("case.yaml", text)).problems
    said = [str(p) for p in problems if f"'{written}'" in p.message]
    assert len(said) == 1, [str(p) for p in problems]
    line, col = _position(text, written)
    assert said[0].startswith(f"case.yaml:{line}:{col}: error E")
    assert said[0].endswith(f"did you mean '{meant}'?")


@pytest.mark.parametrize(("line", "written", "meant"), JOURNEY_SLIPS.values(), ids=JOURNEY_SLIPS)
def test_a_misspelt_word_of_a_journey_test_file_suggests_the_word_meant(
    line, written, meant, tmp_path
):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "workflows.yaml").write_text(WORKFLOWS)
    (tmp_path / "shared" / "lists.yaml").write_text(LISTS)
    (tmp_path / "tiny.yaml").write_text(CASE_TYPE)
    assert JOURNEYS.count(line) == 1
    (tmp_path / "tiny.tests.yaml").write_text(JOURNEYS.replace(line, written))
    said = [str(p) for p in run_tests([str(tmp_path)]).problems]
    assert len(said) == 1 and " error E103: " in said[0], said
    assert said[0].endswith(f"did you mean '{meant}'?")


def _position(text: str, word: str) -> tuple[int, int]:
    index = text.index(word)
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _keys_of_words(schema, key: str = "") -> set[str]:
    """The keys whose value (or list item) is one of a fixed set of words."""
    found = set()
    if isinstance(schema, dict):
        if "enum" in schema or ("const" in schema and key in ("min", "max")):
            found.add(key)
        for name, inner in schema.items():
            if name in ("properties", "patternProperties", "$defs"):
                for child, sub in inner.items():
                    found |= _keys_of_words(sub, child)
            elif name != "if":  # `if: {properties: {kind: {const: ...}}}` chooses, not asks
                found |= _keys_of_words(inner, key)
    elif isinstance(schema, list):
        for inner in schema:
            found |= _keys_of_words(inner, key)
    return found


def test_every_key_that_takes_fixed_words_has_a_slip_above():
    in_case_types = _keys_of_words(build_schema()) - {"kind"}  # kind: test_validation_errors
    shown = {key.split()[-1] for key in CASE_TYPE_SLIPS}
    assert in_case_types - shown == set()
    assert _keys_of_words(SCHEMA) - set(JOURNEY_SLIPS) == set()
