"""User admin's work, free of HTTP: listing, adding and editing the users of the admin's
schools, locking them, resetting their passwords, removing them from a school.

Every function is scoped to the schools the admin administers (webapp/areas/user_admin/scope.py
says whom an admin may see and what needs an admin of every one of a user's schools). Accounts
are changed through webapp.domain.accounts, which queues the user's emails and writes the audit
trail; each function here commits its change, or none of it.
"""

from __future__ import annotations

from sqlalchemy import String, case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from webapp.areas.user_admin.scope import (
    UserRow,
    account_refusal,
    administered_schools,
    apply_lock,
    details_to_save,
    keep_an_admin,
    may_change_email,
    only_admin,
    refuse_email_change,
    refuse_lock_change,
    refuse_unless_account_is_ours,
    row_for,
    schools_of,
    shared_school,
    user_for_admin,
)
from webapp.domain import accounts, audit, throttle
from webapp.domain.email_change import tell_old_address
from webapp.domain.errors import EmailInUse, LastAdmin, NotFound, Refused
from webapp.domain.schools import refuse_to_add, tell_new_admin
from webapp.infra.database import transaction
from webapp.infra.mail import queue_mail
from webapp.models import Membership, School, User
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page, matching

__all__ = [
    "USERS",
    "EmailInUse",
    "LastAdmin",
    "NotFound",
    "Refused",
    "UserRow",
    "account_refusal",
    "add_user",
    "administered_schools",
    "list_users",
    "may_change_email",
    "offered_schools",
    "remove_from_school",
    "removal",
    "removal_refusal",
    "reset_user_password",
    "row_for",
    "set_lock",
    "update_user",
    "user_for_admin",
]

USERS = ListingSpec(
    ("email", "first_name", "last_name", "job_title", "mobile", "is_admin", "locked"),
    "last_name",
    filters=("school",),  # one of the admin's schools (offered_schools)
)


def offered_schools(schools: list[School]) -> dict[str, list[str]]:
    """What the users list's school filter takes: the ids of the admin's own schools."""
    return {"school": [str(school.id) for school in schools]}


def list_users(session: Session, admin: User, args: ListingArgs) -> Listing[UserRow]:
    """The users of the admin's schools (or of one of them, filtered), searched by name or
    email, sorted by one column."""
    schools = schools_of(session, admin)
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
    locked = throttle.hard_locked_among(session, [user.email for user in listing.rows])
    return listing.with_rows([row_for(u, schools, u.email in locked) for u in listing.rows])


def user_row(session: Session, user: User, schools: list[School]) -> UserRow:
    """The user's line for their Edit user page: their place in the admin's `schools`, and
    whether browsers they have not signed in on are locked out."""
    by_id = {school.id: school for school in schools}
    return row_for(user, by_id, throttle.hard_locked(session, user.email))


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
) -> tuple[User, bool]:
    """A user of some of the admin's schools (administering `admin_school_ids` of them), and
    whether their account is new. Someone new is emailed a generated password; so is someone
    removed from their last school (their account locked by that removal only, in no school's
    list), added again with the details given. A user of other schools keeps their account,
    details and password, and is emailed that they now have these schools too."""
    with transaction(session, conflict=lambda: EmailInUse(email)):
        schools = schools_of(session, admin)
        wanted, admins = _places(schools, school_ids, admin_school_ids)
        places = {
            school: school_id in admins
            for school_id, school in schools.items()
            if school_id in wanted
        }
        details = {
            "first_name": first_name,
            "last_name": last_name,
            "job_title": job_title,
            "mobile": mobile,
        }
        existing = accounts.held_account(session, email)
        if existing is not None and accounts.without_a_place(session, existing):
            user = accounts.add_again(session, existing, schools=places, actor=admin, **details)
            return user, True
        if existing is not None:
            _refuse_to_add(existing, schools)
            return _add_to_schools(session, admin, existing, places), False
        user = accounts.create_user(session, email=email, actor=admin, schools=places, **details)
        return user, True


def _refuse_to_add(user: User, schools: dict[int, School]) -> None:
    """Why an address with an account is not added: already in the admin's list (named with
    the school), council staff, or a locked account (not named, nor said to be locked)."""
    shared = [school for school_id, school in schools.items() if school_id in user.school_ids]
    if shared:
        raise EmailInUse(user.email, f"{user.full_name} is already a user of {shared[0].name}")
    if user.is_locked:  # by the council, or another school's admin: neither who they are nor
        # that their account is locked (a suspension, say) is told to an admin typing an address
        raise EmailInUse(user.email, CANNOT_ADD)
    refuse_to_add(user)


CANNOT_ADD = (
    "This email address has an account that cannot be added to your school now. Ask the "
    "council about it"
)


