"""User admin's work, free of HTTP, and the onboarding of a school and its first admin.

Every User admin function is scoped to the schools the admin administers: an admin sees and acts
on a user only when the user belongs to at least one of those schools, and grants or takes away
only those schools. Anything else raises NotFound, which the views answer with 404 (never 403),
so user and school ids cannot be probed. What acts on the whole account — locking, unlocking,
resetting the password (which also removes the authenticator app), changing the email — needs
an admin of every one of the user's schools (or a council admin, on the Council admin pages):
otherwise an admin of one school could shut out, or take over, someone another school relies
on. Nor can anyone lock the only administrator of a school. Accounts are changed through
webapp.domain.accounts, which queues the user's emails and writes the audit trail; each
function here commits its change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import String, case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from webapp.domain import accounts, audit
from webapp.domain.accounts import EmailInUse
from webapp.infra.mail import queue_mail
from webapp.models import Membership, School, User
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page, matching

__all__ = [
    "EmailInUse",
    "LastAdmin",
    "NotFound",
    "Refused",
    "URNInUse",
    "UserRow",
    "add_user",
    "administered_schools",
    "list_users",
    "offered_schools",
    "onboard_school",
    "remove_from_school",
    "reset_user_password",
    "set_lock",
    "update_user",
    "user_for_admin",
]

USERS = ListingSpec(
    ("email", "first_name", "last_name", "job_title", "mobile", "is_admin", "locked"),
    "last_name",
    filters=("school",),  # one of the admin's schools (offered_schools)
)
SETTING_TYPES = ("school", "early_years")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
URN_PATTERNS = {"school": re.compile(r"\d{6}"), "early_years": re.compile(r"EY\d{6}|\d{6,7}")}


class NotFound(Exception):
    """A user or school the admin may not see or act on: shown as 404, as if it did not exist."""


class Refused(Exception):
    """An action the rules do not allow; the message says why, for the admin to read, and
    `field` names the form field it belongs to (None: the page as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class LastAdmin(Refused):
    """The change would leave a school without an administrator."""


class URNInUse(Exception):
    """Another school already has this URN."""

    def __init__(self, school: School):
        super().__init__(f"URN {school.urn} is already used by {school.name}")
        self.school = school


@dataclass(frozen=True)
class UserRow:
    """One line of the users list: the user, and their place in the admin's schools."""

    user: User
    schools: tuple[School, ...]  # the admin's schools the user belongs to
    admin_of: tuple[School, ...]  # those of them the user administers
    say_which: bool = False  # the admin has several schools: "Yes" names which

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


def _schools_of(session: Session, admin: User) -> dict[int, School]:
    """The admin's schools by id; NotFound when the user administers none."""
    schools = {school.id: school for school in administered_schools(session, admin)}
    if not schools:
        raise NotFound("not a school admin")
    return schools


def user_for_admin(session: Session, admin: User, user_id: int) -> User:
    """A user sharing at least one school the admin administers; NotFound otherwise."""
    schools = _schools_of(session, admin)
    user = session.get(User, user_id) if 0 < user_id < 2**31 else None  # an INTEGER column
    if user is None or not user.school_ids & schools.keys():
        raise NotFound(f"user {user_id}")
    return user


def row_for(user: User, schools: dict[int, School]) -> UserRow:
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
    )


def may_change_email(session: Session, admin: User, user: User) -> bool:
    """Only an admin of every one of the user's schools may change their email (the username):
    otherwise an admin of one school could take over an account that also opens another.
    Nor their own here: that needs the password again (SECURITY-CHECKLIST 10)."""
    return user.id != admin.id and account_refusal(session, admin, user, "") is None


def account_refusal(session: Session, admin: User, user: User, doing: str) -> str | None:
    """Why the admin may not act on the user's whole account (`doing`: "lock their account"),
    naming the schools they do not administer and whom to ask; None when they may."""
    schools = _schools_of(session, admin)
    others = sorted(
        (m.school for m in user.memberships if m.school_id not in schools),
        key=lambda school: (school.name, school.id),
    )
    if not others:
        return None
    names = " and ".join(school.name for school in others)
    return (
        f"You cannot {doing} because {user.full_name} also belongs to {names}, which you do "
        f"not administer. Ask an administrator of {names}, or a council admin, to do it."
    )


def _refuse_unless_account_is_ours(
    session: Session, admin: User, user: User, doing: str, field: str | None = None
) -> None:
    problem = account_refusal(session, admin, user, doing)
    if problem:
        raise Refused(problem, field)


def offered_schools(schools: list[School]) -> dict[str, list[str]]:
    """What the users list's school filter takes: the ids of the admin's own schools."""
    return {"school": [str(school.id) for school in schools]}


