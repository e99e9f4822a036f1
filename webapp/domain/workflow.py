"""Moving cases through the workflow their YAML declares.

A case enters its workflow's start activity when submitted; system transitions from there run
at once. Officers (and schools, where the YAML says so) take the transitions allowed from the
case's activity; each is a timeline event, and may email the school or the officers.

A submitted case always works with the definition version it was submitted with
(definition_for); drafts use the current one.
"""

from __future__ import annotations

import functools

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine import CaseType, compile_definition
from engine.model import Transition
from webapp.domain import audit, webhooks
from webapp.infra import clock
from webapp.infra.mail import queue_mail
from webapp.models import Case, CaseEvent, CaseTypeVersion, Team, User

SYSTEM_STEPS_LIMIT = 20  # a guard: system transitions never loop for ever
NOTE_MAX = 5000  # characters of a transition's note (the API's and the case page's limit)


class NotAllowed(Exception):
    """This transition cannot be taken by this person from the case's activity."""


class NoteRequired(Exception):
    """The transition needs a note (a reason) and none was given."""


class NoteTooLong(Exception):
    """The transition's note is longer than NOTE_MAX characters."""


# ---- definitions ----


def current_case_type(case_type_id: str) -> CaseType | None:
    return current_app.extensions["catalogue"].get(case_type_id)


def definition_for(session: Session, case: Case) -> CaseType:
    """The definition a case works with: its own version once submitted, else the current one."""
    current = current_case_type(case.case_type_id)
    if current is not None and (case.is_draft or case.case_type_version == current.version):
        return current
    stored = session.get(CaseTypeVersion, (case.case_type_id, case.case_type_version))
    if stored is None:
        if current is None:
            raise LookupError(f"no definition of {case.case_type_id} v{case.case_type_version}")
        return current
    return _compiled(case.case_type_id, case.case_type_version, _frozen(stored.definition))


def earlier_definitions(session: Session, case_type: CaseType) -> list[CaseType]:
    """The kept definitions of a case type other than `case_type`'s version, newest first."""
    stored = session.scalars(
        select(CaseTypeVersion)
        .where(
            CaseTypeVersion.case_type_id == case_type.id,
            CaseTypeVersion.version != case_type.version,
        )
        .order_by(CaseTypeVersion.version.desc())
    )
    return [_compiled(s.case_type_id, s.version, _frozen(s.definition)) for s in stored]


@functools.lru_cache(maxsize=64)
def _compiled(case_type_id: str, version: int, definition: str) -> CaseType:
    import json

    calendar = current_app.extensions["catalogue"].calendar  # school days as the council has them
    return compile_definition(json.loads(definition), f"{case_type_id} v{version}", calendar)


def _frozen(definition: dict) -> str:
    import json

    return json.dumps(definition, sort_keys=True)


def activity_ids(session: Session, case_type_ids: set[str], looking_for: str) -> set[str]:
    """The activity ids of these case types' workflows: the current versions' and, unless
    `looking_for` is among those (the usual answer, read from memory), the kept versions' too
    (cases sent on an older version may stand at an activity the current one dropped)."""
    found = {
        activity
        for case_type_id in case_type_ids
        if (current := current_case_type(case_type_id)) is not None
        for activity in current.workflow.activities
    }
    if looking_for in found or not case_type_ids:
        return found
    for kept in session.scalars(
        select(CaseTypeVersion).where(CaseTypeVersion.case_type_id.in_(sorted(case_type_ids)))
    ):
        definition = _compiled(kept.case_type_id, kept.version, _frozen(kept.definition))
        found.update(definition.workflow.activities)
    return found


def record_definition(session: Session, case_type: CaseType) -> None:
    """Keep this version's definition (once), so cases sent with it can always be shown."""
    if session.get(CaseTypeVersion, (case_type.id, case_type.version)) is None:
        session.add(
            CaseTypeVersion(
                case_type_id=case_type.id,
                version=case_type.version,
                definition=case_type.definition,
            )
        )
        session.flush()


