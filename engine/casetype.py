"""A compiled case type and what the web app asks of it: pages, forms, validation, summary."""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import wtforms

from engine.fields import Invalid
from engine.model import Field, Page, Workflow


@dataclass(frozen=True)
class Declaration:
    """Confirmed on "Check your answers" before the case is sent."""

    text: str
    confirm_label: str = "I confirm"


@dataclass(frozen=True)
class FieldError:
    """A message against one input: `key` is the form name, `anchor` the id to link to."""

    key: str
    anchor: str
    message: str


@dataclass(frozen=True)
class PageResult:
    """What saving a page gives: the answers to store, and what to tell the user."""

    answers: dict
    raw: dict  # exactly what was typed on this page, to show it again
    errors: list[FieldError]
    warnings: list[FieldError]
    form: wtforms.Form | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SummaryRow:
    field_id: str
    label: str
    value: str
    items: tuple[tuple[tuple[str, str], ...], ...] = ()  # a group's items: (label, value) rows


@dataclass(frozen=True)
class SummarySection:
    page_id: str
    title: str
    rows: tuple[SummaryRow, ...]


class Values(ChainMap):
    """Typed answers as expressions see them, plus field labels for messages."""

    def __init__(self, *maps, labels: Mapping[str, str]):
        super().__init__(*maps)
        self.labels = labels

    def with_item(self, item: Mapping) -> Values:
        """These values with one repeating-group item's answers in front."""
        return Values(item, *self.maps, labels=self.labels)

    def label_of(self, field_id: str) -> str:
        return self.labels.get(field_id, field_id)


def _anchor(field: Field, key: str) -> str:
    if field.kind.component == "date":
        return f"{key}-day"
    return key


