"""Comparing what a page did with what a journey expects: messages and values."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from engine.answers import FieldError
from engine.model import Field


def compare_messages(
    found: list[FieldError],
    expected: dict[str, str],
    kind: str,
    where: tuple,
    prefilled: dict[str, str] | None = None,
) -> list[tuple[tuple, str]]:
    """(where, message) for each expected message not shown and each shown not expected.

    `kind` is "errors" or "warnings"; an expected message is a fragment of the one shown, by
    input name, compared without regard to case. `prefilled`: what the portal fills each
    prefilled question of the page in from, which a journey, with no school or user, leaves
    empty ("Enter your name" on a locked question no school is asked).
    """
    prefilled = prefilled or {}
    shown = {f.key: f.message for f in found}
    word = kind[:-1]
    differences = []
    for key, fragment in expected.items():
        got = shown.get(key)
        if got is None:
            differences.append(
                (
                    (*where, key),
                    f"expected the {word} on '{key}' to say "
                    f"'{fragment}', got no {word} there{_others(shown)}",
                )
            )
        elif fragment.lower() not in got.lower():
            differences.append(
                ((*where, key), f"expected the {word} on '{key}' to say '{fragment}', got '{got}'")
            )
    for key, got in shown.items():
        if key not in expected:
            why = (
                f" ('{key}' is prefilled from {prefilled[key]} in the portal; a journey has no "
                "school or user, so give its answer)"
                if key in prefilled
                else ""
            )
            differences.append((where, f"expected no {word} on '{key}', got '{got}'{why}"))
    return differences


def _others(shown: dict[str, str]) -> str:
    return f" ({', '.join(sorted(shown))} had one)" if shown else ""


def compare_value(field: Field, expected, stored) -> str:
    """Why the stored answer (or calculated value) is not `expected`, or '' when it is.

    It is when it equals the stored value (numbers compared as numbers) or the text shown on
    Check your answers, such as '6.5 weeks' or '14 May 2015'.
    """
    if expected is None:
        return "" if stored is None else f"expected no value for '{field.id}', got '{stored}'"
    if stored is not None and _same(expected, stored):
        return ""
    shown = field.kind.display(field, stored) if stored is not None else ""
    if shown and str(expected) == shown:
        return ""
    got = "no value" if stored is None else f"'{shown}' (stored as {stored!r})"
    return f"expected '{field.id}' to be '{expected}', got {got}"


def _same(expected, stored) -> bool:
    if isinstance(expected, bool) or isinstance(stored, bool):
        return expected is stored
    if isinstance(stored, list) or isinstance(expected, list):
        return stored == expected or (isinstance(expected, str) and stored == [expected])
    try:
        return Decimal(str(expected)) == Decimal(str(stored))
    except (InvalidOperation, ValueError):
        return str(expected) == str(stored)
