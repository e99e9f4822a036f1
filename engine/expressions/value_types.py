"""The value types of the expression language, and what an expression knows of a field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.problems import Code

TEXT, NUMBER, BOOL, DATE, TIME, LIST, GROUP, FILE, ANY = (
    "text",
    "number",
    "true/false",
    "date",
    "time",
    "list",
    "group",
    "file",
    "any",
)
ORDERED = (NUMBER, DATE, TIME)  # the types '<' and '>' compare

_DESCRIBED = {
    ANY: "a value",
    TEXT: "text",
    LIST: "a list",
    GROUP: "a repeating group",
    BOOL: "true or false",
    DATE: "a date",
    TIME: "a time",
    NUMBER: "a number",
    FILE: "a file",
}


@dataclass(frozen=True)
class Symbol:
    """What an expression may know of a field: its value type and, for choices, its options."""

    name: str
    type: str
    options: tuple[str, ...] | None = None
    members: Mapping[str, Symbol] | None = None  # a repeating group's fields
    typed: bool = True  # an answer the user gives (left blank, it is none); False: calculated
    labels: tuple[str, ...] | None = None  # the options' labels, in the order of `options`
    bounds: tuple | None = None  # a number question's (min, max), either None if not given


@dataclass(frozen=True)
class Issue:
    """A problem in an expression, `offset` characters into its text."""

    code: Code
    offset: int
    details: dict = field(default_factory=dict)


def described(kind: str) -> str:
    """A value type as messages name it: "a date", "true or false"."""
    return _DESCRIBED.get(kind, kind)
