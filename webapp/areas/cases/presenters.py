"""Small helpers that turn engine definitions into what the GOV.UK macros take."""

from __future__ import annotations

from collections.abc import Mapping

from flask import url_for

from engine import CaseType, FieldError
from engine.input_names import input_name
from engine.model import Field, Page

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


def choice_items(field: Field, selected, multiple: bool = False) -> list[dict]:
    """Radio or checkbox items, with an "or" divider before an exclusive option."""
    items: list[dict] = []
    chosen = set(selected or []) if multiple else {selected}
    for option in field.options:
        if option.exclusive and items:
            items.append({"divider": "or"})
        item = {"value": option.value, "text": option.label, "checked": option.value in chosen}
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
        settings["suffix"] = {"text": field.settings["suffix"]}
    return settings


def calculated_values(case_type: CaseType, page: Page, answers: Mapping) -> dict[str, str]:
    """Calculated values of a page as displayed, by input name (group items included)."""
    shown = {}
    values = case_type.values(answers)
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


def error_summary(errors: list[FieldError]) -> list[dict]:
    """A page's problems for the error summary (templates/_form.html): each message linking to
    its input."""
    return [{"text": e.message, "href": f"#{e.anchor}"} for e in errors]


def sending_problems(case, case_type: CaseType, problems: Mapping, unchecked, refused: bool):
    """What stops a case being sent, for Check your answers' error summary: each page with
    answers to complete (linking to it), the declaration, and the files not (yet) clean; the
    files still being checked only once sending was refused."""
    items = []
    for page_id, page_errors in problems.items():
        if page_id == "declaration":
            items.append({"text": DECLARATION_MISSING, "href": "#declared"})
            continue
        count = len(page_errors)
        text = f"{case_type.page(page_id).title}: {count} answer{'s' if count != 1 else ''}"
        href = url_for("cases.page", reference=case.reference, page_id=page_id)
        items.append({"text": f"{text} to complete or correct", "href": href})
    for file in unchecked:
        text = f"{file.question}: {file.message}"
        if file.status != "pending":
            href = url_for("cases.page", reference=case.reference, page_id=file.page_id)
            items.append({"text": text, "href": href})
        elif refused:
            items.append({"text": text, "href": "#files-being-checked"})
    return items
