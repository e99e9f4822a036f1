"""A field type is one class and one registry entry: the engine asks it what it is (a group, a
calculated value, an upload, always required), never its name.

Each test registers a new type made from an existing one under another name, as an author of a
new type would, and checks that a case type using it behaves exactly as with the original.
"""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from engine import schema, schema_check
from engine.fields import FIELD_TYPES
from engine.fields.choices import DeclarationType
from engine.fields.numbers import CalculatedType
from engine.fields.other import FileType, GroupType
from tests.engine.conftest import case_type_yaml, catalogue_of


class TeamType(GroupType):
    name = "team"


class WorkedOutType(CalculatedType):
    name = "worked_out"


class AttachmentType(FileType):
    name = "attachment"


class ConsentType(DeclarationType):
    name = "consent"


NEW_TYPES = {"group": TeamType(), "calculated": WorkedOutType(), "file": AttachmentType()}
NEW_TYPES["declaration"] = ConsentType()

PAGES = """
- id: provision
  title: Provision
  fields:
    - id: providers
      type: {group}
      label: Providers
      item_label: Provider
      min_items: 1
      fields:
        - {{id: provider_name, type: text, label: Provider name}}
        - {{id: weekly_cost, type: money, label: Weekly cost}}
        - {{id: report, type: {file}, label: Report, accept: [pdf], required: false}}
        - id: yearly_cost
          type: {calculated}
          label: Yearly cost
          value: weekly_cost * 52
          format: money
      rules:
        - {{check: weekly_cost < 500, message: Check the weekly cost, field: weekly_cost}}
    - id: total_cost
      type: {calculated}
      label: Total weekly cost
      value: total(providers, 'weekly_cost')
      format: money
    - {{id: start, type: date, label: Start date}}
    - {{id: agreed, type: {declaration}, label: Agreement, text: I agree, required: false}}
"""

POSTED = {
    "providers-0-provider_name": "Oak",
    "providers-0-weekly_cost": "10",
    "providers-1-provider_name": "Elm",
    "providers-1-weekly_cost": "600",
    "start-day": "",
}
UPLOADS = {"providers-0-report": {"id": "f1", "name": "oak.pdf", "size": 10}}


@pytest.fixture
def registered(monkeypatch):
    """The new types in the registry (and so in the schema), for this test only."""
    for kind in NEW_TYPES.values():
        monkeypatch.setitem(FIELD_TYPES, kind.name, kind)
    monkeypatch.setitem(schema.FIELD_COMMON, "type", {"enum": list(FIELD_TYPES)})
    schema_check._fast_validator.cache_clear()
    schema_check._validators.cache_clear()
    yield
    schema_check._fast_validator.cache_clear()
    schema_check._validators.cache_clear()


def _case(names: dict[str, str]):
    catalogue = catalogue_of(("case.yaml", case_type_yaml(PAGES.format(**names))))
    assert [str(p) for p in catalogue.errors] == []
    return catalogue.get("test-case")


def _save(case):
    form = case.form_class("provision")(MultiDict(POSTED))
    return case.save_page("provision", form, {}, files=UPLOADS)


@pytest.fixture
def both(registered):
    """The same case type written with the shipped types and with the new ones."""
    original = _case({name: name for name in NEW_TYPES})
    renamed = _case({name: kind.name for name, kind in NEW_TYPES.items()})
    return original, renamed


def test_a_group_calculation_upload_and_declaration_work_under_new_names(both):
    original, renamed = both
    expected, result = _save(original), _save(renamed)
    assert result.answers == expected.answers
    assert result.answers["providers"][0] == {
        "provider_name": "Oak",
        "weekly_cost": "10.00",
        "report": UPLOADS["providers-0-report"],
        "yearly_cost": "520.00",
    }
    assert result.answers["total_cost"] == "610.00"
    assert [(e.key, e.anchor, e.message) for e in result.errors] == [
        (e.key, e.anchor, e.message) for e in expected.errors
    ]
    assert [(e.key, e.anchor, e.message) for e in result.errors] == [
        ("providers-1-weekly_cost", "providers-1-weekly_cost", "Check the weekly cost"),
        ("start", "start-day", "Enter start date"),
        ("agreed", "agreed", "Tick the box to confirm the declaration"),
    ]


def test_new_types_fill_their_form_and_read_on_check_your_answers(both):
    original, renamed = both
    answers = _save(original).answers
    assert renamed.form_data("provision", answers) == original.form_data("provision", answers)
    assert renamed.summary_sections(answers) == original.summary_sections(answers)
    rows = {row.field_id: row for row in renamed.summary_sections(answers)[0].rows}
    assert rows["providers"].value == "2 providers"
    assert ("Yearly cost", "£520.00") in rows["providers"].items[0]
    assert rows["total_cost"].value == "£610.00"
    assert renamed.form_keys("provision") == original.form_keys("provision")


def test_new_types_are_asked_what_they_are():
    group, calculated, upload, declaration = (NEW_TYPES[n] for n in NEW_TYPES)
    assert group.holds_items and not group.is_calculated and group.is_input
    assert calculated.is_calculated and not calculated.is_input
    assert upload.is_upload and upload.is_input
    assert declaration.always_required
    assert not FIELD_TYPES["content"].is_input
