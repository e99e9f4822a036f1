"""Signing in, step by step, free of HTTP so tests can call it directly.

Before the password is right, unknown, locked, expired and wrong-password attempts all look the
same from outside and take the same work; only the audit trail tells them apart. An address
that failed too often waits (webapp/domain/throttle.py) whether or not it has an account. Only a
caller who gave the right password learns that the account is locked.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from webapp.domain import accounts, audit, throttle
from webapp.domain.passwords import check_password
from webapp.infra import clock
from webapp.models import User


class Outcome(enum.Enum):
    PASSED = "passed"  # on to the code step
    FAILED = "failed"  # wrong, unknown, or locked with a wrong password: one message for all
    WAIT = "wait"  # the address failed too often: nothing was checked
    LOCKED = "locked"  # the right password, but the account is locked


@dataclass(frozen=True)
class SignInCheck:
    outcome: Outcome
    user: User | None = None  # PASSED and LOCKED only
    wait: dt.timedelta | None = None  # WAIT only


def sign_in_check(session: Session, email: str, password: str) -> SignInCheck:
    """What an email and password lead to. A correct password does not clear earlier failures:
    only a complete sign-in does. The caller commits (failures and audit rows)."""
    user = accounts.find_by_email(session, email)
    wait = throttle.time_to_wait(session, email)
    if wait is not None:
        audit.record(session, "sign_in_refused", user=user, why="waiting after failures")
        return SignInCheck(Outcome.WAIT, wait=wait)
    ok = check_password(user.password_hash if user else None, password)
    if user is None:
        throttle.note_failure(session, email)
        audit.record(session, "sign_in_failed", what="unknown account")
        return _failed(session, email)
    if not ok:
        accounts.record_failure(session, user, "password")
        return _failed(session, email)
    if user.is_locked:
        audit.record(session, "sign_in_refused", user=user, why="locked")
        return SignInCheck(Outcome.LOCKED, user=user)
    if accounts.generated_password_expired(user):
        audit.record(session, "sign_in_refused", user=user, why="generated password expired")
        return SignInCheck(Outcome.FAILED)
    return SignInCheck(Outcome.PASSED, user=user)


def _failed(session: Session, email: str) -> SignInCheck:
    """A failure; when it starts a wait, the caller is told at once."""
    wait = throttle.time_to_wait(session, email)
    return SignInCheck(Outcome.WAIT, wait=wait) if wait else SignInCheck(Outcome.FAILED)


def complete_sign_in(session: Session, user: User) -> None:
    """The code was right: failures are forgiven and the sign-in is recorded."""
    throttle.forgive(session, user.email)
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
