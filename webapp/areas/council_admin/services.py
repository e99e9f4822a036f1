"""Council admin's work, free of HTTP: schools and their admins, council staff, teams.

Every function takes the acting user first. A council admin may act; anyone else gets NotFound,
which the views answer with 404 (never 403). `actor=None` means a trusted caller such as a
`portal` command. Accounts are created, locked and reset through webapp.domain.accounts,
which queues the user's emails and writes the audit trail; every other change is audited here,
never with a password. Each function that changes something commits it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import String, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from webapp.areas.user_admin.services import SETTING_TYPES, EmailInUse, URNInUse, urn_problem
from webapp.domain import accounts, audit
from webapp.models import Membership, School, Team, User, team_members
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page, matching

__all__ = [
    "ROLES",
    "EmailInUse",
    "NotFound",
    "Refused",
    "URNInUse",
    "add_officer",
    "add_school",
    "add_school_admin",
    "delete_team",
    "list_officers",
    "list_schools",
    "list_teams",
    "officer_for",
    "reset_officer_password",
    "save_team",
    "school_for",
    "team_for",
    "update_officer",
]

ROLES = {"officer": "Case officer", "admin": "Council admin"}
SCHOOLS = ListingSpec(("name", "urn", "setting_type", "users"), "name")
OFFICERS = ListingSpec(("email", "first_name", "last_name", "role", "locked"), "last_name")
SETTING_NAMES = {"school": "School", "early_years": "Early years setting"}


class NotFound(Exception):
    """Not a council admin, or no such school, officer or team: shown as 404."""


class Refused(Exception):
    """A change the rules do not allow. `problems` maps form field names (None: the page as a
    whole) to messages an admin can act on."""

    def __init__(
        self, message: str, field: str | None = None, problems: dict[str | None, str] | None = None
    ):
        super().__init__(message)
        self.problems = problems or {field: message}


@dataclass(frozen=True)
class SchoolRow:
    school: School
    users: int
    admins: tuple[User, ...]

    @property
    def admin_names(self) -> str:
        return ", ".join(admin.full_name for admin in self.admins)


@dataclass(frozen=True)
class OfficerRow:
    user: User
    teams: tuple[Team, ...]

    @property
    def role(self) -> str:
        return ROLES.get(self.user.council_role, self.user.council_role)


def _check(actor: User | None) -> None:
    """Only council admins (or a trusted caller, actor None) get any further."""
    if actor is not None and not actor.is_council_admin:
        raise NotFound("not a council admin")


def _get(session: Session, model, object_id: int):
    return session.get(model, object_id) if 0 < object_id < 2**31 else None  # INTEGER ids


# --- Schools ---------------------------------------------------------------------------------


def list_schools(session: Session, actor: User | None, args: ListingArgs) -> Listing[SchoolRow]:
    """Schools and settings, searched by name or URN, with their number of users and admins."""
    _check(actor)
    users = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.school_id == School.id)
        .correlate(School)
        .scalar_subquery()
    )
    query = select(School)
    if args.words:
        name = func.lower(School.name, type_=String)
        urn = args.words.upper().replace(" ", "")
        query = query.where(or_(matching(args.words, name), matching(urn, School.urn)))
    key = {
        "name": func.lower(School.name, type_=String),
        "urn": School.urn,
        "setting_type": School.setting_type,
        "users": users,
    }[args.sort]
    by_name = (func.lower(School.name), School.id)
    listing = fetch_page(session, query, args, sort=[key], tie_breaker=by_name, columns=[users])
    admins = _admins_of(session, [school.id for school, _ in listing.rows])
    return listing.with_rows(
        [
            SchoolRow(school, count, tuple(admins.get(school.id, ())))
            for school, count in listing.rows
        ]
    )


def _admins_of(session: Session, school_ids: list[int]) -> dict[int, list[User]]:
    if not school_ids:
        return {}
    admins: dict[int, list[User]] = {}
    for membership in session.scalars(
        select(Membership)
        .join(User)
        .where(Membership.school_id.in_(school_ids), Membership.is_admin.is_(True))
        .options(selectinload(Membership.user))
        .order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)
    ):
        admins.setdefault(membership.school_id, []).append(membership.user)
    return admins


def school_for(session: Session, actor: User | None, school_id: int) -> School:
    _check(actor)
    school = _get(session, School, school_id)
    if school is None:
        raise NotFound(f"school {school_id}")
    return school


def school_members(session: Session, actor: User | None, school: School) -> list[Membership]:
    """The school's users (their memberships), administrators first, then by name."""
    _check(actor)
    return list(
        session.scalars(
            select(Membership)
            .join(User)
            .where(Membership.school_id == school.id)
            .options(selectinload(Membership.user))
            .order_by(
                Membership.is_admin.desc(),
                func.lower(User.last_name),
                func.lower(User.first_name),
                User.email,
            )
        )
    )


