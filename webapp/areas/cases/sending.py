"""Sending a case: a finished draft into its workflow, or a case the council asked more
information about back by the school's transition, with the school's message when that
transition takes a note (its `note:` in the YAML)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import CaseType
from engine.answer_changes import changed_questions
from engine.model import Transition
from webapp.areas.cases.warnings import warnings_gone_past
from webapp.domain import workflow
from webapp.domain.case_files import CaseFile, unchecked_files
from webapp.infra.database import transaction
from webapp.models import Case, CaseEvent, User, utcnow

MESSAGE_REQUIRED = "Enter a message to the council"
MESSAGE_TOO_LONG = f"Message to the council must be {workflow.NOTE_MAX:,} characters or fewer"


class NotSubmittable(Exception):
    """The case cannot be submitted yet: the pages still to finish, by page id, the files
    the virus scanner has not found clean (still being checked, infected, not checkable),
    and what is wrong with the message to the council ("" when nothing)."""

    def __init__(self, problems: dict, unchecked: Sequence[CaseFile] = (), message: str = ""):
        super().__init__(problems, unchecked, message)
        self.problems = problems
        self.unchecked = list(unchecked)
        self.message = message


class ChangedMeanwhile(Exception):
    """The case changed elsewhere between being read and being saved (an officer abandoned
    or moved it, another tab saved it): nothing was sent; read it again to say how it is."""


def submit_case(
    session: Session,
    case: Case,
    case_type: CaseType,
    user: User,
    declared: bool,
    action: str | None = None,
    message: str = "",
) -> None:
    """Send a finished case: a draft enters its workflow; a case the council asked more
    information about goes back by the school's transition (`action`, else the first), with
    `message` as its note when the transition takes one (ignored when it does not).

    All or nothing: any failure leaves the case exactly as it was. Never while a file it
    would send is not known to be clean. ChangedMeanwhile when the case's row moved on since
    it was read (its version, checked as it is saved).
    """
    problems = case_type.problems(case.answers)
    if case_type.declaration and not declared:
        problems["declaration"] = []
    unchecked = unchecked_files(session, case_type, case.answers)
    reply = None if case.is_draft else reply_transition(case_type, case, action)
    wrong_message = message_problem(reply, message)
    if problems or unchecked or wrong_message:
        raise NotSubmittable(problems, unchecked, wrong_message)
    reference = case.reference  # the rollback of a failed save forgets the row's values
    try:
        with transaction(session):
            _send(session, case, case_type, user, reply, action, message)
    except StaleDataError:
        raise ChangedMeanwhile(reference) from None


def _send(session, case, case_type, user, reply, action, message) -> None:
    """The sending itself, in submit_case's transaction."""
    changed = None if case.is_draft else changes_to_send(case_type, case)
    case.answers = case_type.submission_answers(case.answers)
    case.sent_answers = case.answers
    case.acknowledged_warnings = warnings_gone_past(case_type, case.answers)
    case.raw_input = {}
    if case.is_draft:
        workflow.record_definition(session, case_type)
        case.case_type_version = case_type.version
        case.submitted_at = utcnow()
        workflow.enter_workflow(session, case, case_type, user)
    else:
        # What an officer who asked for more information reads first, on the timeline.
        changes = "\n".join(changed) if changed else "No answers were changed"
        session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="changed", note=changes))
        if reply is None:
            raise workflow.NotAllowed(action or "resubmit")
        note = message if reply.note != "none" else ""
        workflow.take_transition(session, case, case_type, reply.action, user, "school", note)


def changes_to_send(case_type: CaseType, case: Case) -> list[str]:
    """The questions whose answers sending this sent case again would change for the council
    (those it was last sent with against those it would send now); none: "No answers were
    changed", as the timeline and Check your changes say."""
    return changed_questions(
        case_type, case.sent_answers or {}, case_type.submission_answers(case.answers)
    )


def answering(case: Case) -> str:
    """The council's move a sent case's Check your changes answers (the id of its last
    transition; "" for a draft): sending from a page that showed another sends nothing, for
    the council has asked again since, in a request that page did not show."""
    moves = moves_of(case)
    return str(moves[-1]) if moves and not case.is_draft else ""


ASKED_AGAIN = (
    "The council asked again since this page was opened, so nothing was sent: read what it "
    "asks now, then send the changes."
)


def reply_transition(case_type: CaseType, case: Case, action: str | None = None):
    """The school's transition back to the council that sending the case takes: `action`,
    else the first to an Active activity; None when there is none."""
    choices = workflow.allowed_transitions(case_type, case, "school")
    return next((t for t in choices if t.action == action), None) or next(
        (t for t in choices if case_type.workflow.activities[t.target].status == "Active"),
        None,
    )


def message_problem(reply: Transition | None, message: str) -> str:
    """What is wrong with the school's message for the transition `reply` ("" when nothing),
    as workflow.take_transition would refuse it."""
    if reply is None or reply.note == "none":
        return ""
    message = message.strip()
    if reply.note == "required" and not message:
        return MESSAGE_REQUIRED
    return MESSAGE_TOO_LONG if len(message) > workflow.NOTE_MAX else ""


def latest_request(case: Case) -> CaseEvent | None:
    """The transition that brought the case to where it is, when it carried a note."""
    moves = [e for e in case.events if e.kind == "transition" and e.for_school]
    last = moves[-1] if moves else None
    return last if last is not None and last.to_activity == case.activity and last.note else None


ALREADY_SENT = (
    "You had already pressed ‘Send the changes’, and your changes and message to the council "
    "were sent once"
)


def sent_already(case: Case, user: User, message: str) -> bool:
    """Whether `user`'s last move of the case sent it back with `message`, and the council has
    not asked the school again since (it may have closed it): Send the changes pressed again
    while the first press was on its way (more than the button's second of protection on a
    slow server), or in a second tab of the case, as workflow.repeats_last_move tells an
    officer's second press. The same words of an earlier round were not sent this time."""
    moves = [e for e in case.events if e.kind == "transition"]
    mine = next((e for e in reversed(moves) if e.actor_id == user.id), None)
    if mine is None or not mine.note or mine.note != message.strip():
        return False
    since = moves[moves.index(mine) + 1 :]
    return not any(e.to_activity == mine.from_activity for e in since)  # not asked again


def moves_of(case: Case) -> tuple:
    """The ids of the case's moves so far, as read: a send that met a change is tried again
    only while the council has made none since (it may have asked something new)."""
    return tuple(e.id for e in case.events if e.kind == "transition")


def sent_since(case: Case, moves_read: tuple, user: User, message: str) -> bool:
    """Whether `user` sent the case back with `message` after it was read with `moves_read`:
    another press of Send the changes, though the council has moved the case on since."""
    return any(
        e.kind == "transition"
        and e.id not in moves_read
        and e.actor_id == user.id
        and bool(e.note)
        and e.note == message.strip()
        for e in case.events
    )
