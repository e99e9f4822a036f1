"""Checking a page: each answer as typed, each repeating-group item, then the page's rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from engine.answers import FieldError, PageResult, Values, truthy
from engine.fields import Invalid
from engine.input_names import input_name
from engine.model import Field, Page

_NONE = object()  # no answer stored (None may be one)


def check_page(
    case_type, page: Page, raw: Mapping, answers: Mapping, file_errors: Mapping[str, str]
) -> PageResult:
    """Check what was typed on a page, answer by answer, then its rules.

    Valid answers are merged into a copy of `answers` even when others on the page are wrong.
    """
    merged = dict(answers)
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    asked: set[str] = set()
    file_errors = file_errors or {}
    # A question can name only questions before it, so the values it sees are those of the
    # pages before this one and of this page's questions checked so far: worked out once,
    # then added to question by question (not again for every question: that grew with the
    # square of the questions).
    values = case_type.values(merged, before=page)
    page_shown = truthy(page.show_if, values)
    for f in page.fields:
        shown = truthy(f.show_if, values)
        if f.kind.is_input and shown:
            asked.add(f.id)
            if f.kind.holds_items:
                merged[f.id] = _check_group(
                    f, raw.get(f.id) or [], values, errors, warnings, file_errors, asked
                )
            else:
                _check_one(f, f.id, raw.get(f.id), values, merged, errors, file_errors)
        if page_shown and shown and f.has_value:
            _add_value(values, f, merged)
    values = case_type.values(merged)
    if _store_calculations(case_type, page, merged, values):
        values = case_type.values(merged)
    visible = {f.id for f in page.fields if truthy(f.show_if, values)}
    by_id = {f.id: f for f in page.fields}
    _apply_rules(by_id, page.rules, values, visible, errors, warnings)
    return PageResult(merged, dict(raw), errors, warnings, asked=frozenset(asked))


def _add_value(values: Values, f: Field, merged: Mapping) -> None:
    """The value expressions see for `f`, as CaseType.values works it out, added to `values`."""
    value = f.kind.typed_value(f, merged, values)
    if value is None:
        values.maps[0].pop(f.id, None)
    else:
        values.maps[0][f.id] = value


def _check_group(
    group: Field,
    items: list,
    values: Values,
    errors: list,
    warnings: list,
    file_errors: Mapping[str, str],
    asked: set[str],
) -> list[dict]:
    """The items of a repeating group that hold anything, each checked with its rules."""
    kept = []
    for index, item in enumerate(items):
        refused = any(input_name(group.id, index, n.id) in file_errors for n in group.fields)
        if not refused and all(
            n.kind.is_empty(item.get(n.id)) for n in group.fields if n.has_value
        ):
            continue  # an item left blank: nothing typed, nothing lost (a file refused is not)
        kept.append(_check_item(group, index, item, values, errors, warnings, file_errors, asked))
    count_problem = _count_problem(group, len(kept))
    if count_problem:
        errors.append(FieldError(group.id, group.id, count_problem))
    return kept


def _check_item(
    group: Field,
    index: int,
    item: Mapping,
    values: Values,
    errors: list,
    warnings: list,
    file_errors: Mapping[str, str],
    asked: set[str],
) -> dict:
    """One item's answers, its calculated values worked out; its errors added to `errors`;
    the names of the questions it asked added to `asked`."""
    answer: dict = {}
    item_errors: list[FieldError] = []  # this item's own, so each item costs the same
    for nested in group.fields:
        item_values = values.with_item(_typed_item(group, answer))
        if nested.kind.is_calculated:
            value = nested.kind.evaluate(nested, item_values)
            answer[nested.id] = nested.kind.stored(nested, value)
        elif nested.has_value and truthy(nested.show_if, item_values):
            name = input_name(group.id, index, nested.id)
            asked.add(name)
            raw = item.get(nested.id)
            _check_one(nested, name, raw, item_values, answer, item_errors, file_errors, nested.id)
    item_values = values.with_item(_typed_item(group, answer))
    visible = {n.id for n in group.fields if truthy(n.show_if, item_values)}
    by_id = {n.id: n for n in group.fields}
    key_of = partial(input_name, group.id, index)
    _apply_rules(by_id, group.rules, item_values, visible, item_errors, warnings, key_of)
    errors += item_errors
    return answer


def _count_problem(group: Field, count: int) -> str | None:
    """What is wrong with the number of items kept, if anything."""
    low = group.settings.get("min_items", 0)
    high = group.settings.get("max_items", 50)
    if not count and group.required:
        return group.kind.missing_message(group)
    if count and count < low:
        return f"Add at least {low} {group.kind.item_name(group, low)}"
    if count > high:
        return f"Add no more than {high} {group.kind.item_name(group, high)}"
    return None


def _store_calculations(case_type, page: Page, merged: dict, values: Values | None) -> bool:
    """Store the page's calculated values in `merged`; whether that changed any."""
    calculated = [f for f in page.fields if f.kind.is_calculated]
    if not calculated:
        return False
    values = case_type.values(merged) if values is None else values
    changed = False
    for f in calculated:
        stored = f.kind.stored(f, values.get(f.id))
        changed = changed or merged.get(f.id, _NONE) != stored
        merged[f.id] = stored
    return changed


def _check_one(
    f: Field,
    key: str,
    raw,
    values: Values,
    merged: dict,
    errors: list,
    file_errors: Mapping[str, str],
    store_key: str | None = None,
) -> None:
    """Check one answer; store it when acceptable, record the error when not."""
    store_key = store_key or f.id
    if key in file_errors:
        errors.append(FieldError(key, f.kind.anchor(key), file_errors[key]))
        return
    if f.kind.is_empty(raw):
        merged.pop(store_key, None)
        if f.required:
            errors.append(FieldError(key, f.kind.anchor(key), f.kind.missing_message(f)))
        return
    try:
        merged[store_key] = f.kind.parse(f, raw, values)
    except Invalid as problem:
        merged.pop(store_key, None)
        errors.append(FieldError(key, f.kind.anchor(key), problem.message))


def _apply_rules(
    by_id: Mapping[str, Field],
    rules,
    values: Values,
    visible: set[str],
    errors: list,
    warnings: list,
    key_of: Callable[[str], str] = str,
) -> None:
    """Check rules whose question is shown and answered well so far; record the failures.

    `errors` are those of the page, or of one group item: never every item's, which would
    make checking a group grow with the square of its items.
    """
    failed = {e.key for e in errors}
    for rule in rules:
        key = key_of(rule.field)
        if rule.field not in visible or key in failed:
            continue
        if any(values.get(name) is None for name in rule.check.needed_names):
            continue  # a rule relates answers; missing ones are reported on their own
        if not rule.check.evaluate(values):
            message = FieldError(key, by_id[rule.field].kind.anchor(key), rule.message)
            (errors if rule.severity == "error" else warnings).append(message)
            failed.add(key)


def _typed_item(group: Field, answer: Mapping) -> dict:
    return {n.id: n.kind.to_python(n, answer[n.id]) for n in group.fields if n.id in answer}
