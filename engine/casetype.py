"""A compiled case type and what the web app asks of it: pages, forms, validation, summary."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from engine.answers import FieldError, PageResult, Values, truthy
from engine.case_settings import Lifecycle
from engine.checking import check_page
from engine.expressions import SchoolCalendar
from engine.group_items import item_named
from engine.input_names import bound_field, read_input_name
from engine.model import ExportOptions, Field, Page, Section, SummaryRow, Transition, Workflow

if TYPE_CHECKING:  # WTForms is imported when a form is first built, never to validate
    import wtforms


@dataclass(frozen=True)
class Declaration:
    """Confirmed on "Check your answers" before the case is sent."""

    text: str
    confirm_label: str = "I confirm"


# A section's status on the task list (GOV.UK task list wording).
NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"


@dataclass(frozen=True)
class SectionProgress:
    """A section as the task list shows it: its status and the page its link opens."""

    section: Section
    status: str
    pages: tuple[str, ...]  # its pages that apply, given the answers so far
    first_page: str  # the first of those not yet completed (or the first, when all are)


@dataclass(frozen=True)
class SummarySection:
    page_id: str
    title: str
    rows: tuple[SummaryRow, ...]


@dataclass(frozen=True, eq=False)
class CaseType:
    """A case type ready to use. Built by the compiler; never changed afterwards."""

    id: str
    name: str
    service: str
    category: str
    summary: str
    version: int
    prefix: str
    code: str
    raised_by: tuple[str, ...]
    workflow: Workflow
    pages: tuple[Page, ...]
    sections: tuple[Section, ...] = ()
    declaration: Declaration | None = None
    source: str = ""
    lifecycle: Lifecycle = Lifecycle()  # live, or retired (drafts sent until a day)
    export: ExportOptions = ExportOptions()  # how the CSV export writes the answers
    # The definition as data, with shared lists and workflow written in: stored with cases so
    # a submitted case can always be shown against the version it was sent with.
    definition: dict | None = field(default=None, repr=False, compare=False)
    # The school calendar its expressions count school days with (None: weekdays only).
    calendar: SchoolCalendar | None = field(default=None, repr=False, compare=False)
    _forms: dict = field(default_factory=dict, repr=False, compare=False)

    # ---- lookups ----
    @cached_property
    def fields(self) -> dict[str, Field]:
        """Every field with an answer, by id (top level; a group holds its own)."""
        return {f.id: f for page in self.pages for f in page.fields}

    @cached_property
    def _labels(self) -> dict[str, str]:
        labels = {}
        for page in self.pages:
            for f in page.fields:
                labels[f.id] = f.label
                labels.update({n.id: n.label for n in f.fields})
        return labels

    def page(self, page_id: str) -> Page:
        """The page with this id; KeyError if there is none."""
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)

    def transitions_for(self, activity: str, by, answers: Mapping, values=None) -> list[Transition]:
        """The transitions from `activity` open to `by` (None: anyone): `when:` holds, or none."""
        leaving = self.workflow.transitions_from(activity, by)
        if values is None and any(t.when is not None for t in leaving):
            values = self.values(answers)
        return [t for t in leaving if truthy(t.when, values)]

    # ---- values and visibility ----
    def values(self, answers: Mapping, before: Page | None = None) -> Values:
        """Typed values of the answers to questions now shown, calculated values included
        (with `before`, only those of the pages before that one).

        Worked out in order, so an answer to a question that is now hidden (the user changed an
        earlier answer) counts as unanswered and cannot steer later conditions.
        """
        typed: dict = {}
        values = Values(typed, labels=self._labels)
        for page in self.pages:
            if page is before:
                break
            if not truthy(page.show_if, values):
                continue
            for f in page.fields:
                if f.has_value and truthy(f.show_if, values):
                    value = f.kind.typed_value(f, answers, values)
                    if value is not None:  # unanswered, or not yet known
                        typed[f.id] = value
        return values

    # Each of these takes the answers' `values` when the caller has them already (a page's
    # request asks several questions of the same answers: they are evaluated once).
    def visible_pages(self, answers: Mapping, values: Values | None = None) -> list[Page]:
        """The pages to ask, in order, given the answers so far."""
        values = self.values(answers) if values is None else values
        return [p for p in self.pages if truthy(p.show_if, values)]

    def visible_fields(
        self, page: Page, answers: Mapping, values: Values | None = None
    ) -> list[Field]:
        """The fields of a page to show, given the answers so far."""
        values = self.values(answers) if values is None else values
        return [f for f in page.fields if truthy(f.show_if, values)]

    def next_page(
        self, page_id: str, answers: Mapping, values: Values | None = None
    ) -> Page | None:
        """The visible page after `page_id`, or None when it was the last."""
        return self._step(page_id, answers, +1, values)

    def previous_page(
        self, page_id: str, answers: Mapping, values: Values | None = None
    ) -> Page | None:
        """The visible page before `page_id`, or None when it was the first."""
        return self._step(page_id, answers, -1, values)

    def _step(
        self, page_id: str, answers: Mapping, direction: int, values: Values | None
    ) -> Page | None:
        index = [p.id for p in self.pages].index(page_id)
        values = self.values(answers) if values is None else values
        candidates = self.pages[index + 1 :] if direction > 0 else reversed(self.pages[:index])
        return next((p for p in candidates if truthy(p.show_if, values)), None)

    def page_position(
        self, page_id: str, answers: Mapping, values: Values | None = None
    ) -> tuple[int, int]:
        """ "Page N of M": the page's place among the pages that apply now, and their number."""
        visible = [p.id for p in self.visible_pages(answers, values)]
        return visible.index(page_id) + 1, len(visible)

    # ---- sections ----
    def section_of(self, page_id: str) -> Section | None:
        """The section holding the page (None when the case type has no sections)."""
        return next((s for s in self.sections if page_id in s.pages), None)

    def section_progress(
        self, answers: Mapping, saved_pages: Collection[str] = ()
    ) -> list[SectionProgress]:
        """The sections that apply, in order, each with its status; `saved_pages` are the pages
        saved at least once.

        A section is Completed when every page of it that applies has been saved with no
        problem left, In progress once one of them has been saved, and otherwise Not yet
        started — unless a condition on one of its pages names a question of an earlier
        section that is not Completed: then it Cannot start yet, because which of its pages
        apply is not known. A section none of whose pages apply is left out.
        """
        values = self.values(answers)
        unfinished = set(self.problems(answers))
        waiting: set[str] = set()  # questions of earlier sections not yet completed
        progress = []
        for section in self.sections:
            pages = [self.page(page_id) for page_id in section.pages]
            applying = [p.id for p in pages if truthy(p.show_if, values)]
            touched = any(page_id in saved_pages for page_id in section.pages)
            depends = {n for p in pages if p.show_if for n in p.show_if.names} & waiting
            done = [p for p in applying if p in saved_pages and p not in unfinished]
            if depends and not touched:
                status = CANNOT_START
            elif not applying:
                continue
            elif len(done) == len(applying):
                status = COMPLETED
            else:
                status = IN_PROGRESS if touched else NOT_STARTED
            if status != COMPLETED:
                waiting.update(f.id for p in pages for f in p.fields)
            first = next((p for p in applying if p not in done), applying[0] if applying else "")
            progress.append(SectionProgress(section, status, tuple(applying), first))
        return progress

    # ---- prefilled questions ----
    def prefill(
        self, page_id: str, data: Mapping, known: Mapping[str, str], locked_only: bool = False
    ) -> dict:
        """Form data with the page's prefilled questions filled from `known` (values by prefill
        source, e.g. "school.name"): locked ones always, others while they are empty."""
        filled = dict(data)
        for f in self.page(page_id).fields:
            value = known.get(f.prefill) if f.prefill else None
            if value and (f.locked or not (locked_only or filled.get(f.id))):
                filled[f.id] = value
        return filled

    def locked_fields(self, page_id: str, known: Mapping[str, str]) -> dict[str, str]:
        """The page's locked questions and their values: what is posted for them is ignored.
        A locked question the portal knows nothing for is an ordinary question."""
        return {
            f.id: known[f.prefill]
            for f in self.page(page_id).fields
            if f.locked and known.get(f.prefill)
        }

    # ---- forms ----
    def form_class(self, page_id: str, base: type | None = None) -> type:
        """The WTForms class of a page (built once per base class, then reused); `base`
        defaults to wtforms.Form."""
        if base is None:
            import wtforms

            base = wtforms.Form
        key = (page_id, base)
        if key not in self._forms:
            attributes = {
                f.id: f.kind.form_field(f) for f in self.page(page_id).fields if f.kind.is_input
            }
            self._forms[key] = type(f"{self.id}_{page_id}_form", (base,), attributes)
        return self._forms[key]

    def form_keys(self, page_id: str) -> int:
        """The most form values the page's questions send when every answer is given."""
        return sum(f.kind.form_keys(f) for f in self.page(page_id).fields)

    def form_data(self, page_id: str, answers: Mapping) -> dict:
        """Stored answers of a page as form data, to fill its form."""
        return {
            f.id: f.kind.to_form(f, answers.get(f.id))
            for f in self.page(page_id).fields
            if f.has_value
        }

    def form(
        self,
        page_id: str,
        answers: Mapping,
        raw: Mapping | None = None,
        base: type | None = None,
        known: Mapping[str, str] | None = None,
        **kwargs,
    ) -> wtforms.Form:
        """The page's form showing what was last typed (`raw`) or else the stored answers;
        with `known`, prefilled questions filled in (see `prefill`)."""
        data = dict(raw) if raw is not None else self.form_data(page_id, answers)
        if known:
            data = self.prefill(page_id, data, known, locked_only=raw is not None)
        return self.form_class(page_id, base)(formdata=None, data=data, **kwargs)

    # ---- saving a page ----
    def save_page(
        self,
        page_id: str,
        form: wtforms.Form,
        answers: Mapping,
        files: Mapping[str, dict] | None = None,
        file_errors: Mapping[str, str] | None = None,
    ) -> PageResult:
        """Check a submitted page and merge its valid answers into a copy of `answers`.

        Valid answers are kept even when other questions on the page are wrong, and `raw` holds
        everything as typed, so nothing is lost. `files` are references to uploads already
        stored for file questions (by form name); `file_errors` say why an upload was refused.
        """
        raw = self.typed_input(page_id, form, answers, files or {})
        result = self.check_page(page_id, raw, answers, file_errors or {})
        errors = result.errors + self._too_many_items(page_id, form, result)
        for error in errors:
            bound_field(form, error.key).errors = [error.message]
        return PageResult(result.answers, raw, errors, result.warnings, form, result.asked)

    def _too_many_items(self, page_id: str, form: wtforms.Form, result: PageResult) -> list:
        """Groups sent with more items than they take: the items past the limit were not read
        (nor kept as typed), and the user is told."""
        reported = {e.key for e in result.errors}
        over = [
            f
            for f in self.page(page_id).fields
            if f.id in form and getattr(form[f.id], "overflow", False) and f.id not in reported
        ]
        if not over:  # the usual case: no need to evaluate the answers again
            return []
        values = self.values(result.answers)
        return [
            FieldError(f.id, f.id, f.kind.too_many_message(f))
            for f in over
            if truthy(f.show_if, values)
        ]

    def typed_input(
        self, page_id: str, form: wtforms.Form, answers: Mapping, files: Mapping[str, dict]
    ) -> dict:
        """What a submitted form holds, JSON-ready: typed text, and file references.

        A file question takes the newly stored upload named in `files`, or keeps the file it
        already had (a browser never sends a file back).
        """
        return {
            f.id: f.kind.typed_input(f, form[f.id], answers.get(f.id), files)
            for f in self.page(page_id).fields
            if f.kind.is_input
        }

    def check_page(
        self,
        page_id: str,
        raw: Mapping,
        answers: Mapping,
        file_errors: Mapping[str, str] | None = None,
    ) -> PageResult:
        """Check raw input for one page against its questions and rules (no form needed)."""
        return check_page(self, self.page(page_id), raw, answers, file_errors or {})

    # ---- before submission ----
    def problems(self, answers: Mapping) -> dict[str, list[FieldError]]:
        """Pages that are not complete and why, by page id (empty when ready to submit)."""
        found = {}
        for page in self.visible_pages(answers):
            result = self.check_page(page.id, self.form_data(page.id, answers), answers)
            if result.errors:
                found[page.id] = result.errors
        return found

    def warnings(self, answers: Mapping) -> dict[str, list[FieldError]]:
        """The warnings the answers raise now (rules with `severity: warning`), by page id."""
        found = {}
        for page in self.visible_pages(answers):
            result = self.check_page(page.id, self.form_data(page.id, answers), answers)
            if result.warnings:
                found[page.id] = result.warnings
        return found

    def question_label(self, key: str) -> str:
        """The question an input name stands for, as a person reads it ("Providers 2: Report")."""
        item = item_named(self.fields, key)
        field = read_input_name(key).field if item else key
        label = self._labels.get(field, field)
        return f"{item}: {label}" if item else label

    def submission_answers(self, answers: Mapping) -> dict:
        """The answers to keep on submission: only those of visible pages and fields."""
        kept = {}
        values = self.values(answers)
        for page in self.visible_pages(answers, values):
            for f in self.visible_fields(page, answers, values):
                if f.has_value and answers.get(f.id) is not None:
                    kept[f.id] = answers[f.id]
        return kept

    def summary_sections(self, answers: Mapping) -> list[SummarySection]:
        """The rows of "Check your answers": visible questions, answered or not."""
        sections = []
        values = self.values(answers)
        for page in self.visible_pages(answers, values):
            rows = tuple(
                f.kind.summary_row(f, answers.get(f.id), values)
                for f in self.visible_fields(page, answers, values)
                if f.has_value
            )
            sections.append(SummarySection(page.id, page.title, rows))
        return sections
