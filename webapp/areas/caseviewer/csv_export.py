"""Caseviewer's export: every submitted case of one case type as a CSV spreadsheet, values as
"Check your answers" shows them (or as the case type's `export:` says: option codes, ISO or
UK dates, its own column headings), safe to open (no cell runs as a formula)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from engine import CaseType
from engine.expressions import DATE, LIST
from engine.model import ExportOptions, Field
from webapp.areas.caseviewer.services import worked_by
from webapp.domain import audit, workflow
from webapp.domain.errors import NotFound
from webapp.domain.sent_case import acknowledged, sent
from webapp.infra import clock
from webapp.infra.clock import UK
from webapp.infra.database import transaction
from webapp.models import Case, School, User

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
BATCH = 200  # rows read, written and sent at a time
AS_SHOWN = ExportOptions()  # no `export:`: values as "Check your answers" shows them
LARGE_EXPORT = 10_000  # beyond this many cases the officer is told the file takes a while


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


def open_export(session: Session, officer: User, case_type_id: str) -> Iterator[str]:
    """Every submitted case of the type as CSV text, in pieces of BATCH rows: the fixed
    columns, then one column per question of the current definition (and of earlier kept
    versions' questions it no longer asks), values as "Check your answers" shows them.

    Checked (NotFound unless the officer's teams work the case type) and audited (no content,
    committed) here, before the first piece is asked for; the rows are then read BATCH at a
    time (a server-side cursor on PostgreSQL), so memory stays the same whatever their number.
    """
    case_type = export_case_type(session, officer, case_type_id)
    count = session.scalar(select(func.count()).select_from(Case).where(*_exported(case_type_id)))
    with transaction(session):
        audit.record(session, "cases_exported", actor=officer, case_type=case_type_id, count=count)
    return _csv_pieces(session, case_type, case_type_id)


def export_sizes(session: Session, case_type_ids: Iterable[str]) -> dict[str, int]:
    """How many cases each export holds, counted up to LARGE_EXPORT + 1 (cheap at any size:
    more than LARGE_EXPORT is all the officer needs to know)."""
    sizes = {}
    for case_type_id in case_type_ids:
        capped = select(Case.id).where(*_exported(case_type_id)).limit(LARGE_EXPORT + 1)
        sizes[case_type_id] = session.scalar(select(func.count()).select_from(capped.subquery()))
    return sizes


def _exported(case_type_id: str) -> tuple:
    return (Case.case_type_id == case_type_id, Case.submitted_at.is_not(None))


def _csv_pieces(session: Session, case_type: CaseType, case_type_id: str) -> Iterator[str]:
    earlier = workflow.earlier_definitions(session, case_type)
    questions = export_questions(case_type) + no_longer_asked(case_type, earlier)
    as_asked = _questions_by_version([case_type, *earlier])
    options = case_type.export
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        _safe_row([*FIXED_COLUMNS, *(header for header, _field in questions), WARNINGS_COLUMN])
    )
    yield _taken(buffer)  # the download starts at once, whatever follows
    assigned = aliased(User)
    rows = session.execute(
        select(
            Case.reference,
            School.name.label("school"),
            School.urn,
            Case.submitted_at,
            Case.activity_label,
            Case.status,
            assigned.first_name,
            assigned.last_name,
            Case.sent_answers,
            Case.answers,
            Case.acknowledged_warnings,
            Case.case_type_version,
        )
        .join(School, School.id == Case.school_id)
        .outerjoin(assigned, assigned.id == Case.assigned_to_id)
        .where(*_exported(case_type_id))
        .order_by(Case.submitted_at, Case.id)
        .execution_options(yield_per=BATCH)
    )
    for number, row in enumerate(rows, 1):  # a row has the columns sent() and acknowledged() read
        answers = sent(row)
        asked = as_asked.get(row.case_type_version, {})
        writer.writerow(
            _safe_row(
                [
                    *_fixed_cells(row),
                    *(
                        cell_text(asked.get(field.id, field), answers.get(field.id), options)
                        for _header, field in questions
                    ),
                    " | ".join(f"{w['question']}: {w['message']}" for w in acknowledged(row)),
                ]
            )
        )
        if number % BATCH == 0:
            yield _taken(buffer)
    rows.close()
    session.rollback()  # ends the read (and the server-side cursor's transaction)
    yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    """What the buffer holds, emptied for the next rows."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _questions_by_version(definitions: Iterable[CaseType]) -> dict[int, dict[str, Field]]:
    """Each version's questions by id: a case's answer is read as the version it was sent on
    asked it (a question id may have been free text once and a date later)."""
    return {
        d.version: {f.id: f for page in d.pages for f in page.fields if f.has_value}
        for d in definitions
    }


def no_longer_asked(case_type: CaseType, earlier: Iterable[CaseType]) -> list[tuple[str, Field]]:
    """(column header, question) of the questions `earlier` kept versions (newest first) asked
    and the current one does not: cases sent on those versions keep those answers in the
    export."""
    asked = {f.id for page in case_type.pages for f in page.fields}
    earlier_fields: dict[str, Field] = {}
    for older in earlier:
        for field in (f for page in older.pages for f in page.fields if f.has_value):
            if field.id not in asked:
                earlier_fields.setdefault(field.id, field)
    headers = [f"{field.label} (no longer asked)" for field in earlier_fields.values()]
    twice = {h for h, n in Counter(headers).items() if n > 1}
    return [
        (f"{h} [{field.id}]" if h in twice else h, field)
        for h, field in zip(headers, earlier_fields.values(), strict=True)
    ]


def export_questions(case_type: CaseType) -> list[tuple[str, Field]]:
    """(column header, question) in page order: the heading `export:` gives it, else its label;
    a label used twice gets its page's title."""
    found = [(page, field) for page in case_type.pages for field in page.fields if field.has_value]
    given = case_type.export.headings
    twice = {label for label, n in Counter(f.label for _p, f in found).items() if n > 1}
    headers = [
        given.get(f.id) or (f"{f.label} ({p.title})" if f.label in twice else f.label)
        for p, f in found
    ]
    still_twice = {h for h, n in Counter(headers).items() if n > 1}
    return [
        (f"{h} [{f.id}]" if h in still_twice else h, f)
        for h, (_p, f) in zip(headers, found, strict=True)
    ]


def submitted_cell(moment: dt.datetime) -> str:
    """When a case was sent, as the "Submitted" column has it: ISO 8601 in UK time with its
    offset from UTC (2026-07-01T10:30:00+01:00 in summer, 2026-12-01T09:30:00+00:00 in
    winter), so that it reads as the pages' "1 July 2026 at 10:30am" and any program parsing
    ISO 8601 still gets the exact moment."""
    return clock.aware(moment).astimezone(UK).isoformat(timespec="seconds")


def _fixed_cells(row) -> list[str]:
    return [
        row.reference,
        row.school,
        row.urn,
        submitted_cell(row.submitted_at),
        row.activity_label,
        row.status,
        f"{row.first_name} {row.last_name}" if row.first_name is not None else "",
    ]


def cell_text(field: Field, value, export: ExportOptions = AS_SHOWN, in_group: bool = False) -> str:
    """An answer as one spreadsheet cell: as displayed, several choices joined with "; "
    (", " inside a group's item), a group's items as "1) Label: value; Label: value | 2) …";
    options as their codes and dates as ISO or UK when `export` says so."""
    if value is None or value == [] or value == "":
        return ""
    if field.kind.holds_items:
        return " | ".join(
            f"{number}) "
            + "; ".join(
                f"{nested.label}: {cell_text(nested, item.get(nested.id), export, True)}"
                for nested in field.fields
                if nested.has_value and item.get(nested.id) not in (None, "", [])
            )
            for number, item in enumerate(value, 1)
        )
    codes = export.options == "codes" and bool(field.options)
    if field.kind.value_type == LIST:  # several choices
        shown = (str(v) if codes else field.option_label(v) for v in value)
        return (", " if in_group else "; ").join(shown)
    if codes:
        return str(value)
    if field.kind.value_type == DATE and export.dates != "as_shown":
        with contextlib.suppress(TypeError, ValueError):  # stored answers are ISO days
            day = dt.date.fromisoformat(value)
            return day.isoformat() if export.dates == "iso" else day.strftime("%d/%m/%Y")
    return field.kind.display(field, value)


def _safe_row(cells: Iterable[str]) -> list[str]:
    """Cells a spreadsheet would run as formulas get a leading apostrophe (CSV injection)."""
    return ["'" + cell if cell.startswith(_FORMULA_START) else cell for cell in cells]
