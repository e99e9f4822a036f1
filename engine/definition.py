"""A case type's definition as data standing on its own, as cases keep it: the file's data
with the shared option lists and workflow it names written in."""

from __future__ import annotations


def resolve_definition(data: dict, raw_lists: dict, raw_workflows: dict) -> dict:
    """A case type's data standing on its own: shared options and workflow written in."""
    resolved = copied(data)
    raw_lists = {**raw_lists, **resolved.pop("lists", {})}  # the file's own lists, written in
    if isinstance(resolved["workflow"], str):
        resolved["workflow"] = copied(raw_workflows[resolved["workflow"]])

    def inline(fields):
        for spec in fields:
            if isinstance(spec.get("options"), str):
                spec["options"] = copied(raw_lists[spec["options"]])
            inline(spec.get("fields", []))

    for page in resolved["pages"]:
        inline(page["fields"])
    return resolved


def copied(value):
    """A copy of YAML data (mappings, lists, scalars): several times faster than deepcopy."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value  # text, numbers, true/false and none are never changed in place
