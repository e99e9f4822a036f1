"""The schemas of what the API answers (components/schemas of the OpenAPI document that
openapi.py builds): each object with its properties, all of them always there."""

from __future__ import annotations

STR = {"type": "string"}
INT = {"type": "integer"}
NULL_STR = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
NULL_TIME = {"type": ["string", "null"], "format": "date-time"}
URL = {"type": "string", "format": "uri"}


def object_of(properties: dict, description: str = "") -> dict:
    """An object with these properties, all of them always there (null where the schema says).
    Other properties may be added in later versions of the API: clients ignore them."""
    found = {"type": "object", "properties": properties, "required": list(properties)}
    if description:
        found["description"] = description
    return found


_CASE_TYPE = object_of({"id": STR, "version": INT})
_SUMMARY = {
    "reference": STR,
    "case_type": _CASE_TYPE,
    "status": {"enum": ["Active", "Completed", "Abandoned"]},
    "activity": object_of(
        {"id": NULL_STR, "label": STR}, "Where the case is in its workflow: the YAML's id"
    ),
    "school": {"$ref": "#/components/schemas/School"},
    "submitted_at": NULL_TIME,
    "updated_at": {
        **TIME,
        "description": "When what the council has of the case last changed: sent (again) or"
        " moved in its workflow; never the school's saves of changes it has not sent",
    },
    "links": object_of({"self": URL}),
}
SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "properties": {
            "type": STR,
            "title": STR,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": STR,
        },
        "required": ["type", "title", "status"],
    },
    "School": object_of({"name": STR, "urn": STR, "laestab": NULL_STR}),
    "CaseSummary": object_of(_SUMMARY),
    "CaseList": object_of(
        {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/CaseSummary"}},
            "cursor": {
                "type": ["string", "null"],
                "description": "After the last item: poll later with it to get what changed since",
            },
            "more": {"type": "boolean", "description": "Whether more pages follow now"},
            "next": {**URL, "type": ["string", "null"]},
        }
    ),
    "Case": object_of(
        {
            **_SUMMARY,
            "case_type": object_of(
                {
                    "id": STR,
                    "name": STR,
                    "service": STR,
                    "version": INT,
                    "answers_schema": URL,
                }
            ),
            "raised_by": object_of({"name": STR, "email": STR, "job_title": STR}),
            "created_at": TIME,
            "answers": {
                "type": "object",
                "description": (
                    "The sent answers by question id: see the answers schema of the case's "
                    "case type version"
                ),
            },
            "files": {
                "type": "array",
                "items": object_of(
                    {
                        "id": STR,
                        "name": STR,
                        "size": INT,
                        "question": STR,
                        "scan_status": {
                            "enum": ["pending", "clean", "infected", "error", "missing"],
                            "description": "Only a clean file can be fetched",
                        },
                        "href": URL,
                    }
                ),
            },
            "timeline": {
                "type": "array",
                "description": "What the school also sees: never officers' internal notes",
                "items": object_of(
                    {
                        "at": TIME,
                        "kind": {"enum": ["submitted", "transition", "abandoned"]},
                        "from_activity": NULL_STR,
                        "to_activity": NULL_STR,
                        "note": NULL_STR,
                    }
                ),
            },
            "transitions": {
                "type": "array",
                "description": "What this client may do with the case now",
                "items": object_of(
                    {
                        "action": STR,
                        "to": STR,
                        "note": {
                            "enum": ["none", "optional", "required"],
                            "description": "none: send no note (a 422 with one); required: a 422"
                            " without one",
                        },
                    }
                ),
            },
        }
    ),
    "CaseTypes": object_of(
        {
            "items": {
                "type": "array",
                "items": object_of(
                    {
                        "id": STR,
                        "name": {**NULL_STR, "description": "null once no longer published"},
                        "current_version": {"type": ["integer", "null"]},
                        "versions": {
                            "type": "array",
                            "items": object_of({"version": INT, "answers_schema": URL}),
                        },
                    }
                ),
            }
        }
    ),
    "TransitionRequest": {
        "type": "object",
        "properties": {
            "action": {"type": "string", "minLength": 1},
            "note": {
                "type": "string",
                "maxLength": 5000,
                "description": "Only for a transition whose note is optional or required",
            },
        },
        "required": ["action"],
        "additionalProperties": False,
    },
}
