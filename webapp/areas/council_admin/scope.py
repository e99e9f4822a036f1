"""Who may use Council admin's services: council admins, and trusted callers such as a
`portal` command (actor None). Anyone else gets NotFound, answered 404 (never 403)."""

from __future__ import annotations

from webapp.domain.errors import NotFound
from webapp.models import User


def require_council_admin(actor: User | None) -> None:
    """Only council admins (or a trusted caller, actor None) get any further."""
    if actor is not None and not actor.is_council_admin:
        raise NotFound("not a council admin")
