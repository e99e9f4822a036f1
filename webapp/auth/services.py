"""Signing in: the checks, free of HTTP so tests can call them directly."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.auth.passwords import check_password
from webapp.models import User


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user these credentials belong to, if they are right and the account is open.

    Unknown, locked and wrong-password attempts all give None after the same work.
    """
    user = find_user(session, email)
    ok = check_password(user.password_hash if user else None, password)
    if user is None or not ok or user.is_locked:
        return None
    return user


def load_user(session: Session, token: str) -> User | None:
    """The user of a session token "id:generation", unless that session has been ended."""
    user_id, _, generation = token.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or user.is_locked or user.session_generation != int(generation):
        return None
    return user
