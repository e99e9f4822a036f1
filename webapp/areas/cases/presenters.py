"""Small helpers that turn engine definitions into what the GOV.UK macros take."""

from __future__ import annotations

from collections.abc import Mapping

from flask import url_for

import engine.numeric as numeric
from engine import CaseType, FieldError
from engine.answers import Values, truthy
from engine.expressions.export import to_json, to_json_value
from engine.fields.dates import parts_at_fault
from engine.fields.numbers import suffix_forms
from engine.group_items import item_named
from engine.input_names import DATE_PARTS, bound_field, input_name, option_id
from engine.model import Field, Page
from webapp.infra import clock

_WIDTHS = {
    "postcode": "10",
    "upn": "20",
    "urn": "10",
    "laestab": "10",
    "number": "5",
    "money": "10",
    "time": "5",
    "phone": "20",
}
DECLARATION_MISSING = "Tick the box to confirm the declaration"
_NO_SPELLCHECK = {"email", "upn", "urn", "laestab", "postcode", "phone", "number", "money", "time"}
_AUTOCOMPLETE = {"email": "email", "phone": "tel", "postcode": "postal-code"}


def choice_items(
    field: Field,
    selected,
    multiple: bool = False,
    follow_ups: Mapping | None = None,
    name: str | None = None,
) -> list[dict]:
    """Radio or checkbox items, with an "or" divider before an exclusive option, and the
    follow-up questions (HTML) shown under an option; `name` is the input's (a group item's
    question has its own), the field's id by default."""
    name = name or field.id
    items: list[dict] = []
    chosen = set(selected or []) if multiple else {selected}
    for position, option in enumerate(field.options, start=1):
        if option.exclusive and items:
            items.append({"divider": "or"})
        item = {"value": option.value, "text": option.label, "checked": option.value in chosen}
        item["id"] = option_id(name, position)  # as Change links find it, divider or not
        if follow_ups and follow_ups.get(option.value):
            item["conditional"] = {"html": follow_ups[option.value]}
        if option.hint:
            item["hint"] = {"text": option.hint}
        if option.exclusive:
            item["behaviour"] = "exclusive"
        items.append(item)
    return items


def input_settings(field: Field) -> dict:
    """The govukInput parameters that depend on the kind of question."""
    kind = field.kind.name
    width = field.settings.get("width") or _WIDTHS.get(kind)
    settings: dict = {"type": {"email": "email", "phone": "tel"}.get(kind, "text")}
    if width:
        settings["classes"] = (
            f"govuk-input--width-{width}" if width[0].isdigit() else f"govuk-!-width-{width}"
        )
    if kind in ("urn", "laestab"):
        settings["inputmode"] = "numeric"
    elif kind in ("number", "money"):
        settings["inputmode"] = "decimal"
    autocomplete = field.settings.get("autocomplete") or _AUTOCOMPLETE.get(kind)
    if autocomplete:
        settings["autocomplete"] = autocomplete
    if kind in _NO_SPELLCHECK:
        settings["spellcheck"] = False
    if kind == "money":
        settings["prefix"] = {"text": "£"}
    if field.settings.get("suffix"):
        settings["suffix"] = {"text": suffix_forms(field.settings)[1]}
    return settings


def calculated_values(
    case_type: CaseType, page: Page, answers: Mapping, values: Values | None = None
) -> dict[str, str]:
    """Calculated values of a page as displayed, by input name (group items included); `values`
    are the answers' values when the caller has them already."""
    shown = {}
    values = case_type.values(answers) if values is None else values
    for field in page.fields:
        if field.kind.is_calculated:
            shown[field.id] = field.kind.display(field, values.get(field.id))
        for index, item in enumerate(answers.get(field.id) or [] if field.kind.holds_items else []):
            for nested in field.fields:
                if nested.kind.is_calculated:
                    name = input_name(field.id, index, nested.id)
                    shown[name] = nested.kind.display(nested, item.get(nested.id))
    return shown


