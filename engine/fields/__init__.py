"""The registry of field types: adding a type is one class and one entry in its module's TYPES."""

from __future__ import annotations

from engine.fields import choices, dates, numbers, other, text
from engine.fields.base import FieldType, Invalid

FIELD_TYPES: dict[str, FieldType] = {
    kind.name: kind for module in (text, numbers, dates, choices, other) for kind in module.TYPES
}

__all__ = ["FIELD_TYPES", "FieldType", "Invalid"]
