"""Advice for a number, text or YES/NO written where a condition belongs (E312, E102)."""

from __future__ import annotations

from decimal import Decimal

_CONDITIONS = {  # a condition's key: an example of one, and what leaving the key out does
    "show_if": ("`show_if: has_ehcp` or `show_if: hours > 1`", "; to always ask it, leave it out"),
    "when": ("`when: urgent` or `when: hours > 25`", "; to always offer it, leave it out"),
    "check": ("`check: end_date >= start_date`", "; a check that never changes checks nothing"),
}


def not_a_condition(key: str, value, written: str = "") -> dict | None:
    """E312's details when `value` under the condition key `key` (as YAML read it, or as a
    fixed expression, `written` so, gives it) is a number or text, never a condition:
    `show_if: 1` was refused as not text, and quoting it as '1' made a fixed expression, true
    for ever."""
    if key not in _CONDITIONS or isinstance(value, bool):
        return None
    if isinstance(value, str):
        what, shown = "text", f"'{value}'"
    elif isinstance(value, int | float | Decimal):
        what, shown = "a number", value
    else:
        return None
    example, otherwise = _CONDITIONS[key]
    shown = written.strip() or shown  # as the author wrote it: 1 + 1, not 2
    return {"key": key, "value": shown, "what": what, "example": example, "otherwise": otherwise}


def yes_no_condition_hint(key: str, value) -> str:
    """E102's advice for `show_if: true` (YAML's true or false under a condition key): it
    said to put it in quotes, and the quoted 'true' is a condition that never changes (W504)."""
    if key not in _CONDITIONS or not isinstance(value, bool):
        return ""
    example, otherwise = _CONDITIONS[key]
    if not value:
        otherwise = f"; `{key}: false` never holds: delete or comment out what it is on instead"
    return f" (a condition that names an answer, as in {example}{otherwise})"