def current_files(page: Page, answers: Mapping) -> dict[str, dict]:
    """Files already uploaded on a page, by input name."""
    files = {}
    for field in page.fields:
        if field.kind.is_upload and isinstance(answers.get(field.id), dict):
            files[field.id] = answers[field.id]
        for index, item in enumerate(answers.get(field.id) or [] if field.kind.holds_items else []):
            for nested in field.fields:
                if nested.kind.is_upload and isinstance(item.get(nested.id), dict):
                    files[input_name(field.id, index, nested.id)] = item[nested.id]
    return files


def by_key(messages: list[FieldError]) -> dict[str, str]:
    return {m.key: m.message for m in messages}


def error_summary(case_type, errors: list[FieldError], form=None) -> list[dict]:
    """A page's problems for the error summary (templates/_form.html): each message linking to
    its input; one in a repeating group's item says which item ("Sibling 2: …"), which the
    message beside the input, inside that item, need not."""
    summary = []
    for error in errors:
        item = item_named(case_type.fields, error.key)
        text = f"{item}: {error.message}" if item else error.message
        summary.append({"text": text, "href": f"#{_summary_anchor(case_type, error, form)}"})
    return summary


def _summary_anchor(case_type, error: FieldError, form) -> str:
    """Where a summary link takes the focus. A repeating group's own problem ("Add at least
    one provider") goes to its first item's first question, or to its Add button when it has
    no item: the group's box itself cannot take the focus, which stayed on the link."""
    group = case_type.fields.get(error.key)
    if form is not None and error.anchor == f"{error.key}-{DATE_PARTS[0]}":  # a date's boxes
        bound = bound_field(form, error.key)  # to the first box the problem lies in
        if bound is not None and isinstance(bound.data, Mapping):
            return f"{error.key}-{parts_at_fault(bound.data)[0]}"
    if form is None or group is None or not group.kind.holds_items or error.key not in form:
        return error.anchor
    if not form[error.key].entries:
        return group.kind.add_anchor(group)
    first = next((n for n in group.fields if n.kind.is_input and n.show_if is None), None)
    return first.kind.anchor(input_name(group.id, 0, first.id)) if first else error.anchor


def sending_problems(case, case_type: CaseType, problems: Mapping, unchecked, refused: bool):
    """What stops a case being sent, for Check your answers' error summary: each page with
    answers to complete (linking to it), the declaration, and the files not (yet) clean; the
    files still being checked only once sending was refused. Each page opens as from a Change
    link: once it is put right, Continue comes back here."""
    items = []
    for page_id, page_errors in problems.items():
        if page_id == "declaration":
            items.append({"text": DECLARATION_MISSING, "href": "#declared"})
            continue
        count = len(page_errors)
        text = f"{case_type.page(page_id).title}: {count} answer{'s' if count != 1 else ''}"
        href = url_for("cases.page", reference=case.reference, page_id=page_id, change=1)
        items.append({"text": f"{text} to complete or correct", "href": href})
    for file in unchecked:
        text = f"{file.question}: {file.message}"
        if file.status != "pending":
            href = url_for("cases.page", reference=case.reference, page_id=file.page_id, change=1)
            items.append({"text": text, "href": href})
        elif refused:
            items.append({"text": text, "href": "#files-being-checked"})
    return items


# ---- conditions in the browser (static/js/live-conditions.js) ----

# Settings the browser needs to read an answer as the server does (numbers: exact text). Not
# an author's `pattern`: the browser's matcher backtracks, and a pattern such as
# ([A-Za-z]+[ '-]?)+ would hang the tab for seconds a keystroke (the server matches with RE2).
_LIVE_SETTINGS = ("case", "max_length", "min_choices", "max_choices", "decimals")
_LIVE_BOUNDS = ("min", "max")
_LIVE_DISPLAY = ("format",)


