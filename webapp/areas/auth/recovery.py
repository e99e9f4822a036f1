"""Forgotten passwords, free of HTTP: the emailed single-use link, the security question, the
new password. Whatever the address, asking for a link looks the same from outside; only the
audit trail tells the cases apart. Each step commits its work (failures and audit rows too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.areas.auth.questions import answer_matches
from webapp.domain import accounts, audit, throttle, trusted_devices
from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.infra.mail import queue_mail
from webapp.models import PasswordReset, User

LINK_LIFETIME = dt.timedelta(hours=1)
LINKS_PER_HOUR = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # 256 random bits: no key needed


def request_reset(session: Session, email: str) -> None:
    """Email a reset link to the address's account if it may have one; else only audit why."""
    with transaction(session):
        user = accounts.find_by_email(session, email)
        if user is not None:  # requests for one account take turns: the limit counts them all
            session.refresh(user, with_for_update=True)
        why_not = _why_no_mail(session, user)
        if why_not:
            audit.record(session, "password_reset_not_sent", user=user, why=why_not)
        else:
            _send_reset_mail(session, user)


def _why_no_mail(session: Session, user: User | None) -> str | None:
    """Why no reset email goes out, or None. At most 3 an hour reach any account, whether
    they carry a link or explain that there is no security question yet."""
    if user is None:
        return "unknown account"
    if user.is_locked:
        return "locked"
    recent = session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.created_at > clock.now() - LINK_LIFETIME,
        )
    )
    return "too many reset emails" if recent >= LINKS_PER_HOUR else None


def _send_reset_mail(session: Session, user: User) -> None:
    """A new link (replacing the ones sent before), or, without a security question, an email
    saying whom to ask. Either way a row records it, so the hourly limit counts every one."""
    now = clock.now()
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + LINK_LIFETIME,
            # No question: nothing to reset with, so the link is dead from the start (and its
            # token is never sent).
            used_at=None if user.security_question else now,
        )
    )
    if not user.security_question:
        queue_mail(
            session, "password_reset_link", user.email, "password_reset_no_question", user=user
        )
        audit.record(session, "password_reset_not_sent", user=user, why="no security question")
        return
    queue_mail(
        session, "password_reset_link", user.email, "password_reset_link", user=user, token=token
    )
    audit.record(session, "password_reset_link_sent", user=user)


def live_link(session: Session, token: str) -> tuple[PasswordReset, User] | None:
    """The unused, unexpired link with this token and its open account; None otherwise."""
    reset = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token))
    )
    user = session.get(User, reset.user_id) if reset else None
    if (
        reset is None
        or reset.used_at is not None
        or user is None
        or user.is_locked
        or clock.aware(reset.expires_at) <= clock.now()
    ):
        return None
    return reset, user


def use_link(session: Session, reset: PasswordReset, user: User) -> None:
    """The link is used up: it never works again."""
    with transaction(session):
        reset.used_at = clock.now()
        audit.record(session, "password_reset_link_opened", user=user)


def resetting_user(session: Session, user_id: int, generation: int) -> User | None:
    """The user a reset is for, unless locked since or their sessions have ended (the password
    changed): then that reset is over."""
    user = session.get(User, user_id)
    if user is None or user.is_locked or user.session_generation != generation:
        return None
    return user


def answer_question(
    session: Session, user: User, answer: str, device_tokens: list[str] = ()
) -> bool | None:
    """Whether the security answer is right; a wrong one counts as a failure (on this browser
    alone if it is trusted with the account). None when nothing was checked: an untrusted
    browser while the address waits, or while untrusted clients are hard-locked (answers sent
    at once take turns, and the later ones of a burst find the wait the earlier ones started)."""
    with transaction(session):
        device = trusted_devices.trusted_device(session, user, list(device_tokens))
        if device is None and refused_for_strangers(session, user.email):
            return None
        if answer_matches(user.security_answer_hash, answer):
            audit.record(session, "security_answer_accepted", user=user)
            return True
        accounts.record_failure(session, user, "security answer", device)
        return False


def refused_for_strangers(session: Session, email: str) -> bool:
    """Whether an untrusted browser's answer for the address goes unchecked: it waits (its row
    locked until the transaction ends), or untrusted clients are hard-locked."""
    standing = throttle.standing_in_turn(session, email)
    return standing.wait is not None or standing.hard_locked


def set_new_password(session: Session, user: User, password: str) -> None:
    """The reset's new password: other sessions end, and the user is told by email."""
    with transaction(session):
        accounts.set_password(session, user, password, "forgotten password")
