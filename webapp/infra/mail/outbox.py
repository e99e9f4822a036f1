"""Queueing mail: rendered from templates/mail/<name>.txt, stored until the worker sends it.

A template's first line is "Subject: ..."; the rest is the plain-text body. Mail carries no child
data: at most a case reference and a link to the portal.
"""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy.orm import Session

from webapp.models import OutboxMessage


def queue_mail(session: Session, kind: str, to: str, template: str, **context) -> OutboxMessage:
    """Add an email to the outbox (sent only if the caller's transaction commits)."""
    text = render_template(
        f"mail/{template}.txt", base_url=current_app.config["PORTAL_BASE_URL"], **context
    )
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"mail/{template}.txt must start with a 'Subject: ' line")
    message = OutboxMessage(
        kind=kind, to_address=to, subject=first.removeprefix("Subject: "), body=body.strip() + "\n"
    )
    session.add(message)
    return message
