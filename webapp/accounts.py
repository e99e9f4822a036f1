"""User accounts: creating them, passwords, locks. Used by sign-in, User admin and onboarding.

Every change that the user should hear about queues its email in the same transaction, and
every change is in the audit trail. The caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp import audit, clock
from webapp.auth.passwords import generate_password, hash_password
from webapp.mail import queue_mail
from webapp.models import Membership, School, User, utcnow

GENERATED_PASSWORD_LIFETIME = dt.timedelta(days=7)
LOCK_AFTER_FAILURES = 10


class EmailInUse(Exception):
    """Another account already has this email address."""


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    mobile: str = "",
    schools: dict[School, bool],
    actor: User | None = None,
) -> User:
    """A new account with a generated password, emailed to the user with the portal's link.

    `schools` maps each school to whether the user administers it.
    """
    if find_by_email(session, email) is not None:
        raise EmailInUse(email)
    password = generate_password()
    user = User(
        email=normalise_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title,
        mobile=mobile,
        password_hash=hash_password(password),
        password_generated_at=utcnow(),
    )
    user.memberships = [
        Membership(school=school, is_admin=admin) for school, admin in schools.items()
    ]
    session.add(user)
    session.flush()
    queue_mail(
        session,
        "sign_up",
        user.email,
        "sign_up",
        user=user,
        password=password,
        schools=list(schools),
    )
    for school in schools:
        audit.record(
            session, "user_created", actor=actor, user=user, school=school, admin=schools[school]
        )
    return user


def reset_password(session: Session, user: User, actor: User, school: School | None = None) -> None:
    """A new random password, emailed to the user (never shown to the admin)."""
    password = generate_password()
    user.password_hash = hash_password(password)
    user.password_generated_at = utcnow()
    user.session_generation += 1
    user.totp_secret = None  # the admin's reset is also the way back from a lost phone
    queue_mail(
        session,
        "password_reset_by_admin",
        user.email,
        "password_reset_by_admin",
        user=user,
        password=password,
    )
    audit.record(session, "password_reset_by_admin", actor=actor, user=user, school=school)


def set_password(session: Session, user: User, password: str, reason: str) -> None:
    """The user's own new password: ends their other sessions, and they are told by email."""
    user.password_hash = hash_password(password)
    user.password_generated_at = None
    user.session_generation += 1
    queue_mail(session, "password_changed", user.email, "password_changed", user=user)
    audit.record(session, "password_changed", actor=user, user=user, how=reason)


def keep_generated_password(session: Session, user: User) -> None:
    """The user chose to keep the password they were sent (the seed guide allows it)."""
    user.password_generated_at = None
    audit.record(session, "generated_password_kept", actor=user, user=user)


def generated_password_expired(user: User, now: dt.datetime | None = None) -> bool:
    """A generated password not used within 7 days no longer works."""
    if (
        user.password_generated_at is None
        or user.last_sign_in_at is not None
        and (user.last_sign_in_at >= user.password_generated_at)
    ):
        return False
    issued = user.password_generated_at
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=dt.UTC)
    return (now or clock.now()) - issued > GENERATED_PASSWORD_LIFETIME


def record_failure(session: Session, user: User, what: str) -> None:
    """One more failure in a row (password, code or answer); the tenth locks the account."""
    user.failed_attempts += 1
    audit.record(
        session, "sign_in_failed", user=user, what=what, failures_in_a_row=user.failed_attempts
    )
    if user.failed_attempts >= LOCK_AFTER_FAILURES and not user.is_locked:
        lock(session, user, actor=None, reason="too many failures")


def lock(
    session: Session, user: User, actor: User | None, reason: str = "", school: School | None = None
) -> None:
    """Lock the account (until an admin unlocks it) and end its sessions."""
    user.is_locked = True
    user.session_generation += 1
    audit.record(session, "user_locked", actor=actor, user=user, school=school, reason=reason)


def unlock(session: Session, user: User, actor: User, school: School | None = None) -> None:
    user.is_locked = False
    user.failed_attempts = 0
    audit.record(session, "user_unlocked", actor=actor, user=user, school=school)
