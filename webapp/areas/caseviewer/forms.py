"""Caseviewer's forms: the queue's filters (a GET form, no CSRF), a transition with its note,
an internal note, and assignment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import wtforms
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from engine.fields.base import Invalid
from engine.fields.dates import date_from_parts, parts_at_fault
from webapp.areas.caseviewer.services import ASSIGNED, STATUSES, QueueOptions, QueueSearch
from webapp.domain import workflow
from webapp.web.forms import typed_lines
from webapp.web.whole_numbers import whole_number

NOTE_MAX = workflow.NOTE_MAX  # an internal note's too
DATE_PARTS = ("day", "month", "year")
_WRITTEN_DATE = re.compile(r"^\s*(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,4})\s*$")


def _strip(text):
    return text.strip() if isinstance(text, str) else text


def _written_date(text: str) -> dict[str, str] | None:
    """An older link's date, 2026-11-01 (or 2026/11/1, or 1/11/2026 as the UK writes it),
    as the day, month and year boxes would hold it; None when it is no such thing."""
    match = _WRITTEN_DATE.match(text)
    if not match:
        return None
    first, month, last = match.groups()
    year, day = (first, last) if len(first) == 4 else (last, first)
    return {"day": day, "month": month, "year": year}


def _real_date(parts: dict[str, str]) -> dt.date | None:
    """An older link's day as it was taken before the boxes (any year of 4 numbers, 0001
    included); None when it is not one, for the boxes' own checks to say why."""
    if len(parts["year"]) != 4:
        return None
    try:
        return dt.date(*(int(parts[part]) for part in ("year", "month", "day")))
    except (ValueError, OverflowError):
        return None


class FilterDateField(wtforms.Field):
    """An optional date filter in GOV.UK's date input: boxes named NAME-day, NAME-month and
    NAME-year. Links written before it (and the queue's own page and sort links) give the day
    as NAME=2026-11-01, which is read into the boxes. `day` is the date asked for (None when
    none, or not a real one); `bad_parts` the boxes an error is about."""

    def process(self, formdata, data=wtforms.utils.unset_value, extra_filters=None):
        self.process_errors = []
        self.data = dict.fromkeys(DATE_PARTS, "")
        self.written = ""  # an older link's text that is no date
        self.day = None
        self.bad_parts: tuple[str, ...] = ()
        if formdata is None:
            return
        if any(f"{self.name}-{part}" in formdata for part in DATE_PARTS):
            self.data = {
                p: (formdata.get(f"{self.name}-{p}") or "").strip()[:20] for p in DATE_PARTS
            }
        elif text := (formdata.get(self.name) or "").strip():
            parts = _written_date(text)
            self.data = parts or self.data
            self.written = "" if parts else text[:40]
            self.day = _real_date(parts) if parts else None  # 0001-01-01 as before too

    def pre_validate(self, form) -> None:
        """A real date, when anything was typed (GOV.UK's messages: what is missing, or
        "must be a real date")."""
        if self.written:
            self.bad_parts = DATE_PARTS
            raise ValidationError(f"{self.label.text} must be a real date")
        if self.day or not any(self.data.values()):
            return
        try:
            self.day = date_from_parts(self.label.text, self.data)
        except Invalid as invalid:
            self.bad_parts = tuple(parts_at_fault(self.data))
            raise ValidationError(invalid.message) from None

    @property
    def anchor(self) -> str:
        """The id of the box an error links to: the first one it is about."""
        return f"{self.id}-{(self.bad_parts or DATE_PARTS)[0]}"


class QueueFilterForm(wtforms.Form):
    """The queue's filters, read from the query string (its sort and page: QUEUE.read)."""

    case_type = StringField("Case type", filters=[_strip])
    school = StringField("School or setting", filters=[_strip])
    activity = StringField("Current activity", filters=[_strip])
    status = StringField("Case status", filters=[_strip])
    submitted_from = FilterDateField("Submitted from")
    submitted_to = FilterDateField("Submitted to")
    assigned = StringField("Assigned to", filters=[_strip])

    def validate_submitted_to(self, field) -> None:
        start, end = self.submitted_from.day, field.day
        if start and end and end < start:
            field.bad_parts = DATE_PARTS
            raise ValidationError("Submitted to must be the same as or after submitted from")

    def search(
        self, colleague_ids: Iterable[int] = (), options: QueueOptions | None = None
    ) -> QueueSearch:
        """The search asked for; values that are not on offer (or wrongly written) are
        left out rather than failing the whole page. `colleague_ids`: the officers whose
        cases "Assigned to" may show besides "me" and "nobody"; `options`: the case types,
        schools and activities the filters offer (an old link's case type the officer's
        teams no longer work listed nothing, under a filter that showed "All case types")."""
        self.validate()
        offered = {*ASSIGNED, *(str(i) for i in colleague_ids)}
        data = self.data
        case_type = (data["case_type"] or "")[:80]
        school = whole_number(data["school"] or "")
        activity = (data["activity"] or "")[:200]
        if options is not None:
            case_type = case_type if case_type in {i for i, _n in options.case_types} else ""
            school = school if school in {i for i, _n in options.schools} else None
            activity = activity if activity in options.activities else ""
        return QueueSearch(
            case_type=case_type,
            school=school,
            activity=activity,
            status=data["status"] if data["status"] in STATUSES else "",
            submitted_from=None if self.submitted_from.errors else self.submitted_from.day,
            submitted_to=None if self.submitted_to.errors else self.submitted_to.day,
            assigned=data["assigned"] if data["assigned"] in offered else "anyone",
        )


class TransitionForm(FlaskForm):
    """One of the transitions the officer may take: the action, where the case was when the
    page was shown and when what the council has of it last changed (workflow.sent_moment:
    the case back at the same activity with the school's new answers is a case changed), and
    a note for the school (required, optional, or not asked). Its note is checked by
    services.move_case, after where the case is now (a note too long for a case moved on
    meanwhile is told as the case moved on)."""

    action = HiddenField()
    from_activity = HiddenField()
    from_moment = HiddenField()
    note = TextAreaField(filters=[typed_lines])


class NoteForm(FlaskForm):
    """An internal note: officers only, never shown to the school; with the id of the last
    event the page showed (workflow.add_note: the same note sent twice is added once)."""

    from_event = HiddenField()
    note = TextAreaField(
        "Internal note",
        filters=[typed_lines],
        validators=[
            DataRequired("Enter a note"),
            Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX:,} characters or fewer"),
        ],
    )

    def validate_from_event(self, field) -> None:
        # An id, or none (a page from before forms carried it): anything else is tampered
        # with, and "²" or 5,000 digits made workflow.add_note's int() raise, a 500 (attack6).
        if field.data and whole_number(field.data) is None:
            raise ValidationError("Try again")


class AssignForm(FlaskForm):
    """Assign to me, Unassign, or assign to a colleague (their user id), with whom the case
    was assigned to when the page was shown (their id; empty: nobody), as TransitionForm
    carries where the case was: services.assign_case refuses a page older than that."""

    to = HiddenField()
    from_assignee = HiddenField()

    def validate_to(self, field) -> None:
        if field.data not in ("me", "nobody") and whole_number(field.data or "") is None:
            raise ValidationError("Choose who to assign the case to")