def list_users(session: Session, admin: User, args: ListingArgs) -> Listing[UserRow]:
    """The users of the admin's schools (or of one of them, filtered), searched by name or
    email, sorted by one column."""
    schools = _schools_of(session, admin)
    ids = list(schools)
    chosen = int(args.filter("school") or 0)
    shown = [chosen] if chosen in schools else ids  # USERS.read offered only the admin's own
    query = select(User).where(
        exists().where(Membership.user_id == User.id, Membership.school_id.in_(shown))
    )
    if args.words:
        full_name = func.lower(User.first_name + " " + User.last_name, type_=String)
        query = query.where(matching(args.words, User.email, full_name))
    listing = fetch_page(
        session,
        query,
        args,
        sort=[_sort_key(args.sort, shown)],
        tie_breaker=(func.lower(User.last_name), func.lower(User.first_name), User.email),
        options=[selectinload(User.memberships).selectinload(Membership.school)],
    )
    return listing.with_rows([row_for(user, schools) for user in listing.rows])


def _sort_key(sort: str, school_ids: list[int]):
    if sort == "is_admin":
        admin = exists().where(
            Membership.user_id == User.id,
            Membership.school_id.in_(school_ids),
            Membership.is_admin.is_(True),
        )
        return case((admin, 1), else_=0)
    if sort == "locked":
        return case((User.is_locked.is_(True), 1), else_=0)
    column = {
        "email": User.email,
        "first_name": User.first_name,
        "last_name": User.last_name,
        "job_title": User.job_title,
        "mobile": User.mobile,
    }[sort]
    return func.lower(column, type_=String)


def _places(schools: dict[int, School], school_ids, admin_school_ids) -> tuple[set, set]:
    """The schools asked for and those of them to administer (administering one implies
    belonging to it). All must be the admin's own: NotFound for any other."""
    wanted, admins = set(school_ids), set(admin_school_ids)
    if (wanted | admins) - schools.keys():
        raise NotFound(f"schools {sorted((wanted | admins) - schools.keys())} are not the admin's")
    wanted |= admins
    if not wanted:
        raise Refused("Select at least one school", "schools")
    return wanted, admins


def add_user(
    session: Session,
    admin: User,
    *,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str,
    mobile: str,
    school_ids,
    admin_school_ids=(),
) -> User:
    """A new user of some of the admin's schools (administering `admin_school_ids` of them);
    they are emailed a generated password."""
    schools = _schools_of(session, admin)
    wanted, admins = _places(schools, school_ids, admin_school_ids)
    try:
        user = accounts.create_user(
            session,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            mobile=mobile,
            actor=admin,
            schools={
                school: school_id in admins
                for school_id, school in schools.items()
                if school_id in wanted
            },
        )
        session.commit()
    except IntegrityError:  # the same address added at the same moment elsewhere
        session.rollback()
        raise EmailInUse(email) from None
    return user


def update_user(
    session: Session,
    admin: User,
    user_id: int,
    *,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str,
    mobile: str,
    school_ids,
    admin_school_ids=(),
    locked: bool,
) -> User:
    """Save the edit form: details, the user's place in the admin's schools, the lock.
    Memberships of schools the admin does not administer are left as they are."""
    schools = _schools_of(session, admin)
    user = user_for_admin(session, admin, user_id)
    wanted, admins = _places(schools, school_ids, admin_school_ids)
    email = accounts.normalise_email(email)
    if email != user.email:
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
    if locked and not user.is_locked and user.id == admin.id:
        raise Refused("You cannot lock your own account", "lock_status")
    if locked != user.is_locked:
        doing = "lock their account" if locked else "unlock their account"
        _refuse_unless_account_is_ours(session, admin, user, doing, "lock_status")
    current = {m.school_id: m for m in user.memberships if m.school_id in schools}
    for school_id, membership in current.items():
        if membership.is_admin and school_id not in admins:
            _keep_an_admin(
                session,
                schools[school_id],
                user,
                admin,
                field="is_admin" if school_id in wanted else "schools",
            )

    details = {
        "email": email,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "job_title": job_title,
        "mobile": mobile,
    }
    changed = sorted(name for name, value in details.items() if getattr(user, name) != value)
    if "email" in changed:
        # The old address hears of it, and sessions end: a changed address must never be a
        # quiet way into someone's account (codes and resets follow the address).
        queue_mail(
            session, "email_changed", user.email, "email_changed", user=user, new_email=email
        )
        user.session_generation += 1
    for name in changed:
        setattr(user, name, details[name])
    if changed:
        audit.record(session, "user_updated", actor=admin, user=user, fields=changed)
    _place_in_schools(session, admin, user, schools, current, wanted, admins)
    if locked != user.is_locked:
        _apply_lock(session, admin, user, locked)
    _commit(session, email)
    return user


