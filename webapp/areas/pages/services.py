"""The work behind the information pages, free of HTTP: storing feedback."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.infra.database import transaction
from webapp.models import Feedback


def record_feedback(session: Session, rating: str, comments: str, user_id: int | None) -> None:
    """Store one piece of feedback and commit it."""
    with transaction(session):
        session.add(Feedback(rating=rating, comments=comments or "", user_id=user_id))
