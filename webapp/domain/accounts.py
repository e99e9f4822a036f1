"""User accounts: creating them, passwords, locks. Used by sign-in, User admin and onboarding.

Every change that the user should hear about queues its email in the same transaction, and
every change is in the audit trail. The caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.describe import join_words
from webapp.domain import audit, throttle, trusted_devices
from webapp.domain.email_addresses import checked_email, lookup_form
from webapp.domain.errors import EmailInUse
from webapp.domain.passwords import generate_password, hash_password
from webapp.infra import clock
from webapp.infra.mail import queue_mail
from webapp.models import AuditEvent, Case, Membership, School, User

GENERATED_PASSWORD_LIFETIME = dt.timedelta(days=7)


def find_by_email(session: Session, email: str) -> User | None:
    """The account of an address as typed (any case, a Unicode or punycode domain)."""
    return session.scalar(select(User).where(User.email == lookup_form(email)))


def normalise_email(email: str) -> str:
    """The address as stored and mailed; InvalidEmail when mail could not reach it."""
    return checked_email(email)


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
        password_generated_at=clock.now(),
    )
    user.memberships = _memberships(schools)
    session.add(user)
    session.flush()
    _send_sign_up(session, user, password, schools)
    for school in schools:
        audit.record(
            session, "user_created", actor=actor, user=user, school=school, admin=schools[school]
        )
    return user


def _memberships(schools: dict[School, bool]) -> list[Membership]:
    return [Membership(school=school, is_admin=admin) for school, admin in schools.items()]


def _send_sign_up(session: Session, user: User, password: str, schools: dict[School, bool]):
    """The sign-up email: the generated password and the portal's link."""
    queue_mail(
        session,
        "sign_up",
        user.email,
        "sign_up",
        user=user,
        password=password,
        schools=list(schools),
    )


def add_again(
    session: Session,
    user: User,
    *,
    first_name: str,
    last_name: str,
    job_title: str = "",
    mobile: str = "",
    schools: dict[School, bool],
    actor: User,
) -> User:
    """An account removed from its last school (so locked, and in no admin's list) made a
    user of `schools` again: its details as given, unlocked, and a new generated password
    emailed with the portal's link, as at sign-up (no browser trusted, no failure kept)."""
    update_details(
        session,
        actor,
        user,
        {
            "first_name": first_name,
            "last_name": last_name,
            "job_title": job_title,
            "mobile": mobile,
        },
    )
    user.memberships = _memberships(schools)
    for school, admin in schools.items():
        audit.record(
            session, "membership_added", actor=actor, user=user, school=school, admin=admin
        )
    if user.is_locked:
        unlock(session, user, actor)
    password = generate_password()
    user.password_hash = hash_password(password)
    user.password_generated_at = clock.now()
    user.session_generation += 1
    user.totp_secret = None
    _new_password_everywhere(session, user)  # as any new password: the old one's trust goes
    session.flush()
    _send_sign_up(session, user, password, schools)
    return user


REMOVED_FROM_LAST_SCHOOL = "removed from their last school"  # the reason of that lock


def held_account(session: Session, email: str) -> User | None:
    """The account of an address as typed (find_by_email), its row held until the transaction
    ends and read afresh, memberships too: two admins adding a removed user again at the same
    moment take turns, and the second finds them in the first one's school (PostgreSQL; on
    SQLite BEGIN IMMEDIATE queues them already)."""
    user = find_by_email(session, email)
    if user is not None:
        hold(session, user)
    return user


def hold(session: Session, user: User) -> None:
    """Lock the account's row until the transaction ends (FOR NO KEY UPDATE: rows that only
    name it are not held up) and read it afresh, its memberships too: changes to whom an
    account belongs take turns, each seeing what the one before it left."""
    session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
    session.expire(user)


