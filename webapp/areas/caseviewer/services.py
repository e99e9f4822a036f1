"""The work behind caseviewer, free of HTTP: the queue, one case, moving it on, and the export.

Officers see only submitted cases of the case types their teams work. Anything else — a draft,
a draft the school abandoned, another team's case type — is NotFound, answered 404 (never
403) so that references cannot be probed (SECURITY-CHECKLIST 19).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, literal, select, union_all
from sqlalchemy.orm import Session, aliased, defer, selectinload
from sqlalchemy.orm.exc import StaleDataError

from engine import CaseType
from engine.model import Transition
from webapp.domain import audit, case_lists, case_type_names, workflow
from webapp.domain.case_lists import CASE_SORTS, filtered_by, with_reference_holding
from webapp.domain.errors import NotFound, Refused
from webapp.infra.clock import UK
from webapp.infra.database import transaction
from webapp.models import Case, School, Team, User, team_members
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page
from webapp.web.partitions import Partition

STATUSES = ("Active", "Completed", "Abandoned")
ASSIGNED = ("anyone", "me", "nobody")


class MovedOn(Exception):
    """The case changed (another officer, the school) since the page was opened."""


# ---- finding cases ----


def worked_by(session: Session, officer: User) -> set[str]:
    """The case type ids the officer may see (none unless they are council staff): the one
    way the queue, a case's page and the export decide it (case_types_of officer_teams)."""
    return case_types_of(officer_teams(session, officer, with_members=False))


def case_for_officer(session: Session, officer: User, reference: str) -> Case:
    """The submitted case with this reference, if the officer's teams work its case type."""
    case = session.scalar(select(Case).where(Case.reference == reference))
    if (
        case is None
        or case.submitted_at is None
        or case.case_type_id not in worked_by(session, officer)
    ):
        raise NotFound(reference)
    return case


def record_view(session: Session, officer: User, case: Case) -> None:
    """Audit that the officer opened the case (who, which case; never its content)."""
    with transaction(session):
        audit.record_case(session, "case_viewed", officer, case)


def team_colleagues(officer: User, teams: Sequence[Team]) -> list[User]:
    """The other members of the officer's teams (officer_teams), by name (the queue's
    "Assigned to")."""
    people = {m.id: m for team in teams for m in team.members}
    people.pop(officer.id, None)
    return sorted(people.values(), key=lambda person: (person.full_name.lower(), person.id))


def case_types_of(teams: Sequence[Team]) -> set[str]:
    """The case type ids these teams (officer_teams) work."""
    return {case_type_id for team in teams for case_type_id in team.case_type_ids}


def officer_teams(session: Session, officer: User, with_members: bool = True) -> list[Team]:
    """The officer's teams, by name, with their members (read together: the queue's cost
    does not grow with the council's other teams), none unless they are council staff. The
    queue reads them once and works out the rest from them."""
    if not officer.is_officer:
        return []
    query = select(Team).join(team_members).where(team_members.c.user_id == officer.id)
    if with_members:
        query = query.options(selectinload(Team.members))
    return list(session.scalars(query.order_by(Team.name)))


# ---- the queue ----

_SCHOOL = aliased(School)
SORTS = {
    **CASE_SORTS,
    "school": (_SCHOOL.name,),
    # The assignee's name as copied onto the case (Case.assign): read by an index of cases.
    "assigned": (Case.assignee_last_name, Case.assignee_first_name),
}
# Unassigned cases last, whichever the order (Next and Previous go from one run to the other).
# The search text is all or part of a reference, as a school reads it out on the phone.
QUEUE = ListingSpec(
    tuple(SORTS),
    "submitted",
    descending=True,
    search_param="reference",
    search_max=40,
    nulls_last=("assigned",),
)


@dataclass(frozen=True)
class QueueSearch:
    """The queue's filters. Dates are UK calendar days."""

    case_type: str = ""
    school: int | None = None
    activity: str = ""
    status: str = ""
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    assigned: str = "anyone"  # anyone, me, nobody, or a colleague's user id

    @property
    def filtered(self) -> bool:
        return any(value for value in self.params.values())

    @property
    def params(self) -> dict:
        """The filters that are set, as a query string (for the queue's links)."""
        dates = {"submitted_from": self.submitted_from, "submitted_to": self.submitted_to}
        return {
            "case_type": self.case_type,
            "school": self.school,
            "activity": self.activity,
            "status": self.status,
            **{name: day.isoformat() for name, day in dates.items() if day},
            "assigned": self.assigned if self.assigned != "anyone" else None,
        }


def _start_of_uk_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=UK).astimezone(dt.UTC)