# ---- officers ----


def officers_for(session: Session, case_type_id: str) -> list[User]:
    """The officers of every team that works this case type (open accounts only)."""
    officers: dict[int, User] = {}
    for team in session.scalars(select(Team).options(selectinload(Team.members))):
        if case_type_id in team.case_type_ids:
            officers.update({u.id: u for u in team.members if not u.is_locked})
    return list(officers.values())


# ---- moving cases ----


def allowed_transitions(case_type: CaseType, case: Case, by: str) -> list[Transition]:
    """What `by` (school, officer, system) may do with the case now: the transitions from its
    activity whose `when:` holds over the answers the council has (those last sent)."""
    if case.activity is None:
        return []
    return case_type.transitions_for(case.activity, by, _sent_answers(case))


def _sent_answers(case: Case) -> dict:
    return case.sent_answers if case.sent_answers is not None else case.answers


def sent_moment(case: Case) -> str:
    """When what the council has of the case last changed (sent or sent again, each step of
    its workflow), as the case page's forms carry it: a page older than that is stale even
    when the case is back at the activity it showed."""
    return clock.aware(case.sent_updated_at).isoformat() if case.sent_updated_at else ""


def school_can_edit(case_type: CaseType, case: Case) -> bool:
    """Whether a submitted case is with the school to change now: its activity says so (the
    council asked for more information). Never a draft, which the school simply edits."""
    activity = case_type.workflow.activities.get(case.activity or "")
    return bool(activity and activity.school_can_edit and not case.is_draft)


def enter_workflow(session: Session, case: Case, case_type: CaseType, actor: User) -> None:
    """On submission: the start activity, then any system transitions from it."""
    start = case_type.workflow.activities[case_type.workflow.start]
    _move(case, start)
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.id,
            kind="submitted",
            to_activity=start.id,
            at=clock.now(),
        )
    )
    audit.record_case(session, "case_submitted", actor, case, case_type=case.case_type_id)
    webhooks.case_submitted(session, case)
    _run_system_transitions(session, case, case_type)


def take_transition(
    session: Session,
    case: Case,
    case_type: CaseType,
    action: str,
    actor: User,
    by: str,
    note: str = "",
    api_client=None,
) -> Transition:
    """Take the transition labelled `action` from the case's activity (for `api_client`, a
    council system's call, when it is one). The caller commits.

    NotAllowed, NoteRequired and NoteTooLong, checked in that order (a note too long for a
    transition not offered is told as not offered)."""
    transition = next(
        (t for t in allowed_transitions(case_type, case, by) if t.action == action), None
    )
    if transition is None:
        raise NotAllowed(action)
    note = note.strip()
    if transition.note == "required" and not note:
        raise NoteRequired(action)
    if transition.note != "none" and len(note) > NOTE_MAX:
        raise NoteTooLong(action)
    _apply(session, case, case_type, transition, actor, note, by, api_client)
    _run_system_transitions(session, case, case_type)
    return transition


def _apply(
    session: Session,
    case: Case,
    case_type: CaseType,
    transition: Transition,
    actor: User | None,
    note: str,
    by: str = "system",
    api_client=None,
) -> None:
    target = case_type.workflow.activities[transition.target]
    source = case.activity
    _move(case, target)
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.id if actor else None,
            kind="transition",
            from_activity=source,
            to_activity=target.id,
            note=note if transition.note != "none" else "",
            for_school=True,
            at=clock.now(),
            api_client_id=api_client.id if api_client else None,
        )
    )
    named = {"client": api_client.name} if api_client else {}
    audit.record_case(
        session,
        "case_transition",
        actor,
        case,
        transition=transition.action,
        to=target.id,
        **named,
    )
    webhooks.transition_taken(session, case, transition.action, by, source)
    if transition.email_school:
        _email_school(session, case, target.label)
    if transition.email_officers:
        _email_officers(session, case, target.label)