def _place_in_schools(session, admin, user, schools, current, wanted, admins) -> None:
    """Add, remove and (de-)admin the user's memberships of the admin's schools."""
    for school_id, school in schools.items():
        membership, is_admin = current.get(school_id), school_id in admins
        if school_id in wanted and membership is None:
            user.memberships.append(Membership(school=school, is_admin=is_admin))
            audit.record(
                session, "membership_added", actor=admin, user=user, school=school, admin=is_admin
            )
        elif school_id not in wanted and membership is not None:
            user.memberships.remove(membership)
            audit.record(session, "membership_removed", actor=admin, user=user, school=school)
        elif membership is not None and membership.is_admin != is_admin:
            membership.is_admin = is_admin
            audit.record(
                session,
                "admin_granted" if is_admin else "admin_revoked",
                actor=admin,
                user=user,
                school=school,
            )


def _keep_an_admin(
    session: Session, school: School, user: User, admin: User, field: str | None = None
) -> None:
    """Refuse a change that leaves `school` with no other administrator whose account is open."""
    others = session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(User)
        .where(
            Membership.school_id == school.id,
            Membership.is_admin.is_(True),
            Membership.user_id != user.id,
            User.is_locked.is_(False),
        )
    )
    if not others:
        who = "You are" if user.id == admin.id else f"{user.full_name} is"
        raise LastAdmin(
            f"{who} the only administrator of {school.name}. Make someone else "
            f"an administrator of {school.name} first.",
            field,
        )


def _shared_school(admin: User, user: User) -> School | None:
    """A school the admin administers and the user belongs to: the audit row's school."""
    administered = {m.school_id for m in admin.memberships if m.is_admin}
    return next((m.school for m in user.memberships if m.school_id in administered), None)


def _apply_lock(session: Session, admin: User, user: User, locked: bool) -> None:
    school = _shared_school(admin, user)
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


def _commit(session: Session, email: str) -> None:
    try:
        session.commit()
    except IntegrityError:  # the address was taken at the same moment elsewhere
        session.rollback()
        raise EmailInUse(email) from None


def set_lock(session: Session, admin: User, user_id: int, locked: bool) -> User:
    """Lock (ending the user's sessions) or unlock (clearing their failures) an account."""
    user = user_for_admin(session, admin, user_id)
    if locked and user.id == admin.id:
        raise Refused("You cannot lock your own account", "lock_status")
    if locked != user.is_locked:
        doing = "lock their account" if locked else "unlock their account"
        _refuse_unless_account_is_ours(session, admin, user, doing, "lock_status")
        _apply_lock(session, admin, user, locked)
        session.commit()
    return user


def reset_user_password(session: Session, admin: User, user_id: int) -> User:
    """Email the user a new random password; the admin never sees it."""
    user = user_for_admin(session, admin, user_id)
    if user.id == admin.id:
        raise Refused("You cannot reset your own password from User admin")
    _refuse_unless_account_is_ours(session, admin, user, "reset their password")
    accounts.reset_password(session, user, actor=admin, school=_shared_school(admin, user))
    session.commit()
    return user


def removal(session: Session, admin: User, user_id: int, school_id: int) -> tuple[User, School]:
    """The user and the school for a removal: both must be the admin's to act on."""
    schools = _schools_of(session, admin)
    user = user_for_admin(session, admin, user_id)
    if school_id not in schools or school_id not in user.school_ids:
        raise NotFound(f"school {school_id} of user {user_id}")
    return user, schools[school_id]


def remove_from_school(session: Session, admin: User, user_id: int, school_id: int) -> bool:
    """Take the user out of one of the admin's schools; True when it was their last school,
    which also locks the account (an account with no school could do nothing, and no admin
    would see it any more)."""
    user, school = removal(session, admin, user_id, school_id)
    membership = next(m for m in user.memberships if m.school_id == school_id)
    last_school = len(user.memberships) == 1
    if membership.is_admin:
        _keep_an_admin(session, school, user, admin)
    if last_school and user.id == admin.id:
        raise Refused("You cannot remove yourself from your only school")
    user.memberships.remove(membership)
    audit.record(session, "membership_removed", actor=admin, user=user, school=school)
    if last_school and not user.is_locked:
        accounts.lock(session, user, actor=admin, reason="removed from their last school")
    session.commit()
    return last_school


def urn_problem(urn: str, setting_type: str) -> str | None:
    """Why `urn` is not a URN for this kind of setting, or None when it is one."""
    if URN_PATTERNS[setting_type].fullmatch(urn):
        return None
    if setting_type == "school":
        return "a school's URN is 6 digits, like 123456"
    return "an early years setting's URN is EY and 6 digits, or 6 or 7 digits, like EY123456"


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
) -> tuple[School, User]:
    """A new school and its first admin, a new account emailed a username, a password and the
    link (`portal onboard-school`; the council pages can also make an existing user admin)."""
    from webapp.areas.council_admin.services import add_school

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
    )
    return school, admin