def _truthy(expression, values) -> bool:
    return expression is None or bool(expression.evaluate(values))


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
    declaration: Declaration | None = None
    source: str = ""
    # The definition as data, with shared lists and workflow written in: stored with cases so
    # a submitted case can always be shown against the version it was sent with.
    definition: dict | None = field(default=None, repr=False, compare=False)
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

    # ---- values and visibility ----
    def values(self, answers: Mapping) -> Values:
        """Typed values of the answers to questions now shown, calculated values included.

        Worked out in order, so an answer to a question that is now hidden (the user changed an
        earlier answer) counts as unanswered and cannot steer later conditions.
        """
        typed: dict = {}
        values = Values(typed, labels=self._labels)
        for page in self.pages:
            if not _truthy(page.show_if, values):
                continue
            for f in page.fields:
                if not f.has_value or not _truthy(f.show_if, values):
                    continue
                if f.kind.name == "calculated":
                    typed[f.id] = f.expression.evaluate(values)
                elif answers.get(f.id) is not None:
                    typed[f.id] = f.kind.to_python(f, answers[f.id])
        return values

    def visible_pages(self, answers: Mapping) -> list[Page]:
        """The pages to ask, in order, given the answers so far."""
        values = self.values(answers)
        return [p for p in self.pages if _truthy(p.show_if, values)]

    def visible_fields(self, page: Page, answers: Mapping) -> list[Field]:
        """The fields of a page to show, given the answers so far."""
        values = self.values(answers)
        return [f for f in page.fields if _truthy(f.show_if, values)]

    def next_page(self, page_id: str, answers: Mapping) -> Page | None:
        """The visible page after `page_id`, or None when it was the last."""
        return self._step(page_id, answers, +1)

    def previous_page(self, page_id: str, answers: Mapping) -> Page | None:
        """The visible page before `page_id`, or None when it was the first."""
        return self._step(page_id, answers, -1)

    def _step(self, page_id: str, answers: Mapping, direction: int) -> Page | None:
        index = [p.id for p in self.pages].index(page_id)
        values = self.values(answers)
        candidates = self.pages[index + 1:] if direction > 0 else reversed(self.pages[:index])
        return next((p for p in candidates if _truthy(p.show_if, values)), None)

    # ---- forms ----
    def form_class(self, page_id: str, base: type = wtforms.Form) -> type:
        """The WTForms class of a page (built once per base class, then reused)."""
        key = (page_id, base)
        if key not in self._forms:
            attributes = {f.id: f.kind.form_field(f) for f in self.page(page_id).fields
                          if f.has_value and f.kind.component != "calculated"}
            self._forms[key] = type(f"{self.id}_{page_id}_form", (base,), attributes)
        return self._forms[key]

    def form_data(self, page_id: str, answers: Mapping) -> dict:
        """Stored answers of a page as form data, to fill its form."""
        data = {}
        for f in self.page(page_id).fields:
            if f.kind.name == "group":
                data[f.id] = [{n.id: n.kind.to_form(n, item.get(n.id)) for n in f.fields
                               if n.has_value} for item in answers.get(f.id) or []]
            elif f.has_value:
                data[f.id] = f.kind.to_form(f, answers.get(f.id))
        return data

    def form(self, page_id: str, answers: Mapping, raw: Mapping | None = None,
             base: type = wtforms.Form, **kwargs) -> wtforms.Form:
        """The page's form showing what was last typed (`raw`) or else the stored answers."""
        data = dict(raw) if raw is not None else self.form_data(page_id, answers)
        return self.form_class(page_id, base)(formdata=None, data=data, **kwargs)

    # ---- saving a page ----
    def save_page(self, page_id: str, form: wtforms.Form, answers: Mapping,
                  files: Mapping[str, dict] | None = None,
                  file_errors: Mapping[str, str] | None = None) -> PageResult:
        """Check a submitted page and merge its valid answers into a copy of `answers`.

        Valid answers are kept even when other questions on the page are wrong, and `raw` holds
        everything as typed, so nothing is lost. `files` are references to uploads already
        stored for file questions (by form name); `file_errors` say why an upload was refused.
        """
        raw = self.typed_input(page_id, form, answers, files or {})
        result = self.check_page(page_id, raw, answers, file_errors or {})
        for error in result.errors:
            _form_field(form, error.key).errors = [error.message]
        return PageResult(result.answers, raw, result.errors, result.warnings, form)

    def typed_input(self, page_id: str, form: wtforms.Form, answers: Mapping,
                    files: Mapping[str, dict]) -> dict:
        """What a submitted form holds, JSON-ready: typed text, and file references.

        A file question takes the newly stored upload named in `files`, or keeps the file it
        already had (a browser never sends a file back).
        """
        raw = {}
        for f in self.page(page_id).fields:
            if not _is_input(f):
                continue
            if f.kind.name == "group":
                existing = answers.get(f.id) or []
                items = []
                for index, entry in enumerate(form[f.id].entries):
                    before = existing[index] if index < len(existing) else {}
                    items.append({
                        n.id: (files.get(f"{f.id}-{index}-{n.id}") or before.get(n.id)
                               if n.kind.component == "file" else entry.form[n.id].data)
                        for n in f.fields if _is_input(n)})
                raw[f.id] = items
            elif f.kind.component == "file":
                raw[f.id] = files.get(f.id) or answers.get(f.id)
            else:
                raw[f.id] = form[f.id].data
        return raw

    def check_page(self, page_id: str, raw: Mapping, answers: Mapping,
                   file_errors: Mapping[str, str] | None = None) -> PageResult:
        """Check raw input for one page against its questions and rules (no form needed)."""
        page = self.page(page_id)
        merged = dict(answers)
        errors: list[FieldError] = []
        warnings: list[FieldError] = []
        file_errors = file_errors or {}
        for f in page.fields:
            values = self.values(merged)
            if not f.has_value or f.kind.component == "calculated":
                continue
            if not _truthy(f.show_if, values):
                continue
            if f.kind.name == "group":
                merged[f.id] = self._check_group(f, raw.get(f.id) or [], values, errors,
                                                 warnings, file_errors)
                continue
            _check_one(f, f.id, raw.get(f.id), values, merged, errors, file_errors)
        self._store_calculations(page, merged)
        values = self.values(merged)
        visible = {f.id for f in page.fields if _truthy(f.show_if, values)}
        _apply_rules(page.fields, page.rules, values, visible, errors, warnings)
        return PageResult(merged, dict(raw), errors, warnings)

    def _check_group(self, group: Field, items: list, values: Values, errors: list,
                     warnings: list, file_errors: Mapping[str, str]) -> list[dict]:
        kept = []
        for index, item in enumerate(items):
            if all(n.kind.is_empty(item.get(n.id)) for n in group.fields if n.has_value):
                continue  # an item left blank: nothing typed, nothing lost
            answer: dict = {}
            for nested in group.fields:
                item_values = values.with_item(_typed_item(group, answer))
                if nested.kind.component == "calculated":
                    answer[nested.id] = _json(nested.expression.evaluate(item_values))
                elif nested.has_value and _truthy(nested.show_if, item_values):
                    _check_one(nested, f"{group.id}-{index}-{nested.id}", item.get(nested.id),
                               item_values, answer, errors, file_errors, store_key=nested.id)
            item_values = values.with_item(_typed_item(group, answer))
            visible = {n.id for n in group.fields if _truthy(n.show_if, item_values)}
            _apply_rules(group.fields, group.rules, item_values, visible, errors, warnings,
                         prefix=f"{group.id}-{index}-")
            kept.append(answer)
        low = group.settings.get("min_items", 0)
        high = group.settings.get("max_items", 50)
        if not kept and group.required:
            errors.append(FieldError(group.id, group.id, group.kind.missing_message(group)))
        elif kept and len(kept) < low:
            errors.append(FieldError(group.id, group.id, f"Add at least {low} "
                                                         f"{group.kind.item_name(group, low)}"))
        elif len(kept) > high:
            errors.append(FieldError(group.id, group.id, f"Add no more than {high} "
                                                         f"{group.kind.item_name(group, high)}"))
        return kept

    def _store_calculations(self, page: Page, merged: dict) -> None:
        values = self.values(merged)
        for f in page.fields:
            if f.kind.component == "calculated":
                merged[f.id] = _json(values.get(f.id))

    # ---- before submission ----
    def problems(self, answers: Mapping) -> dict[str, list[FieldError]]:
        """Pages that are not complete and why, by page id (empty when ready to submit)."""
        found = {}
        for page in self.visible_pages(answers):
            result = self.check_page(page.id, self.form_data(page.id, answers), answers)
            if result.errors:
                found[page.id] = result.errors
        return found

    def submission_answers(self, answers: Mapping) -> dict:
        """The answers to keep on submission: only those of visible pages and fields."""
        kept = {}
        for page in self.visible_pages(answers):
            for f in self.visible_fields(page, answers):
                if f.has_value and answers.get(f.id) is not None:
                    kept[f.id] = answers[f.id]
        return kept

    def summary_sections(self, answers: Mapping) -> list[SummarySection]:
        """The rows of "Check your answers": visible questions, answered or not."""
        sections = []
        values = self.values(answers)
        for page in self.visible_pages(answers):
            rows = []
            for f in self.visible_fields(page, answers):
                if not f.has_value:
                    continue
                value = values.get(f.id) if f.kind.component == "calculated" else answers.get(
                    f.id)
                shown = f.kind.display(f, value) if value is not None or (
                    f.kind.component == "calculated") else ""
                items = ()
                if f.kind.name == "group":
                    items = tuple(
                        tuple((n.label, n.kind.display(n, item.get(n.id)))
                              for n in f.fields if n.has_value and item.get(n.id) is not None)
                        for item in answers.get(f.id) or [])
                rows.append(SummaryRow(f.id, f.label, shown, items))
            sections.append(SummarySection(page.id, page.title, tuple(rows)))
        return sections


