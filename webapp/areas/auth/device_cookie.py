"""The device cookie (webapp/domain/trusted_devices.py): the tokens of the accounts that signed
in on this browser, newest first. HttpOnly, SameSite=Lax, Secure outside local development
(as the session cookie), kept for a year; it says nothing without the server's table, which
holds only keyed hashes of the tokens."""

from __future__ import annotations

from flask import after_this_request, current_app, request

from webapp.domain import trusted_devices
from webapp.domain.trusted_devices import LIFETIME, MAX_TOKENS
from webapp.infra.database import db

NAME = "portal_device"


def tokens() -> list[str]:
    """The tokens this browser's device cookie holds (none without one)."""
    return [token for token in request.cookies.get(NAME, "").split(".") if token][:MAX_TOKENS]


def give(token: str, replacing: str | None = None) -> None:
    """The response carries the cookie with `token` first (in place of `replacing`): the
    browser is trusted for the account that just signed in. Tokens whose trust has ended are
    dropped, so that they never push a colleague's live token out of a shared browser's
    MAX_TOKENS."""
    others = [old for old in tokens() if old not in (token, replacing)]
    kept = [token] + trusted_devices.live_tokens(db(), others)

    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            NAME,
            ".".join(kept[:MAX_TOKENS]),
            max_age=int(LIFETIME.total_seconds()),
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response
