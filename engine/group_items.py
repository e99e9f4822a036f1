"""Adding an empty item to a repeating group, or removing one, on the page as last typed."""

from __future__ import annotations

from collections.abc import Mapping


def change_items(
    case_type,
    page_id: str,
    group_id: str,
    raw_page: Mapping | None,
    answers: Mapping,
    add: bool = False,
    remove: int | None = None,
) -> tuple[dict, dict] | None:
    """The page's typed input and the answers once an empty item is added to the group, or the
    item at position `remove` removed (from both); None when the group is full already."""
    raw = dict(raw_page or case_type.form_data(page_id, answers))
    items = list(raw.get(group_id) or [])
    answers = dict(answers)
    group = next(f for f in case_type.page(page_id).fields if f.id == group_id)
    if add:
        if len(items) >= group.kind.max_items(group):
            return None
        items.append({})
    elif remove is not None and 0 <= remove < len(items):
        items.pop(remove)
        stored = list(answers.get(group_id) or [])
        if remove < len(stored):
            stored.pop(remove)
            answers[group_id] = stored
    raw[group_id] = items
    return raw, answers
