"""The OpenAPI 3.1 document of /api/v1/, built here beside the routes it describes (a test
checks that every route of the blueprint is in it, and each operation's answers match)."""

from __future__ import annotations

import functools

PROBLEM = {"$ref": "#/components/responses/Problem"}
CASE_REF = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 40},
}
_STR = {"type": "string"}
_INT = {"type": "integer"}
_NULL_STR = {"type": ["string", "null"]}
_TIME = {"type": "string", "format": "date-time"}
_NULL_TIME = {"type": ["string", "null"], "format": "date-time"}
_URL = {"type": "string", "format": "uri"}
ETAG = {"required": True, "schema": _STR, "description": "Send it back in If-None-Match"}
ATTACHMENT = {
    "required": True,
    "schema": {"type": "string", "pattern": "^attachment"},
    "description": "attachment; filename=…: a download, never shown inline",
}


def _object(properties: dict, description: str = "") -> dict:
    """An object with these properties, all of them always there (null where the schema says).
    Other properties may be added in later versions of the API: clients ignore them."""
    found = {"type": "object", "properties": properties, "required": list(properties)}
    if description:
        found["description"] = description
    return found


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    answer = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


def _errors(*statuses: int) -> dict:
    return {
        "401": {"$ref": "#/components/responses/Unauthorised"},
        "429": {"$ref": "#/components/responses/TooManyRequests"},
        **{str(status): PROBLEM for status in statuses},
    }


_CASE_TYPE = _object({"id": _STR, "version": _INT})
_SUMMARY = {
    "reference": _STR,
    "case_type": _CASE_TYPE,
    "status": {"enum": ["Active", "Completed", "Abandoned"]},
    "activity": _object(
        {"id": _NULL_STR, "label": _STR}, "Where the case is in its workflow: the YAML's id"
    ),
    "school": {"$ref": "#/components/schemas/School"},
    "submitted_at": _NULL_TIME,
    "updated_at": _TIME,
    "links": _object({"self": _URL}),
}
SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "properties": {
            "type": _STR,
            "title": _STR,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": _STR,
        },
        "required": ["type", "title", "status"],
    },
    "School": _object({"name": _STR, "urn": _STR, "laestab": _NULL_STR}),
    "CaseSummary": _object(_SUMMARY),
    "CaseList": _object(
        {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/CaseSummary"}},
            "cursor": {
                "type": ["string", "null"],
                "description": "After the last item: poll later with it to get what changed since",
            },
            "more": {"type": "boolean", "description": "Whether more pages follow now"},
            "next": {**_URL, "type": ["string", "null"]},
        }
    ),
    "Case": _object(
        {
            **_SUMMARY,
            "case_type": _object(
                {
                    "id": _STR,
                    "name": _STR,
                    "service": _STR,
                    "version": _INT,
                    "answers_schema": _URL,
                }
            ),
            "raised_by": _object({"name": _STR, "email": _STR, "job_title": _STR}),
            "created_at": _TIME,
            "answers": {
                "type": "object",
                "description": (
                    "The sent answers by question id: see the answers schema of the case's "
                    "case type version"
                ),
            },
            "files": {
                "type": "array",
                "items": _object(
                    {
                        "id": _STR,
                        "name": _STR,
                        "size": _INT,
                        "question": _STR,
                        "scan_status": {
                            "enum": ["pending", "clean", "infected", "error", "missing"],
                            "description": "Only a clean file can be fetched",
                        },
                        "href": _URL,
                    }
                ),
            },
            "timeline": {
                "type": "array",
                "description": "What the school also sees: never officers' internal notes",
                "items": _object(
                    {
                        "at": _TIME,
                        "kind": {"enum": ["submitted", "transition", "abandoned"]},
                        "from_activity": _NULL_STR,
                        "to_activity": _NULL_STR,
                        "note": _NULL_STR,
                    }
                ),
            },
            "transitions": {
                "type": "array",
                "description": "What this client may do with the case now",
                "items": _object(
                    {
                        "action": _STR,
                        "to": _STR,
                        "note": {"enum": ["none", "optional", "required"]},
                    }
                ),
            },
        }
    ),
    "CaseTypes": _object(
        {
            "items": {
                "type": "array",
                "items": _object(
                    {
                        "id": _STR,
                        "name": {**_NULL_STR, "description": "null once no longer published"},
                        "current_version": {"type": ["integer", "null"]},
                        "versions": {
                            "type": "array",
                            "items": _object({"version": _INT, "answers_schema": _URL}),
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
            "note": {"type": "string", "maxLength": 5000},
        },
        "required": ["action"],
        "additionalProperties": False,
    },
}


def _case_type_paths() -> dict:
    return {
        "/case-types": {
            "get": {
                "operationId": "listCaseTypes",
                "summary": "The case types this client may read, with their versions",
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/CaseTypes"}, "Case types"),
                    **_errors(),
                },
            }
        },
        "/case-types/{case_type_id}/versions/{version}/answers-schema": {
            "get": {
                "operationId": "getAnswersSchema",
                "summary": "The JSON Schema (2020-12) of the answers of cases sent with a version",
                "parameters": [
                    {"name": "case_type_id", "in": "path", "required": True, "schema": _STR},
                    {
                        "name": "version",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "A JSON Schema",
                        "content": {"application/schema+json": {"schema": {"type": "object"}}},
                    },
                    **_errors(404),
                },
            }
        },
    }


def _listing_paths() -> dict:
    case_filters = [
        _query("case_type", _STR, "Only this case type"),
        _query("activity", _STR, "Only cases at this activity (its id in the workflow)"),
        _query("status", {"enum": ["Active", "Completed", "Abandoned"]}, "Only this status"),
        _query(
            "changed_since",
            {"type": "string", "format": "date-time"},
            "Changed at or after (with offset)",
        ),
        _query("cursor", _STR, "From the previous page's `cursor` (opaque)"),
        _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "Page size (50)"),
    ]
    return {
        "/cases": {
            "get": {
                "operationId": "listCases",
                "summary": "Sent cases of this client's case types, oldest change first",
                "description": (
                    "Ordered by (updated_at, id). Following `next` (also later, to poll) returns "
                    "every change exactly once; changes of the last few seconds are held back "
                    "until concurrent writers have committed (see docs/integration.md)."
                ),
                "parameters": case_filters,
                "responses": {
                    "200": _json(
                        {"$ref": "#/components/schemas/CaseList"},
                        "A page of cases",
                        {
                            "Link": {
                                "schema": _STR,
                                "description": 'rel="next" when more pages follow',
                            }
                        },
                    ),
                    **_errors(400),
                },
            }
        },
    }


def _case_paths() -> dict:
    return {
        "/cases/{reference}": {
            "get": {
                "operationId": "getCase",
                "summary": "One case as sent, with its timeline",
                "parameters": [
                    CASE_REF,
                    {"name": "If-None-Match", "in": "header", "required": False, "schema": _STR},
                ],
                "responses": {
                    "200": _json(
                        {"$ref": "#/components/schemas/Case"},
                        "The case",
                        {"ETag": ETAG},
                    ),
                    "304": {
                        "description": "Not changed since the ETag given",
                        "headers": {"ETag": ETAG},
                    },
                    **_errors(404),
                },
            }
        },
        "/cases/{reference}/attachments/{attachment_id}": {
            "get": {
                "operationId": "getAttachment",
                "summary": "A file the case was sent with (only once found clean)",
                "parameters": [
                    CASE_REF,
                    {"name": "attachment_id", "in": "path", "required": True, "schema": _STR},
                ],
                "responses": {
                    "200": {
                        "description": (
                            "The file, as an attachment, with the media type its content was "
                            "checked to be when uploaded (application/pdf, image/png, text/csv…)"
                        ),
                        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
                        "headers": {"Content-Disposition": ATTACHMENT},
                    },
                    **_errors(404),
                },
            }
        },
    }


def _transition_paths() -> dict:
    return {
        "/cases/{reference}/transitions": {
            "post": {
                "operationId": "takeTransition",
                "summary": "Move the case by a transition this client may take",
                "parameters": [
                    CASE_REF,
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                        "description": (
                            "The same key again returns the first answer, never moving "
                            "the case twice"
                        ),
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/TransitionRequest"}
                        }
                    },
                },
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Case"}, "The case after the move"),
                    **_errors(400, 404, 409, 422),
                },
            }
        },
    }


