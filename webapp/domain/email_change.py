"""Changing a user's email address (their username) for them: a school admin in User admin, or
a council admin for a school user no single school admin covers. Who may is the caller's
question; what a change does is this module's."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.domain import accounts
from webapp.domain.errors import EmailInUse
from webapp.infra import clock
from webapp.infra.mail import queue_mail
from webapp.models import User
from webapp.models_sign_in import LoginCode, PasswordReset

BY_COUNCIL = "A council admin of School Portal"  # who changed it, in the old address's email


def change_email(session: Session, actor: User | None, user: User, email: str, by: str) -> bool:
    """Give the user the address `email` (normalised), telling the old address (`by` says who
    changed it, in the email's words) and auditing it; False when it is their address already.
    EmailInUse when another account has it. The caller commits."""
    email = accounts.normalise_email(email)
    if email == user.email:
        return False
    if accounts.find_by_email(session, email) is not None:
        raise EmailInUse(email)
    tell_old_address(session, user, email, by)
    accounts.update_details(session, actor, user, {"email": email})
    return True


def tell_old_address(session: Session, user: User, new_email: str, by: str) -> None:
    """The old address hears of the change, and sessions end: a changed address must never be
    a quiet way into someone's account (codes and resets follow the address). Links and codes
    already mailed to the old address die with it: whoever reads that mailbox now (a leaver's,
    a compromised one) must not reset the password or finish a sign-in with them."""
    queue_mail(
        session,
        "email_changed",
        user.email,
        "email_changed",
        user=user,
        new_email=new_email,
        changed_by=by,
    )
    user.session_generation += 1
    now = clock.now()
    for sent in (PasswordReset, LoginCode):
        session.execute(
            update(sent).where(sent.user_id == user.id, sent.used_at.is_(None)).values(used_at=now)
        )
