"""The council's own case types must always validate: CI fails the moment one stops."""

import json
from pathlib import Path

import jsonschema

from engine import load_catalogue
from engine.schema import build_schema, schema_json

ROOT = Path(__file__).resolve().parents[2]
CASETYPES = ROOT / "casetypes"

# What the seed guide lists on "Submit case", by category.
EXPECTED_CASE_TYPES = {
    "SEND forms": {
        "best-endeavours",
        "send-referral",
        "physical-intervention",
        "part-time-timetable",
        "additional-funding",
        "send-transport",
    },
    "School changes": {"school-closure", "planned-closure", "education-welfare"},
    "Early Years": {"early-years-census", "provider-profile", "stretched-entitlement"},
}


def test_shipped_case_types_have_no_errors_or_warnings():
    catalogue = load_catalogue(str(CASETYPES))
    assert [str(p) for p in catalogue.problems] == []


def test_every_category_has_its_case_types_and_a_remote_service_tile():
    catalogue = load_catalogue(str(CASETYPES))
    categories = catalogue.categories()
    for category, expected in EXPECTED_CASE_TYPES.items():
        entries = categories[category]
        assert {e.id for e in entries if e.id in catalogue.case_types} == expected
        assert any(e.id in catalogue.links for e in entries), f"no link tile in {category}"


def test_send_references_use_the_seed_codes():
    catalogue = load_catalogue(str(CASETYPES))
    send = {c.code for c in catalogue.case_types.values() if c.prefix == "EDU-SENED"}
    assert {"ADF", "BERA", "PTT", "REF", "PIR"} <= send


def test_committed_schema_file_is_the_one_the_engine_builds():
    committed = (ROOT / "schemas" / "casetype.schema.json").read_text()
    assert committed == schema_json(), "run: portal schema > schemas/casetype.schema.json"


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(build_schema())
    assert json.loads(schema_json())["$schema"].endswith("2020-12/schema")


def test_loading_pauses_the_cycle_collector_and_leaves_it_as_it_was(monkeypatch):
    import gc

    import engine.catalogue as module

    during = []
    read = module.read_source

    def reading(path):
        during.append(gc.isenabled())
        return read(path)

    monkeypatch.setattr(module, "read_source", reading)
    assert gc.isenabled()
    assert load_catalogue(str(CASETYPES)).errors == []
    assert gc.isenabled() and set(during) == {False}
    gc.disable()
    try:
        load_catalogue(str(CASETYPES))
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
