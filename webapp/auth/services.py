"""Signing in, step by step, free of HTTP so tests can call it directly.

Unknown, locked, expired and wrong-password attempts all look the same from outside and take the
same work; only the audit trail tells them apart.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp import accounts, audit, clock
from webapp.auth.passwords import check_password
from webapp.models import User


def check_credentials(session: Session, email: str, password: str) -> User | None:
    """The user whose email and password these are, if they may go on to the code step.

    A correct password does not clear earlier failures: only a complete sign-in does.
    """
    user = accounts.find_by_email(session, email)
    ok = check_password(user.password_hash if user else None, password)
    if user is None:
        audit.record(session, "sign_in_failed", what="unknown account")
        return None
    if not ok:
        accounts.record_failure(session, user, "password")
        return None
    if user.is_locked:
        audit.record(session, "sign_in_refused", user=user, why="locked")
        return None
    if accounts.generated_password_expired(user):
        audit.record(session, "sign_in_refused", user=user, why="generated password expired")
        return None
    return user


def complete_sign_in(session: Session, user: User) -> None:
    """The code was right: failures are forgiven and the sign-in is recorded."""
    user.failed_attempts = 0
    user.last_sign_in_at = clock.now()
    audit.record(session, "signed_in", actor=user, user=user)


def load_user(session: Session, token: str) -> User | None:
    """The user of a session token "id:generation", unless that session has been ended."""
    user_id, _, generation = token.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or user.is_locked or user.session_generation != int(generation):
        return None
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Every session of the user stops working at its next request."""
    user.session_generation += 1
