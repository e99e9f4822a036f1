"""A case type's workflow conditions (`when:`), lifecycle (`status:`) and CSV export options
(`export:`): what they compile to, and each mistake located where the author wrote it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.engine.test_validation_errors import Loaded, covers

EXCLUSION = """
id: exclusion
name: Exclusion notification
category: Tests
reference: {{prefix: EDU-TEST, code: EXC}}
version: 1
{extra}
workflow:
  start: submitted
  activities:
    submitted: {{label: Form Submitted, status: Active}}
    governors: {{label: Governors' review, status: Active}}
    done: {{label: Case completed, status: Completed}}
    dropped: {{label: Case abandoned, status: Abandoned}}
  transitions:
    - {{from: submitted, to: governors, action: Send to governors, by: officer, when: "{when}"}}
    - {{from: submitted, to: done, action: Complete case, by: officer}}
    - {{from: submitted, to: dropped, action: Abandon case, by: officer}}
    - {{from: governors, to: done, action: Record governors' decision, by: officer}}
pages:
  - id: exclusion
    title: The exclusion
    fields:
      - id: kind
        type: radios
        label: Kind of exclusion
        options: [{{value: fixed, label: Suspension}}, {{value: permanent, label: Permanent}}]
      - {{id: first_day, type: date, label: First day}}
      - id: sessions
        type: group
        label: Sessions missed
        fields:
          - {{id: session_date, type: date, label: Date}}
"""


def load_exclusion(when: str = "kind == 'permanent'", extra: str = "") -> Loaded:
    return Loaded({"exclusion.yaml": EXCLUSION.format(when=when, extra=extra)})


def test_a_transition_is_offered_only_when_its_condition_holds_over_the_answers():
    case_type = load_exclusion().catalogue.get("exclusion")
    permanent = [
        t.action for t in case_type.transitions_for("submitted", "officer", {"kind": "permanent"})
    ]
    fixed = [t.action for t in case_type.transitions_for("submitted", "officer", {"kind": "fixed"})]
    assert permanent == ["Send to governors", "Complete case", "Abandon case"]
    assert fixed == ["Complete case", "Abandon case"]
    assert case_type.transitions_for("submitted", "officer", {}) == case_type.transitions_for(
        "submitted", "officer", {"kind": "fixed"}
    )  # unanswered: the condition does not hold


@covers("E302")
def test_a_condition_naming_an_unknown_question_is_located_inside_the_when():
    loaded = load_exclusion(when="kinds == 'permanent'")
    problem = loaded.expect("E302", 'when: "kinds ==', "kinds")
    assert problem.message.endswith("did you mean 'kind'?")


@covers("E304")
def test_a_condition_comparing_with_a_value_that_is_not_an_option():
    loaded = load_exclusion(when="kind == 'expelled'")
    loaded.expect("E304", "when: \"kind == 'expelled'", "kind")


def test_a_condition_naming_a_question_inside_a_group_says_to_use_total_or_len():
    loaded = load_exclusion(when="session_date")
    problem = loaded.expect("E302", 'when: "session_date', "session_date")
    assert "len(sessions)" in problem.message


def test_a_condition_that_does_not_parse_is_reported_at_its_line():
    loaded = load_exclusion(when="kind ==")
    problems = [p for p in loaded.problems if p.path == "exclusion.yaml"]
    assert [(p.code, p.line) for p in problems] == [("E300", loaded.at("when:")[0])]


@covers("E406")
def test_a_shared_workflow_cannot_have_conditions():
    loaded = Loaded(
        {
            "workflows.yaml": """
            kind: workflows
            workflows:
              review:
                start: submitted
                activities:
                  submitted: {label: Form Submitted, status: Active}
                  done: {label: Done, status: Completed}
                  dropped: {label: Dropped, status: Abandoned}
                transitions:
                  - {from: submitted, to: done, action: Complete, by: officer, when: "true"}
                  - {from: submitted, to: dropped, action: Abandon, by: officer}
            """
        }
    )
    loaded.expect("E406", 'when: "true"', "when")


@covers("W505")
def test_an_activity_left_only_by_conditional_transitions_is_warned_of():
    """With the governors' decision a system step taken only for a permanent exclusion, a
    suspension sent to the governors would stay there with no button (an author's trial)."""
    text = EXCLUSION.format(when="kind == 'permanent'", extra="").replace(
        "action: Record governors' decision, by: officer}",
        "action: Record governors' decision, by: system, when: \"kind == 'permanent'\"}",
    )
    loaded = Loaded({"exclusion.yaml": text})
    problem = loaded.expect("W505", "governors: {label", "governors")
    assert "'governors'" in problem.message and problem.severity == "warning"
    assert [p.code for p in loaded.problems if p.path == "exclusion.yaml"] == ["W505"]


def governors_left_by(*conditions: str) -> Loaded:
    """The exclusion case type whose governors' review is left only by these system steps."""
    steps = "\n".join(
        f'    - {{from: governors, to: done, action: Decide {i}, by: system, when: "{c}"}}'
        for i, c in enumerate(conditions)
    )
    text = EXCLUSION.format(when="kind == 'permanent'", extra="").replace(
        "    - {from: governors, to: done, action: Record governors' decision, by: officer}",
        steps,
    )
    return Loaded({"exclusion.yaml": text})


@pytest.mark.parametrize(
    "conditions",
    [
        ("kind == 'permanent'", "not kind == 'permanent'"),
        ("kind == 'permanent'", "kind != 'permanent'"),
        ("kind in ['permanent']", "kind not in ['permanent']"),
        (
            "kind == 'permanent'",
            "first_day > today()",
            "not (kind == 'permanent' or first_day > today())",
        ),  # noqa: E501
    ],
    ids=["not", "equal-and-not-equal", "in-and-not-in", "not-of-several"],
)
def test_conditions_that_plainly_cover_every_case_are_not_warned_of(conditions):
    """W505 said it warned even where the conditions covered every case: where one is plainly
    the opposite of the others, one always holds (an unanswered question included), and the
    author who writes it so is not told that a case may be stuck."""
    loaded = governors_left_by(*conditions)
    assert [p.code for p in loaded.problems if p.path == "exclusion.yaml"] == []


@pytest.mark.parametrize(
    "conditions",
    [
        ("kind == 'permanent'", "kind == 'fixed'"),  # unanswered: neither holds
        ("first_day > today()", "first_day <= today()"),  # likewise, with no first day
        ("kind == 'permanent'", "not (kind == 'permanent' and first_day > today())"),
    ],
    ids=["two-options", "greater-and-not-greater", "not-of-a-different-test"],
)
def test_conditions_that_may_all_be_false_are_still_warned_of(conditions):
    governors_left_by(*conditions).expect("W505", "governors: {label", "governors")


def test_a_case_type_is_live_unless_retired_and_exports_as_today_by_default():
    case_type = load_exclusion().catalogue.get("exclusion")
    assert not case_type.lifecycle.retired
    assert case_type.lifecycle.drafts_can_be_sent(dt.date(2099, 1, 1))
    assert (case_type.export.options, case_type.export.dates) == ("labels", "as_shown")
    assert case_type.export.headings == {}


def test_a_retired_case_types_drafts_can_be_sent_until_its_day_included():
    loaded = load_exclusion(extra="status: retired\nretired_drafts_until: 2027-03-31")
    lifecycle = loaded.catalogue.get("exclusion").lifecycle
    assert lifecycle.retired
    assert lifecycle.drafts_can_be_sent(dt.date(2027, 3, 31))
    assert not lifecycle.drafts_can_be_sent(dt.date(2027, 4, 1))


@covers("E700")
def test_a_drafts_day_that_is_not_in_the_calendar():
    loaded = load_exclusion(extra="status: retired\nretired_drafts_until: 2027-02-30")
    loaded.expect("E700", "until: 2027-02-30", "2027")


@covers("E631")
def test_a_drafts_day_on_a_live_case_type():
    loaded = load_exclusion(extra="retired_drafts_until: 2027-03-31")
    loaded.expect("E631", "retired_drafts_until")


@covers("E632")
def test_a_retired_case_type_without_a_drafts_day():
    loaded = load_exclusion(extra="status: retired")
    loaded.expect("E632", "status: retired", "retired")


@covers("E103")
def test_a_misspelt_status_suggests_retired():
    loaded = load_exclusion(extra="status: retierd")
    problem = loaded.expect("E103", "status: retierd", "retierd")
    assert "did you mean 'retired'?" in problem.message


def test_export_options_compile():
    extra = 'export: {options: codes, dates: iso, headings: {kind: "Exclusion type"}}'
    export = load_exclusion(extra=extra).catalogue.get("exclusion").export
    assert (export.options, export.dates, dict(export.headings)) == (
        "codes",
        "iso",
        {"kind": "Exclusion type"},
    )


@covers("E206")
def test_an_export_heading_for_a_question_that_does_not_exist():
    loaded = load_exclusion(extra='export: {headings: {knid: "Exclusion type"}}')
    problem = loaded.expect("E206", "knid:", "knid")
    assert problem.message.endswith("did you mean 'kind'?")


def test_an_export_heading_for_a_question_inside_a_group_is_refused():
    loaded = load_exclusion(extra='export: {headings: {session_date: "Date"}}')
    loaded.expect("E206", "session_date:", "session_date")


@covers("E633")
def test_two_export_headings_the_same():
    loaded = load_exclusion(extra='export: {headings: {kind: "Type", first_day: "Type"}}')
    loaded.expect("E633", 'first_day: "Type"', '"Type"')


@covers("E103")
def test_an_unknown_date_style_is_refused_with_the_choices():
    loaded = load_exclusion(extra="export: {dates: american}")
    problem = loaded.expect("E103", "american", "american")
    assert "iso" in problem.message and "uk" in problem.message
