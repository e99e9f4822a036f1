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


__all__ = ["FIELD_TYPES", "FieldType", "Invalid", "field_type"]