def _paths() -> dict:
    return {**_case_type_paths(), **_listing_paths(), **_case_paths(), **_transition_paths()}


def _problem(description: str, headers: dict | None = None) -> dict:
    answer = {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    if headers:
        answer["headers"] = headers
    return answer


@functools.cache
def document() -> dict:
    """The OpenAPI 3.1 document (built once per process)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "School Portal API",
            "version": "1",
            "description": "Cases sent by schools, for council systems. See docs/integration.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "portal_<key id>_<secret>",
                }
            },
            "schemas": SCHEMAS,
            "responses": {
                "Problem": _problem("Problem details (RFC 9457)"),
                "Unauthorised": _problem(
                    "No live key was sent (or not from an address the client allows)",
                    {"WWW-Authenticate": {"required": True, "schema": _STR}},
                ),
                "TooManyRequests": _problem(
                    "Over this client's rate limit",
                    {
                        "Retry-After": {
                            "required": True,
                            "description": "Seconds to wait",
                            "schema": {"type": "string", "pattern": "^[0-9]+$"},
                        }
                    },
                ),
            },
        },
    }


def operations() -> list[dict]:
    """Each operation, for the page: method, path, summary, parameters, answers."""
    found = []
    for path, methods in document()["paths"].items():
        for method, operation in methods.items():
            found.append(
                {
                    "method": method.upper(),
                    "path": "/api/v1" + path,
                    "summary": operation["summary"],
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "responses": sorted(operation["responses"]),
                }
            )
    return found