def queue(
    session: Session,
    officer: User,
    teams: Sequence[Team],
    search: QueueSearch,
    args: ListingArgs,
) -> Listing[Case]:
    """The submitted cases of the case types the officer's teams (officer_teams) work that
    match, one page of them."""
    worked = case_types_of(teams)
    if search.case_type:  # one of them, or none
        worked &= {search.case_type}
    held = [Case.activity_label == search.activity] if search.activity else []
    held += [Case.school_id == search.school] if search.school is not None else []
    if held:  # an activity is its workflows', a school raises the types its setting may
        worked = with_cases(session, worked, *held)
    sort = _sort_of(args.sort, search)
    query = select(Case).where(Case.submitted_at.is_not(None))
    if sort and args.sort == "school":  # only then: a join keeps the other sorts from their index
        query = query.join(_SCHOOL, Case.school_id == _SCHOOL.id)
    query = _filtered(query, officer, search)
    query = with_reference_holding(query, args.search)
    newest = Case.id.desc() if args.descending else Case.id.asc()
    # At one activity, a case type's cases lie in status order in the index of its statuses'
    # activities (case type, status, activity, id): read a case type at a time, as BY_CASE_TYPE.
    by_type = args.sort in BY_CASE_TYPE or (args.sort == "status" and bool(search.activity))
    partition = Partition(Case.case_type_id, worked) if by_type else None
    if args.sort == "case_type":  # each type's cases under its one name, by id (if they are)
        partition = case_type_names.by_one_name(session, worked) or partition
    listing = fetch_page(
        session,
        query if by_type else query.where(Case.case_type_id.in_(sorted(worked))),
        args,
        sort=sort,
        tie_breaker=[newest],
        keyset=Case.id,
        # A query per case type, merged (web/partitions.py): no loader options there.
        options=() if by_type else [defer(column) for column in UNSHOWN],
        partition=partition,
        found=case_lists.found_by_reference(args.search),
    )
    _load_schools_and_assignees(session, listing.rows)
    return listing


def _sort_of(sort: str, search: QueueSearch) -> tuple:
    """The columns of the sort asked for; none (the tie-breaker alone: newest or oldest sent
    first) when a filter holds them to one value. One assignee's cases (nobody's too) all sort
    alike by assignee, one school's by school: sorted so, they were read through the sort's
    index, passing over every other assignee's or school's cases (350,000 rows, 1.3 s, for
    nobody's at 1M cases; 31,000 for the biggest school)."""
    fixed = {"assigned": search.assigned != "anyone", "school": search.school is not None}
    return () if fixed.get(sort) else SORTS[sort]


def with_cases(session: Session, case_types: set[str], *held) -> set[str]:
    """Those of `case_types` with a sent case that meets the `held` conditions (at an
    activity, of a school), each found by one probe of an index. The queue read by reference
    or case type reads a case type at a time, and so read every case of each type with none
    to find none: 344,000 rows (2-3 s) at 1M cases for an activity of one of six types; for
    a nursery, whose setting raises one of them, every case of the nursery (14,000-16,000 rows
    -> 600-2,000)."""
    probes = [
        select(literal(case_type_id)).where(
            exists().where(Case.case_type_id == case_type_id, Case.submitted_at.is_not(None), *held)
        )
        for case_type_id in sorted(case_types)
    ]
    return set(session.scalars(union_all(*probes))) if probes else set()


# Sorts whose order follows the case type (a reference starts with its case type's code, an
# activity is its workflow's): in one index of every type's cases, the page of an officer who
# works a few types lies beyond the other types' cases, which PostgreSQL stepped over (3 s at
# 1M cases). Each case type's cases are read through its own run of an index (case type, sort
# columns), and merged.
BY_CASE_TYPE = ("reference", "case_type", "activity")
UNSHOWN = (Case.answers, Case.raw_input, Case.page_versions)  # not read for the queue


def _load_schools_and_assignees(session: Session, cases: Sequence[Case]) -> None:
    """Read the page's schools and assignees in a query each (then `case.school` and
    `case.assigned_to` come from the session, not a query per case)."""
    schools = {case.school_id for case in cases}
    people = {case.assigned_to_id for case in cases} - {None}
    if schools:
        session.scalars(select(School).where(School.id.in_(schools))).all()
    if people:
        session.scalars(select(User).where(User.id.in_(people))).all()


def _filtered(query, officer: User, search: QueueSearch):
    query = filtered_by(
        query,
        (Case.case_type_id, search.case_type),
        (Case.school_id, search.school),
        (Case.activity_label, search.activity),
        (Case.status, search.status),
    )
    if search.submitted_from:
        query = query.where(Case.submitted_at >= _start_of_uk_day(search.submitted_from))
    if search.submitted_to and search.submitted_to < dt.date.max:  # no day after the last
        query = query.where(
            Case.submitted_at < _start_of_uk_day(search.submitted_to + dt.timedelta(days=1))
        )
    if search.assigned == "me":
        query = query.where(Case.assigned_to_id == officer.id)
    elif search.assigned == "nobody":
        query = query.where(Case.assigned_to_id.is_(None))
    elif search.assigned.isdigit():  # a colleague (QueueFilterForm.search: only theirs)
        query = query.where(Case.assigned_to_id == int(search.assigned))
    return query


@dataclass(frozen=True)
class QueueOptions:
    """What the queue's filters offer: the officer's case types, schools and activities."""

    case_types: list[tuple[str, str]]  # (id, name)
    schools: list[tuple[int, str]]  # (id, name)
    activities: list[str]


