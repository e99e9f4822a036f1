"""Helpers for engine tests: case types written inline as YAML, as a story."""

from __future__ import annotations

import textwrap

import pytest

from engine import build_catalogue
from engine.source import load_source

# A small workflow so that test case types can say `workflow: simple`.
WORKFLOWS = """
kind: workflows
workflows:
  simple:
    start: submitted
    activities:
      submitted: {label: Form Submitted, status: Active}
      done: {label: Done, status: Completed}
      dropped: {label: Dropped, status: Abandoned}
    transitions:
      - {from: submitted, to: done, action: Complete, by: officer}
      - {from: submitted, to: dropped, action: Abandon, by: officer}
"""

LISTS = """
kind: option_lists
lists:
  sen_provision:
    - {value: E, label: EHC plan}
    - {value: K, label: SEN support}
    - {value: N, label: No SEN}
"""

HEADER = """
id: {id}
name: Test case
category: Tests
reference: {{prefix: EDU-TEST, code: {code}}}
version: 1
workflow: simple
"""


def catalogue_of(*files: tuple[str, str], shared: bool = True):
    """A catalogue from (path, yaml text) pairs, with the test workflow and list added."""
    sources = [load_source(textwrap.dedent(text), path) for path, text in files]
    if shared:
        sources += [
            load_source(WORKFLOWS, "shared/workflows.yaml"),
            load_source(LISTS, "shared/lists.yaml"),
        ]
    return build_catalogue(sources)


def case_type_yaml(pages: str, id: str = "test-case", code: str = "TST", extra: str = "") -> str:
    """A whole case-type file around the given `pages:` YAML (dedented)."""
    return (
        HEADER.format(id=id, code=code)
        + textwrap.dedent(extra)
        + "pages:\n"
        + textwrap.indent(textwrap.dedent(pages), "  ")
    )


@pytest.fixture
def compile_case():
    """Compile one inline case type; fail the test with the problems if it does not load."""

    def compile_(pages: str, extra: str = ""):
        catalogue = catalogue_of(("case.yaml", case_type_yaml(pages, extra=extra)))
        errors = [str(p) for p in catalogue.errors]
        assert not errors, "\n".join(errors)
        return catalogue.get("test-case")

    return compile_


@pytest.fixture
def problems_of():
    """The problems (as 'line:col code' plus message) of one inline case type."""

    def problems_(pages: str, extra: str = ""):
        catalogue = catalogue_of(("case.yaml", case_type_yaml(pages, extra=extra)))
        return [p for p in catalogue.problems if p.path == "case.yaml"]

    return problems_
