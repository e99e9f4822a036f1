"""The small, safe expression language of conditions, rules and calculated values.

An expression is Python expression syntax, parsed with `ast` and accepted only if every node is on
the whitelist below. Names are field ids, resolved and type-checked when the case type is loaded;
evaluation walks the tree. Nothing is ever passed to `eval`.

    show_if: sen_provision in ['E', 'K'] and not looked_after
    check: end_date >= start_date
    value: total(provision, 'cost')

Values: text, numbers, true/false (yes/no questions, declarations), dates, times, lists (the ticked
options of checkboxes) and groups (the items of a repeating group). An unanswered (or hidden)
field is None: `==`, `<`, `>`, `in` with None are false (so `!=`, `not in` and `not x` are
true), arithmetic and functions give None.
"""

from __future__ import annotations

import ast
import datetime as dt
import logging
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from engine import numeric
from engine.problems import Code, did_you_mean

# Value types
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
MAX_DEPTH = 100  # brackets, operators and calls inside one another
_ORDERED = (NUMBER, DATE, TIME)

# Constructs people try, with the words used to refuse them.
_REFUSED = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "indexing ('[...]')",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.NamedExpr: "assignment (':=')",
    ast.Starred: "unpacking ('*')",
    ast.Dict: "a dictionary",
    ast.Set: "a set",
    ast.JoinedStr: "an f-string",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.FloorDiv: "'//'",
    ast.Mod: "'%'",
    ast.Pow: "'**'",
    ast.MatMult: "'@'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.BitXor: "'^'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.Invert: "'~'",
    ast.Is: "'is'",
    ast.IsNot: "'is not'",
}


@dataclass(frozen=True)
class Symbol:
    """What an expression may know of a field: its value type and, for choices, its options."""

    name: str
    type: str
    options: tuple[str, ...] | None = None
    members: Mapping[str, Symbol] | None = None  # a repeating group's fields


@dataclass(frozen=True)
class Issue:
    """A problem in an expression, `offset` characters into its text."""

    code: Code
    offset: int
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Function:
    """A function expressions may call: argument types, result type and implementation."""

    params: tuple[str | tuple[str, ...], ...]  # a type, or the types allowed, per argument
    result: str
    run: Callable
    variadic: bool = False
    optional: int = 0  # how many of the last params may be left out


def _none_safe(run: Callable) -> Callable:
    return lambda *args: None if any(a is None for a in args) else run(*args)


def _total(items, member):
    total = 0
    for item in items or ():
        value = item.get(member)
        if numeric.is_number(value):
            total = numeric.add(total, value)
            if total is None:  # beyond the range numbers are held in
                return None
    return total


def _column(items, member) -> list:
    return [item[member] for item in items or () if item.get(member) is not None]