def queue_options(
    session: Session, teams: Sequence[Team], case_types: Mapping[str, CaseType]
) -> QueueOptions:
    """Filter choices, none read from the cases (the same cost at any number of them): the
    case types the teams (officer_teams) work (named by the catalogue, `case_types`), the
    schools and settings that may raise them, and the activities of those case types'
    workflows."""
    worked = sorted(case_types_of(teams))
    known = [case_types[i] for i in worked if i in case_types]
    names = {case_type.id: case_type.name for case_type in known}
    choices = sorted(((i, names.get(i, i)) for i in worked), key=lambda pair: pair[1].lower())
    settings = sorted({setting for case_type in known for setting in case_type.raised_by})
    schools = session.execute(
        select(School.id, School.name)
        .where(School.setting_type.in_(settings))
        .order_by(School.name, School.id)
    )
    labels = {a.label for c in known for a in c.workflow.activities.values()}
    return QueueOptions(choices, [tuple(s) for s in schools], sorted(labels, key=str.lower))


# ---- one case ----


def officer_transitions(case_type: CaseType, case: Case) -> list[Transition]:
    """What an officer may do with the case from its current activity."""
    return workflow.allowed_transitions(case_type, case, "officer")


def move_case(
    session: Session,
    case: Case,
    case_type: CaseType,
    officer: User,
    action: str,
    seen_activity: str,
    note: str = "",
    seen_moment: str = "",
) -> Transition:
    """Take an officer's transition and commit it.

    In this order: MovedOn when the case is no longer where the officer saw it (its activity,
    or `seen_moment`, workflow.sent_moment, when the page gives it); NotAllowed when
    this officer may not take `action` from the case's activity; Refused, on the transition's
    "note", when the note is missing (a required one) or too long. So a note too long for a
    case moved on meanwhile is told as the case moved on, and kept by the page as such.
    """
    try:
        with transaction(session):
            moved = seen_moment and seen_moment != workflow.sent_moment(case)
            if seen_activity != case.activity or moved:
                raise MovedOn(case.reference)
            return workflow.take_transition(
                session, case, case_type, action, officer, "officer", note
            )
    except StaleDataError:
        raise MovedOn(case.reference) from None
    except workflow.NoteRequired:
        raise Refused(NOTE_REQUIRED, "note") from None
    except workflow.NoteTooLong:
        raise Refused(NOTE_TOO_LONG, "note") from None


NOTE_REQUIRED = "Enter a note for the school"
NOTE_TOO_LONG = f"Note must be {workflow.NOTE_MAX:,} characters or fewer"


def add_internal_note(
    session: Session, case: Case, officer: User, note: str, seen: str = ""
) -> None:
    """An internal note on the timeline, never shown to the school (workflow.add_note)."""
    with transaction(session):
        workflow.add_note(session, case, officer, note, seen)


def colleagues(session: Session, officer: User, case: Case) -> list[User]:
    """The other officers who work the case's type (open accounts), by name: whom the
    officer may give the case to."""
    people = workflow.officers_for(session, case.case_type_id)
    others = [person for person in people if person.id != officer.id]
    return sorted(others, key=lambda person: (person.full_name.lower(), person.id))


NOT_ON_OFFER = (
    "The colleague you chose cannot be given this case now (their account is locked, or they "
    "no longer work this case type). Choose someone else"
)


def assign_case(
    session: Session, case: Case, officer: User, to: str, seen_assignee: str
) -> User | None:
    """Assign the case to "me" (the officer), "nobody" or a colleague (their id): to whom it
    went (None: nobody).

    As move_case: MovedOn when the case is no longer assigned as the officer saw it
    (`seen_assignee`, the assignee's id as the page showed it, "" for nobody), so that a page
    opened before a colleague took the case never takes it from them; then Refused, on the
    colleagues' list, when that colleague cannot be given it, checked in the transaction that
    assigns it with their account's row held, so that a colleague locked meanwhile is never
    given a case (nor emailed about it)."""
    try:
        with transaction(session):
            if seen_assignee != str(case.assigned_to_id or ""):
                raise MovedOn(case.reference)
            assignee = _assignee(session, officer, case, to)
            workflow.assign(session, case, assignee, officer)
    except StaleDataError:
        raise MovedOn(case.reference) from None
    return assignee


def _assignee(session: Session, officer: User, case: Case, to: str) -> User | None:
    if to in ("me", "nobody"):
        return officer if to == "me" else None
    user_id = int(to) if to.isdigit() and int(to) < 2**31 else None
    if user_id is not None:  # held until the assignment is committed (a lock waits for it)
        session.execute(
            select(User)
            .where(User.id == user_id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
    chosen = next((c for c in colleagues(session, officer, case) if c.id == user_id), None)
    if chosen is None:
        raise Refused(NOT_ON_OFFER, "assign-to")
    return chosen


def record_download(session: Session, officer: User, case: Case, attachment_id: str) -> None:
    """Audit that the officer downloaded one of the case's files."""
    with transaction(session):
        audit.record_case(session, "case_file_downloaded", officer, case, attachment=attachment_id)
