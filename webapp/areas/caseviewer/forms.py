"""Caseviewer's forms: the queue's filters (a GET form, no CSRF), a transition with its note,
an internal note, and assignment."""

from __future__ import annotations

import datetime as dt

import wtforms
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.areas.caseviewer.services import ASSIGNED, STATUSES, QueueSearch
from webapp.web.whole_numbers import whole_number

NOTE_MAX = 5000
DATE_HINT = "Use the format YYYY-MM-DD, for example 2026-11-28"


def _strip(text):
    return text.strip() if isinstance(text, str) else text


def _iso_date(_form, field) -> None:
    """Optional; when given, a real date written YYYY-MM-DD (day and month may be 1 digit)."""
    field.day = None
    if not field.data:
        return
    parts = field.data.replace("/", "-").split("-")
    try:
        if len(parts) != 3 or len(parts[0]) != 4:
            raise ValueError
        field.day = dt.date(*(int(part) for part in parts))
    except (ValueError, OverflowError):  # OverflowError: a day like 99999999999
        raise ValidationError(f"{field.label.text} must be a real date, like 2026-11-28") from None


class QueueFilterForm(wtforms.Form):
    """The queue's filters, read from the query string (its sort and page: QUEUE.read)."""

    case_type = StringField("Case type", filters=[_strip])
    school = StringField("School or setting", filters=[_strip])
    activity = StringField("Current activity", filters=[_strip])
    status = StringField("Case status", filters=[_strip])
    submitted_from = StringField("Submitted from", filters=[_strip], validators=[_iso_date])
    submitted_to = StringField("Submitted to", filters=[_strip], validators=[_iso_date])
    assigned = StringField("Assigned to", filters=[_strip])

    def validate_submitted_to(self, field) -> None:
        start = getattr(self.submitted_from, "day", None)
        end = getattr(field, "day", None)
        if start and end and end < start:
            raise ValidationError("Submitted to must be the same as or after submitted from")

    def search(self) -> QueueSearch:
        """The search asked for; values that are not on offer (or wrongly written) are
        left out rather than failing the whole page."""
        self.validate()
        data = self.data
        school = data["school"] or ""
        return QueueSearch(
            case_type=(data["case_type"] or "")[:80],
            school=whole_number(school),
            activity=(data["activity"] or "")[:200],
            status=data["status"] if data["status"] in STATUSES else "",
            submitted_from=None if self.submitted_from.errors else self.submitted_from.day,
            submitted_to=None if self.submitted_to.errors else self.submitted_to.day,
            assigned=data["assigned"] if data["assigned"] in ASSIGNED else "anyone",
        )


class TransitionForm(FlaskForm):
    """One of the transitions the officer may take: the action, where the case was when the
    page was shown, and a note for the school (required, optional, or not asked)."""

    action = HiddenField()
    from_activity = HiddenField()
    note = TextAreaField(
        filters=[_strip],
        validators=[Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX:,} characters or fewer")],
    )


class NoteForm(FlaskForm):
    """An internal note: officers only, never shown to the school."""

    note = TextAreaField(
        "Internal note",
        filters=[_strip],
        validators=[
            DataRequired("Enter a note"),
            Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX:,} characters or fewer"),
        ],
    )


class AssignForm(FlaskForm):
    """Assign to me, or Unassign."""

    to = HiddenField()

    def validate_to(self, field) -> None:
        if field.data not in ("me", "nobody"):
            raise ValidationError("Choose who to assign the case to")
