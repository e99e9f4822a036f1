"""The case-form engine: YAML case types -> compiled case types -> forms, answers, workflow.

A pure library: it imports PyYAML, jsonschema (and jsonschema-rs) and WTForms, never Flask
or SQLAlchemy.

    catalogue = load_catalogue("casetypes")
    for problem in catalogue.problems:
        print(problem)                    # casetypes/send/ptt.yaml:42:7: error E302: ...
    ptt = catalogue.get("part-time-timetable")
    ptt.visible_pages(answers)
"""

from engine.answers import FieldError, PageResult
from engine.casetype import CaseType, SummarySection
from engine.catalogue import Catalogue, build_catalogue, compile_definition, load_catalogue
from engine.model import SummaryRow
from engine.problems import Problem

__all__ = [
    "CaseType",
    "Catalogue",
    "FieldError",
    "PageResult",
    "Problem",
    "SummaryRow",
    "SummarySection",
    "build_catalogue",
    "compile_definition",
    "load_catalogue",
]
