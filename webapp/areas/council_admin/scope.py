"""Who may use Council admin's services: council admins, and trusted callers such as a
`portal` command (actor None). Anyone else gets NotFound, answered 404 (never 403)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.domain.errors import NotFound
from webapp.infra.database import by_id
from webapp.models import User


def require_council_admin(actor: User | None) -> None:
    """Only council admins (or a trusted caller, actor None) get any further."""
    if actor is not None and not actor.is_council_admin:
        raise NotFound("not a council admin")


def found(session: Session, actor: User | None, model, row_id: int):
    """The row of `model` with this id, for a council admin; NotFound if there is none."""
    require_council_admin(actor)
    row = by_id(session, model, row_id)
    if row is None:
        raise NotFound(f"{model.__name__} {row_id}")
    return row
