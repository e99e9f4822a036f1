"""Inputs inside repeating groups are named one way ("providers-0-report"), made and read by
engine/input_names.py, and WTForms, the error keys and the web app agree with it."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from engine.input_names import ItemInput, input_name, item_index, read_input_name

PAGES = """
- id: support
  title: Support
  fields:
    - id: providers
      type: group
      item_label: Provider
      label: Who provides support
      fields:
        - {id: provider_name, type: text, label: Provider name}
        - {id: started, type: date, label: Start date, required: false}
"""


def test_an_input_name_says_group_item_and_question():
    assert input_name("providers", 0, "report") == "providers-0-report"
    assert input_name("providers", 12) == "providers-12"
    assert read_input_name("providers-12-report") == ItemInput("providers", 12, "report")


@pytest.mark.parametrize(
    ("text", "index"),
    [("0", 0), ("7", 7), ("40", 40), ("999999999", 999_999_999)],
)
def test_an_item_position_is_written_in_ascii_digits(text, index):
    assert item_index(text) == index
    assert read_input_name(input_name("providers", index, "report")).index == index


@pytest.mark.parametrize(
    "text",
    [
        "",
        "01",
        "00",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1²",
        "²",
        "٣",
        "1.0",
        "1e3",
        "1000000000",
        "9" * 5000,
    ],
)
def test_anything_else_is_not_a_position(text):
    assert item_index(text) is None
    assert read_input_name(f"providers-{text}-report") is None


@pytest.mark.parametrize(
    "name",
    ["report", "providers-0", "providers-0-started-day", "-0-report", "providers-0-", "", None, 3],
)
def test_names_of_no_item_question_read_as_none(name):
    assert read_input_name(name) is None


def test_wtforms_names_group_inputs_as_the_engine_does(compile_case):
    case = compile_case(PAGES)
    answers = {"providers": [{"provider_name": "Oak"}, {"provider_name": "Elm"}]}
    group = case.form("support", answers)["providers"]
    assert group.entries[1].id == input_name("providers", 1)
    assert group.entries[1].form["provider_name"].name == input_name(
        "providers", 1, "provider_name"
    )


def test_error_keys_and_anchors_use_the_input_names(compile_case):
    case = compile_case(PAGES)
    posted = MultiDict({"providers-0-provider_name": "", "providers-0-started-day": "40"})
    result = case.save_page("support", case.form_class("support")(posted), {})
    assert [(e.key, e.anchor) for e in result.errors] == [
        (input_name("providers", 0, "provider_name"), "providers-0-provider_name"),
        (input_name("providers", 0, "started"), "providers-0-started-day"),
    ]
    assert result.form["providers"].entries[0].form["started"].errors


def test_a_position_with_a_leading_zero_is_not_another_item(compile_case):
    case = compile_case(PAGES)
    posted = MultiDict({"providers-0-provider_name": "Oak", "providers-01-provider_name": "Elm"})
    result = case.save_page("support", case.form_class("support")(posted), {})
    assert [item["provider_name"] for item in result.raw["providers"]] == ["Oak"]
    assert result.answers["providers"] == [{"provider_name": "Oak"}]


CHOICES = """
- id: about
  title: About
  fields:
    - id: room
      type: radios
      label: Room
      options: [{value: red, label: Red}, {value: green, label: Green}, {value: blue, label: Blue}]
    - id: days
      type: checkboxes
      label: Days
      options:
        - {value: mon, label: Monday}
        - {value: none, label: None of these, exclusive: true}
        - {value: tue, label: Tuesday}
    - {id: agreed, type: yes_no, label: Agreed?}
    - id: helpers
      type: group
      label: Helpers
      required: false
      fields: [{id: helper_name, type: text, label: Name}]
"""


@pytest.mark.parametrize(
    ("answers", "anchors"),
    [
        # The input holding the answer (a divider before "None of these" shifts no id).
        (
            {"room": "blue", "days": ["tue"], "agreed": False, "helpers": [{"helper_name": "Al"}]},
            ["room-3", "days-3", "agreed-2", "helpers-0-helper_name"],
        ),
        (
            {"room": "red", "days": ["none"], "agreed": True},
            ["room", "days-2", "agreed", "helpers-add"],
        ),
        # Nothing chosen: the first option; no helper: the button that adds one.
        ({}, ["room", "days", "agreed", "helpers-add"]),
    ],
)
def test_change_links_lead_to_the_input_holding_the_answer(compile_case, answers, anchors):
    case = compile_case(CHOICES)
    rows = [
        case.fields[name].kind.summary_row(case.fields[name], answers.get(name), {})
        for name in ("room", "days", "agreed", "helpers")
    ]
    assert [row.anchor for row in rows] == anchors