def normalise_urn(urn: str) -> str:
    return "".join(urn.split()).upper()


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
) -> tuple[School, User, bool]:
    """A new school or setting and its first admin: a new account (emailed a username, a
    password and the link), or an existing school user who is made its admin too. The third
    value says whether the account is new."""
    _check(actor)
    urn = normalise_urn(urn)
    if setting_type not in SETTING_TYPES:
        raise Refused("Select the type of setting", "setting_type")
    problem = urn_problem(urn, setting_type)
    if problem:
        raise Refused(f"Enter a valid URN: {problem}", "urn")
    existing = session.scalar(select(School).where(School.urn == urn))
    if existing is not None:
        raise URNInUse(existing)
    school = School(name=" ".join(name.split()), urn=urn, setting_type=setting_type)
    session.add(school)
    session.flush()
    admin, created = _make_admin(
        session,
        actor,
        school,
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
    )
    audit.record(
        session,
        "school_onboarded",
        actor=actor,
        user=admin,
        school=school,
        urn=urn,
        setting_type=setting_type,
        new_account=created,
    )
    try:
        session.commit()
    except IntegrityError:  # the URN or the address was taken at the same moment elsewhere
        session.rollback()
        existing = session.scalar(select(School).where(School.urn == urn))
        if existing is not None:
            raise URNInUse(existing) from None
        raise EmailInUse(email) from None
    return school, admin, created


