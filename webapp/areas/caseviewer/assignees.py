"""Whether a case's assignee still works its case type: one moved to another team, or whose
team no longer works it, can no longer see the case, so the queue and its page say so beside
their name (as '(account locked)'), or it reads as worked while nobody sees it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Case, Team, team_members


def outside_their_teams(session: Session, cases: Iterable[Case]) -> set[int]:
    """The ids of those `cases` whose assignee is in no team that works the case's type (one
    query over the assignees' teams, whatever the number of cases)."""
    cases = [c for c in cases if c.assigned_to_id is not None]
    if not cases:
        return set()
    worked: dict[int, set[str]] = {c.assigned_to_id: set() for c in cases}
    rows = session.execute(
        select(team_members.c.user_id, Team.case_type_ids)
        .join(Team, Team.id == team_members.c.team_id)
        .where(team_members.c.user_id.in_(worked))
    )
    for user_id, case_type_ids in rows:
        worked[user_id].update(case_type_ids or ())
    return {c.id for c in cases if c.case_type_id not in worked[c.assigned_to_id]}
