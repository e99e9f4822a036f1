"""How the type checker explains an expression it refuses: what to write instead of a
comparison or a look-up in a list that could never be true (engine/expressions/check.py)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from decimal import Decimal

from engine.expressions.value_types import (
    ANY,
    BOOL,
    DATE,
    FILE,
    GROUP,
    LIST,
    NUMBER,
    TEXT,
    TIME,
    Symbol,
    described,
)


@dataclass(frozen=True)
class Typed:
    """A checked part of an expression: its type, and the field or fixed value it is."""

    type: str
    symbol: Symbol | None = None  # set when the value is a plain field name
    constant: object = None
    is_constant: bool = False


def blank_comparison(left: Typed, right: Typed, negated: bool) -> str:
    """Why `x == ''` or `x != ''` is refused, when one side is an answer: a blank answer is
    kept as none, never as empty text, so the one is always false and the other always true."""
    if not any(side.is_constant and side.constant == "" for side in (left, right)):
        return ""
    answer = next((side.symbol for side in (left, right) if side.symbol), None)
    if answer is None or not answer.typed:  # len(x) != '', a calculated text: other checks
        return ""
    name = answer.name
    written = f"answered({name})" if negated else f"not answered({name})"
    return (
        f"a question left blank has no answer (none), never the empty text '', so this is "
        f"always {'true' if negated else 'false'}: write {written}"
    )


_YES_WORDS = frozenset({"yes", "y", "true", "on"})
_NO_WORDS = frozenset({"no", "n", "false", "off"})


def yes_no_hint(name: str, words: list, negated: bool = False) -> str:
    """How to write a yes/no question compared with text: `x` for Yes, `x == false` for No
    (`not x` is true of no answer too, so of a question not asked: W508)."""
    said = {str(w).strip().casefold() for w in words if isinstance(w, str)}
    if said and (said <= _YES_WORDS or said <= _NO_WORDS):
        yes = (said <= _YES_WORDS) != negated
        return f"; a yes/no question is true or false: write {name if yes else f'{name} == false'}"
    return f"; a yes/no question is true or false: write {name} for Yes, or {name} == false for No"


def comparison_hint(left: Typed, right: Typed, negated: bool = False) -> str:
    """How to write a comparison of two types that cannot be compared, when it is clear
    (`negated`: the comparison was `!=`)."""
    types = {left.type, right.type}
    constant = next((side.constant for side in (left, right) if side.is_constant), None)
    if types == {BOOL, TEXT}:
        answer = next((side for side in (left, right) if side.symbol), None)
        name = answer.symbol.name if answer else "name"
        return yes_no_hint(name, [constant], negated)
    if types == {TEXT, NUMBER} and isinstance(constant, int | float):
        return f"; the answer is text: put the value in quotes, '{constant}'"
    if types == {DATE, NUMBER}:
        return "; write a date as date('2015-01-31')"
    if types == {LIST, TEXT} and isinstance(constant, str):  # ticked == 'ramp'
        list_side = left if left.type == LIST else right
        name = list_side.symbol.name if list_side.symbol else "the list"
        if negated:  # ticked != 'ramp': the author asks whether it is not ticked
            return f"; to ask whether an option is not ticked, write '{constant}' not in {name}"
        return f"; to ask whether an option is ticked, write '{constant}' in {name}"
    if types == {DATE, TEXT} and isinstance(constant, str):  # '2026-01-01' in quotes is text
        if constant.strip().casefold() in ("today", "today()"):
            return "; today's date is today(), without quotes"
        return f"; write a date as date('{_day(constant)}')"
    if types == {TIME, TEXT} and isinstance(constant, str):
        return (
            "; there is no fixed time in expressions: compare with another time question, or "
            "give the question min and max"
        )
    return ""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_LIST_OF = {TEXT: "text", NUMBER: "numbers", BOOL: "true or false values"}


def list_mismatch(left: Typed, values: list, negated: bool = False) -> str:
    """Why `left in [values]` could never be true, when an item is of another kind than
    `left` (a list holds text, numbers and true or false; a date or a time is never in one)."""
    if left.type in (ANY, LIST):
        return ""
    for value in values:
        item = _constant_type(value)
        if item in (None, left.type):
            continue
        name = left.symbol.name if left.symbol else "the value"
        if left.type in (DATE, TIME, GROUP, FILE):
            hint = {
                DATE: f"; a list cannot hold dates: write {name} == date('{_day(value)}'), "
                "joined with or for several",
                TIME: "; compare with another time question, or give the question min and max",
                GROUP: f"; to count its items, use len({name})",
                FILE: f"; to ask whether a file was given, write answered({name})",
            }[left.type]
        elif left.type == BOOL:
            hint = yes_no_hint(name, values, negated)
        elif left.type == TEXT and item == NUMBER:  # year_group in [7, 8]: options are text
            quoted = ", ".join(f"'{v}'" for v in values if v is not None)
            hint = f"; the answer is text: put the values in quotes, [{quoted}]"
        elif left.type == NUMBER and all(_number_text(v) for v in values if v is not None):
            bare = ", ".join(str(v) for v in values if v is not None)
            hint = f"; the answer is a number: write the values without quotes, [{bare}]"
        else:
            hint = ""
        return (
            f"cannot look for {described(left.type)} in a list of {_LIST_OF[item]}, so this "
            f"would be the same whatever the answer{hint}"
        )
    return ""


def _constant_type(value) -> str | None:
    """The kind of a fixed value in a list; None for none (no answer), which fits any."""
    if value is None:
        return None
    if isinstance(value, bool):
        return BOOL
    return NUMBER if isinstance(value, int | float | Decimal) else TEXT


def _number_text(value) -> bool:
    """Whether a fixed value is a number written in quotes: '2', '1.5'."""
    return isinstance(value, str) and bool(re.fullmatch(r"-?\d+(\.\d+)?", value))


_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")


def _day(value) -> str:
    """A day to show in date('...'): the text written, when it is one (read as day, month and
    year when written 1/9/2026), else an example."""
    if not isinstance(value, str):
        return "2015-01-31"
    if _ISO_DATE.match(value.strip()):
        return value.strip()
    uk = _UK_DATE.match(value.strip())
    if uk:
        day, month, year = (int(part) for part in uk.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return "2015-01-31"


def ticked_in_list(left: Typed, right: Typed, negated: bool) -> str:
    """Why `barriers in ['a', 'b']` is refused: the ticked options are a list, never equal
    to one value, so it would be false (and `not in` true) whatever is ticked. `negated`:
    it was `not in`, which asks that none of them is ticked."""
    name = left.symbol.name if left.symbol else "the list"
    values = [v for v in right.constant if isinstance(v, str)] or ["value"]
    if negated:
        written = " and ".join(f"'{v}' not in {name}" for v in values[:3])
        how = f"to ask that none of these is ticked, write {written} ('x' in {name} for ticked)"
    else:
        written = " or ".join(f"'{v}' in {name}" for v in values[:3])
        how = f"to ask whether an option is ticked, write {written}"
        how += f" ('x' not in {name} for not ticked)"
    return (
        f"{name} is a list of ticked options, never equal to one of these values, so this "
        f"would be the same whatever is ticked: {how}"
    )


def option_substring(left: Typed, symbol: Symbol) -> str:
    """Why `'1' in year_group` is refused: on a question with options, 'in' would look for
    the text inside the option chosen, so '1' would be found in '10', '11' and 'E1' too."""
    name = symbol.name
    value = left.constant if left.is_constant and isinstance(left.constant, str) else None
    if value is None:
        return (
            f"'in' would look for text inside the option chosen for '{name}', not for one "
            f"option: write {name} == 'value' or {name} in ['a', 'b']"
        )
    also = [o for o in symbol.options if value in o and o != value]
    found = f" (it is found in {', '.join(repr(o) for o in also[:4])} too)" if also else ""
    return (
        f"'{value}' in {name} would look for the text '{value}' inside the option chosen"
        f"{found}, not for that option: write {name} == '{value}' or {name} in ['{value}']"
    )


def text_not_list(name: str, text: str, options) -> str:
    """Why `year_group in ('10')` is refused: brackets around one value make no list, so 'in'
    would look for the answer inside the text '10', and find '1' and '0' there too."""
    also = [o for o in options or () if o in text and o != text]
    found = f" (and finds {', '.join(repr(o) for o in also[:4])} there too)" if also else ""
    return (
        f"'{text}' is text, not a list (brackets around one value make no list): "
        f"{name} in '{text}' looks for the answer inside that text{found}; write "
        f"{name} in ['{text}'] or {name} == '{text}'"
    )


def lone_value(node: ast.BoolOp, index: int) -> str:
    """Why `kind == 'a' or 'b'` is refused: 'b' alone is text, always true, not a test of
    kind; `or` and `and` join whole conditions."""
    value, word = node.values[index], "and" if isinstance(node.op, ast.And) else "or"
    shown = ast.unparse(value)
    what = "text" if isinstance(value.value, str) else "a number"
    before = node.values[index - 1] if index else None
    if (
        isinstance(before, ast.Compare)
        and isinstance(before.ops[-1], ast.Eq)
        and isinstance(before.left, ast.Name)
    ):
        name, first = before.left.id, ast.unparse(before.comparators[-1])
        instead = f"{name} == {first} {word} {name} == {shown}"
        if word == "or":
            instead += f", or {name} in [{first}, {shown}]"
    else:
        instead = f"x == 'a' {word} x == 'b', naming the question in each"
    always = "always true" if value.value else "never true"  # 'b', 5 / '', 0
    return (
        f"{shown} is {what}, not a condition: '{word}' joins whole conditions, so it stands "
        f"alone (and is {always}); write {instead}"
    )
