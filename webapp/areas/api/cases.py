"""What the API shows of a case: a summary in lists, the whole case on its own.

The whole case holds what the council was sent: reference, school (name, URN, LAESTAB), who
raised it, its times, its definition version, the sent answers keyed by question id (option
codes, ISO dates; the schema of its version says their shape), its files (only clean ones
can be fetched) and the timeline the school also sees: submission and each transition with
its note. Officers' internal notes and assignments stay inside the portal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from flask import current_app, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import CaseType
from webapp.domain import workflow
from webapp.domain.case_files import case_files, with_scan_status
from webapp.domain.errors import NotFound
from webapp.infra import clock
from webapp.models import Case, CaseEvent

TIMELINE_KINDS = ("submitted", "transition", "abandoned")


def link(endpoint: str, **values) -> str:
    """An absolute link the API gives (a case, a file, a schema, the next page): at
    PORTAL_BASE_URL, as the webhooks' and the emails' links are, never at the Host and scheme
    the request came with. Those made every link http:// behind a proxy not trusted for
    X-Forwarded-Proto, and a client following one sent its key in clear (found by attack4)."""
    path = url_for(endpoint, **values)
    root = request.script_root  # PORTAL_BASE_URL names any prefix the portal is served under
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + path


def client_case(session: Session, client, reference: str) -> Case:
    """The sent case with this reference, if the client may read its case type; else
    NotFound (404), exactly as for a reference that does not exist."""
    case = session.scalar(select(Case).where(Case.reference == reference[:40]))
    if case is None or case.submitted_at is None or case.case_type_id not in client.case_type_ids:
        raise NotFound(reference)
    return case


def definition_of(session: Session, case: Case) -> CaseType:
    """The definition the case was sent with; NotFound (404), as in the caseviewer, once its
    case type has left the catalogue and that version was not kept."""
    try:
        return workflow.definition_for(session, case)
    except LookupError:
        raise NotFound(case.reference) from None


def _iso(moment: dt.datetime | None) -> str | None:
    return clock.utc_text(moment) if moment else None


def summary(case: Case) -> dict:
    """A case as lists show it, with the link to all of it."""
    return {
        "reference": case.reference,
        "case_type": {"id": case.case_type_id, "version": case.case_type_version},
        "status": case.status,
        "activity": {"id": case.activity, "label": case.activity_label},
        "school": {
            "name": case.school.name,
            "urn": case.school.urn,
            "laestab": case.school.laestab or None,
        },
        "submitted_at": _iso(case.submitted_at),
        "updated_at": _iso(case.sent_updated_at),  # what the council has, not unsent saves
        "links": {"self": link("api.get_case", reference=case.reference)},
    }


def document(session: Session, case: Case, client) -> dict:
    """The whole case as a council system reads it."""
    case_type = definition_of(session, case)
    answers = case.sent_answers or {}
    files = with_scan_status(session, case_files(case_type, answers))
    raiser = case.created_by
    return {
        **summary(case),
        "case_type": {
            "id": case.case_type_id,
            "name": case.case_type_name,
            "service": case.service_name,
            "version": case.case_type_version,
            "answers_schema": link(
                "api.answers_schema",
                case_type_id=case.case_type_id,
                version=case.case_type_version,
            ),
        },
        "raised_by": {
            "name": raiser.full_name,
            "email": raiser.email,
            "job_title": raiser.job_title,
        },
        "created_at": _iso(case.created_at),
        "answers": answers,
        "files": [
            {
                "id": f.id,
                "name": f.name,
                "size": f.size,
                "question": f.question,
                "scan_status": f.status,
                "href": link("api.get_attachment", reference=case.reference, attachment_id=f.id),
            }
            for f in files
        ],
        "timeline": _timeline(session, case),
        "transitions": [
            {"action": t.action, "to": t.target, "note": t.note}
            for t in client_transitions(case_type, case, client)
        ],
    }


def as_json(body: dict) -> str:
    """A case's document as sent: keys sorted, so that the same case is the same text."""
    return json.dumps(body, sort_keys=True)


def etag_of(body: dict) -> str:
    """The case's ETag (strong): a hash of its document as this client reads it. It changes
    whenever anything the client sees of the case does (`If-None-Match`, `If-Match`)."""
    return hashlib.sha256(as_json(body).encode()).hexdigest()[:32]


def _timeline(session: Session, case: Case) -> list[dict]:
    events = session.scalars(
        select(CaseEvent)
        .where(
            CaseEvent.case_id == case.id,
            CaseEvent.for_school.is_(True),
            CaseEvent.kind.in_(TIMELINE_KINDS),
        )
        .order_by(CaseEvent.id)
    )
    return [
        {
            "at": _iso(event.at),
            "kind": event.kind,
            "from_activity": event.from_activity,
            "to_activity": event.to_activity,
            "note": event.note or None,
        }
        for event in events
    ]


def client_transitions(case_type, case: Case, client) -> list:
    """The transitions the client may take from the case's activity now: those the YAML gives
    the system, and officers' transitions the client was given — each only while its `when:`
    holds over the answers the council has (workflow.allowed_transitions)."""
    officers = workflow.allowed_transitions(case_type, case, "officer")
    allowed = [*workflow.allowed_transitions(case_type, case, "system")]
    allowed += [t for t in officers if t.action in client.actions]
    return [t for t in case_type.workflow.transitions if any(t is a for a in allowed)]