def live_conditions(
    case_type: CaseType, page: Page, answers: Mapping, today: str, values: Values | None = None
) -> dict:
    """What the page's script needs to show, hide and calculate as the user answers: each
    question's condition and formula as a checked tree, how to read its answer, and the values
    of the questions on other pages that they name (only those). `values` as above."""
    fields = [_live_field(f) for f in page.fields]
    here = {f.id for f in page.fields}
    needed = set()
    calendar = None
    for field in (*page.fields, *(n for f in page.fields for n in f.fields)):
        for expression in (field.show_if, field.expression):
            needed |= set(expression.names) if expression else set()
            if expression and expression.uses_calendar and case_type.calendar:
                calendar = case_type.calendar.to_json()  # only pages that count school days
        needed |= {name for _key, name, _type in field.kind.references(field)}
    pages = None
    if not case_type.sections:  # "Page N of M" follows the answers, as the questions do
        conditions = [p.show_if for p in case_type.pages]
        pages = {"here": [p.id for p in case_type.pages].index(page.id)}
        pages["show_if"] = [to_json(c) for c in conditions]
        for condition in filter(None, conditions):
            needed |= set(condition.names)
            if condition.uses_calendar and case_type.calendar:
                calendar = case_type.calendar.to_json()
    values = case_type.values(answers) if values is None else values
    outside = {name: to_json_value(values.get(name)) for name in sorted(needed - here)}
    # Answers the browser does not read itself (identifiers, files): as last saved.
    fixed = {
        f.id: to_json_value(values.get(f.id))
        for f in page.fields
        if f.has_value and not f.kind.read_in_browser
    }
    spec = {"today": today, "values": {**outside, **fixed}, "fields": fields}
    if pages is not None:
        spec["pages"] = pages
    return {**spec, "calendar": calendar} if calendar else spec


def _live_field(field: Field) -> dict:
    settings = field.settings
    described: dict = {"id": field.id, "kind": field.kind.name, "show_if": to_json(field.show_if)}
    if not field.has_value:
        return described
    if field.kind.is_calculated:
        described["value"] = to_json(field.expression)
        described.update({k: settings[k] for k in _LIVE_DISPLAY if k in settings})
        described["suffix_one"], described["suffix"] = suffix_forms(settings)
        described["places"] = settings.get("decimals", 0)
        return described
    if field.kind.holds_items:
        described["fields"] = [_live_field(n) for n in field.fields]
        return described
    if not field.kind.read_in_browser:
        described["fixed"] = True
        return described
    described["options"] = [o.value for o in field.options]
    described["exclusive"] = [o.value for o in field.options if o.exclusive]
    described.update({k: settings[k] for k in _LIVE_SETTINGS if k in settings})
    for key in _LIVE_BOUNDS:
        bound = settings.get(key, 0 if key == "min" and field.kind.name == "money" else None)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            described[key] = {"$n": format(numeric.exact(bound), "f")}
        elif isinstance(bound, str):
            described[key] = bound
    return described


def shown_inputs(page: Page, visible: set[str], form) -> list[str]:
    """The input names of the questions the page shows as rendered: the user has seen them, so
    their errors may be reported (group items' questions included)."""
    shown = []
    for field in page.fields:
        if field.id not in visible or not field.kind.is_input:
            continue
        shown.append(field.id)
        if field.kind.holds_items:
            nested = [n.id for n in field.fields if n.kind.is_input]
            for index, _entry in enumerate(form[field.id].entries):
                names = (input_name(field.id, index, name) for name in nested)
                shown += [name for name in names if name in visible]
    return shown


