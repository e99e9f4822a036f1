"""Council teams, free of HTTP: which case types each works, and which council staff are in it.

Every page-facing function takes the acting user first: a council admin, or None for a trusted
caller such as a `portal` command; anyone else gets NotFound
(webapp/areas/council_admin/scope.py). Every change is audited, and committed by the function
that makes it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from webapp.areas.council_admin.scope import found, require_council_admin
from webapp.domain import audit
from webapp.domain.errors import Refused
from webapp.infra.database import transaction
from webapp.models import Team, User, team_members


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


def set_membership(
    session: Session, actor: User | None, team: Team, user: User, joined: bool
) -> None:
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


def list_teams(session: Session, actor: User | None) -> list[Team]:
    """Every team, by name, with its members."""
    require_council_admin(actor)
    return list(
        session.scalars(
            select(Team).options(selectinload(Team.members)).order_by(func.lower(Team.name))
        )
    )


def unworked(teams: list[Team], case_types: dict) -> list[str]:
    """The names of the catalogue's case types (`case_types`, id -> CaseType) that no team with
    an open account among its members works: nobody sees their cases, nor is emailed of one."""
    worked = {
        case_type_id
        for team in teams
        if any(not member.is_locked for member in team.members)
        for case_type_id in team.case_type_ids
    }
    names = (case_type.name for key, case_type in case_types.items() if key not in worked)
    return sorted(names, key=str.lower)


def all_teams(session: Session, actor: User | None) -> list[Team]:
    require_council_admin(actor)
    return list(session.scalars(select(Team).order_by(func.lower(Team.name))))


def team_for(session: Session, actor: User | None, team_id: int) -> Team:
    """A team, for a council admin; NotFound if there is none."""
    return found(session, actor, Team, team_id)


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
    require_council_admin(actor)
    name_taken = Refused("A team with this name already exists", "name")
    with transaction(session, conflict=lambda: name_taken):
        team = (
            Team(name="", case_type_ids=[])
            if team_id is None
            else team_for(session, actor, team_id)
        )
        name = " ".join(name.split())
        wanted = list(dict.fromkeys(case_type_ids))
        _check_team(session, team, name, wanted, known_case_type_ids)
        members = list(
            session.scalars(
                select(User).where(User.id.in_(list(member_ids)), User.council_role != "")
            )
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
    return team


def _check_team(
    session: Session, team: Team, name: str, wanted: list[str], known: Collection[str]
) -> None:
    """A name no other team has (in any case), and case types from the catalogue (or kept)."""
    if not name:
        raise Refused("Enter the team's name", "name")
    taken = session.scalar(
        select(Team).where(func.lower(Team.name) == name.lower(), Team.id != (team.id or 0))
    )
    if taken is not None:
        raise Refused("A team with this name already exists", "name")
    if set(wanted) - set(known) - set(team.case_type_ids or []):
        raise Refused("Select case types from the list", "case_types")


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
    current = [(team, user) for user in team.members]
    change_memberships(session, actor, current, [(team, user) for user in members])


def change_memberships(
    session: Session,
    actor: User | None,
    current: list[tuple[Team, User]],
    wanted: list[tuple[Team, User]],
) -> None:
    """From the (team, member) pairs there are to those wanted: those not wanted are taken
    out, then those missing put in, each with its audit row."""

    def ids(pairs):
        return {(team.id, user.id) for team, user in pairs}

    keep, have = ids(wanted), ids(current)
    for team, user in current:
        if (team.id, user.id) not in keep:
            set_membership(session, actor, team, user, joined=False)
    for team, user in wanted:
        if (team.id, user.id) not in have:
            set_membership(session, actor, team, user, joined=True)


def delete_team(session: Session, actor: User | None, team_id: int) -> str:
    """Delete a team (its officers keep their accounts); its name, for the message."""
    with transaction(session):
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
    with transaction(session):
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
    return team, created
