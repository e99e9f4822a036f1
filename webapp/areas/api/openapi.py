"""The OpenAPI 3.1 document of /api/v1/, built here beside the routes it describes (a test
checks that every route of the blueprint is in it, and each operation's answers match)."""

from __future__ import annotations

import functools

from webapp.areas.api.openapi_schemas import SCHEMAS, STR

PROBLEM = {"$ref": "#/components/responses/Problem"}
CASE_REF = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 40},
}
ETAG = {
    "required": True,
    "schema": STR,
    "description": "Send it back in If-None-Match (to read), or If-Match (to move the case)",
}
ATTACHMENT = {
    "required": True,
    "schema": {"type": "string", "pattern": "^attachment"},
    "description": "attachment; filename=…: a download, never shown inline",
}


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
                    {"name": "case_type_id", "in": "path", "required": True, "schema": STR},
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
        _query("case_type", STR, "Only this one of the client's case types (another is a 400)"),
        _query(
            "activity",
            STR,
            "Only cases at this activity (its id in the workflow of one of the client's case"
            " types, at any version; another is a 400)",
        ),
        _query("status", {"enum": ["Active", "Completed", "Abandoned"]}, "Only this status"),
        _query(
            "changed_since",
            {"type": "string", "format": "date-time"},
            "Changed at or after (with offset; encode `+` as `%2B`, or it arrives as a space,"
            " which is read as `+`)",
        ),
        _query("cursor", STR, "From the previous page's `cursor` (opaque)"),
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
                    "until concurrent writers have committed (see docs/integration.md). Each "
                    "parameter at most once (a repeat, or an empty filter, is a 400; an empty "
                    "cursor is the start)."
                ),
                "parameters": case_filters,
                "responses": {
                    "200": _json(
                        {"$ref": "#/components/schemas/CaseList"},
                        "A page of cases",
                        {
                            "Link": {
                                "schema": STR,
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
                    {"name": "If-None-Match", "in": "header", "required": False, "schema": STR},
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
    }


def _file_paths() -> dict:
    return {
        "/cases/{reference}/pdf": {
            "get": {
                "operationId": "getCasePdf",
                "summary": "The case as a PDF, as sent, with its timeline",
                "description": (
                    "The answers as sent on the case's form version, the files by name, the "
                    "school, the times and the timeline without officers' internal notes (as "
                    "the case's JSON); tagged for accessibility (PDF/UA-1)."
                ),
                "parameters": [CASE_REF],
                "responses": {
                    "200": {
                        "description": "The PDF, as an attachment named after the reference",
                        "content": {
                            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                        },
                        "headers": {"Content-Disposition": ATTACHMENT},
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
                    {"name": "attachment_id", "in": "path", "required": True, "schema": STR},
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
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": False,
                        "schema": STR,
                        "description": (
                            "The case's ETag as the client read it: the case moves only if "
                            "it has not changed since (412 otherwise)"
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
                    "200": _json(
                        {"$ref": "#/components/schemas/Case"},
                        "The case after the move",
                        {"ETag": ETAG},
                    ),
                    **_errors(400, 404, 409, 412, 422),
                },
            }
        },
    }


def _paths() -> dict:
    return {
        **_case_type_paths(),
        **_listing_paths(),
        **_case_paths(),
        **_file_paths(),
        **_transition_paths(),
    }


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
                    {"WWW-Authenticate": {"required": True, "schema": STR}},
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
