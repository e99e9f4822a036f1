"""Caseviewer's export: every submitted case of one case type as a CSV spreadsheet, values as
"Check your answers" shows them, safe to open (no cell runs as a formula)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from engine import CaseType
from engine.expressions import LIST
from engine.model import Field
from webapp.areas.caseviewer.services import UK, acknowledged, sent, worked_by
from webapp.domain import audit, workflow
from webapp.domain.errors import NotFound
from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.models import Case, User

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
WARNINGS_COLUMN = "Warnings the school acknowledged"


def export_case_type(session: Session, officer: User, case_type_id: str) -> CaseType:
    """The current definition of a case type the officer may export; NotFound if none."""
    case_type = workflow.current_case_type(case_type_id)
    if case_type is None or case_type_id not in worked_by(session, officer):
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
    writer.writerow(
        _safe_row([*FIXED_COLUMNS, *(header for header, _field in questions), WARNINGS_COLUMN])
    )
    for case in cases:
        writer.writerow(
            _safe_row(
                [
                    *_fixed_cells(case),
                    *(cell_text(field, sent(case).get(field.id)) for _header, field in questions),
                    " | ".join(f"{w['question']}: {w['message']}" for w in acknowledged(case)),
                ]
            )
        )
    with transaction(session):
        audit.record(
            session, "cases_exported", actor=officer, case_type=case_type_id, count=len(cases)
        )
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
