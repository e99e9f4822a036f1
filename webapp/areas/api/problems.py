"""RFC 9457 problem details: every error the API answers, as `application/problem+json`."""

from __future__ import annotations

from flask import Response, json
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An answer other than success, raised by the API's views and services."""

    def __init__(self, status: int, detail: str, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


def problem_response(status: int, detail: str = "", headers: dict | None = None) -> Response:
    """The problem details of `status`, with a sentence a developer can act on."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    return response
