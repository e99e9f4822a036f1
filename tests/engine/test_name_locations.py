"""A name written as a key (a workflow's activity, a file's own list, a shared list or
workflow) that breaks the naming rule is reported at that key: it was reported at the mapping
holding it (`activities:`), a line or many lines above, so an editor jumped to the wrong place
and the author looked for the mistake in the wrong line."""

from __future__ import annotations

from tests.engine.test_validation_errors import load_case, load_file

SIMPLE_PAGE = """
- id: child
  title: About the child
  fields:
    - {id: forename, type: text, label: First name}
"""


def test_an_activity_named_with_capitals_is_reported_at_its_key():
    loaded = load_file(
        """
        kind: workflows
        workflows:
          trips:
            start: submitted
            activities:
              submitted: {label: Received, status: Active}
              HS_review: {label: With health and safety, status: Active}
              done: {label: Done, status: Completed}
              dropped: {label: Dropped, status: Abandoned}
            transitions:
              - {from: submitted, to: done, action: Complete, by: officer}
              - {from: submitted, to: dropped, action: Abandon, by: officer}
        """,
        path="shared/trips.yaml",
    )
    problem = loaded.expect("E104", "HS_review: ")
    assert "'HS_review' must use lower-case letters" in problem.message
    assert "write 'hs_review'" in problem.message


def test_a_files_own_list_named_with_capitals_is_reported_at_its_key():
    loaded = load_case(
        SIMPLE_PAGE,
        extra="""
        lists:
          short_list: [One, Two]
          Activity_kind: [Museum, Sport]
        """,
    )
    loaded.expect("E104", "Activity_kind: ")
