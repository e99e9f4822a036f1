"""The work behind caseviewer, free of HTTP: the queue, one case, moving it on, and the export.

Officers see only submitted cases of the case types their teams work. Anything else — a draft,
a draft the school abandoned, another team's case type — is NotFound, answered 404 (never
403) so that references cannot be probed (SECURITY-CHECKLIST 19).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, defer, selectinload
from sqlalchemy.orm.exc import StaleDataError

from engine import CaseType
from engine.expressions import LIST
from engine.model import Field, Transition
from webapp.domain import audit, workflow
from webapp.domain.errors import NotFound
from webapp.infra import clock
from webapp.models import Case, School, Team, User
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page

UK = ZoneInfo("Europe/London")
STATUSES = ("Active", "Completed", "Abandoned")
ASSIGNED = ("anyone", "me", "nobody")


class MovedOn(Exception):
    """The case changed (another officer, the school) since the page was opened."""


# ---- finding cases ----


def _worked_by(session: Session, officer: User) -> set[str]:
    """The case type ids the officer may see (none unless they are council staff)."""
    if not officer.is_officer:
        return set()
    return workflow.officer_case_type_ids(session, officer)


def sent(case: Case) -> dict:
    """The answers as the school last sent them (not its changes in progress)."""
    return case.sent_answers if case.sent_answers is not None else case.answers


def case_for_officer(session: Session, officer: User, reference: str) -> Case:
    """The submitted case with this reference, if the officer's teams work its case type."""
    case = session.scalar(select(Case).where(Case.reference == reference))
    if (
        case is None
        or case.submitted_at is None
        or case.case_type_id not in _worked_by(session, officer)
    ):
        raise NotFound(reference)
    return case


def record_view(session: Session, officer: User, case: Case) -> None:
    """Audit that the officer opened the case (who, which case; never its content)."""
    audit.record(
        session, "case_viewed", actor=officer, school=case.school, reference=case.reference
    )
    session.commit()


def officer_teams(session: Session, officer: User) -> list[Team]:
    """The officer's teams, by name."""
    return [
        team
        for team in session.scalars(select(Team).order_by(Team.name))
        if any(member.id == officer.id for member in team.members)
    ]


# ---- the queue ----