def _run_system_transitions(session: Session, case: Case, case_type: CaseType) -> None:
    for _step in range(SYSTEM_STEPS_LIMIT):
        automatic = allowed_transitions(case_type, case, "system")
        if not automatic:
            return
        _apply(session, case, case_type, automatic[0], None, "")


def _move(case: Case, activity) -> None:
    case.activity = activity.id
    case.activity_label = activity.label
    case.status = activity.status
    case.updated_at = case.sent_updated_at = clock.now()


def school_contacts(case: Case) -> list[User]:
    """Who at the case's school hears of its moves: the person who raised it while they are
    still in the school with an open account, else the school's administrators who are (the
    school must still hear what the council asked, after its sender has left)."""
    creator = case.created_by
    if creator is not None and not creator.is_locked and case.school_id in creator.school_ids:
        return [creator]
    admins = (m.user for m in case.school.memberships if m.is_admin)
    return sorted((u for u in admins if not u.is_locked), key=lambda u: u.id)


def _email_school(session: Session, case: Case, label: str) -> None:
    """The school hears of it (school_contacts: a link, never the case's content)."""
    for contact in school_contacts(case):
        queue_mail(
            session,
            "case_update",
            contact.email,
            "case_update_school",
            case=case,
            label=label,
            user=contact,
            as_admin=contact.id != case.created_by_id,
        )


def _email_officers(session: Session, case: Case, label: str) -> None:
    for officer in officers_for(session, case.case_type_id):
        queue_mail(
            session,
            "case_update",
            officer.email,
            "case_update_officers",
            case=case,
            label=label,
            user=officer,
        )


def repeats_last_move(
    case: Case, case_type: CaseType, actor: User, action: str, seen: str, note: str
) -> bool:
    """Whether taking `action` from the activity `seen` with `note` is the case's last move by
    a person, made by `actor`: the same form sent twice (pressed again while the first press
    was on its way, or Back and the button again), done once already."""
    last = next((e for e in reversed(case.events) if e.actor_id is not None), None)
    taken = next(
        (t for t in case_type.workflow.transitions_from(seen, "officer") if t.action == action),
        None,
    )
    return (
        last is not None
        and taken is not None
        and (last.kind, last.actor_id, last.from_activity) == ("transition", actor.id, seen)
        and last.to_activity == taken.target == case.activity
        and last.note == (note.strip() if taken.note != "none" else "")
    )


def add_note(session: Session, case: Case, actor: User, note: str, seen: str = "") -> None:
    """An officer's internal note: on the case's timeline, never shown to the school. The
    note the officer added last, sent again from a page that did not show it (`seen`, the id
    of the last event the page showed: Add note pressed twice, or Back and Add note again),
    is kept once; the same words added later from a page showing them are a new note. The
    case row is held meanwhile, so a second press on its way waits for the first."""
    note = note.strip()
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    session.expire(case, ["events"])
    last = case.events[-1] if case.events else None
    shown = int(seen) if seen.isdigit() and int(seen) < 2**31 else None
    if (
        last is not None
        and (last.kind, last.actor_id, last.note) == ("note", actor.id, note)
        and (shown is None or last.id > shown)
    ):
        return
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.id,
            kind="note",
            note=note,
            for_school=False,
            at=clock.now(),
        )
    )
    audit.record_case(session, "case_note_added", actor, case)


def assign(session: Session, case: Case, officer: User | None, actor: User) -> None:
    """Give the case to an officer (or to nobody); an officer given it by a colleague is
    emailed (its reference and a link, never its content)."""
    given = officer is not None and officer.id not in (actor.id, case.assigned_to_id)
    case.assign(officer)
    if given:
        queue_mail(
            session,
            "case_assigned",
            officer.email,
            "case_assigned",
            case=case,
            user=officer,
            by=actor,
        )
    session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=actor.id,
            kind="assigned",
            for_school=False,
            note=f"Assigned to {officer.full_name}" if officer else "Unassigned",
            at=clock.now(),
        )
    )
    audit.record_case(session, "case_assigned", actor, case, to=officer.id if officer else None)
