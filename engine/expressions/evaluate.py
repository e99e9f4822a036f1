"""A parsed expression, and its value worked out by walking the tree (never `eval`).

An unanswered (or hidden) field is None: `==`, `<`, `>`, `in` with None are false (so `!=`,
`not in` and `not x` are true), arithmetic and functions give None.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping

import engine.numeric as numeric
from engine.expressions.functions import CALENDAR_FUNCTIONS, CONSTANT_NAMES, FUNCTIONS
from engine.expressions.school_days import NO_CALENDAR, SchoolCalendar

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
# Exact (int and Decimal, never float), numbers only, and None outside numeric.LIMIT: so
# no expression can build a huge number, repeat a text or drift by a penny.
_ARITHMETIC = {
    ast.Add: numeric.add,
    ast.Sub: numeric.subtract,
    ast.Mult: numeric.multiply,
    ast.Div: numeric.divide,
}


class Expression:
    """A parsed expression: its source text, tree, the field ids it names and the functions it
    calls (parse.py finds them while it checks the tree), and the school calendar its
    school-day functions count with (the compiler sets it; without one they count weekdays)."""

    calendar: SchoolCalendar = NO_CALENDAR

    def __init__(
        self, text: str, tree: ast.Expression, names: frozenset, needed: frozenset, calls: frozenset
    ):
        self.text = text
        self.tree = tree
        self.names = names
        # Names whose answer the expression needs: all but those only asked about with
        # answered(), so a rule such as `answered(upn) or age < 5` runs when upn is blank.
        self.needed_names = needed
        self.calls = calls  # the names of the functions called, as parse.py found them

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    @property
    def uses_calendar(self) -> bool:
        """Whether it counts school days (school_days_between, add_school_days)."""
        return not self.calls.isdisjoint(CALENDAR_FUNCTIONS)

    def evaluate(self, values: Mapping[str, object]):
        """The value of the expression given typed field values (missing ids count as None).

        Loading type-checks every expression, so a failure here is a gap in the checker: the
        result is None (unknown) rather than a lost page save.
        """
        try:
            return _evaluate(self.tree.body, values, self.calendar)
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            import logging  # here: a gap in the checker is rare, and loading need not wait

            logging.getLogger("engine.expressions").exception("expression %r failed", self.text)
            return None


def _evaluate(node, values: Mapping[str, object], calendar: SchoolCalendar):
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name):
            if name in CONSTANT_NAMES:
                return CONSTANT_NAMES[name]
            return values.get(name)
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return [_evaluate(e, values, calendar) for e in elts]
        case ast.BoolOp(op=op, values=parts):
            return _boolean(isinstance(op, ast.And), parts, values, calendar)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not _evaluate(operand, values, calendar)
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            value = _evaluate(operand, values, calendar)
            return None if value is None else -value
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _evaluate(operand, values, calendar)
        case ast.BinOp(left=left, op=op, right=right):
            a, b = _evaluate(left, values, calendar), _evaluate(right, values, calendar)
            if a is None or b is None or (isinstance(op, ast.Div) and b == 0):
                return None
            return _ARITHMETIC[type(op)](a, b)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _evaluate(
                body if _evaluate(test, values, calendar) else orelse, values, calendar
            )
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            return _chain(left, ops, comparators, values, calendar)
        case ast.Call(func=ast.Name(id=name), args=args):
            function = FUNCTIONS[name]
            given = [_evaluate(a, values, calendar) for a in args]
            return function.run(calendar, *given) if function.calendar else function.run(*given)
    raise ValueError(f"cannot evaluate {ast.dump(node)}")  # unreachable after parse()


def _boolean(is_and: bool, parts, values, calendar):
    """`and` gives its first false part (else the last), `or` its first true one, as Python."""
    result = is_and
    for part in parts:
        result = _evaluate(part, values, calendar)
        if bool(result) != is_and:
            return result
    return result


def _chain(left, ops, comparators, values, calendar) -> bool:
    """A comparison such as `a < b <= c`: every link holds."""
    a = _evaluate(left, values, calendar)
    for op, right in zip(ops, comparators, strict=True):
        b = _evaluate(right, values, calendar)
        if not _compare(op, a, b):
            return False
        a = b
    return True


def _compare(op, a, b) -> bool:
    if isinstance(op, ast.In | ast.NotIn):
        found = a is not None and b is not None and a in b
        return found if isinstance(op, ast.In) else not found
    if isinstance(op, ast.Eq | ast.NotEq):
        return _COMPARE[type(op)](a, b)
    if a is None or b is None:
        return False
    try:
        return _COMPARE[type(op)](a, b)
    except TypeError:
        return False
