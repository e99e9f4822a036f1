"""The JSON Schema of case-type files, built from the field-type registry.

`schemas/casetype.schema.json` is this schema written out (`portal schema`); a test keeps the
file and this module in step. Each field type contributes its own settings, so adding a type
adds it to the schema too.
"""

from __future__ import annotations

import json

from engine.fields import FIELD_TYPES
from engine.fields.base import WORDS
from engine.model import ACTORS, LIFECYCLE, PREFILL_SOURCES, SETTINGS, STATUSES
from engine.schema_words import OPTION_VALUE_PATTERN
from engine.school_calendar import CALENDAR_SCHEMA

SLUG = r"^[a-z][a-z0-9-]*$"
NAME = r"^[a-z][a-z0-9_]*$"
TEXT = WORDS

FIELD_COMMON = {
    "id": {
        "type": "string",
        "pattern": NAME,
        "description": "Unique in the case type; the name expressions use",
    },
    "type": {"enum": list(FIELD_TYPES)},
    "label": {**TEXT, "description": "The question, as the user reads it"},
    "hint": {"type": "string", "description": "Help shown under the label"},
    "required": {
        "type": "boolean",
        "default": True,
        "description": "Whether an answer is needed (default true)",
    },
    "required_message": {
        "type": "string",
        "description": "The error when a required answer is missing",
    },
    "show_if": {"type": "string", "description": "Ask only when this expression is true"},
    "prefill": {
        "enum": list(PREFILL_SOURCES),
        "description": "Filled in from what the portal knows about the user or school",
    },
    "locked": {
        "type": "boolean",
        "default": False,
        "description": "A prefilled answer the user cannot change",
    },
}

ACTIVITY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["label", "status"],
    "properties": {
        "label": {**TEXT, "description": "'Current activity' as shown in My cases"},
        "status": {"enum": list(STATUSES)},
        "school_can_edit": {
            "type": "boolean",
            "default": False,
            "description": "The school may change its answers (more information)",
        },
    },
}

TRANSITION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["from", "to", "action", "by"],
    "properties": {
        "from": {"type": "string", "pattern": NAME},
        "to": {"type": "string", "pattern": NAME},
        "action": {**TEXT, "description": "The button an officer or school presses"},
        "by": {"enum": list(ACTORS)},
        "note": {"enum": ["none", "optional", "required"], "default": "none"},
        "email_school": {"type": "boolean", "default": False},
        "email_officers": {"type": "boolean", "default": False},
        "when": {
            "type": "string",
            "description": "Offered only when this expression over the answers is true "
            "(a case type's own workflow only)",
        },
    },
}

WORKFLOW = {
    "type": "object",
    "additionalProperties": False,
    "required": ["start", "activities", "transitions"],
    "properties": {
        "start": {
            "type": "string",
            "pattern": NAME,
            "description": "The activity a case enters when submitted",
        },
        "activities": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": NAME},
            "additionalProperties": ACTIVITY,
        },
        "transitions": {"type": "array", "items": TRANSITION},
    },
}

_OPTION_VALUE = {"type": ["string", "number"], "pattern": OPTION_VALUE_PATTERN}
OPTION = {
    "anyOf": [
        _OPTION_VALUE,
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["value", "label"],
            "properties": {
                "value": _OPTION_VALUE,
                "label": TEXT,
                "hint": {"type": "string"},
                "exclusive": {"type": "boolean"},
            },
        },
    ],
    "description": "An option: its text, or value and label (with an optional hint)",
}

RULE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["check", "message", "field"],
    "properties": {
        "check": {"type": "string", "description": "An expression that must be true"},
        "message": TEXT,
        "field": {
            "type": "string",
            "pattern": NAME,
            "description": "The question the message is shown against",
        },
        "severity": {"enum": ["error", "warning"], "default": "error"},
    },
}

PAGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "fields"],
    "properties": {
        "id": {"type": "string", "pattern": NAME},
        "title": TEXT,
        "intro": {"type": "string"},
        "show_if": {"type": "string"},
        "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
        "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
    },
}

SECTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "pages"],
    "properties": {
        "id": {"type": "string", "pattern": NAME},
        "title": {**TEXT, "description": "The task's name on the task list"},
        "pages": {
            "type": "array",
            "items": {"type": "string", "pattern": NAME},
            "description": "The ids of its pages, in the order of `pages:`",
        },
    },
}

LIFECYCLE_KEYS = {
    "status": {
        "enum": list(LIFECYCLE),
        "default": "live",
        "description": "retired: off 'Submit case', no new cases; its cases stay readable",
    },
    "retired_drafts_until": {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": "A retired type's drafts can be sent until this day (YYYY-MM-DD)",
    },
}

EXPORT = {
    "type": "object",
    "additionalProperties": False,
    "description": "How caseviewer's CSV export writes the answers",
    "properties": {
        "options": {
            "enum": ["labels", "codes"],
            "default": "labels",
            "description": "A chosen option as its label, or its code (value)",
        },
        "dates": {
            "enum": ["as_shown", "iso", "uk"],
            "default": "as_shown",
            "description": "as_shown: 1 September 2026; iso: 2026-09-01; uk: 01/09/2026",
        },
        "headings": {
            "type": "object",
            "propertyNames": {"pattern": NAME},
            "additionalProperties": TEXT,
            "description": "A question's column heading, by question id (default: its label)",
        },
    },
}

