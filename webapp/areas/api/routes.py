"""The API's views: thin, over listing.py, cases.py and transitions.py (guard.py has already
authenticated the client as g.api_client)."""

from __future__ import annotations

from flask import current_app, g, jsonify, render_template, request

from engine.answer_schema import answers_schema as answers_schema_of
from webapp.areas.api import bp, listing, openapi, transitions
from webapp.areas.api.cases import (
    as_json,
    client_case,
    definition_of,
    document,
    etag_of,
    link,
    summary,
)
from webapp.areas.api.guard import methods_at
from webapp.areas.api.problems import Problem
from webapp.domain import case_pdf
from webapp.domain.answer_schemas import case_type_at, kept_versions
from webapp.domain.errors import NotFound
from webapp.domain.uploads import as_download, is_downloadable
from webapp.infra.casetypes import catalogue
from webapp.infra.database import db
from webapp.models import Attachment


@bp.get("/case-types")
def list_case_types():
    """The case types the client may read, with the versions cases were sent with."""
    items = []
    for case_type_id in g.api_client.case_type_ids:
        current = catalogue().get(case_type_id)
        versions = sorted(
            {*kept_versions(db(), case_type_id), *([current.version] if current else [])}
        )
        items.append(
            {
                "id": case_type_id,
                "name": current.name if current else None,
                "current_version": current.version if current else None,
                "versions": [
                    {
                        "version": v,
                        "answers_schema": link(
                            "api.answers_schema", case_type_id=case_type_id, version=v
                        ),
                    }
                    for v in versions
                ],
            }
        )
    return jsonify({"items": items})


@bp.get("/case-types/<case_type_id>/versions/<int:version>/answers-schema")
def answers_schema(case_type_id: str, version: int):
    """The JSON Schema (2020-12) of the answers of cases sent with this version."""
    if case_type_id not in g.api_client.case_type_ids or not 0 < version < 2**31:
        raise NotFound(case_type_id)
    case_type = case_type_at(db(), case_type_id, version)
    if case_type is None:
        raise NotFound(case_type_id)
    response = jsonify(answers_schema_of(case_type))
    response.mimetype = "application/schema+json"
    return response


@bp.get("/cases")
def list_cases():
    """A page of the client's sent cases, oldest change first; `next` continues (also later,
    to poll for changes)."""
    wanted = listing.parse_filter(request.args)
    settle = current_app.config["PORTAL_API_SETTLE_SECONDS"]
    rows, cursor, more = listing.list_cases(db(), g.api_client, wanted, settle)
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    following = link("api.list_cases", **args, cursor=cursor) if cursor else None
    response = jsonify(
        {
            "items": [summary(case) for case in rows],
            "cursor": cursor or None,
            "more": more,
            "next": following,
        }
    )
    if more and following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


@bp.get("/cases/<reference>")
def get_case(reference: str):
    """One case, whole; 304 when the client's ETag still matches."""
    g.api_reference = reference[:40]
    case = client_case(db(), g.api_client, reference)
    body = document(db(), case, g.api_client)
    response = current_app.response_class(as_json(body), mimetype="application/json")
    response.set_etag(etag_of(body))
    return response.make_conditional(request)  # its Date goes: security.py


@bp.get("/cases/<reference>/pdf")
def get_case_pdf(reference: str):
    """The case as a PDF, as officers download it: the answers as sent, the files by name and
    the whole timeline (a council system acts for the council)."""
    g.api_reference = reference[:40]
    case = client_case(db(), g.api_client, reference)
    return case_pdf.pdf_download(case, definition_of(db(), case), reader="system")


@bp.get("/cases/<reference>/attachments/<attachment_id>")
def get_attachment(reference: str, attachment_id: str):
    """A file the case was sent with, once the virus scanner found it clean."""
    g.api_reference = reference[:40]
    case = client_case(db(), g.api_client, reference)
    sent = {ref for ref in _file_ids(case.sent_answers or {})}
    attachment = db().get(Attachment, attachment_id[:32]) if attachment_id in sent else None
    if not is_downloadable(attachment) or attachment.case_id != case.id:
        # The case is the client's (else a 404 above): say what a listed file still waiting
        # for the scanner lacks, rather than "no such thing" for a file the case shows.
        raise Problem(
            404,
            "No file to fetch with that id: only a file the case was sent with, once its "
            "scan_status is clean (pending: try again later)",
        )
    return as_download(attachment)


def _file_ids(value):
    """The ids of every file reference in the sent answers (inside groups too)."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and "kind" in value and "size" in value:
            yield value["id"]
        for inner in value.values():
            yield from _file_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _file_ids(inner)


@bp.post("/cases/<reference>/transitions")
def take_transition(reference: str):
    """Move the case: a transition the YAML gives the system, or one the client was given."""
    g.api_reference = reference[:40]
    if not request.is_json:  # curl -d without -H sends a form: say what is missing
        raise Problem(400, "Send the body as JSON, with Content-Type: application/json")
    action, note = transitions.request_body(transitions.posted_json(request))
    key = request.headers.get("Idempotency-Key", "")
    # If-Match: the ETag of the case as the client last read it (412 if it has changed since)
    seen = request.if_match if "If-Match" in request.headers else None
    status, body = transitions.take(db(), g.api_client, reference, key, action, note, seen)
    response = current_app.response_class(as_json(body), status, mimetype="application/json")
    response.set_etag(etag_of(body))  # of the case after the move: the next If-Match
    return response


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi.document())


@bp.get("/docs")
def openapi_page():
    """The document as a page people can read."""
    return render_template(
        "api/openapi.html", doc=openapi.document(), operations=openapi.operations()
    )


@bp.route("/<path:_anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def nowhere(_anything):
    """Anything else under /api/v1/ is a problem: 405 with the methods the path does take
    (RFC 9110's Allow), else 404."""
    allowed = methods_at(request.path)
    if allowed:
        raise Problem(405, "This endpoint does not take that method", {"Allow": ", ".join(allowed)})
    raise Problem(404, "No such endpoint: see /api/v1/openapi.json")
