"""What a sent case holds for the people who read it, whatever page, PDF or API shows it: the
answers as sent, the warnings the school went past, and the timeline of its events.

Kept in the domain (not in an area) because the caseviewer's pages, its CSV export and the
case PDF (webapp/domain/case_pdf.py) all read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine import CaseType
from webapp.models import Case


def sent(case: Case) -> dict:
    """The answers as the school last sent them (not its changes in progress)."""
    return case.sent_answers if case.sent_answers is not None else case.answers


def acknowledged(case: Case) -> list[dict]:
    """The warnings the school went past and sent the case with, in page order."""
    return [w for entries in (case.acknowledged_warnings or {}).values() for w in entries]


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
    "changed": "Answers changed",  # its note: the questions, one a line
}


def actor_name(event, systems_named: bool = True) -> str:
    """Who took a timeline's step: a person, a council system through the API, or nobody (the
    workflow's own step, shown as automatic). The school is not told which system: a client's
    name is chosen for council admins' eyes (and cannot be changed), a vendor's or internal."""
    if event.actor:
        return event.actor.full_name
    if event.api_client:
        return (
            f"{event.api_client.name} (a council system)" if systems_named else "a council system"
        )
    return ""


def timeline(case: Case, case_type: CaseType, systems_named: bool = True) -> list[TimelineEntry]:
    """Every event of the case, newest first, with the action each transition took (and the
    council system that took it, unless not `systems_named`: the school's)."""
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
                actor=actor_name(event, systems_named),
                at=event.at,
                note=event.note or "",
                internal=not event.for_school,
                now_at=(target.label if target else event.to_activity or ""),
            )
        )
    return entries[::-1]
