"""The registry of field types: adding a type is one class and one entry in its module's TYPES."""

from __future__ import annotations

from engine.fields import choices, dates, numbers, other, text
from engine.fields.base import FieldType, Invalid

FIELD_TYPES: dict[str, FieldType] = {
    kind.name: kind for module in (text, numbers, dates, choices, other) for kind in module.TYPES
}


def field_type(spec: object) -> FieldType | None:
    """The type a field's YAML mapping names, or None if it names none (an unchecked file)."""
    name = spec.get("type") if isinstance(spec, dict) else None
    return FIELD_TYPES.get(name) if isinstance(name, str) else None


def meant_type(word: object) -> str | None:
    """The field type an unknown `type:` most likely means: its name in other capitals or
    with other separators (`Yes-No`), or what other form builders call it (`upload`)."""
    folded = "".join(c for c in str(word).casefold() if c.isalnum())
    for kind in FIELD_TYPES.values():
        names = (kind.name, *kind.also_called)
        if folded in {"".join(c for c in n if c.isalnum()) for n in names}:
            return kind.name
    return None


__all__ = ["FIELD_TYPES", "FieldType", "Invalid", "field_type", "meant_type"]
