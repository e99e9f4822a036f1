"""Whom a school admin may see and act on in User admin, and the rules every change keeps.

An admin sees and acts on a user only when the user belongs to at least one of the schools the
admin administers, and grants or takes away only those schools; anything else is NotFound,
answered 404 (never 403), so user and school ids cannot be probed. What acts on the whole
account — locking, unlocking, resetting the password (which also removes the authenticator
app), changing the email, the name, job title or mobile number (which all their schools see)
— needs an admin of every one of the user's schools (or a council admin, on the Council admin
pages; the user, their own details on their Account page): otherwise an admin of one school
could shut out, take over or rename someone another school relies on. Nor can anyone lock the
only administrator of a school.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.describe import join_words
from webapp.domain import accounts
from webapp.domain.errors import EmailInUse, LastAdmin, NotFound, Refused
from webapp.infra.database import by_id
from webapp.models import Membership, School, User


@dataclass(frozen=True)
class UserRow:
    """One line of the users list: the user, and their place in the admin's schools."""

    user: User
    schools: tuple[School, ...]  # the admin's schools the user belongs to
    admin_of: tuple[School, ...]  # those of them the user administers
    say_which: bool = False  # the admin has several schools: "Yes" names which
    locked_on_new_browsers: bool = False  # too many failed sign-ins (throttle.hard_locked)

    @property
    def admin_text(self) -> str:
        """ "Yes", "No", or which schools, when the user administers only some of them or the
        admin has several."""
        if not self.admin_of:
            return "No"
        if len(self.admin_of) == len(self.schools) and not self.say_which:
            return "Yes"
        return "Yes: " + ", ".join(school.name for school in self.admin_of)


def administered_schools(session: Session, admin: User) -> list[School]:
    """The schools `admin` administers, by name (empty for everyone else)."""
    return list(
        session.scalars(
            select(School)
            .join(Membership)
            .where(Membership.user_id == admin.id, Membership.is_admin.is_(True))
            .order_by(School.name, School.id)
        )
    )


def schools_of(session: Session, admin: User) -> dict[int, School]:
    """The admin's schools by id; NotFound when the user administers none."""
    schools = {school.id: school for school in administered_schools(session, admin)}
    if not schools:
        raise NotFound("not a school admin")
    return schools


def user_for_admin(session: Session, admin: User, user_id: int) -> User:
    """A user sharing at least one school the admin administers; NotFound otherwise."""
    schools = schools_of(session, admin)
    user = by_id(session, User, user_id)
    if user is None or not user.school_ids & schools.keys():
        raise NotFound(f"user {user_id}")
    return user


def row_for(
    user: User, schools: dict[int, School], locked_on_new_browsers: bool = False
) -> UserRow:
    """The user's place in the admin's schools (`schools` by id)."""
    ours = sorted(
        (m for m in user.memberships if m.school_id in schools),
        key=lambda m: (schools[m.school_id].name, m.school_id),
    )
    return UserRow(
        user,
        tuple(schools[m.school_id] for m in ours),
        tuple(schools[m.school_id] for m in ours if m.is_admin),
        say_which=len(schools) > 1,
        locked_on_new_browsers=locked_on_new_browsers,
    )


def may_change_email(session: Session, admin: User, user: User) -> bool:
    """Only an admin of every one of the user's schools may change their email (the username):
    otherwise an admin of one school could take over an account that also opens another.
    Nor their own here: that needs the password again (SECURITY-CHECKLIST 10)."""
    return user.id != admin.id and account_refusal(session, admin, user, "") is None


def account_refusal(session: Session, admin: User, user: User, doing: str) -> str | None:
    """Why the admin may not act on the user's whole account (`doing`: "lock their account"),
    naming the schools they do not administer and whom to ask; None when they may."""
    schools = schools_of(session, admin)
    others = sorted(
        (m.school for m in user.memberships if m.school_id not in schools),
        key=lambda school: (school.name, school.id),
    )
    if not others:
        return None
    names = join_words(school.name for school in others)
    return (
        f"You cannot {doing} because {user.full_name} also belongs to {names}, which you do "
        f"not administer. Ask an administrator of {names}, or a council admin, to do it."
    )


def refuse_unless_account_is_ours(
    session: Session, admin: User, user: User, doing: str, field: str | None = None
) -> None:
    problem = account_refusal(session, admin, user, doing)
    if problem:
        raise Refused(problem, field)


def refuse_email_change(session: Session, admin: User, user: User, email: str) -> None:
    if email == user.email:
        return
    if user.id == admin.id:
        raise Refused("You cannot change your own email address here", "email")
    if not may_change_email(session, admin, user):
        raise Refused(
            "You cannot change this user's email address because they also "
            "belong to a school you do not administer",
            "email",
        )
    if accounts.find_by_email(session, email) is not None:
        raise EmailInUse(email)


# What changing each of the account's details is called in a refusal, in the form's order.
DETAILS = {
    "first_name": "change their name",
    "last_name": "change their name",
    "job_title": "change their job title",
    "mobile": "change their mobile number",
}


def details_to_save(session: Session, admin: User, user: User, details: dict) -> dict:
    """The user's name, job title and mobile are the whole account's (every school of theirs
    shows them): only an admin of all their schools changes them, refused on the first question
    changed. One's own are one's own to change (as on the Account page). What differs from the
    saved value only in its spaces (which the form tidies: a value saved some other way) is no
    change, and is kept as saved."""
    kept = {
        name: getattr(user, name) if " ".join(str(getattr(user, name)).split()) == value else value
        for name, value in details.items()
    }
    changed = [
        name for name in DETAILS if name in kept and accounts.differs(user, name, kept[name])
    ]
    if changed and user.id != admin.id:
        refuse_unless_account_is_ours(session, admin, user, DETAILS[changed[0]], changed[0])
    return kept


def refuse_lock_change(session: Session, admin: User, user: User, locked: bool) -> None:
    if locked and not user.is_locked and user.id == admin.id:
        raise Refused("You cannot lock your own account", "lock_status")
    if locked != user.is_locked:
        doing = "lock their account" if locked else "unlock their account"
        refuse_unless_account_is_ours(session, admin, user, doing, "lock_status")


def keep_an_admin(
    session: Session, school: School, user: User, admin: User, field: str | None = None
) -> None:
    """Refuse a change that leaves `school` with no other administrator whose account is open."""
    if not accounts.other_open_admins(session, school.id, user):
        raise LastAdmin(only_admin(school, user, admin), field)


def only_admin(school: School, user: User, admin: User) -> str:
    """Why a change that leaves `school` with no administrator but `user` is refused."""
    who = "You are" if user.id == admin.id else f"{user.full_name} is"
    return (
        f"{who} the only administrator of {school.name}. Make someone else "
        f"an administrator of {school.name} first."
    )


def shared_school(admin: User, user: User) -> School | None:
    """A school the admin administers and the user belongs to: the audit row's school."""
    administered = {m.school_id for m in admin.memberships if m.is_admin}
    return next((m.school for m in user.memberships if m.school_id in administered), None)


def apply_lock(session: Session, admin: User, user: User, locked: bool) -> None:
    school = shared_school(admin, user)
    if locked:
        alone = accounts.schools_only_they_run(session, user)
        if alone:
            raise LastAdmin(
                f"{user.full_name} is the only administrator of {alone[0].name}. Make someone "
                f"else an administrator of {alone[0].name} first.",
                "lock_status",
            )
        accounts.lock(
            session, user, actor=admin, reason="locked by an administrator", school=school
        )
    else:
        accounts.unlock(session, user, actor=admin, school=school)