_SCHOOL = aliased(School)
_ASSIGNEE = aliased(User)
SORTS = {
    "reference": (func.length(Case.reference), Case.reference),  # PTT9999 before PTT10000
    "case_type": (Case.case_type_name,),
    "school": (_SCHOOL.name,),
    "submitted": (Case.submitted_at,),
    "activity": (Case.activity_label,),
    "status": (Case.status,),
    "assigned": (_ASSIGNEE.last_name, _ASSIGNEE.first_name),
}
# Unassigned cases last, whichever the order.
QUEUE = ListingSpec(
    tuple(SORTS), "submitted", descending=True, search_param=None, nulls_last=("assigned",)
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
    assigned: str = "anyone"  # anyone, me, nobody

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


def queue(session: Session, officer: User, search: QueueSearch, args: ListingArgs) -> Listing[Case]:
    """The submitted cases of the officer's teams' case types that match, one page of them."""
    query = (
        select(Case)
        .join(_SCHOOL, Case.school_id == _SCHOOL.id)
        .outerjoin(_ASSIGNEE, Case.assigned_to_id == _ASSIGNEE.id)
        .where(
            Case.case_type_id.in_(sorted(_worked_by(session, officer))),
            Case.submitted_at.is_not(None),
        )
    )
    query = _filtered(query, officer, search)
    newest = Case.id.desc() if args.descending else Case.id.asc()
    return fetch_page(
        session,
        query,
        args,
        sort=SORTS[args.sort],
        tie_breaker=[newest],
        options=(
            selectinload(Case.school),
            selectinload(Case.assigned_to),
            defer(Case.answers),
            defer(Case.raw_input),
            defer(Case.page_versions),
        ),
    )


def _filtered(query, officer: User, search: QueueSearch):
    if search.case_type:
        query = query.where(Case.case_type_id == search.case_type)
    if search.school:
        query = query.where(Case.school_id == search.school)
    if search.activity:
        query = query.where(Case.activity_label == search.activity)
    if search.status:
        query = query.where(Case.status == search.status)
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
    return query


@dataclass(frozen=True)
class QueueOptions:
    """What the queue's filters offer: the officer's case types, schools and activities."""

    case_types: list[tuple[str, str]]  # (id, name)
    schools: list[tuple[int, str]]  # (id, name)
    activities: list[str]


def queue_options(session: Session, officer: User, names: dict[str, str]) -> QueueOptions:
    """Filter choices: case types the teams work (`names`: id -> current name), and the
    schools and activities found among their submitted cases."""
    worked = sorted(_worked_by(session, officer))
    ours = (Case.case_type_id.in_(worked), Case.submitted_at.is_not(None))
    stored = dict(
        session.execute(
            select(Case.case_type_id, Case.case_type_name).where(*ours).distinct()
        ).all()
    )
    case_types = sorted(
        ((i, names.get(i) or stored.get(i) or i) for i in worked), key=lambda pair: pair[1].lower()
    )
    schools = session.execute(
        select(School.id, School.name)
        .join(Case, Case.school_id == School.id)
        .where(*ours)
        .distinct()
        .order_by(School.name)
    ).all()
    activities = session.scalars(
        select(Case.activity_label).where(*ours).distinct().order_by(Case.activity_label)
    ).all()
    return QueueOptions(case_types, [tuple(s) for s in schools], list(activities))


# ---- one case ----


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline as an officer reads it."""

    title: str
    actor: str  # who did it; "" when the system did
    at: dt.datetime
    note: str = ""
    now_at: str = ""  # the activity the case moved to
    internal: bool = False  # never shown to the school


_EVENT_TITLES = {
    "created": "Draft started",
    "submitted": "Case submitted",
    "abandoned": "Draft abandoned",
    "note": "Internal note",
    "assigned": "Assignment changed",
}


def timeline(case: Case, case_type: CaseType) -> list[TimelineEntry]:
    """Every event of the case, newest first, with the action each transition took."""
    flow = case_type.workflow
    entries = []
    for event in case.events:
        title = _EVENT_TITLES.get(event.kind, event.kind.capitalize())
        if event.kind == "transition":
            taken = next(
                (
                    t
                    for t in flow.transitions
                    if t.source == event.from_activity and t.target == event.to_activity
                ),
                None,
            )
            title = taken.action if taken else "Case moved on"
        target = flow.activities.get(event.to_activity) if event.to_activity else None
        entries.append(
            TimelineEntry(
                title=title,
                actor=event.actor.full_name if event.actor else "",
                at=event.at,
                note=event.note or "",
                internal=not event.for_school,
                now_at=(target.label if target else event.to_activity or ""),
            )
        )
    return entries[::-1]


def officer_transitions(case_type: CaseType, case: Case) -> list[Transition]:
    """What an officer may do with the case from its current activity."""
    return workflow.allowed_transitions(case_type, case, "officer")


def school_can_edit(case_type: CaseType, case: Case) -> bool:
    """Whether the case is with the school to change (more information asked for)."""
    activity = case_type.workflow.activities.get(case.activity or "")
    return bool(activity and activity.school_can_edit)


def move_case(
    session: Session,
    case: Case,
    case_type: CaseType,
    officer: User,
    action: str,
    seen_activity: str,
    note: str = "",
) -> Transition:
    """Take an officer's transition and commit it.

    NotAllowed when this officer may not take `action` from the case's activity; NoteRequired
    when it needs a note; MovedOn when the case is no longer where the officer saw it.
    """
    if seen_activity != case.activity:
        raise MovedOn(case.reference)
    try:
        transition = workflow.take_transition(
            session, case, case_type, action, officer, "officer", note
        )
        session.commit()
    except StaleDataError:
        session.rollback()
        raise MovedOn(case.reference) from None
    except Exception:
        session.rollback()
        raise
    return transition


def add_internal_note(session: Session, case: Case, officer: User, note: str) -> None:
    """An internal note on the timeline, never shown to the school."""
    workflow.add_note(session, case, officer, note)
    session.commit()


def assign_case(session: Session, case: Case, officer: User, to_me: bool) -> None:
    """Assign the case to the officer, or to nobody."""
    try:
        workflow.assign(session, case, officer if to_me else None, officer)
        session.commit()
    except StaleDataError:
        session.rollback()
        raise MovedOn(case.reference) from None


def record_download(session: Session, officer: User, case: Case, attachment_id: str) -> None:
    """Audit that the officer downloaded one of the case's files."""
    audit.record(
        session,
        "case_file_downloaded",
        actor=officer,
        school=case.school,
        reference=case.reference,
        attachment=attachment_id,
    )
    session.commit()


# ---- export ----

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FIXED_COLUMNS = (
    "Reference",
    "School",
    "School URN",
    "Submitted",
    "Current activity",
    "Status",
    "Assigned to",
)


def export_case_type(session: Session, officer: User, case_type_id: str) -> CaseType:
    """The current definition of a case type the officer may export; NotFound if none."""
    case_type = workflow.current_case_type(case_type_id)
    if case_type is None or case_type_id not in _worked_by(session, officer):
        raise NotFound(case_type_id)
    return case_type


def export_filename(case_type_id: str, now: dt.datetime | None = None) -> str:
    """part-time-timetable-2026-11-28.csv (today in the UK)."""
    today = (now or clock.now()).astimezone(UK).date()
    return f"{case_type_id}-{today.isoformat()}.csv"


def export_csv(session: Session, officer: User, case_type_id: str) -> str:
    """Every submitted case of the type as CSV text: the fixed columns, then one column per
    question of the current definition, values as "Check your answers" shows them.

    NotFound unless the officer's teams work the case type. Audited (no content), committed.
    """
    case_type = export_case_type(session, officer, case_type_id)
    cases = list(
        session.scalars(
            select(Case)
            .where(Case.case_type_id == case_type_id, Case.submitted_at.is_not(None))
            .order_by(Case.submitted_at, Case.id)
            .options(
                selectinload(Case.school),
                selectinload(Case.assigned_to),
                defer(Case.raw_input),
                defer(Case.page_versions),
            )
        )
    )
    questions = export_questions(case_type)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_safe_row([*FIXED_COLUMNS, *(header for header, _field in questions)]))
    for case in cases:
        writer.writerow(
            _safe_row(
                [
                    *_fixed_cells(case),
                    *(cell_text(field, sent(case).get(field.id)) for _header, field in questions),
                ]
            )
        )
    audit.record(session, "cases_exported", actor=officer, case_type=case_type_id, count=len(cases))
    session.commit()
    return out.getvalue()


