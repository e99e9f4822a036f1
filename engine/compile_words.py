"""What the compiler says where a message needs more than its code's template: why an id is
taken, why a group or a rule cannot work on the page."""

from __future__ import annotations

import keyword

import engine.expressions as ex
from engine.input_names import FORM_NAMES
from engine.model import Field
from engine.names import Declared

RESERVED = (
    set(ex.FUNCTIONS) | {"true", "false", "none"} | set(keyword.kwlist) | set(keyword.softkwlist)
)

# First parts of addresses that the preview (`make preview`) and the portal use themselves,
# beside a case type's id (/<id>/tasks): a case type with such an id had no pages there.
# tests/webapp/test_preview.py reads both apps' routes to keep this up to date.
ADDRESS_WORDS = ("static",)


def address_word(case_type_id: str) -> str:
    """Why a case type id is refused: the portal's own addresses use it."""
    return (
        f"'{case_type_id}' is a word the portal's own addresses use (/{case_type_id}/...): "
        f"case type ids cannot be {', '.join(ADDRESS_WORDS)}"
    )


# A group's items hold only content and calculated values: each item is empty, so dropped.
NOTHING_TO_ANSWER = (
    "the group's items have nothing to answer (only content and calculated values), and an "
    "empty item is dropped, so the group could never be answered: add a question to its fields"
)


def taken(field_id: str) -> str:
    """Why E210 refuses an id: a word of expressions, or a name the page's form uses."""
    if field_id in RESERVED:
        return "it is a reserved word of expressions"
    return (
        f"the page's form uses it {FORM_NAMES[field_id]}: write a longer id that says what "
        "the answer is"
    )


def not_answered(field: Field, check, fields: tuple[Field, ...]) -> str:
    """Said of a rule shown at a calculated value or content, which has no input for its
    message: the questions its check names that have one (through the calculated values it
    names, too)."""
    what = "a calculated value" if field.kind.is_calculated else "guidance (content)"
    by_id = {f.id: f for f in fields}
    names, seen = set(check.names) if check else set(), set()
    while names - seen:
        name = (names - seen).pop()
        seen.add(name)
        named = by_id.get(name)
        if named is not None and named.expression is not None:
            names |= set(named.expression.names)
    named = [f.id for f in fields if f.kind.is_input and f.id in names]
    instead = f"a question the check names: {', '.join(named)}" if named else "a question"
    return f"; it is {what}, which has no answer to correct: show the message at {instead}"


def in_a_group(name: str, fields: tuple[Field, ...]) -> str:
    """Said of a page's rule whose `field` is a question of a repeating group on the page: a
    rule for each item is written under the group's own `rules:` (it was indented as the
    page's)."""
    for field in fields:
        if field.kind.holds_items and any(f.id == name for f in field.fields):
            return (
                f"; it is a question of the group '{field.id}': a rule for each item belongs "
                "in the group's own `rules`, indented like its `fields`"
            )
    return ""


def elsewhere(named: Declared, group: str | None, key: str, asking: str, name: str) -> str:
    """Why a question's `min` or `max` cannot name `named`, a question defined in the case
    type: it comes later, or it is a question of a repeating group the limit is outside of,
    with an answer for each item (a limit names one answer)."""
    if name == asking:  # min: return_date on return_date
        return " (it is this question itself: name an earlier question, or a fixed limit)"
    if named.group is None or named.group == group:
        return " (it comes later)"
    said = f" (it is a question of the group '{named.group}', with an answer for each item)"
    if named.value_type != ex.DATE:
        return said
    sign, function = (">=", "latest") if key == "min" else ("<=", "earliest")
    return f"{said}: write a rule such as `{asking} {sign} {function}({named.group}, '{name}')`"
