"""What every API call goes through: the key (401 without a valid one), the client's rate
limit (429), and a line in the audit trail (client, endpoint, case, outcome); errors of any
kind come back as problem details, never as the portal's HTML pages.

Calls without a live key are counted per address (PORTAL_LIMIT_API_FAILURES): over it, every
call from that address is a 429 with Retry-After, a right key too, until the window moves on
(were a right key let through, the answers would still tell right keys from wrong ones, and
the limit would slow no guessing). Failures are audited sparingly, so that a flood of bad keys
cannot grow the audit table without bound: an address's first failure in the limit's longest
window (an hour by default), at most PORTAL_LIMIT_API_FAILURE_AUDIT such rows in all; every
other failure is a log line, and the 429s of an address over its limit are neither audited
nor counted."""

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
from webapp.domain.api_clients import client_for_key, note_key_used
from webapp.domain.errors import NotFound
from webapp.infra.database import db, transaction
from webapp.infra.extensions import csrf
from webapp.web.ratelimits import caller_network

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
    """The client whose key this is (g.api_client), within its rate limit; else a problem.
    A live key is always served (its client's own limit applies): keys are 256 random bits,
    so failures are limited per address to hold off floods, not guessing, and a revoked
    client's poller on a shared address must not lock out a live client there (found by
    review). Calls without a live key from an address over its limit get 429."""
    g.api_client, g.api_audited = None, True
    if request.endpoint in PUBLIC:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    client = None
    if scheme.lower() == "bearer":
        client = client_for_key(db(), token.strip(), request.remote_addr)
    if client is None:
        network = caller_network(request.remote_addr)
        wait = _failures_wait(network)
        if wait:
            g.api_audited = False  # nothing to audit, and no row to flood with
            return problem_response(
                429,
                "Too many calls without a live key from this address: try again later.",
                {"Retry-After": str(wait)},
            )
        g.api_audited = _note_failure(network)
        return problem_response(
            401, "Send a live API key: Authorization: Bearer portal_…", UNAUTHORISED
        )
    g.api_client, g.api_key = client, token.strip()
    return _over_limit(client)


def _over_limit(client):
    limiter = _limiter()
    for limit in parse_many(current_app.config["PORTAL_LIMIT_API"]):
        if not limiter.hit(limit, "api", str(client.id)):
            reset = limiter.get_window_stats(limit, "api", str(client.id)).reset_time
            # The first refusal in the limit's window is audited; the rest only logged, so
            # a client in a loop cannot grow the audit trail at the rate it calls.
            once = type(limit)(1, limit.multiples)
            g.api_audited = limiter.hit(once, "api-over-limit", str(client.id))
            if not g.api_audited:
                log.warning("API client %s is over its limit %s", client.name, limit)
            return problem_response(
                429,
                f"This client's limit is {limit}: try again later.",
                {"Retry-After": str(_seconds_to(reset))},
            )
    return None


def _limiter():
    return current_app.extensions["portal_limiter"].limiter


def _seconds_to(reset_time: float) -> int:
    return max(1, math.ceil(reset_time - time.time()))


def _failures_wait(network: str) -> int:
    """Seconds before this address's calls are looked at again (0: now)."""
    limiter = _limiter()
    return max(
        (
            _seconds_to(limiter.get_window_stats(limit, "api-failures", network).reset_time)
            for limit in parse_many(current_app.config["PORTAL_LIMIT_API_FAILURES"])
            if not limiter.test(limit, "api-failures", network)
        ),
        default=0,
    )


def _note_failure(network: str) -> bool:
    """Count a failure against the address; whether to audit it: only the address's first
    in the longest window of its limit, and only while the cap on all such rows allows."""
    limiter = _limiter()
    limits = parse_many(current_app.config["PORTAL_LIMIT_API_FAILURES"])
    for limit in limits:
        limiter.hit(limit, "api-failures", network)
    longest = max(limits, key=lambda limit: limit.get_expiry())
    first = limiter.get_window_stats(longest, "api-failures", network).remaining == (
        longest.amount - 1
    )
    caps = parse_many(current_app.config["PORTAL_LIMIT_API_FAILURE_AUDIT"])
    audited = first and all([limiter.hit(cap, "api-failures-audited") for cap in caps])
    if not audited:
        log.warning(
            "API call without a live key from %s (%s): counted, not audited",
            network,
            request.endpoint or request.path[:200],
        )
    return audited


@bp.after_request
def audit_call(response):
    """Every call in the audit trail (never its content): who, which endpoint, which case,
    and the status it got; of the calls without a live key, only those _note_failure chose.
    A failure here is logged; it never changes the answer."""
    if request.endpoint in PUBLIC or not g.get("api_audited", True):
        return response
    client = g.get("api_client")
    session = db()
    try:
        session.rollback()  # whatever the view left unfinished is not this row's to commit
        with transaction(session):
            if client is not None:  # a live key: when it was last used, for rotation
                note_key_used(session, g.get("api_key", ""))
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
