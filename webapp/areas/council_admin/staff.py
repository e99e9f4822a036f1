"""Council staff, free of HTTP: case officers and council admins, their roles, teams and locks.

Every function takes the acting user first: a council admin, or None for a trusted caller such
as a `portal` command; anyone else gets NotFound (webapp/areas/council_admin/scope.py).
Accounts are created, locked and reset through webapp.domain.accounts, which queues the
user's emails and writes the audit trail; every other change is audited here. Each function
that changes something commits it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import String, case, func, select
from sqlalchemy.orm import Session

from engine.describe import join_words
from webapp.areas.council_admin.scope import require_council_admin
from webapp.areas.council_admin.teams import change_memberships, set_membership, teams_of
from webapp.domain import accounts, audit
from webapp.domain.email_change import BY_COUNCIL, change_email
from webapp.domain.errors import EmailInUse, NotFound, Refused
from webapp.infra.database import by_id, transaction
from webapp.models import Case, Team, User
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page, matching

ROLES = {"officer": "Case officer", "admin": "Council admin"}
OFFICERS = ListingSpec(("email", "first_name", "last_name", "role", "locked"), "last_name")


@dataclass(frozen=True)
class OfficerRow:
    user: User
    teams: tuple[Team, ...]

    @property
    def role(self) -> str:
        return ROLES.get(self.user.council_role, self.user.council_role)


def list_officers(session: Session, actor: User | None, args: ListingArgs) -> Listing[OfficerRow]:
    """Council staff (case officers and council admins) with their teams."""
    require_council_admin(actor)
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


def officer_for(session: Session, actor: User | None, user_id: int) -> User:
    """A member of council staff; NotFound for anyone else (school users are not ours)."""
    require_council_admin(actor)
    user = by_id(session, User, user_id)
    if user is None or not user.council_role:
        raise NotFound(f"officer {user_id}")
    return user


def _already_a_user(user: User) -> EmailInUse:
    """Whose the address is, as adding a school's admin says of council staff's."""
    if user.council_role:
        return EmailInUse(user.email, f"{user.full_name} is already a member of council staff")
    if user.memberships:
        schools = join_words(sorted(m.school.name for m in user.memberships))
        return EmailInUse(
            user.email,
            f"This email address belongs to a user of {schools}. School users cannot also "
            f"be council staff",
        )
    return EmailInUse(user.email)


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
    require_council_admin(actor)
    with transaction(session, conflict=lambda: EmailInUse(email)):
        if role not in ROLES:
            raise Refused("Select their role", "role")
        teams = _teams(session, team_ids)
        existing = accounts.find_by_email(session, email)
        if existing is not None:
            raise _already_a_user(existing)
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
            set_membership(session, actor, team, user, joined=True)
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
    with transaction(session):
        user = officer_for(session, actor, user_id)
        _refuse_role_or_lock(actor, user, role, locked)
        teams = _teams(session, team_ids)
        names = {"first_name": first_name, "last_name": last_name, "job_title": job_title.strip()}
        accounts.update_details(session, actor, user, names)
        _set_role(session, actor, user, role)
        _place_in_teams(session, actor, user, teams)
        if locked and not user.is_locked:
            accounts.lock(session, user, actor=actor, reason="locked by a council admin")
        elif not locked and user.is_locked:
            accounts.unlock(session, user, actor=actor)
    return user


def _refuse_role_or_lock(actor: User | None, user: User, role: str, locked: bool) -> None:
    if role not in ROLES:
        raise Refused("Select their role", "role")
    myself = actor is not None and user.id == actor.id
    if myself and role != "admin":
        raise Refused("You cannot remove your own council admin role", "role")
    if myself and locked and not user.is_locked:
        raise Refused("You cannot lock your own account", "lock_status")


def _set_role(session: Session, actor: User | None, user: User, role: str) -> None:
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


def _place_in_teams(session: Session, actor: User | None, user: User, teams: list[Team]) -> None:
    current = teams_of(session, [user.id]).get(user.id, [])
    change_memberships(
        session, actor, [(team, user) for team in current], [(team, user) for team in teams]
    )


def reset_officer_password(session: Session, actor: User | None, user_id: int) -> User:
    """Email the officer a new random password; the admin never sees it."""
    with transaction(session):
        user = officer_for(session, actor, user_id)
        if actor is not None and user.id == actor.id:
            raise Refused("You cannot reset your own password here")
        accounts.reset_password(session, user, actor=actor)
    return user


def colleague_for(session: Session, actor: User | None, user_id: int) -> User:
    """A member of council staff other than the acting admin, whose email address they may
    change: one's own is changed by another council admin, as a school admin's is by another
    administrator (a session left open must not be a way to move the account elsewhere)."""
    user = officer_for(session, actor, user_id)
    if actor is not None and user.id == actor.id:
        raise NotFound(f"own address of officer {user_id}")
    return user


def change_officer_email(session: Session, actor: User | None, user_id: int, email: str) -> bool:
    """Give the officer a new email address (their username): the old one is told, their
    sessions end, codes and reset links already sent there stop working; False when it is
    their address already (nothing changed, nobody told)."""
    with transaction(session, conflict=lambda: EmailInUse(email)):
        user = colleague_for(session, actor, user_id)
        return change_email(session, actor, user, email, by=BY_COUNCIL)


def cases_out_of_sight(session: Session, user: User) -> int:
    """How many active cases are assigned to the officer of case types their teams do not
    work: they can no longer see them (the queue says so beside their name)."""
    worked = {
        t for team in teams_of(session, [user.id]).get(user.id, []) for t in team.case_type_ids
    }
    return session.scalar(
        select(func.count())
        .select_from(Case)
        .where(
            Case.assigned_to_id == user.id,
            Case.status == "Active",
            Case.case_type_id.not_in(worked),
        )
    )


def council_staff(session: Session, actor: User | None) -> list[User]:
    """Everyone who may be put in a team, by name."""
    require_council_admin(actor)
    return list(
        session.scalars(
            select(User)
            .where(User.council_role != "")
            .order_by(func.lower(User.last_name), func.lower(User.first_name), User.email)
        )
    )