def without_a_place(session: Session, user: User) -> bool:
    """Whether the account belongs nowhere, only because it was removed: no school (the last
    one removed it), no council role, and no lock but the one that removal made. Nobody's list
    shows it, so only adding it again brings it back; an account locked for another reason
    (by the council, by an admin before the removal) stays locked until whoever locked it
    says otherwise."""
    if user.memberships or user.council_role:
        return False
    if not user.is_locked:
        return True
    last_lock = session.scalar(
        select(AuditEvent.detail)
        .where(AuditEvent.user_id == user.id, AuditEvent.action == "user_locked")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return (last_lock or {}).get("reason") == REMOVED_FROM_LAST_SCHOOL


def _as_stored(name: str, value: str) -> str:  # names are stripped of outer spaces
    return value.strip() if name in ("first_name", "last_name") else value


def differs(user: User, name: str, value: str) -> bool:
    """Whether saving `value` as the user's `name` (first_name, …) would change it."""
    return getattr(user, name) != _as_stored(name, value)


def update_details(
    session: Session, actor: User | None, user: User, details: dict[str, str]
) -> list[str]:
    """Set the user's details (first_name, last_name, …; names stripped of outer spaces) that
    differ, auditing which changed (never their values); the names of those changed. A new
    name is copied onto the cases assigned to them (the queue sorts by it)."""
    details = {name: _as_stored(name, value) for name, value in details.items()}
    changed = sorted(name for name, value in details.items() if getattr(user, name) != value)
    for name in changed:
        setattr(user, name, details[name])
    if {"first_name", "last_name"} & set(changed):
        session.execute(  # not the cases' content: their row_version and updated_at stay
            update(Case)
            .where(Case.assigned_to_id == user.id)
            .values(assignee_last_name=user.last_name, assignee_first_name=user.first_name)
            .execution_options(synchronize_session=False)
        )
    if changed:
        audit.record(session, "user_updated", actor=actor, user=user, fields=changed)
    return changed


def reset_password(session: Session, user: User, actor: User, school: School | None = None) -> None:
    """A new random password, emailed to the user (never shown to the admin)."""
    password = generate_password()
    user.password_hash = hash_password(password)
    user.password_generated_at = clock.now()
    user.session_generation += 1
    user.totp_secret = None  # the admin's reset is also the way back from a lost phone
    _new_password_everywhere(session, user)
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
    _new_password_everywhere(session, user)
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


def _new_password_everywhere(session: Session, user: User) -> None:
    """A new password: no browser is trusted with the account any more, and the failures
    against the old one are forgiven (a hard lock of untrusted clients with them)."""
    trusted_devices.revoke_all(session, user)
    throttle.forgive(session, user.email)


def record_failure(session: Session, user: User, what: str, device=None) -> None:
    """One more failure in a row (password, code, app code or answer). From a trusted browser
    (`device`) it counts on that browser alone (webapp/domain/trusted_devices.py); otherwise it
    slows the address down (webapp/domain/throttle.py), and the HARD_LOCK_AFTER-th locks the
    account for untrusted clients, telling the user by email."""
    if device is not None:
        trusted_devices.note_failure(session, user, device, what)
        return
    failures = throttle.note_failure(session, user.email)
    audit.record(session, "sign_in_failed", user=user, what=what, failures_in_a_row=failures)
    if failures == throttle.HARD_LOCK_AFTER:
        audit.record(
            session,
            "untrusted_sign_in_locked",
            user=user,
            reason=f"{throttle.HARD_LOCK_AFTER} failures in a row",
        )
        queue_mail(
            session,
            "account_locked",
            user.email,
            "untrusted_sign_in_locked",
            user=user,
            failures=throttle.HARD_LOCK_AFTER,
            whom_to_ask=whom_to_ask_for_a_reset(session, user),
        )


def unlockers(session: Session, user: User) -> list[User]:
    """The school admins who may unlock the account in User admin: those with an open account
    who administer every one of the user's schools (an account-wide action must not reach into
    a school the admin does not run). None for council staff: a council admin unlocks them."""
    if user.council_role or not user.memberships:
        return []
    admins = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.school_id.in_(user.school_ids),
            Membership.is_admin.is_(True),
            User.is_locked.is_(False),
            User.id != user.id,
        )
        .distinct()
        .order_by(User.last_name, User.first_name, User.id)
    )
    return [admin for admin in admins if user.school_ids <= administered_ids(admin)]