def visible_in_items(page: Page, form, visible: set[str], values: Values) -> set[str]:
    """The input names of the group items' questions that apply as the page is shown, each
    item's conditions read with its own answers, as the page's script shows them (without it,
    this is all the page shows). The answers keep the items not left blank, in order."""
    names = set()
    for group in page.fields:
        if group.id not in visible or not group.kind.holds_items:
            continue
        kept = iter(values.get(group.id) or [])
        for index, entry in enumerate(form[group.id].entries):
            typed = [n for n in group.fields if n.kind.is_input]
            blank = all(n.kind.is_empty(entry.data.get(n.id)) for n in typed)
            item = values.with_item({} if blank else next(kept, {}))
            for nested in group.fields:
                if nested.show_if is None or truthy(nested.show_if, item):
                    names.add(input_name(group.id, index, nested.id))
    return names


def newly_asked(asked: frozenset[str], shown: str | None) -> set[str]:
    """Questions the page asks now that the user was not shown when they pressed Continue
    (None when the form did not say what it showed: an older page, or a script)."""
    if shown is None:
        return set()
    return set(asked) - set(shown.split())


def reveals(page: Page) -> dict[str, dict[str, list[Field]]]:
    """Follow-up questions to show under an option of the question just before them (GOV.UK's
    conditional reveal), by question id and option: those whose condition is only "this option
    is chosen" (`injured`, `told == false`, `reason == 'other'`, `'other' in reasons`). Never
    nested."""
    found: dict[str, dict[str, list[Field]]] = {}
    index = 0
    while index < len(page.fields):
        question = page.fields[index]
        index += 1
        while index < len(page.fields):
            option = _option_condition(page.fields[index], question)
            if option is None:
                break
            found.setdefault(question.id, {}).setdefault(option, []).append(page.fields[index])
            index += 1
    return found


def _option_condition(follow_up: Field, question: Field) -> str | None:
    """The option of `question` whose choice alone shows `follow_up`, if that is its condition."""
    if follow_up.kind.holds_items or follow_up.show_if is None:
        return None
    tree = to_json(follow_up.show_if)
    options = [o.value for o in question.options]
    name = ["v", question.id]
    if question.kind.component == "yes_no" and tree == name:
        return "yes"
    if question.kind.component == "yes_no" and _one_link(tree, "=="):  # `told == false`
        left, right = tree[1], tree[2][0][1]
        value = right if left == name else left if right == name else None
        if value in (["c", True], ["c", False]):
            return "yes" if value[1] else "no"
    if question.kind.component == "radios" and _one_link(tree, "=="):
        left, right = tree[1], tree[2][0][1]
        value = right if left == name else left if right == name else None
        if value and value[0] == "c" and value[1] in options:
            return value[1]
    if question.kind.component == "checkboxes" and _one_link(tree, "in"):
        value = tree[1]
        if tree[2][0][1] == name and value[0] == "c" and value[1] in options:
            return value[1]
    return None


def _one_link(tree, op: str) -> bool:
    return tree[0] == "cmp" and len(tree[2]) == 1 and tree[2][0][0] == op


def page_questions(
    case_type, page, form, answers, values, errors=(), warnings=(), now_apply=False
) -> dict:
    """What cases/page.html needs to ask a page's questions as the answers stand (for the
    portal and the preview alike): which apply now (every question is on the page; the others
    are hidden until they apply), their live conditions and reveals, the errors and warnings
    by question and as summaries, and the calculated values."""
    values = case_type.values(answers) if values is None else values
    visible = {f.id for f in case_type.visible_fields(page, answers, values)}
    visible |= visible_in_items(page, form, visible, values)
    return {
        "page": page,
        "form": form,
        "visible": visible,
        "shown": shown_inputs(page, visible, form),
        "live": live_conditions(case_type, page, answers, clock.uk_today().isoformat(), values),
        "now_apply": now_apply,
        "under_options": reveals(page),
        "errors": by_key(list(errors)),
        "error_list": error_summary(case_type, list(errors), form),
        "warnings": by_key(list(warnings)),
        "warning_list": error_summary(case_type, list(warnings), form),
        "calculated": calculated_values(case_type, page, answers, values),
    }