def _check_one(f: Field, key: str, raw, values: Values, merged: dict, errors: list,
               file_errors: Mapping[str, str], store_key: str | None = None) -> None:
    """Check one answer; store it when acceptable, record the error when not."""
    store_key = store_key or f.id
    if key in file_errors:
        errors.append(FieldError(key, _anchor(f, key), file_errors[key]))
        return
    if f.kind.is_empty(raw):
        merged.pop(store_key, None)
        if f.required:
            errors.append(FieldError(key, _anchor(f, key), f.kind.missing_message(f)))
        return
    try:
        merged[store_key] = f.kind.parse(f, raw, values)
    except Invalid as problem:
        merged.pop(store_key, None)
        errors.append(FieldError(key, _anchor(f, key), problem.message))


def _apply_rules(fields, rules, values: Values, visible: set[str], errors: list,
                 warnings: list, prefix: str = "") -> None:
    """Check rules whose question is shown and answered well so far; record the failures."""
    by_id = {f.id: f for f in fields}
    failed = {e.key for e in errors}
    for rule in rules:
        key = prefix + rule.field
        if rule.field not in visible or key in failed:
            continue
        if any(values.get(name) is None for name in rule.check.needed_names):
            continue  # a rule relates answers; missing ones are reported on their own
        if not rule.check.evaluate(values):
            message = FieldError(key, _anchor(by_id[rule.field], key), rule.message)
            (errors if rule.severity == "error" else warnings).append(message)
            failed.add(key)


def _typed_item(group: Field, answer: Mapping) -> dict:
    return {n.id: n.kind.to_python(n, answer[n.id]) for n in group.fields if n.id in answer}


def _json(value):
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def _is_input(f: Field) -> bool:
    """Whether the user answers this field on the form (not content, not calculated)."""
    return f.has_value and f.kind.component != "calculated"


def _form_field(form: wtforms.Form, key: str):
    parts = key.split("-")
    if len(parts) == 3 and parts[1].isdigit():
        return form[parts[0]].entries[int(parts[1])].form[parts[2]]
    return form[key]
