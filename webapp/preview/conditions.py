"""The conditions panel of a previewed page: what decides whether the page and each of its
questions are shown, in plain English (engine/describe.py), and whether each holds for the
answers typed so far."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from engine import CaseType
from engine.answers import Values, truthy
from engine.describe import Describer, quoted_label, subjects_of
from engine.model import Page


@dataclass(frozen=True)
class Condition:
    """One condition as the panel shows it."""

    subject: str  # "This page", or the question's label in quotes
    english: str  # "‘Was the pupil injured?’ is Yes"
    expression: str  # as written in the YAML
    holds: bool | None  # None: decided for each item of a repeating group


@functools.lru_cache(maxsize=64)
def describer_for(case_type: CaseType) -> Describer:
    """The English of a case type's expressions (the case type is frozen: cached)."""
    return Describer(subjects_of(case_type))


def page_conditions(case_type: CaseType, page: Page, values: Values) -> list[Condition]:
    """The page's own condition, then each question's (group items' questions included)."""
    describer = describer_for(case_type)
    found = []
    if page.show_if is not None:
        found.append(_condition(describer, "This page", page.show_if, values))
    for field in page.fields:
        if field.show_if is not None:
            found.append(_condition(describer, _name(field), field.show_if, values))
        for nested in field.fields:
            if nested.show_if is not None:
                subject = f"{_name(nested)} (in each {_item_name(field)})"
                found.append(_condition(describer, subject, nested.show_if, None))
    return found


def page_shown_when(case_type: CaseType, page: Page) -> str:
    """When schools are asked the page, in English ("" when always)."""
    if page.show_if is None:
        return ""
    return describer_for(case_type).describe(page.show_if)


def _condition(describer: Describer, subject: str, expression, values) -> Condition:
    holds = None if values is None else truthy(expression, values)
    return Condition(subject, describer.describe(expression), expression.text, holds)


def _name(field) -> str:
    return quoted_label(field.label) if field.label else field.id


def _item_name(group) -> str:
    return str(group.settings.get("item_label", "item")).lower()
