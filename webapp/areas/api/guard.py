"""What every API call goes through: the key (401 without a valid one), the client's rate
limit (429), and a line in the audit trail (client, endpoint, case, outcome); errors of any
kind come back as problem details, never as the portal's HTML pages."""

from __future__ import annotations

import logging
import math
import time

from flask import Response, current_app, g, request
from limits import parse_many
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from webapp.areas.api import bp
from webapp.areas.api.problems import Problem, problem_response
from webapp.domain import audit
from webapp.domain.api_clients import client_for_key
from webapp.domain.errors import NotFound
from webapp.infra.database import db, transaction
from webapp.infra.extensions import csrf

log = logging.getLogger("webapp.areas.api")
PUBLIC = {"api.openapi_document", "api.openapi_page"}  # readable without a key
UNAUTHORISED = {"WWW-Authenticate": 'Bearer realm="School Portal API"'}

csrf.exempt(bp)  # no cookies are read: a key in a header cannot be sent by another site


@bp.before_app_request
def unrouted():
    """What routing alone answers under /api/, as problems rather than the portal's HTML pages:
    a URL no route takes (a newline in a reference, say) is a 404, a method its route does not
    take a 405 with Allow, and OPTIONS lists the methods the path takes (RFC 9110)."""
    if not request.path.startswith(bp.url_prefix + "/"):
        return None
    error = request.routing_exception
    if isinstance(error, MethodNotAllowed) or (error is None and request.method == "OPTIONS"):
        allowed = methods_at(request.path)  # the catch-all `nowhere` takes every path
        if not allowed:
            return problem_response(404, "No such endpoint")
        if request.method == "OPTIONS":
            return Response(status=204, headers={"Allow": ", ".join([*allowed, "OPTIONS"])})
        return problem_response(
            405, "This endpoint does not take that method", {"Allow": ", ".join(allowed)}
        )
    if error is not None:
        return problem_response(getattr(error, "code", None) or 404, "No such endpoint")
    return None


def methods_at(path: str) -> list[str]:
    """The methods the API's routes take at this path (the catch-all `nowhere` aside): what a
    405 lists in Allow (RFC 9110)."""
    adapter = current_app.create_url_adapter(request)
    found = []
    for method in ("GET", "HEAD", "POST"):
        try:
            endpoint, _args = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint != "api.nowhere":
            found.append(method)
    return found


@bp.before_request
def authenticate():
    """The client whose key this is (g.api_client), within its rate limit; else a problem."""
    g.api_client = None
    if request.endpoint in PUBLIC:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    client = None
    if scheme.lower() == "bearer":
        client = client_for_key(db(), token.strip(), request.remote_addr)
    if client is None:
        return problem_response(
            401, "Send a live API key: Authorization: Bearer portal_…", UNAUTHORISED
        )
    g.api_client = client
    return _over_limit(client)


def _over_limit(client):
    limiter = current_app.extensions["portal_limiter"].limiter
    for limit in parse_many(current_app.config["PORTAL_LIMIT_API"]):
        if not limiter.hit(limit, "api", str(client.id)):
            reset = limiter.get_window_stats(limit, "api", str(client.id)).reset_time
            wait = max(1, math.ceil(reset - time.time()))
            return problem_response(
                429, f"This client's limit is {limit}: try again later.", {"Retry-After": str(wait)}
            )
    return None


@bp.after_request
def audit_call(response):
    """Every call in the audit trail (never its content): who, which endpoint, which case,
    and the status it got. A failure here is logged; it never changes the answer."""
    if request.endpoint in PUBLIC:
        return response
    client = g.get("api_client")
    session = db()
    try:
        session.rollback()  # whatever the view left unfinished is not this row's to commit
        with transaction(session):
            audit.record(
                session,
                "api_call",
                client=client.name if client else None,
                endpoint=request.endpoint or request.path[:200],
                method=request.method,
                reference=g.get("api_reference"),
                outcome=response.status_code,
            )
    except Exception:
        log.exception("the API call could not be audited")
    return response


@bp.errorhandler(Problem)
def _problem(error: Problem):
    return problem_response(error.status, error.detail, error.headers)


@bp.errorhandler(NotFound)
def _not_found(_error):
    return problem_response(404, "There is no such thing for this client.")


def _http(error: HTTPException):
    return problem_response(error.code or 500, error.description or "")


# By code too: Flask asks for a status's handler (the app's HTML pages, web/security.py)
# before any handler of a class.
for _status in (400, 403, 404, 405, 413, 429, 500):
    bp.register_error_handler(_status, _http)
bp.register_error_handler(HTTPException, _http)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    log.exception("API call failed", exc_info=error)
    return problem_response(
        500, "Something went wrong on our side; the change, if any, was not made."
    )
