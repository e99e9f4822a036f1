"""Who may reach an area, and how refusals look: always a logged 404, never a 403, so that
nobody can tell another school's case, user or team from one that does not exist."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, g, render_template, request
from flask_login import current_user

from webapp.domain.errors import NotFound


def not_found(area: str):
    """The 404 page, after rolling back the request's work and logging who asked for what."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    current_app.logger.warning(
        "%s: not found for user %s: %s %s",
        area,
        current_user.get_id(),
        request.method,
        request.path,
    )
    return render_template("errors/404.html"), 404


def answer_not_found(bp: Blueprint, area: str) -> None:
    """NotFound, raised by a service in the blueprint's views, becomes the logged 404."""
    bp.register_error_handler(NotFound, lambda _error: not_found(area))


def restrict(bp: Blueprint, area: str, allowed: Callable[[object], bool]) -> None:
    """Only signed-in users for whom `allowed(user)` holds reach the blueprint; signed-out
    people are asked to sign in, everyone else finds nothing there."""

    @bp.before_request
    def guard():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not allowed(current_user):
            return not_found(area)
        return None