def _add_to_schools(session: Session, admin: User, user: User, places: dict) -> User:
    """A user of other schools made a user of these too (`places`: school -> administers it);
    they are told by email, as nothing else would tell them."""
    for school, is_admin in places.items():
        user.memberships.append(Membership(school=school, is_admin=is_admin))
        audit.record(
            session, "membership_added", actor=admin, user=user, school=school, admin=is_admin
        )
    queue_mail(
        session,
        "added_to_school",
        user.email,
        "added_to_school",
        user=user,
        places=places,
        actor=admin,
    )
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
    Memberships of schools the admin does not administer are left as they are; whoever is
    made an administrator of a school is emailed so (as by the council)."""
    email = accounts.normalise_email(email)
    with transaction(session, conflict=lambda: EmailInUse(email)):
        schools = schools_of(session, admin)
        user = user_for_admin(session, admin, user_id)
        wanted, admins = _places(schools, school_ids, admin_school_ids)
        details = {"first_name": first_name, "last_name": last_name}
        details |= {"job_title": job_title, "mobile": mobile}
        refuse_email_change(session, admin, user, email)
        details = details_to_save(session, admin, user, details)
        refuse_lock_change(session, admin, user, locked)
        if locked and not user.is_locked:  # apply_lock will count every school they will run
            accounts.take_turns_at(session, accounts.administered_ids(user) | admins)
        current = {m.school_id: m for m in user.memberships if m.school_id in schools}
        for school_id, membership in sorted(current.items()):  # other_open_admins' order
            if membership.is_admin and school_id not in admins:
                field = "is_admin" if school_id in wanted else "schools"
                keep_an_admin(session, schools[school_id], user, admin, field=field)
        if email != user.email:
            tell_old_address(session, user, email, by="Your school administrator")
        accounts.update_details(session, admin, user, {"email": email, **details})
        _place_in_schools(session, admin, user, schools, current, wanted, admins)
        if locked != user.is_locked:
            apply_lock(session, admin, user, locked)
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
            if is_admin:
                tell_new_admin(session, user, school)
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
            if is_admin:
                tell_new_admin(session, user, school)


def set_lock(session: Session, admin: User, user_id: int, locked: bool) -> User:
    """Lock (ending the user's sessions) or unlock (clearing their failures) an account."""
    with transaction(session):
        user = user_for_admin(session, admin, user_id)
        if locked and user.id == admin.id:
            raise Refused("You cannot lock your own account", "lock_status")
        if locked != user.is_locked:
            doing = "lock their account" if locked else "unlock their account"
            refuse_unless_account_is_ours(session, admin, user, doing, "lock_status")
            apply_lock(session, admin, user, locked)
    return user


def reset_user_password(session: Session, admin: User, user_id: int) -> User:
    """Email the user a new random password; the admin never sees it."""
    with transaction(session):
        user = user_for_admin(session, admin, user_id)
        if user.id == admin.id:
            raise Refused("You cannot reset your own password from User admin")
        refuse_unless_account_is_ours(session, admin, user, "reset their password")
        accounts.reset_password(session, user, actor=admin, school=shared_school(admin, user))
    return user


def removal(session: Session, admin: User, user_id: int, school_id: int) -> tuple[User, School]:
    """The user and the school for a removal: both must be the admin's to act on."""
    schools = schools_of(session, admin)
    user = user_for_admin(session, admin, user_id)
    if school_id not in schools or school_id not in user.school_ids:
        raise NotFound(f"school {school_id} of user {user_id}")
    return user, schools[school_id]


def removal_refusal(session: Session, admin: User, user: User, school: School) -> str | None:
    """Why remove_from_school would refuse this removal as things stand (None when it would
    not): for its page to say so before anything is pressed. It changes nothing and holds no
    row; remove_from_school checks again, in turn."""
    membership = next((m for m in user.memberships if m.school_id == school.id), None)
    if membership is None:
        return None
    if membership.is_admin and not accounts.other_open_admins(
        session, school.id, user, take_turn=False
    ):
        return only_admin(school, user, admin)
    if len(user.memberships) == 1 and user.id == admin.id:
        return ONLY_SCHOOL
    return None


ONLY_SCHOOL = (
    "You cannot remove yourself from your only school: when you leave, another "
    "administrator of it removes you"
)


def remove_from_school(session: Session, admin: User, user_id: int, school_id: int) -> bool:
    """Take the user out of one of the admin's schools; True when it was their last school,
    which also locks the account (an account with no school could do nothing, and no admin
    would see it any more)."""
    with transaction(session):
        user, school = removal(session, admin, user_id, school_id)
        # The school's row, then the account's (the order an edit takes them in): two admins
        # removing someone from their two last schools at the same moment each counted two
        # schools, and left an open account in none, which no admin sees any more.
        accounts.take_turns_at(session, [school_id])
        accounts.hold(session, user)
        membership = next((m for m in user.memberships if m.school_id == school_id), None)
        if membership is None:
            raise NotFound(f"school {school_id} of user {user_id}")  # removed meanwhile
        last_school = len(user.memberships) == 1
        if membership.is_admin:
            keep_an_admin(session, school, user, admin)
        if last_school and user.id == admin.id:
            raise Refused(ONLY_SCHOOL)
        user.memberships.remove(membership)
        audit.record(session, "membership_removed", actor=admin, user=user, school=school)
        if last_school and not user.is_locked:
            accounts.lock(session, user, actor=admin, reason=accounts.REMOVED_FROM_LAST_SCHOOL)
    return last_school
