"""The compiled shape of case types: frozen dataclasses built once from validated YAML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.expressions import Expression

if TYPE_CHECKING:
    from engine.fields.base import FieldType

STATUSES = ("Active", "Completed", "Abandoned")
ACTORS = ("school", "officer", "system")
SETTINGS = ("school", "early_years")
LIFECYCLE = ("live", "retired")  # a case type's `status:`
# What the portal knows and can put in a question before the user answers it (`prefill:`).
PREFILL_SOURCES = (
    "school.name",
    "school.urn",
    "school.laestab",
    "school.phase",
    "user.full_name",
    "user.email",
    "user.job_title",
    "user.mobile",
)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""
    exclusive: bool = False  # "None of these": unticks the others


@dataclass(frozen=True)
class Rule:
    """A cross-field check: `check` must hold, or `message` shows on `field`."""

    check: Expression
    message: str
    field: str
    severity: str = "error"  # or "warning": shown, but the page may still be left


@dataclass(frozen=True)
class Field:
    """One question (or content block) on a page, or inside a repeating group."""

    id: str
    kind: FieldType
    label: str
    hint: str = ""
    required: bool = True
    required_message: str = ""
    show_if: Expression | None = None
    options: tuple[Option, ...] = ()
    fields: tuple[Field, ...] = ()  # the item fields of a repeating group
    settings: Mapping[str, object] = field(default_factory=dict)
    expression: Expression | None = None  # a calculated value's formula
    rules: tuple[Rule, ...] = ()  # a repeating group's checks, made for each item
    prefill: str = ""  # one of PREFILL_SOURCES: filled in while unanswered
    locked: bool = False  # a prefilled answer the user cannot change

    @property
    def has_value(self) -> bool:
        return self.kind.has_value

    def option_label(self, value) -> str:
        return next((o.label for o in self.options if o.value == value), str(value))


@dataclass(frozen=True)
class SummaryRow:
    """A question's row on "Check your answers"."""

    field_id: str
    label: str
    value: str
    items: tuple[tuple[tuple[str, str], ...], ...] = ()  # a group's items: (label, value) rows
    changeable: bool = True  # False for a value worked out from answers: nothing to change
    item_label: str = ""  # what one item is called: the items read "Provider 1", "Provider 2"
    anchor: str = ""  # the input its Change link goes to (a date's day box), if not field_id


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    fields: tuple[Field, ...]
    intro: str = ""
    show_if: Expression | None = None
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Section:
    """Pages worked on together: a task on the case type's task list."""

    id: str
    title: str
    pages: tuple[str, ...]  # page ids, in the order of the case type's pages


@dataclass(frozen=True)
class Activity:
    id: str
    label: str
    status: str
    school_can_edit: bool = False  # the school may change the answers (more information asked)


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str
    by: str
    note: str = "none"  # none, optional, required
    email_school: bool = False
    email_officers: bool = False
    # Offered only when this holds over the case's answers (`when:`); None: always.
    when: Expression | None = None
    when_text: str = ""  # as written, until the case type's compiler checks it


@dataclass(frozen=True)
class Workflow:
    name: str
    start: str
    activities: Mapping[str, Activity]
    transitions: tuple[Transition, ...]

    def transitions_from(self, activity: str, by: str | None = None) -> list[Transition]:
        """The transitions leaving `activity`, optionally only those `by` may take."""
        return [t for t in self.transitions if t.source == activity and (by is None or t.by == by)]

    @property
    def has_conditions(self) -> bool:
        """Whether a transition depends on the answers (`when:`)."""
        return any(t.when_text for t in self.transitions)


@dataclass(frozen=True)
class ExportOptions:
    """How caseviewer's CSV export writes a case type's answers (`export:`)."""

    options: str = "labels"  # or "codes": the option values as stored
    dates: str = "as_shown"  # "1 September 2026"; "iso": 2026-09-01; "uk": 01/09/2026
    headings: Mapping[str, str] = field(default_factory=dict)  # question id -> column heading


@dataclass(frozen=True)
class LinkTile:
    """A "Remote service" entry on Submit case: opens a URL instead of a form."""

    id: str
    name: str
    category: str
    url: str
    summary: str = ""
    raised_by: tuple[str, ...] = SETTINGS
    source: str = ""
