"""The names of a form's inputs inside repeating groups, made and read in this one place.

"providers-0-report" is the `report` question of the first `providers` item, "providers-0" that
item itself (the place an "Add another" leads to). WTForms names a FieldList's inputs so
(GroupList, engine/fields/inputs.py); the engine's error keys, the web app's uploads, calculated
values and item buttons use the same names. Field ids never hold the separator, so a name
splits one way only.

An item's position is written as input_name writes it: ASCII digits ("²".isdigit() is True, yet
int("²") fails), no sign, no leading zero, at most MAX_INDEX_DIGITS of them (Python refuses
int() of more than 4,300 digits). Anything else is not a position.
"""

from __future__ import annotations

from typing import NamedTuple

SEPARATOR = "-"
DATE_PARTS = ("day", "month", "year")  # a date question's boxes: ID-day, ID-month, ID-year
MAX_INDEX_DIGITS = 9  # a group takes at most a few hundred items


# Names a page's form uses itself, which no question may take as its id (a question is an input
# of the same name, and an attribute of the same name of the WTForms form built for its page):
# what the page uses each for. webapp/areas/cases/forms.py's PageForm keeps to them (a test).
_BUTTONS = "for its buttons (Continue, Save and come back later)"
_HIDDEN = "for a hidden value the page sends with the answers"
_WORKINGS = "for its own workings"
# A form's inputs hide the form's own properties of their names (the browser's named
# properties): the page's scripts read these, which a question of the name would hide.
_SCRIPTS = "in its scripts, where a question of that name would hide the form's own"
# An item of a repeating group is a form of its own, whose inputs are named after the group
# (`actions_taken-0-action`): only the workings of a form are taken there.
FORM_WORKINGS = dict.fromkeys(
    ("data", "errors", "form_errors", "meta", "process", "post_process", "populate_obj",
     "validate", "hidden_tag", "is_submitted", "validate_on_submit"),
    _WORKINGS,
)  # fmt: skip
FORM_NAMES = {
    "action": _BUTTONS,
    **dict.fromkeys(("dataset", "elements"), _SCRIPTS),
    **dict.fromkeys(
        ("shown", "acknowledged", "page_version", "start_token", "typist", "csrf_token"), _HIDDEN
    ),
    **FORM_WORKINGS,
}


class ItemInput(NamedTuple):
    """What an input name inside a repeating group says: the group, the item, the question."""

    group: str
    index: int
    field: str


def input_name(group_id: str, index: int, field_id: str | None = None) -> str:
    """The input name of a group item's question, or of the item itself without `field_id`."""
    parts = (group_id, str(index)) if field_id is None else (group_id, str(index), field_id)
    return SEPARATOR.join(parts)


def option_id(name: str, position: int) -> str:
    """The id of a radio or checkbox: the first option's is the question's own name (where the
    error summary leads), the others' name-2, name-3… (GOV.UK Frontend's scheme, counted over
    the options alone, so that an "or" divider shifts none)."""
    return name if position == 1 else f"{name}{SEPARATOR}{position}"


def item_index(text: object) -> int | None:
    """The item position `text` writes, as input_name writes positions; else None."""
    if not isinstance(text, str) or not 0 < len(text) <= MAX_INDEX_DIGITS:
        return None
    if not (text.isascii() and text.isdecimal()) or (text[0] == "0" and text != "0"):
        return None
    return int(text)


def read_input_name(name: object) -> ItemInput | None:
    """The group, item and question an input name is for, or None when it names no item's
    question (a top-level question's name, a date's day box, junk)."""
    parts = name.split(SEPARATOR) if isinstance(name, str) else ()
    if len(parts) != 3 or not (parts[0] and parts[2]):
        return None
    index = item_index(parts[1])
    return None if index is None else ItemInput(parts[0], index, parts[2])


def bound_field(form, key: str):
    """The form's field for an input name ("reason", or "providers-0-provider_name"); None if
    the form has none (an item past those sent)."""
    item = read_input_name(key)
    if item is None:
        return form._fields.get(key)
    group = form._fields.get(item.group)
    if group is None or item.index >= len(group.entries):
        return None
    return group.entries[item.index].form._fields.get(item.field)