IDENTITY = {
    "id": {"type": "string", "pattern": SLUG, "description": "Used in web addresses"},
    "name": {**TEXT, "description": "The 'Case type' column"},
    "category": {**TEXT, "description": "The group on 'Submit case'"},
    "summary": {"type": "string", "description": "One line under the name on 'Submit case'"},
    "raised_by": {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"enum": list(SETTINGS)},
        "description": "Who may raise it: school, early_years (default both)",
    },
}

CASE_TYPE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "category", "reference", "version", "workflow", "pages"],
    "properties": {
        "kind": {"const": "case_type"},
        **IDENTITY,
        "service": {**TEXT, "description": "The 'Service name' column (default: name)"},
        "version": {
            "type": "integer",
            "minimum": 1,
            "description": "Raise it whenever the questions change",
        },
        "reference": {
            "type": "object",
            "additionalProperties": False,
            "required": ["prefix", "code"],
            "properties": {
                "prefix": {
                    "type": "string",
                    "pattern": r"^[A-Z]+(-[A-Z]+)*$",
                    "description": "Directorate and service, e.g. EDU-SENED",
                },
                "code": {
                    "type": "string",
                    "pattern": r"^[A-Z]{2,5}$",
                    "description": "The case type's letters, e.g. PTT",
                },
            },
        },
        "workflow": {
            "anyOf": [{"type": "string", "pattern": NAME}, WORKFLOW],
            "description": "A shared workflow's name, or a workflow written here",
        },
        "declaration": {
            "type": "object",
            "additionalProperties": False,
            "required": ["text"],
            "properties": {"text": TEXT, "confirm_label": TEXT},
            "description": "Confirmed on 'Check your answers' before sending",
        },
        "lists": {
            "type": "object",
            "propertyNames": {"pattern": NAME},
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/option"},
            },
            "description": "Option lists of this file only, used as `options: name`",
        },
        "pages": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/page"}},
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/section"},
            "description": "Pages grouped into tasks: the form opens on a task list",
        },
        **LIFECYCLE_KEYS,
        "export": EXPORT,
    },
}

LINK = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "id", "name", "category", "url"],
    "properties": {
        "kind": {"const": "link"},
        **IDENTITY,
        "url": {"type": "string", "pattern": r"^https?://[^\s]+$"},
    },
}


def _shared_file(kind: str, key: str, each: dict) -> dict:
    """A file of shared definitions (`kind`), each under its name in the mapping `key`."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", key],
        "properties": {
            "kind": {"const": kind},
            key: {
                "type": "object",
                "propertyNames": {"pattern": NAME},
                "additionalProperties": each,
            },
        },
    }


OPTION_LISTS = _shared_file(
    "option_lists",
    "lists",
    {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
)
WORKFLOWS = _shared_file("workflows", "workflows", {"$ref": "#/$defs/workflow"})

KINDS = {
    "case_type": "case_type",
    "link": "link",
    "option_lists": "option_lists",
    "workflows": "workflows",
    "calendar": "calendar",
}


def _field_schema(kind) -> dict:
    required = ["id", "type"] + (["label"] if kind.has_value else [])  # content needs none
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required + list(kind.required_settings),
        "properties": {**FIELD_COMMON, **kind.settings},
        "description": kind.summary,
    }


def _when(key: str, value: str, ref: str, default: bool = False) -> dict:
    condition = {"properties": {key: {"const": value}}, "required": [key]}
    if default:
        condition = {"anyOf": [condition, {"not": {"required": [key]}}]}
    return {"if": condition, "then": {"$ref": ref}}


def build_schema() -> dict:
    """The whole JSON Schema (draft 2020-12) of case-type, link, lists and workflows files."""
    defs = {
        "case_type": CASE_TYPE,
        "link": LINK,
        "option_lists": OPTION_LISTS,
        "workflows": WORKFLOWS,
        "calendar": CALENDAR_SCHEMA,
        "workflow": WORKFLOW,
        "page": PAGE,
        "section": SECTION,
        "rule": RULE,
        "option": OPTION,
        "field": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {"type": FIELD_COMMON["type"]},
            "allOf": [_when("type", name, f"#/$defs/field_{name}") for name in FIELD_TYPES],
        },
    }
    defs.update({f"field_{name}": _field_schema(kind) for name, kind in FIELD_TYPES.items()})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:school-portal:casetype.schema.json",
        "title": "School Portal case type",
        "description": "A case type, a link tile, shared option lists or shared workflows. "
        "`kind` says which; it defaults to case_type.",
        "type": "object",
        "properties": {"kind": {"enum": list(KINDS)}},
        "allOf": [
            _when("kind", kind, f"#/$defs/{ref}", default=(kind == "case_type"))
            for kind, ref in KINDS.items()
        ],
        "$defs": defs,
    }


def schema_json() -> str:
    """The schema as the text of schemas/casetype.schema.json."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