def add_school_admin(
    session: Session,
    actor: User | None,
    school_id: int,
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
) -> tuple[User, bool]:
    """Another admin for a school: an existing school user (of this school or another), or a
    new account that is emailed its password. The second value says whether it is new."""
    school = school_for(session, actor, school_id)
    admin, created = _make_admin(
        session,
        actor,
        school,
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise EmailInUse(email) from None
    return admin, created


def _make_admin(
    session: Session,
    actor: User | None,
    school: School,
    *,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str,
) -> tuple[User, bool]:
    existing = accounts.find_by_email(session, email)
    if existing is None:
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
    membership = next((m for m in existing.memberships if m.school_id == school.id), None)
    if membership is not None and membership.is_admin:
        raise Refused(f"{existing.full_name} is already an administrator of {school.name}", "email")
    if membership is None:
        existing.memberships.append(Membership(school=school, is_admin=True))
        audit.record(
            session, "membership_added", actor=actor, user=existing, school=school, admin=True
        )
    else:
        membership.is_admin = True
        audit.record(session, "admin_granted", actor=actor, user=existing, school=school)
    return existing, False


# --- Council staff ----------------------------------------------------------------------------


def list_officers(session: Session, actor: User | None, args: ListingArgs) -> Listing[OfficerRow]:
    """Council staff (case officers and council admins) with their teams."""
    _check(actor)
    query = select(User).where(User.council_role != "")
    if args.words:
        full_name = func.lower(User.first_name + " " + User.last_name, type_=String)
        query = query.where(matching(args.words, User.email, full_name))
    key = {
        "email": User.email,
        "first_name": func.lower(User.first_name, type_=String),
        "last_name": func.lower(User.last_name, type_=String),
        "role": User.council_role,
        "locked": case((User.is_locked.is_(True), 1), else_=0),
    }[args.sort]
    by_name = (func.lower(User.last_name), func.lower(User.first_name), User.email)
    listing = fetch_page(session, query, args, sort=[key], tie_breaker=by_name)
    teams = teams_of(session, [user.id for user in listing.rows])
    return listing.with_rows(
        [OfficerRow(user, tuple(teams.get(user.id, ()))) for user in listing.rows]
    )


def teams_of(session: Session, user_ids: Iterable[int]) -> dict[int, list[Team]]:
    """Each user's teams, by name."""
    ids = list(user_ids)
    if not ids:
        return {}
    teams: dict[int, list[Team]] = {}
    for user_id, team in session.execute(
        select(team_members.c.user_id, Team)
        .join(Team, Team.id == team_members.c.team_id)
        .where(team_members.c.user_id.in_(ids))
        .order_by(func.lower(Team.name))
    ):
        teams.setdefault(user_id, []).append(team)
    return teams


def officer_for(session: Session, actor: User | None, user_id: int) -> User:
    """A member of council staff; NotFound for anyone else (school users are not ours)."""
    _check(actor)
    user = _get(session, User, user_id)
    if user is None or not user.council_role:
        raise NotFound(f"officer {user_id}")
    return user


def _teams(session: Session, team_ids: Collection[int]) -> list[Team]:
    teams = list(session.scalars(select(Team).where(Team.id.in_(list(team_ids)))))
    if len(teams) != len(set(team_ids)):
        raise Refused("Select teams from the list", "teams")
    return teams


def add_officer(
    session: Session,
    actor: User | None,
    *,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    role: str = "officer",
    team_ids: Collection[int] = (),
) -> User:
    """A new case officer or council admin, in some teams; emailed a generated password."""
    _check(actor)
    if role not in ROLES:
        raise Refused("Select their role", "role")
    teams = _teams(session, team_ids)
    user = accounts.create_user(
        session,
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        schools={},
        actor=actor,
    )
    user.council_role = role
    audit.record(session, "user_created", actor=actor, user=user, council_role=role)
    for team in teams:
        _membership(session, actor, team, user, joined=True)
    try:
        session.commit()
    except IntegrityError:  # the same address added at the same moment elsewhere
        session.rollback()
        raise EmailInUse(email) from None
    return user


def update_officer(
    session: Session,
    actor: User | None,
    user_id: int,
    *,
    first_name: str,
    last_name: str,
    job_title: str,
    role: str,
    team_ids: Collection[int],
    locked: bool,
) -> User:
    """Save the edit form: names, role, teams and lock. Council admins cannot take away their
    own admin role or lock themselves (so there is always a council admin)."""
    user = officer_for(session, actor, user_id)
    if role not in ROLES:
        raise Refused("Select their role", "role")
    myself = actor is not None and user.id == actor.id
    if myself and role != "admin":
        raise Refused("You cannot remove your own council admin role", "role")
    if myself and locked and not user.is_locked:
        raise Refused("You cannot lock your own account", "lock_status")
    teams = _teams(session, team_ids)

    details = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "job_title": job_title.strip(),
    }
    changed = sorted(name for name, value in details.items() if getattr(user, name) != value)
    for name in changed:
        setattr(user, name, details[name])
    if changed:
        audit.record(session, "user_updated", actor=actor, user=user, fields=changed)
    if role != user.council_role:
        audit.record(
            session,
            "council_role_changed",
            actor=actor,
            user=user,
            from_role=user.council_role,
            to_role=role,
        )
        user.council_role = role
    _place_in_teams(session, actor, user, teams)
    if locked and not user.is_locked:
        accounts.lock(session, user, actor=actor, reason="locked by a council admin")
    elif not locked and user.is_locked:
        accounts.unlock(session, user, actor=actor)
    session.commit()
    return user


def _place_in_teams(session: Session, actor: User | None, user: User, teams: list[Team]) -> None:
    wanted = {team.id for team in teams}
    current = teams_of(session, [user.id]).get(user.id, [])
    for team in current:
        if team.id not in wanted:
            _membership(session, actor, team, user, joined=False)
    have = {team.id for team in current}
    for team in teams:
        if team.id not in have:
            _membership(session, actor, team, user, joined=True)


def _membership(session: Session, actor: User | None, team: Team, user: User, joined: bool) -> None:
    """Put a council user in a team (or take them out), with its audit row."""
    if joined:
        team.members.append(user)
    else:
        team.members.remove(user)
    audit.record(
        session,
        "team_member_added" if joined else "team_member_removed",
        actor=actor,
        user=user,
        team_id=team.id,
        team=team.name,
    )


def reset_officer_password(session: Session, actor: User | None, user_id: int) -> User:
    """Email the officer a new random password; the admin never sees it."""
    user = officer_for(session, actor, user_id)
    if actor is not None and user.id == actor.id:
        raise Refused("You cannot reset your own password here")
    accounts.reset_password(session, user, actor=actor)
    session.commit()
    return user


def council_staff(session: Session, actor: User | None) -> list[User]:
    """Everyone who may be put in a team, by name."""
    _check(actor)
    return list(
        session.scalars(
            select(User)
            .where(User.council_role != "")
            .order_by(func.lower(User.last_name), func.lower(User.first_name), User.email)
        )
    )


# --- Teams ------------------------------------------------------------------------------------


def list_teams(session: Session, actor: User | None) -> list[Team]:
    """Every team, by name, with its members."""
    _check(actor)
    return list(
        session.scalars(
            select(Team).options(selectinload(Team.members)).order_by(func.lower(Team.name))
        )
    )


