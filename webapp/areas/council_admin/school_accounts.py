"""Council admins acting on a school user's whole account: lock, unlock, reset the password,
change the email address, the name, job title or mobile number.

School admins can do this only for users all of whose schools they administer; for anyone else
(a user of several schools with different admins, or a school whose only admin is locked out)
the council is who to ask. Like User admin, the council may not lock a school's only
administrator: it adds another administrator on the school's page first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.areas.council_admin.services import school_for
from webapp.domain import accounts
from webapp.domain.email_change import BY_COUNCIL
from webapp.domain.email_change import change_email as change_address
from webapp.domain.errors import EmailInUse, LastAdmin, NotFound
from webapp.infra.database import by_id, transaction
from webapp.models import School, User


def school_user_for(
    session: Session, actor: User | None, school_id: int, user_id: int
) -> tuple[School, User]:
    """A user of the school (never council staff: they are managed as officers)."""
    school = school_for(session, actor, school_id)
    user = by_id(session, User, user_id)
    if user is None or school.id not in user.school_ids or user.council_role:
        raise NotFound(f"user {user_id} of school {school_id}")
    return school, user


def set_lock(
    session: Session, actor: User | None, school_id: int, user_id: int, locked: bool
) -> User:
    """Lock (ending their sessions) or unlock (forgiving their failures) the account."""
    with transaction(session):
        school, user = school_user_for(session, actor, school_id, user_id)
        if locked and not user.is_locked:
            refused = why_not_lock(session, user)
            if refused:
                raise LastAdmin(refused)
            reason = "locked by a council admin"
            accounts.lock(session, user, actor=actor, reason=reason, school=school)
        elif not locked and user.is_locked:
            accounts.unlock(session, user, actor=actor, school=school)
    return user


def why_not_lock(session: Session, user: User) -> str | None:
    """Why the council cannot lock the account (the only administrator of a school), or None:
    said on the lock page from the start, and checked again as it locks."""
    alone = accounts.schools_only_they_run(session, user)
    if not alone:
        return None
    return (
        f"{user.full_name} is the only administrator of {alone[0].name}. Add another "
        f"administrator of {alone[0].name} first."
    )


def reset_password(session: Session, actor: User | None, school_id: int, user_id: int) -> User:
    """Email the user a new random password (it also removes their authenticator app)."""
    with transaction(session):
        school, user = school_user_for(session, actor, school_id, user_id)
        accounts.reset_password(session, user, actor=actor, school=school)
    return user


def change_email(
    session: Session, actor: User | None, school_id: int, user_id: int, email: str
) -> bool:
    """Give the user a new email address (their username): the old one is told, their sessions
    end, and codes and reset links already sent there stop working. False when it is their
    address already (nothing is changed, nobody told)."""
    with transaction(session, conflict=lambda: EmailInUse(email)):
        _school, user = school_user_for(session, actor, school_id, user_id)
        return change_address(session, actor, user, email, by=BY_COUNCIL)


def change_details(
    session: Session, actor: User | None, school_id: int, user_id: int, details: dict
) -> User:
    """The user's name, job title and mobile number (which all their schools see), audited."""
    with transaction(session):
        _school, user = school_user_for(session, actor, school_id, user_id)
        accounts.update_details(session, actor, user, details)
    return user
