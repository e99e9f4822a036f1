"""The audit trail: who did what, when (UTC) and from where.

Never case content, passwords, codes, security answers or tokens: details with such keys are
refused outright, so a careless caller fails in tests rather than leaking into the trail.
"""

from __future__ import annotations

import logging

from flask import has_request_context, request
from sqlalchemy.orm import Session

from webapp.infra.logs import request_id
from webapp.models import AuditEvent, School, User

log = logging.getLogger("webapp.domain.audit")
_SECRET_WORDS = ("password", "code", "answer", "token", "secret")


def record(
    session: Session,
    action: str,
    /,
    *,
    actor: User | None = None,
    user: User | None = None,
    school: School | None = None,
    **detail,
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    secret = [key for key in detail if any(word in key.lower() for word in _SECRET_WORDS)]
    if secret:
        raise ValueError(f"audit details must not hold secrets: {secret}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        user_id=user.id if user else None,
        school_id=school.id if school else None,
        ip=(request.remote_addr or "") if has_request_context() else "",
        request_id=request_id(),  # the log lines of the same request carry it too
        detail=detail,
    )
    session.add(event)
    log.info(
        "audit %s actor=%s user=%s school=%s %s",
        action,
        event.actor_id,
        event.user_id,
        event.school_id,
        detail or "",
    )
    return event


def record_case(session: Session, action: str, /, actor: User | None, case, **detail) -> AuditEvent:
    """An audit event about a case: its school and reference (never its content)."""
    return record(
        session, action, actor=actor, school=case.school, reference=case.reference, **detail
    )