def schools_only_they_run(session: Session, user: User) -> list[School]:
    """The schools of which the user is the only administrator with an open account: locking
    them would leave those schools with no one to manage their users."""
    return [
        membership.school
        for membership in sorted(user.memberships, key=lambda m: m.school_id)  # locks in order
        if membership.is_admin and not other_open_admins(session, membership.school_id, user)
    ]


def other_open_admins(session: Session, school_id: int, user: User, take_turn: bool = True) -> int:
    """How many administrators of the school other than `user` have an open account.

    The school's row is locked first, until the transaction ends, so changes to who runs a
    school take turns and each counts what the one before it left: two admins stepping down
    (or locking each other) at the same moment each counted the other, and left the school with
    no administrator. A caller counting for several schools goes in the order of their ids,
    or takes its turn at all of them first (take_turns_at). Without `take_turn`, a look that
    changes nothing (a page saying beforehand what a change would be refused for)."""
    if take_turn:
        take_turns_at(session, [school_id])
    return session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.school_id == school_id,
            Membership.is_admin.is_(True),
            Membership.user_id != user.id,
            User.is_locked.is_(False),
        )
    )


def take_turns_at(session: Session, school_ids) -> None:
    """Lock the schools' rows until the transaction ends, in the order of their ids: a change
    that will count the administrators of several schools takes its turn at all of them before
    it changes anything. Taken one by one as it goes, two changes could each hold a school the
    other waits for (PostgreSQL then fails one of them). FOR NO KEY UPDATE: rows that only
    name the school (a member added, a case, an audit row) are not held up by it."""
    if school_ids:
        session.execute(
            select(School.id)
            .where(School.id.in_(sorted(school_ids)))
            .order_by(School.id)
            .with_for_update(key_share=True)
        )


def administered_ids(user: User) -> set[int]:
    """The ids of the schools the user administers."""
    return {m.school_id for m in user.memberships if m.is_admin}


def whom_to_ask(session: Session, user: User, to: str = "unlock it") -> str:
    """Who can unlock the account (or, with `to` "reset your password", send a new one), as a
    sentence for the user."""
    names = [admin.full_name for admin in unlockers(session, user)]
    if names:
        where = "your school" if len(user.school_ids) == 1 else "all your schools"
        return f"To {to}, ask an administrator of {where}: {join_words(names, 'or')}."
    if user.council_role:
        return f"To {to}, ask a council admin of the portal."
    can = to.replace("your password", "it")
    return f"To {to}, ask the council: a council admin of the portal can {can}."


def whom_to_ask_for_a_reset(session: Session, user: User) -> str:
    """Who can reset the password (which lifts a hard lock of untrusted clients), as a
    sentence for the user."""
    return whom_to_ask(session, user, to="reset your password")


def lock(
    session: Session, user: User, actor: User | None, reason: str = "", school: School | None = None
) -> None:
    """Lock the account (until an admin unlocks it) and end its sessions."""
    user.is_locked = True
    user.session_generation += 1
    trusted_devices.revoke_all(session, user)
    audit.record(session, "user_locked", actor=actor, user=user, school=school, reason=reason)


def unlock(session: Session, user: User, actor: User, school: School | None = None) -> None:
    """Open the account again; its failures are forgiven (a hard lock of untrusted clients
    with them), so it may try at once."""
    user.is_locked = False
    throttle.forgive(session, user.email)
    audit.record(session, "user_unlocked", actor=actor, user=user, school=school)
