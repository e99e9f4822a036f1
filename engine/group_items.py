"""Adding an empty item to a repeating group, or removing one, on the page as last typed; and
what an item is called where the page heads it."""

from __future__ import annotations

from collections.abc import Mapping

from engine.input_names import read_input_name


def item_named(fields: Mapping, key: str) -> str:
    """The item of a repeating group (among `fields`, by id) that an input name is in, as the
    page heads it ("Sibling 2"); "" for an input outside any item."""
    item = read_input_name(key)
    if item is None:
        return ""
    group = fields.get(item.group)
    name = group.settings.get("item_label", "Item") if group else item.group
    return f"{name} {item.index + 1}"


def change_items(
    case_type,
    page_id: str,
    group_id: str,
    raw_page: Mapping | None,
    answers: Mapping,
    add: bool = False,
    remove: int | None = None,
) -> tuple[dict, dict, str | None] | None:
    """The page's typed input and the answers once an empty item is added to the group, or the
    item at position `remove` removed (from both), with what to tell the user of a removal
    ("Child 2 has been removed"; else None); None when the group is full already.

    `raw_page` is the page as typed (as just sent, when the page is sent with the button):
    positions are those on screen. The answers keep only the items that hold anything, so
    the removed item's answer is found by counting those before it: with a blank item 1
    and item 2 filled in, "Remove item 1" removed the answers of item 2."""
    raw = dict(raw_page or case_type.form_data(page_id, answers))
    items = list(raw.get(group_id) or [])
    answers = dict(answers)
    group = next(f for f in case_type.page(page_id).fields if f.id == group_id)
    removed = None
    if add:
        if len(items) >= group.kind.max_items(group):
            return None
        items.append({})
    elif remove is not None and 0 <= remove < len(items):
        blank = [_is_blank(group, item) for item in items]
        kept_before = blank[:remove].count(False)
        gone = items.pop(remove)
        removed = group.kind.removed_message(group, remove, len(items))
        stored = list(answers.get(group_id) or [])
        if not _is_blank(group, gone) and kept_before < len(stored):
            stored.pop(kept_before)
            answers[group_id] = stored
    raw[group_id] = items
    return raw, answers, removed


def _is_blank(group, item) -> bool:
    """Whether an item as typed holds nothing (so its answers keep nothing of it)."""
    item = item if isinstance(item, Mapping) else {}
    return all(n.kind.is_empty(item.get(n.id)) for n in group.fields if n.has_value)


def typed_item(case_type, page_id: str, group_id: str, raw_page, answers, index) -> dict | None:
    """The item at position `index` of the group as typed (as on screen), if it holds any
    answer: removing it would lose what was typed in it. None for a blank item or no item."""
    raw = raw_page or case_type.form_data(page_id, answers)
    items = list(raw.get(group_id) or [])
    if index is None or not 0 <= index < len(items):
        return None
    group = next(f for f in case_type.page(page_id).fields if f.id == group_id)
    item = items[index]
    return None if _is_blank(group, item) else dict(item)
