"""A note an officer sent from a case's page after their session had timed out for idleness
(an internal note, or a transition's note for the school): kept on the server for that officer
and put back in its box on the case's page once they have signed in again, so nothing typed is
lost (SECURITY-CHECKLIST 14), and never given to anyone else.

Decided (with the tab's typing, kept-typing.js, which a timed-out sign-in page no longer
forgets: see README, "Typing kept through a timeout"):

- Kept only at the timeout itself (sessions._timed_out), while the session still says who the
  officer is: never from a request without a session, and never the action itself (the
  transition or assignment is not taken; the officer presses it again).
- Kept for that officer and that case, as a row of parked_pages (cases/parking.py) under a page
  id no case type's page can have, OFFICERS_CASE_PAGE, with the account check: a password or
  email changed since, or the account locked, and it is not given back.
- Bounded: one row an officer and case (a later note merges into it), a box for the internal
  note and one for each of the case type's transitions (no other action's), each note at most
  KEEP_MAX characters (more could never have been sent), gone after a day (retention.py), at
  the officer's explicit sign-out (auth services.sign_out), or once given back.
- Given back once, by the case's page (caseviewer.case), to that officer only, with a message.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.areas.cases.parking import KEEP, OFFICERS_CASE_PAGE, account_check
from webapp.domain import workflow
from webapp.domain.errors import NotFound
from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.models import Case, ParkedPage, User

KEEP_MAX = 2 * workflow.NOTE_MAX  # characters of a note kept: twice what a form takes

INTERNAL_NOTE = "internal-note"  # the kept-typing names of the boxes (data-kept-as)
FOR_THE_SCHOOL = "note-for:"  # + the transition's action

GIVEN_BACK = (
    "What you typed on this case after you had been signed out has been put back in its box. "
    "Check it, then send it again: it has not been added yet."
)


def keep(session: Session, officer: User, reference: str, endpoint: str, formdata) -> bool:
    """Keep the note of a case page's form sent as the officer's session timed out (the
    internal note's or a transition's); whether anything was kept."""
    from webapp.areas.caseviewer.services import case_for_officer

    text = (formdata.get("note") or "").replace("\x00", "")
    if not text.strip() or len(text) > KEEP_MAX or not officer.is_officer:
        return False
    try:
        case = case_for_officer(session, officer, reference)
    except NotFound:
        return False
    box = INTERNAL_NOTE
    if endpoint == "caseviewer.transition":
        action = formdata.get("action") or ""
        if action not in _actions_of(session, case):  # a box for every name sent: unbounded
            return False
        box = FOR_THE_SCHOOL + action
    user_id, case_id, check = officer.id, case.id, account_check(officer)
    for _attempt in range(2):  # sent twice at the same moment: the later replaces the earlier
        try:
            with transaction(session, conflict=_KeptMeanwhile):
                before = _row(session, user_id, case_id)
                boxes = dict(before.form) if before is not None else {}
                if before is not None:
                    session.delete(before)
                    session.flush()
                boxes[box] = text
                session.add(
                    ParkedPage(
                        user_id=user_id,
                        case_id=case_id,
                        page_id=OFFICERS_CASE_PAGE,
                        form=[[name, value] for name, value in boxes.items()],
                        account_check=check,
                    )
                )
            return True
        except _KeptMeanwhile:
            continue
    return True


def _actions_of(session: Session, case: Case) -> set[str]:
    """The actions of the transitions of the case's workflow: the boxes a note may be kept in
    besides the internal note's (a stale session's cookie sent again and again, each naming
    another action, grew the officer's row without bound)."""
    try:
        case_type = workflow.definition_for(session, case)
    except LookupError:
        return set()
    return {transition.action for transition in case_type.workflow.transitions}


class _KeptMeanwhile(Exception):
    """A note was kept for the officer and case by a request of the same moment."""


def _row(session: Session, user_id: int, case_id: int) -> ParkedPage | None:
    return session.scalar(
        select(ParkedPage).where(
            ParkedPage.user_id == user_id,
            ParkedPage.case_id == case_id,
            ParkedPage.page_id == OFFICERS_CASE_PAGE,
        )
    )


def give_back(session: Session, officer: User, case: Case) -> dict[str, str]:
    """The notes kept for `officer` on `case`, by box (INTERNAL_NOTE, FOR_THE_SCHOOL +
    action), once: the row goes whatever becomes of them. Nothing if the account's password
    or email changed since, it is locked, or the notes are older than a day."""
    row = _row(session, officer.id, case.id)
    if row is None:
        return {}
    given = {
        str(name): str(value)
        for name, value in row.form
        if row.account_check == account_check(officer)
        and not officer.is_locked
        and clock.aware(row.created_at) >= clock.now() - KEEP
    }
    with transaction(session):
        session.execute(delete(ParkedPage).where(ParkedPage.id == row.id))
    return given


def forget(session: Session, user: User) -> None:
    """Every note kept for `user` (their explicit sign-out, inside its transaction)."""
    session.execute(
        delete(ParkedPage).where(
            ParkedPage.user_id == user.id, ParkedPage.page_id == OFFICERS_CASE_PAGE
        )
    )
