"""Schools and early-years settings: their URNs, and onboarding one with its first admin.

Used by Council admin's pages and `portal onboard-school`, which check who may act before
calling here. Accounts are created through webapp.domain.accounts, which queues the user's
emails and writes the audit trail; onboarding is audited here. Each function that changes
something commits it (webapp.infra.database.transaction).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.domain import accounts, audit
from webapp.domain.errors import EmailInUse, Refused, URNInUse
from webapp.infra.database import transaction
from webapp.infra.mail import queue_mail
from webapp.models import Membership, School, User

SETTING_NAMES = {"school": "School", "early_years": "Early years setting"}
SETTING_TYPES = tuple(SETTING_NAMES)
URN_PATTERNS = {
    "school": re.compile(r"[0-9]{6}"),
    "early_years": re.compile(r"EY[0-9]{6}|[0-9]{6,7}"),
}
# A school's phase of education, as forms prefill it (`school.phase`); "" when not known.
PHASES = ("Early years", "Nursery", "Primary", "Middle", "Secondary", "All-through", "16 plus")
LAESTAB_PROBLEM = "Enter a LAESTAB of 7 digits, like 8562001"


def normalise_laestab(laestab: str) -> str:
    """A LAESTAB as stored: its digits only, as typed with spaces or a slash (856 2001,
    856/2001 -> 8562001)."""
    return re.sub(r"[\s/]", "", laestab)


def refuse_bad_school_details(laestab: str, phase: str) -> None:
    """A LAESTAB (the LA's 3-digit code and the 4-digit establishment number) and a phase, each
    optional: Refused, on its question, when one is given wrong."""
    if laestab and not re.fullmatch(r"[0-9]{7}", laestab):
        raise Refused(LAESTAB_PROBLEM, "laestab")
    if phase and phase not in PHASES:
        raise Refused("Select the phase from the list", "phase")


def normalise_urn(urn: str) -> str:
    """A URN as stored: no spaces, upper case (ey 123 456 -> EY123456)."""
    return "".join(urn.split()).upper()


def urn_problem(urn: str, setting_type: str) -> str | None:
    """Why `urn` is not a URN for this kind of setting, or None when it is one."""
    if URN_PATTERNS[setting_type].fullmatch(urn):
        return None
    if setting_type == "school":
        return "a school's URN is 6 digits, like 123456"
    return "an early years setting's URN is EY and 6 digits, or 6 or 7 digits, like EY123456"


def add_school(
    session: Session,
    actor: User | None,
    *,
    name: str,
    urn: str,
    setting_type: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    laestab: str = "",
    phase: str = "",
) -> tuple[School, User, bool]:
    """A new school or setting and its first admin: a new account (emailed a username, a
    password and the link), or an existing school user who is made its admin too. The third
    value says whether the account is new. Refused (URNInUse, EmailInUse among them) when the
    rules do not allow it."""
    urn, laestab = normalise_urn(urn), normalise_laestab(laestab)
    with transaction(session, conflict=lambda: _what_was_taken(session, urn, email)):
        _check_new_school(session, urn, setting_type)
        refuse_bad_school_details(laestab, phase)
        _refuse_laestab_in_use(session, laestab, None)
        school = School(
            name=" ".join(name.split()),
            urn=urn,
            setting_type=setting_type,
            laestab=laestab,
            phase=phase,
        )
        session.add(school)
        session.flush()
        person = {"first_name": first_name, "last_name": last_name, "job_title": job_title}
        admin, created = make_admin(session, actor, school, email=email, **person)
        audit.record(
            session,
            "school_onboarded",
            actor=actor,
            user=admin,
            school=school,
            urn=urn,
            setting_type=setting_type,
            laestab=laestab,
            phase=phase,
            new_account=created,
        )
    return school, admin, created


def change_school(
    session: Session, actor: User | None, school: School, *, name: str, laestab: str, phase: str
) -> list[str]:
    """Set the school's name, LAESTAB and phase, auditing which changed (the caller commits);
    the names of those changed. Refused, on its question, when one is given wrong."""
    laestab = normalise_laestab(laestab)
    refuse_bad_school_details(laestab, phase)
    if laestab != school.laestab:  # one two schools shared before it was checked stays
        _refuse_laestab_in_use(session, laestab, school.id)
    wanted = {"name": " ".join(name.split()), "laestab": laestab, "phase": phase}
    changed = sorted(key for key, value in wanted.items() if getattr(school, key) != value)
    for key in changed:
        setattr(school, key, wanted[key])
    if changed:
        audit.record(session, "school_changed", actor=actor, school=school, fields=changed)
    return changed


def _check_new_school(session: Session, urn: str, setting_type: str) -> None:
    if setting_type not in SETTING_TYPES:
        raise Refused("Select the type of setting", "setting_type")
    problem = urn_problem(urn, setting_type)
    if problem:
        raise Refused(f"Enter a valid URN: {problem}", "urn")
    existing = session.scalar(select(School).where(School.urn == urn))
    if existing is not None:
        raise URNInUse(existing)


LAESTAB_LOCK = 0x4C414553  # "LAES": the advisory locks of _refuse_laestab_in_use, by number


def _refuse_laestab_in_use(session: Session, laestab: str, school_id: int | None) -> None:
    """A LAESTAB names one establishment: Refused, on its question, when another school has it
    (a digit typed wrong would prefill the other school's number in every form)."""
    if not laestab:
        return
    if session.get_bind().dialect.name == "postgresql":  # SQLite writes one at a time
        # Held until the school is saved: a second school given the number at the same
        # moment waits, then finds the first (two checks before either saved passed both).
        session.execute(select(func.pg_advisory_xact_lock(LAESTAB_LOCK << 32 | int(laestab))))
    other = session.scalar(
        select(School).where(School.laestab == laestab, School.id != (school_id or 0)).limit(1)
    )
    if other is not None:
        raise Refused(f"LAESTAB {laestab} is already used by {other.name}", "laestab")


def _what_was_taken(session: Session, urn: str, email: str) -> Refused:
    """After a UNIQUE failure: the URN, or else the address, was taken at the same moment."""
    existing = session.scalar(select(School).where(School.urn == urn))
    return URNInUse(existing) if existing is not None else EmailInUse(email)


def onboard_school(
    session: Session,
    *,
    name: str,
    urn: str,
    setting_type: str,
    admin_email: str,
    admin_first_name: str,
    admin_last_name: str,
    admin_job_title: str = "",
    laestab: str = "",
    phase: str = "",
) -> tuple[School, User]:
    """A new school and its first admin, a new account emailed a username, a password and the
    link (`portal onboard-school`; the council pages can also make an existing user admin)."""
    if accounts.find_by_email(session, admin_email) is not None:
        raise EmailInUse(admin_email)
    school, admin, _created = add_school(
        session,
        None,
        name=name,
        urn=urn,
        setting_type=setting_type,
        email=admin_email,
        first_name=admin_first_name,
        last_name=admin_last_name,
        job_title=admin_job_title,
        laestab=laestab,
        phase=phase,
    )
    return school, admin


def make_admin(
    session: Session,
    actor: User | None,
    school: School,
    *,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str,
) -> tuple[User, bool]:
    """Make the owner of `email` an admin of the school: a new account when there is none
    (its names needed), else an existing school user; whether the account is new. The caller
    commits."""
    existing = accounts.find_by_email(session, email)
    if existing is None:
        _refuse_missing_names(first_name, last_name)
        user = accounts.create_user(
            session,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            schools={school: True},
            actor=actor,
        )
        return user, True
    _refuse_as_admin(existing, school)
    membership = next((m for m in existing.memberships if m.school_id == school.id), None)
    if membership is None:
        existing.memberships.append(Membership(school=school, is_admin=True))
        audit.record(
            session, "membership_added", actor=actor, user=existing, school=school, admin=True
        )
    else:
        membership.is_admin = True
        audit.record(session, "admin_granted", actor=actor, user=existing, school=school)
    tell_new_admin(session, existing, school)
    return existing, False


def tell_new_admin(session: Session, user: User, school: School) -> None:
    """Email someone who already signs in that they now administer the school (a new account
    learns its school from its sign-up email): nothing else would tell them that they now run
    its users. Council admin and User admin both tell them so."""
    queue_mail(session, "admin_granted", user.email, "admin_granted", user=user, school=school)


def _refuse_missing_names(first_name: str, last_name: str) -> None:
    missing = {
        field: message
        for field, value, message in (
            ("first_name", first_name, "Enter their first name"),
            ("last_name", last_name, "Enter their last name"),
        )
        if not value.strip()
    }
    if missing:
        raise Refused(next(iter(missing.values())), problems=missing)


def _refuse_as_admin(existing: User, school: School) -> None:
    """An existing account cannot be made the school's admin: council staff, locked, or
    already one."""
    refuse_to_add(existing)
    membership = next((m for m in existing.memberships if m.school_id == school.id), None)
    if membership is not None and membership.is_admin:
        raise Refused(f"{existing.full_name} is already an administrator of {school.name}", "email")


def refuse_to_add(existing: User) -> None:
    """An existing account cannot be added to another school: council staff, or locked (until
    whoever locked it says otherwise)."""
    if existing.council_role:
        raise Refused(
            "This email address belongs to a member of council staff. Council "
            "staff cannot also be school users",
            "email",
        )
    if existing.is_locked:
        raise Refused(
            f"{existing.full_name}'s account is locked. An administrator of their "
            f"school must unlock it first",
            "email",
        )
