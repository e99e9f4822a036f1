"""One's own account, free of HTTP: one's name, job title and mobile number; confirming a
change with the password, the security question, the authenticator app. The user is told by
email of each change to how they sign in (with no secret in it), and each change is audited;
every function commits its work (a failure included)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.areas.auth.questions import hash_answer
from webapp.domain import accounts, audit, throttle, trusted_devices
from webapp.domain.passwords import check_password
from webapp.infra.database import transaction
from webapp.infra.mail import queue_mail
from webapp.models import User


def password_problem(
    session: Session, user: User, password: str, wrong: str, device_tokens: list[str] = ()
) -> str | None:
    """Why the password given to confirm a change is not accepted (`wrong` when it is wrong, a
    failure that counts), or None. On a browser trusted with the account (`device_tokens`) it
    counts there alone; on any other, while the account waits after failures (or untrusted
    clients are hard-locked), nothing is checked, and passwords sent at once take turns
    (throttle.standing_in_turn)."""
    with transaction(session):
        device = trusted_devices.trusted_device(session, user, list(device_tokens))
        if device is None:
            standing = throttle.standing_in_turn(session, user.email)
            if standing.wait is not None:
                return throttle.too_many_wrong(standing.wait)
            if standing.hard_locked:
                return throttle.LOCKED_HERE
        if check_password(user.password_hash, password):
            return None
        accounts.record_failure(session, user, "password", device)
    return wrong


def change_details(session: Session, user: User, details: dict) -> None:
    """The user's own name, job title and mobile number, audited as an admin's change is."""
    with transaction(session):
        accounts.update_details(session, user, user, details)


def change_question(session: Session, user: User, question: str, answer: str) -> None:
    """A new security question and answer (the answer stored hashed)."""
    with transaction(session):
        user.security_question = question
        user.security_answer_hash = hash_answer(answer)
        _tell(session, user, "security_question_changed")


def add_authenticator(session: Session, user: User, secret: str) -> None:
    """Sign-in codes come from the user's authenticator app from now on."""
    with transaction(session):
        user.totp_secret = secret
        user.totp_last_step = None
        _tell(session, user, "authenticator_added")


def remove_authenticator(session: Session, user: User) -> None:
    """Sign-in codes are emailed again."""
    with transaction(session):
        user.totp_secret = None
        _tell(session, user, "authenticator_removed")


def _tell(session: Session, user: User, what: str) -> None:
    """The user's email about the change, and its audit row (both named `what`)."""
    queue_mail(session, what, user.email, what, user=user)
    audit.record(session, what, actor=user, user=user)
