"""Type-checking an expression against the fields it may name, when the case type is loaded:
names are fields defined earlier, values are real options, types fit their operators and
functions."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from engine.expressions.evaluate import Expression
from engine.expressions.explain import (
    Typed,
    blank_comparison,
    comparison_hint,
    list_mismatch,
    lone_value,
    option_substring,
    text_not_list,
    ticked_in_list,
)
from engine.expressions.functions import CONSTANT_NAMES, FUNCTIONS, GROUP_COLUMNS
from engine.expressions.parse import offset_of
from engine.expressions.value_types import (
    ANY,
    BOOL,
    DATE,
    LIST,
    NUMBER,
    ORDERED,
    TEXT,
    TIME,
    Issue,
    Symbol,
    described,
)
from engine.problems import Code, did_you_mean, option_meant


class Checker:
    """Type-checks an expression against the fields it may name.

    `lookup(name)` returns the Symbol for a field the expression may use, or an Issue saying why
    it may not (unknown, defined later).
    """

    def __init__(self, lookup: Callable[[str, int], Symbol | Issue]):
        self.lookup = lookup
        self.issues: list[Issue] = []

    def check(
        self, expression: Expression, expected: str | None = None, advice: dict | None = None
    ) -> str:
        """The expression's type; issues collect in self.issues. `expected` is BOOL, NUMBER...;
        `advice` maps the type it gives instead to a way out said after the error."""
        result = self._type(expression.tree.body)
        # Any value can stand as a condition (it is true when answered), so BOOL takes all.
        if expected and expected != BOOL and result.type not in (expected, ANY):
            way_out = (advice or {}).get(result.type)
            self._issue(
                expression.tree.body,
                Code.E305,
                detail=f"the expression gives {described(result.type)}, "
                f"but {described(expected)} is needed here" + (f" ({way_out})" if way_out else ""),
            )
        return result.type

    def _issue(self, node, code: Code, **details) -> None:
        self.issues.append(Issue(code, offset_of(node), details))

    def _type(self, node) -> Typed:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:  # whitelisted in parse(); anything else is refused there
            return Typed(ANY)
        return method(node)

    def _Constant(self, node) -> Typed:
        value = node.value
        kind = (
            BOOL
            if isinstance(value, bool)
            else NUMBER
            if isinstance(value, int | float | Decimal)
            else TEXT
            if isinstance(value, str)
            else ANY
        )
        return Typed(kind, constant=value, is_constant=True)

    def _Name(self, node) -> Typed:
        if node.id in CONSTANT_NAMES:
            value = CONSTANT_NAMES[node.id]
            return Typed(BOOL if isinstance(value, bool) else ANY, constant=value, is_constant=True)
        found = self.lookup(node.id, offset_of(node))
        if isinstance(found, Issue):
            self.issues.append(found)
            return Typed(ANY)
        return Typed(found.type, symbol=found)

    def _List(self, node) -> Typed:
        items = [self._type(e) for e in node.elts]
        if not all(i.is_constant for i in items):
            self._issue(node, Code.E305, detail="a list may only hold fixed values")
        return Typed(LIST, constant=[i.constant for i in items], is_constant=True)

    _Tuple = _List

    def _BoolOp(self, node) -> Typed:
        for index, value in enumerate(node.values):
            typed = self._type(value)
            if typed.is_constant and typed.type in (TEXT, NUMBER):  # kind == 'a' or 'b'
                self._issue(value, Code.E305, detail=lone_value(node, index))
        return Typed(BOOL)

    def _UnaryOp(self, node) -> Typed:
        operand = self._type(node.operand)
        if isinstance(node.op, ast.Not):
            return Typed(BOOL)
        if operand.type not in (NUMBER, ANY):
            self._issue(node, Code.E305, detail=f"cannot negate {described(operand.type)}")
        return Typed(NUMBER)

    def _BinOp(self, node) -> Typed:
        left, right = self._type(node.left), self._type(node.right)
        for side in (left, right):
            if side.type not in (NUMBER, ANY):
                self._issue(
                    node,
                    Code.E305,
                    detail=(
                        f"arithmetic needs numbers, not {described(side.type)}"
                        + ("; use days_between() for dates" if side.type == DATE else "")
                        + ("; use minutes_between() for times" if side.type == TIME else "")
                    ),
                )
                break
        return Typed(NUMBER)

    def _IfExp(self, node) -> Typed:
        self._type(node.test)
        body, orelse = self._type(node.body), self._type(node.orelse)
        if ANY not in (body.type, orelse.type) and body.type != orelse.type:
            self._issue(
                node,
                Code.E305,
                detail=f"one branch gives {described(body.type)} "
                f"and the other {described(orelse.type)}",
            )
        return Typed(body.type if body.type != ANY else orelse.type)

    def _Call(self, node) -> Typed:
        name = node.func.id
        function = FUNCTIONS[name]
        args = node.args
        if function.variadic:
            if not args:
                self._issue(node, Code.E307, function=name, detail="needs at least one value")
            params = function.params * len(args)
        else:
            params = function.params
            fewest = len(params) - function.optional
            if not fewest <= len(args) <= len(params):
                count = f"{len(params)}" if not function.optional else f"{fewest} or {len(params)}"
                self._issue(
                    node,
                    Code.E307,
                    function=name,
                    detail=f"takes {count} value(s), not {len(args)}",
                )
                return Typed(function.result)
        typed = [self._type(a) for a in args]
        for arg, given, wanted in zip(args, typed, params, strict=False):
            allowed = wanted if isinstance(wanted, tuple) else (wanted,)
            if ANY not in allowed and given.type not in (*allowed, ANY):
                needed = " or ".join(described(kind) for kind in allowed)
                self._issue(
                    arg,
                    Code.E307,
                    function=name,
                    detail=f"needs {needed} here, not {described(given.type)}",
                )
        if name == "date" and typed and typed[0].is_constant:
            self._check_date_text(args[0], typed[0].constant)
        if name in GROUP_COLUMNS and len(typed) == 2:
            self._check_column(name, args, typed)
        return Typed(function.result)

    def _check_date_text(self, node, text) -> None:
        try:
            dt.date.fromisoformat(str(text))
        except ValueError:
            self._issue(
                node,
                Code.E307,
                function="date",
                detail=f"needs a real date written like '2026-09-01', not '{text}'",
            )

    def _check_column(self, name: str, args, typed) -> None:
        """total(group, 'cost'), earliest(group, 'date'): the member exists, of the right type."""
        group, member = typed
        if group.symbol is None or group.symbol.members is None or not member.is_constant:
            return
        found = group.symbol.members.get(member.constant)
        if found is None:
            self._issue(
                args[1],
                Code.E307,
                function=name,
                detail=(
                    f"names '{member.constant}', which is not a field of '{group.symbol.name}'"
                    + did_you_mean(member.constant, group.symbol.members)
                ),
            )
        elif found.type != GROUP_COLUMNS[name]:
            self._issue(
                args[1],
                Code.E307,
                function=name,
                detail=f"needs {described(GROUP_COLUMNS[name])} field, and "
                f"'{member.constant}' is {described(found.type)}",
            )

    def _Compare(self, node) -> Typed:
        left = self._type(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self._type(right_node)
            if isinstance(op, ast.In | ast.NotIn):
                self._check_membership(node, left, right, isinstance(op, ast.NotIn))
                if right.is_constant and right.constant == []:  # `x in []`: a list to fill in
                    value = "true" if isinstance(op, ast.NotIn) else "false"
                    self._issue(node, Code.W504, what="condition", value=value, why="")
            else:
                self._check_comparison(node, op, left, right)
            left = right
        return Typed(BOOL)

    def _check_comparison(self, node, op, left: Typed, right: Typed) -> None:
        ordering = not isinstance(op, ast.Eq | ast.NotEq)
        if ordering and any(side.is_constant and side.constant is None for side in (left, right)):
            other = next((s.symbol.name for s in (left, right) if s.symbol), "x")
            detail = (
                f"none (no answer) has no order, so this is always false; write answered({other})"
            )
            self._issue(node, Code.E305, detail=detail)
            return
        empty = blank_comparison(left, right, isinstance(op, ast.NotEq))
        if not ordering and empty:  # other != '': a blank answer is none, so always true
            self._issue(node, Code.E305, detail=empty)
            return
        if ANY in (left.type, right.type):
            return
        if left.type != right.type:
            hint = comparison_hint(left, right, isinstance(op, ast.NotEq))
            self._issue(
                node,
                Code.E305,
                detail=f"cannot compare {described(left.type)} with {described(right.type)}{hint}",
            )
            return
        if not isinstance(op, ast.Eq | ast.NotEq) and left.type not in ORDERED:
            self._issue(
                node, Code.E305, detail=f"cannot order {described(left.type)} with '<' or '>'"
            )
            return
        for field_side, value_side in ((left, right), (right, left)):
            if field_side.symbol and value_side.is_constant:
                self._check_options(node, field_side.symbol, value_side.constant, left.type)

    def _check_options(self, node, symbol: Symbol, constant, kind: str) -> None:
        """The values a field is compared with are its options; for ticked boxes each one in
        the list (its items not written as fixed values are E305 already)."""
        if kind != LIST:
            self._check_option(node, symbol, constant)
        elif constant == []:  # no box ticked is no answer (none), never []
            detail = (
                f"'{symbol.name}' with no box ticked is none, never []: write "
                f"not answered({symbol.name}), or answered({symbol.name}) for any ticked"
            )
            self._issue(node, Code.E305, detail=detail)
        for value in constant if kind == LIST else ():
            if value is not None:
                self._check_option(node, symbol, value)

    def _check_membership(self, node, left: Typed, right: Typed, negated: bool) -> None:
        if right.type == LIST and right.is_constant and left.type == LIST:  # ticks in [...]
            self._issue(node, Code.E305, detail=ticked_in_list(left, right, negated))
        elif right.type == LIST and right.is_constant:  # field in ['a', 'b']
            mismatch = list_mismatch(left, right.constant, negated)
            if mismatch:  # has_ehcp in ['yes'], a date in ['2026-09-01']: false whatever
                self._issue(node, Code.E305, detail=mismatch)
            elif left.symbol:
                for value in right.constant:
                    if value is not None:  # x in ['a', none]: unanswered too
                        self._check_option(node, left.symbol, value)
        elif right.type == LIST:  # 'a' in ticked_checkboxes
            if left.is_constant and right.symbol:
                self._check_option(node, right.symbol, left.constant)
        elif right.type == TEXT and right.is_constant and left.symbol:  # x in ('a')
            detail = text_not_list(left.symbol.name, right.constant, left.symbol.options)
            self._issue(node, Code.E305, detail=detail)
        elif right.type == TEXT and right.symbol and right.symbol.options is not None:
            self._issue(node, Code.E305, detail=option_substring(left, right.symbol))
        elif right.type == TEXT:  # 'word' in some_text
            if left.type not in (TEXT, ANY):
                self._issue(
                    node, Code.E305, detail=f"cannot look for {described(left.type)} in text"
                )
        elif right.type != ANY:
            self._issue(
                node, Code.E305, detail=f"'in' needs a list or text, not {described(right.type)}"
            )

    def _check_option(self, node, symbol: Symbol, value) -> None:
        if symbol.options is not None and value not in symbol.options:
            self._issue(
                node,
                Code.E304,
                value=value,
                field=symbol.name,
                suggestion=option_meant(
                    value, dict(zip(symbol.options, symbol.labels or symbol.options, strict=False))
                ),
                allowed=", ".join(dict.fromkeys(symbol.options)),  # a value given twice: E205
            )