def _weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from `start` up to, not including, `end` (negative if before)."""
    if end < start:
        return -_weekdays_between(end, start)
    whole_weeks, extra = divmod((end - start).days, 7)
    return whole_weeks * 5 + sum((start.weekday() + i) % 7 < 5 for i in range(extra))


def _round(number, places=0):
    """Rounded as people expect: halves away from zero (2.5 -> 3), not to even."""
    return numeric.round_half_up(number, places)


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


FUNCTIONS: dict[str, Function] = {
    "today": Function((), DATE, lambda: dt.date.today()),
    "answered": Function((ANY,), BOOL, lambda v: v not in (None, "", [])),
    "len": Function(((LIST, GROUP, TEXT),), NUMBER, lambda v: len(v) if v is not None else 0),
    "date": Function((TEXT,), DATE, _none_safe(dt.date.fromisoformat)),
    "total": Function((GROUP, TEXT), NUMBER, _total),
    "earliest": Function(
        (GROUP, TEXT), DATE, lambda items, m: min(_column(items, m), default=None)
    ),
    "latest": Function((GROUP, TEXT), DATE, lambda items, m: max(_column(items, m), default=None)),
    "weekdays_between": Function((DATE, DATE), NUMBER, _none_safe(_weekdays_between)),
    "days_between": Function((DATE, DATE), NUMBER, _none_safe(lambda a, b: (b - a).days)),
    "weeks_between": Function(
        (DATE, DATE), NUMBER, _none_safe(lambda a, b: numeric.divide((b - a).days, 7))
    ),
    "years_between": Function((DATE, DATE), NUMBER, _none_safe(_years_between)),
    "minutes_between": Function(
        (TIME, TIME), NUMBER, _none_safe(lambda a, b: _minutes(b) - _minutes(a))
    ),
    "round": Function((NUMBER, NUMBER), NUMBER, lambda x, n=0: _round(x, n), optional=1),
    "abs": Function((NUMBER,), NUMBER, _none_safe(abs)),
    "min": Function((NUMBER,), NUMBER, _none_safe(min), variadic=True),
    "max": Function((NUMBER,), NUMBER, _none_safe(max), variadic=True),
}

_CONSTANT_NAMES = {"true": True, "false": False, "none": None}
# Functions that read one column of a repeating group, and the column type each needs.
_GROUP_COLUMNS = {"total": NUMBER, "earliest": DATE, "latest": DATE}


class Expression:
    """A parsed expression: its source text, tree and the field ids it names."""

    def __init__(self, text: str, tree: ast.Expression):
        self.text = text
        self.tree = tree
        self.names = frozenset(_names(tree))
        # Names whose answer the expression needs: all but those only asked about with
        # answered(), so a rule such as `answered(upn) or age < 5` runs when upn is blank.
        self.needed_names = frozenset(_names(tree, skip_answered=True))

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def evaluate(self, values: Mapping[str, object]):
        """The value of the expression given typed field values (missing ids count as None).

        Loading type-checks every expression, so a failure here is a gap in the checker: the
        result is None (unknown) rather than a lost page save.
        """
        try:
            return _evaluate(self.tree.body, values)
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            logging.getLogger(__name__).exception("expression %r failed", self.text)
            return None


def _names(node, skip_answered: bool = False):
    if (
        skip_answered
        and isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "answered"
    ):
        return
    if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in _CONSTANT_NAMES:
        yield node.id
    for child in ast.iter_child_nodes(node):
        yield from _names(child, skip_answered)


def parse(text: str) -> tuple[Expression | None, list[Issue]]:
    """Parse and whitelist an expression; the issues say why one is refused."""
    if not isinstance(text, str) or not text.strip():
        return None, [Issue(Code.E300, 0, {"detail": "it is empty"})]
    text = text.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        return None, [_syntax_issue(exc, text)]
    except (RecursionError, MemoryError):  # Python's parser gives up on deep nesting
        return None, [Issue(Code.E310, 0, {"limit": MAX_DEPTH})]
    too_deep = _too_deep(tree)
    if too_deep is not None:  # before anything below walks the tree recursively
        return None, [Issue(Code.E310, _offset(too_deep), {"limit": MAX_DEPTH})]
    issues = [issue for node in ast.walk(tree) if (issue := _refusal(node))]
    issues += _exact_numbers(tree, text)
    return (None, issues) if issues else (Expression(text, tree), [])


def _syntax_issue(exc: SyntaxError, text: str) -> Issue:
    offset = max((exc.offset or 1) - 1, 0)
    huge = re.search(r"\d{4000,}", text)
    if exc.msg.startswith("Exceeds the limit") and huge:  # Python reads no 4,300-digit int
        return Issue(Code.E309, huge.start(), {"number": _shortened(huge.group())})
    if exc.msg.startswith("too many nested parentheses"):
        return Issue(Code.E310, offset, {"limit": MAX_DEPTH})
    return Issue(Code.E300, offset, {"detail": exc.msg + _syntax_hint(text)})


def _too_deep(tree: ast.Expression) -> ast.AST | None:
    """The first node nested more than MAX_DEPTH deep, found without recursion."""
    stack = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        children = ast.iter_child_nodes(node)
        stack.extend((child, depth + 1) for child in children if isinstance(child, ast.expr))
    return None


def _exact_numbers(tree: ast.Expression, text: str) -> list[Issue]:
    """Number literals as exact values (2.5 as Decimal('2.5')), each within numeric.LIMIT."""
    issues = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or type(node.value) not in (int, float):
            continue
        written = ast.get_source_segment(text, node) or repr(node.value)
        if isinstance(node.value, float):  # 1e999 is infinity, 1e-999 zero: take the text
            exact = numeric.read(written.replace("_", ""))
            node.value = exact if exact is not None else Decimal(repr(node.value))
        if not numeric.within(node.value):
            issues.append(Issue(Code.E309, _offset(node), {"number": _shortened(written)}))
    return issues


def _shortened(written: str) -> str:
    return written if len(written) <= 24 else f"{written[:12]}… ({len(written):,} characters)"


_HINTS = (
    (r"&&", "write 'and' instead of '&&'"),
    (r"\|\|", "write 'or' instead of '||'"),
    (r"<>", "write '!=' instead of '<>'"),
    (r"!(?!=)", "write 'not' instead of '!'"),
    (r"(?<![=!<>])=(?!=)", "compare with '==' (a single '=' is not allowed)"),
)


def _syntax_hint(text: str) -> str:
    """Why a line from another language does not parse, when we can tell."""
    for pattern, hint in _HINTS:
        if re.search(pattern, text):
            return f"; {hint}"
    return ""


def _offset(node) -> int:
    return getattr(node, "col_offset", 0)


def _refusal(node) -> Issue | None:
    words = _REFUSED.get(type(node))  # ast.parse makes nodes of these exact classes
    if words is not None:
        return Issue(Code.E301, _offset(node), {"construct": words})
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            return Issue(Code.E301, _offset(node), {"construct": "calling this"})
        if node.keywords:
            return Issue(Code.E301, _offset(node), {"construct": "a keyword argument"})
        if node.func.id not in FUNCTIONS:
            return Issue(
                Code.E306,
                _offset(node),
                {"name": node.func.id, "suggestion": did_you_mean(node.func.id, FUNCTIONS)},
            )
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        return Issue(Code.E301, _offset(node), {"construct": f"the name '{node.id}'"})
    if isinstance(node, ast.Constant) and not isinstance(
        node.value, str | int | float | bool | type(None)
    ):
        return Issue(Code.E301, _offset(node), {"construct": "this kind of constant"})
    return None


# ---- Type checking -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Typed:
    type: str
    symbol: Symbol | None = None  # set when the value is a plain field name
    constant: object = None
    is_constant: bool = False


class Checker:
    """Type-checks an expression against the fields it may name.

    `lookup(name)` returns the Symbol for a field the expression may use, or an Issue saying why
    it may not (unknown, defined later).
    """

    def __init__(self, lookup: Callable[[str, int], Symbol | Issue]):
        self.lookup = lookup
        self.issues: list[Issue] = []

    def check(self, expression: Expression, expected: str | None = None) -> str:
        """The expression's type; issues collect in self.issues. `expected` is BOOL, NUMBER..."""
        result = self._type(expression.tree.body)
        # Any value can stand as a condition (it is true when answered), so BOOL takes all.
        if expected and expected != BOOL and result.type not in (expected, ANY):
            self._issue(
                expression.tree.body,
                Code.E305,
                detail=f"the expression gives {_a(result.type)}, but {_a(expected)} is needed here",
            )
        return result.type

    def _issue(self, node, code: Code, **details) -> None:
        self.issues.append(Issue(code, _offset(node), details))

    def _type(self, node) -> _Typed:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:  # whitelisted in parse(); anything else is refused there
            return _Typed(ANY)
        return method(node)

    def _Constant(self, node) -> _Typed:
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
        return _Typed(kind, constant=value, is_constant=True)

    def _Name(self, node) -> _Typed:
        if node.id in _CONSTANT_NAMES:
            value = _CONSTANT_NAMES[node.id]
            return _Typed(
                BOOL if isinstance(value, bool) else ANY, constant=value, is_constant=True
            )
        found = self.lookup(node.id, _offset(node))
        if isinstance(found, Issue):
            self.issues.append(found)
            return _Typed(ANY)
        return _Typed(found.type, symbol=found)

    def _List(self, node) -> _Typed:
        items = [self._type(e) for e in node.elts]
        if not all(i.is_constant for i in items):
            self._issue(node, Code.E305, detail="a list may only hold fixed values")
        return _Typed(LIST, constant=[i.constant for i in items], is_constant=True)

    _Tuple = _List

    def _BoolOp(self, node) -> _Typed:
        for value in node.values:
            self._type(value)
        return _Typed(BOOL)

    def _UnaryOp(self, node) -> _Typed:
        operand = self._type(node.operand)
        if isinstance(node.op, ast.Not):
            return _Typed(BOOL)
        if operand.type not in (NUMBER, ANY):
            self._issue(node, Code.E305, detail=f"cannot negate {_a(operand.type)}")
        return _Typed(NUMBER)

    def _BinOp(self, node) -> _Typed:
        left, right = self._type(node.left), self._type(node.right)
        for side in (left, right):
            if side.type not in (NUMBER, ANY):
                self._issue(
                    node,
                    Code.E305,
                    detail=(
                        f"arithmetic needs numbers, not {_a(side.type)}"
                        + ("; use days_between() for dates" if side.type == DATE else "")
                        + ("; use minutes_between() for times" if side.type == TIME else "")
                    ),
                )
                break
        return _Typed(NUMBER)

    def _IfExp(self, node) -> _Typed:
        self._type(node.test)
        body, orelse = self._type(node.body), self._type(node.orelse)
        if ANY not in (body.type, orelse.type) and body.type != orelse.type:
            self._issue(
                node,
                Code.E305,
                detail=f"one branch gives {_a(body.type)} and the other {_a(orelse.type)}",
            )
        return _Typed(body.type if body.type != ANY else orelse.type)

    def _Call(self, node) -> _Typed:
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
                return _Typed(function.result)
        typed = [self._type(a) for a in args]
        for arg, given, wanted in zip(args, typed, params, strict=False):
            allowed = wanted if isinstance(wanted, tuple) else (wanted,)
            if ANY not in allowed and given.type not in (*allowed, ANY):
                needed = " or ".join(_a(kind) for kind in allowed)
                self._issue(
                    arg,
                    Code.E307,
                    function=name,
                    detail=f"needs {needed} here, not {_a(given.type)}",
                )
        if name == "date" and typed and typed[0].is_constant:
            self._check_date_text(args[0], typed[0].constant)
        if name in _GROUP_COLUMNS and len(typed) == 2:
            self._check_column(name, args, typed)
        return _Typed(function.result)

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
        elif found.type != _GROUP_COLUMNS[name]:
            self._issue(
                args[1],
                Code.E307,
                function=name,
                detail=f"needs {_a(_GROUP_COLUMNS[name])} field, and "
                f"'{member.constant}' is {_a(found.type)}",
            )

    def _Compare(self, node) -> _Typed:
        left = self._type(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self._type(right_node)
            if isinstance(op, ast.In | ast.NotIn):
                self._check_membership(node, left, right)
            else:
                self._check_comparison(node, op, left, right)
            left = right
        return _Typed(BOOL)

    def _check_comparison(self, node, op, left: _Typed, right: _Typed) -> None:
        if ANY in (left.type, right.type):
            return
        if left.type != right.type:
            hint = ""
            if BOOL in (left.type, right.type) and TEXT in (left.type, right.type):
                hint = "; a yes/no question is true or false: write 'name' or 'not name'"
            self._issue(
                node,
                Code.E305,
                detail=f"cannot compare {_a(left.type)} with {_a(right.type)}{hint}",
            )
            return
        if not isinstance(op, ast.Eq | ast.NotEq) and left.type not in _ORDERED:
            self._issue(node, Code.E305, detail=f"cannot order {_a(left.type)} with '<' or '>'")
            return
        for field_side, value_side in ((left, right), (right, left)):
            if field_side.symbol and value_side.is_constant:
                self._check_option(node, field_side.symbol, value_side.constant)

    def _check_membership(self, node, left: _Typed, right: _Typed) -> None:
        if right.type == LIST and right.is_constant:  # field in ['a', 'b']
            if left.symbol:
                for value in right.constant:
                    self._check_option(node, left.symbol, value)
        elif right.type == LIST:  # 'a' in ticked_checkboxes
            if left.is_constant and right.symbol:
                self._check_option(node, right.symbol, left.constant)
        elif right.type == TEXT:  # 'word' in some_text
            if left.type not in (TEXT, ANY):
                self._issue(node, Code.E305, detail=f"cannot look for {_a(left.type)} in text")
        elif right.type != ANY:
            self._issue(node, Code.E305, detail=f"'in' needs a list or text, not {_a(right.type)}")

    def _check_option(self, node, symbol: Symbol, value) -> None:
        if symbol.options is not None and value not in symbol.options:
            self._issue(
                node, Code.E304, value=value, field=symbol.name, allowed=", ".join(symbol.options)
            )


def _a(kind: str) -> str:
    return {
        ANY: "a value",
        TEXT: "text",
        LIST: "a list",
        GROUP: "a repeating group",
        BOOL: "true or false",
        DATE: "a date",
        TIME: "a time",
        NUMBER: "a number",
        FILE: "a file",
    }.get(kind, kind)


# ---- Evaluation ----------------------------------------------------------------------------


def _evaluate(node, values: Mapping[str, object]):
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name):
            if name in _CONSTANT_NAMES:
                return _CONSTANT_NAMES[name]
            return values.get(name)
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return [_evaluate(e, values) for e in elts]
        case ast.BoolOp(op=ast.And(), values=parts):
            result = True
            for part in parts:
                result = _evaluate(part, values)
                if not result:
                    return result
            return result
        case ast.BoolOp(op=ast.Or(), values=parts):
            result = False
            for part in parts:
                result = _evaluate(part, values)
                if result:
                    return result
            return result
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return not _evaluate(operand, values)
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            value = _evaluate(operand, values)
            return None if value is None else -value
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _evaluate(operand, values)
        case ast.BinOp(left=left, op=op, right=right):
            a, b = _evaluate(left, values), _evaluate(right, values)
            if a is None or b is None or (isinstance(op, ast.Div) and b == 0):
                return None
            return _ARITHMETIC[type(op)](a, b)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _evaluate(body if _evaluate(test, values) else orelse, values)
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            a = _evaluate(left, values)
            for op, right in zip(ops, comparators, strict=True):
                b = _evaluate(right, values)
                if not _compare(op, a, b):
                    return False
                a = b
            return True
        case ast.Call(func=ast.Name(id=name), args=args):
            return FUNCTIONS[name].run(*[_evaluate(a, values) for a in args])
    raise ValueError(f"cannot evaluate {ast.dump(node)}")  # unreachable after parse()


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