def export_questions(case_type: CaseType) -> list[tuple[str, Field]]:
    """(column header, question) in page order; a label used twice gets its page's title."""
    found = [(page, field) for page in case_type.pages for field in page.fields if field.has_value]
    twice = {label for label, n in Counter(f.label for _p, f in found).items() if n > 1}
    headers = [f"{f.label} ({p.title})" if f.label in twice else f.label for p, f in found]
    still_twice = {h for h, n in Counter(headers).items() if n > 1}
    return [
        (f"{h} [{f.id}]" if h in still_twice else h, f)
        for h, (_p, f) in zip(headers, found, strict=True)
    ]


def _fixed_cells(case: Case) -> list[str]:
    submitted = clock.aware(case.submitted_at).astimezone(dt.UTC)
    return [
        case.reference,
        case.school.name,
        case.school.urn,
        submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
        case.activity_label,
        case.status,
        case.assigned_to.full_name if case.assigned_to else "",
    ]


def cell_text(field: Field, value, in_group: bool = False) -> str:
    """An answer as one spreadsheet cell: as displayed, several choices joined with "; "
    (", " inside a group's item), a group's items as "1) Label: value; Label: value | 2) …"."""
    if value is None or value == [] or value == "":
        return ""
    if field.kind.holds_items:
        return " | ".join(
            f"{number}) "
            + "; ".join(
                f"{nested.label}: {cell_text(nested, item.get(nested.id), in_group=True)}"
                for nested in field.fields
                if nested.has_value and item.get(nested.id) not in (None, "", [])
            )
            for number, item in enumerate(value, 1)
        )
    if field.kind.value_type == LIST:  # several choices
        return (", " if in_group else "; ").join(field.option_label(v) for v in value)
    return field.kind.display(field, value)


def _safe_row(cells: Iterable[str]) -> list[str]:
    """Cells a spreadsheet would run as formulas get a leading apostrophe (CSV injection)."""
    return ["'" + cell if cell.startswith(_FORMULA_START) else cell for cell in cells]


# ---- council staff and teams (the `portal` command) ----