def all_teams(session: Session, actor: User | None) -> list[Team]:
    _check(actor)
    return list(session.scalars(select(Team).order_by(func.lower(Team.name))))


def team_for(session: Session, actor: User | None, team_id: int) -> Team:
    _check(actor)
    team = _get(session, Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id}")
    return team


def save_team(
    session: Session,
    actor: User | None,
    team_id: int | None,
    *,
    name: str,
    case_type_ids: Iterable[str],
    member_ids: Collection[int],
    known_case_type_ids: Collection[str],
) -> Team:
    """Add a team (team_id None) or change one: its name, the case types it works (ids from
    the catalogue; one the team already had may stay after it left the catalogue) and its
    members (council staff only)."""
    _check(actor)
    team = Team(name="", case_type_ids=[]) if team_id is None else team_for(session, actor, team_id)
    name = " ".join(name.split())
    if not name:
        raise Refused("Enter the team's name", "name")
    taken = session.scalar(
        select(Team).where(func.lower(Team.name) == name.lower(), Team.id != (team.id or 0))
    )
    if taken is not None:
        raise Refused("A team with this name already exists", "name")
    wanted = list(dict.fromkeys(case_type_ids))
    unknown = set(wanted) - set(known_case_type_ids) - set(team.case_type_ids or [])
    if unknown:
        raise Refused("Select case types from the list", "case_types")
    members = list(
        session.scalars(select(User).where(User.id.in_(list(member_ids)), User.council_role != ""))
    )
    if len(members) != len(set(member_ids)):
        raise Refused("Select members from the list", "members")

    if team_id is None:
        team.name, team.case_type_ids = name, wanted
        session.add(team)
        session.flush()
        audit.record(
            session, "team_created", actor=actor, team_id=team.id, team=name, case_types=wanted
        )
    else:
        _record_team_changes(session, actor, team, name, wanted)
    _set_members(session, actor, team, members)
    try:
        session.commit()
    except IntegrityError:  # the name was taken at the same moment elsewhere
        session.rollback()
        raise Refused("A team with this name already exists", "name") from None
    return team


def _record_team_changes(
    session: Session, actor: User | None, team: Team, name: str, wanted: list[str]
) -> None:
    before = list(team.case_type_ids or [])
    added = [i for i in wanted if i not in before]
    removed = [i for i in before if i not in wanted]
    if name != team.name or added or removed:
        audit.record(
            session,
            "team_updated",
            actor=actor,
            team_id=team.id,
            team=name,
            **({"renamed_from": team.name} if name != team.name else {}),
            case_types_added=added,
            case_types_removed=removed,
        )
    team.name = name
    team.case_type_ids = wanted  # a new list, so the JSON column is seen to change


def _set_members(session: Session, actor: User | None, team: Team, members: list[User]) -> None:
    wanted = {user.id for user in members}
    for user in list(team.members):
        if user.id not in wanted:
            _membership(session, actor, team, user, joined=False)
    have = {user.id for user in team.members}
    for user in members:
        if user.id not in have:
            _membership(session, actor, team, user, joined=True)


def delete_team(session: Session, actor: User | None, team_id: int) -> str:
    """Delete a team (its officers keep their accounts); its name, for the message."""
    team = team_for(session, actor, team_id)
    name = team.name
    audit.record(
        session,
        "team_deleted",
        actor=actor,
        team_id=team.id,
        team=name,
        case_types=list(team.case_type_ids or []),
        member_ids=[user.id for user in team.members],
    )
    session.delete(team)
    session.commit()
    return name


def team_named(session: Session, name: str) -> Team:
    """The team with this name (any case), created working no case types if there is none."""
    team = session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
    if team is None:
        team = Team(name=name, case_type_ids=[])
        session.add(team)
        session.flush()
    return team


def add_team_case_types(
    session: Session, name: str, case_type_ids: Iterable[str]
) -> tuple[Team, bool]:
    """The team (created if missing) now also works these case types; whether it is new.
    The caller checks the ids against the catalogue. Committed."""
    created = session.scalar(select(Team).where(func.lower(Team.name) == name.lower())) is None
    team = team_named(session, name)
    team.case_type_ids = list(dict.fromkeys([*team.case_type_ids, *case_type_ids]))
    audit.record(
        session,
        "team_created" if created else "team_changed",
        team_id=team.id,
        team=team.name,
        case_types=team.case_type_ids,
    )
    session.commit()
    return team, created
