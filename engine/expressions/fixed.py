"""Conditions that never change (W504): made only of fixed values (`show_if: "false"`), or
that no answers can change, as `not looked_after and looked_after`, worked out cheaply.

A condition whose every name is a question compared only with fixed values (`==`, `!=`, `<`,
`in`, `not`, `and`, `or`, `answered()`) takes one of few values for each question: none (not
asked or left blank), each value it is compared with, one value between each two of them and
one beyond (numbers), one of the other options. Trying every combination of those, when
they are few, shows whether any answers make it true, or false. Anything else (arithmetic,
other functions, two questions compared, dates) is not tried: such a condition is taken to
change. Values a question cannot really take (a number between two whole numbers, an option
not offered) can only make a condition seem to change, never seem fixed.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from decimal import Decimal

from engine.condition_words import not_a_condition
from engine.expressions.evaluate import Expression
from engine.expressions.functions import CONSTANT_NAMES
from engine.expressions.parse import offset_of
from engine.expressions.value_types import BOOL, LIST, NUMBER, TEXT, Issue, Symbol
from engine.problems import Code

MOST_CASES = 256  # combinations tried at most; a condition needing more is not tried
_OTHER = "\x00another answer"  # a text unlike any written in a condition

Asked = Callable[[str], "ast.expr | None"]  # what holds whenever a question has an answer


def fixed_issues(
    expression: Expression,
    key: str,
    text,
    lookup: Callable[[str, int], Symbol | Issue],
    asked: Asked = lambda name: None,
) -> list[Issue]:
    """W504 for the condition under `key` (as `text` was written), or the largest parts of
    it joined by `and`, `or` or `not`, that have one value whatever the questions they name
    are answered (`asked(name)`: the condition under which a question has an answer, as
    `not has_ehcp and ehcp_date` is always false when ehcp_date is asked only if has_ehcp);
    E312 for one of fixed values that is a number or text, not a condition."""
    if "today(" in expression.text:
        return []
    if not expression.names:
        value = str(bool(expression.evaluate({}))).lower()
        fixed = not_a_condition(key, expression.evaluate({}), text)  # show_if: '1'
        if fixed:
            return [Issue(Code.E312, 0, fixed)]
        return [Issue(Code.W504, 0, {"what": "condition", "value": value, "why": ""})]
    known = _Known(lookup, asked)
    return _fixed_parts(expression.tree.body, known, expression.tree.body)


def never_asked_issues(
    expression: Expression,
    shown_when: list[tuple[str, ast.expr]],
    lookup: Callable[[str, int], Symbol | Issue],
    asked: Asked = lambda name: None,
    group: bool = False,
) -> list[Issue]:
    """W504 for a question's (or a `group`'s) own `show_if` that no answers make true while
    what it is on is shown (`shown_when`: each page or group it is on, as "page 'plan'", with
    its `show_if`): a page shown only when `has_ehcp` with a question on it only when
    `not has_ehcp` never asks it; else for each part joined by `or` that never holds there
    (`not has_ehcp or urgent` asks it only when urgent). The same trial of answers as
    fixed_issues, of all the conditions joined by `and`; nothing when the question's
    condition, or one of theirs, never changes alone (that is said of it where it is
    written)."""
    if not shown_when or "today(" in expression.text:
        return []
    known, own = _Known(lookup, asked), expression.tree.body
    if _always(own, known) is not None or any(_always(c, known) for _, c in shown_when):
        return []
    places = " and ".join(f"{place} (only when {ast.unparse(c)})" for place, c in shown_when)
    shown = f" while {places} {'are' if len(shown_when) > 1 else 'is'} shown"
    never, never_part = (
        ("the group is never shown", "it never shows the group")
        if group
        else ("the question is never asked", "it never asks the question")
    )
    either = own.values if isinstance(own, ast.BoolOp) and isinstance(own.op, ast.Or) else []
    issues = []
    for node in [own, *either]:
        found = _always(node, known) is None and _always(_while_shown(node, shown_when), known)
        if not found or found[0] != "false":
            continue
        _, names, because = found
        plural = "s" if len(names) > 1 else ""
        whatever = f", whatever the answer{plural} to {_listed(names)}{because}"
        if node is own:
            why = f"{shown}{whatever}: {never}"
            return [Issue(Code.W504, 0, {"what": "condition", "value": "false", "why": why})]
        what = f"`{ast.unparse(node)}`"
        why = f"{shown}{whatever}: {never_part}"
        issues.append(
            Issue(Code.W504, offset_of(node), {"what": what, "value": "false", "why": why})
        )
    return issues


def never_holds(
    node: ast.expr,
    shown_when: list[tuple[str, ast.expr]],
    lookup: Callable[[str, int], Symbol | Issue],
    asked: Asked = lambda name: None,
) -> bool:
    """Whether `node` is false for every answers the trial tries while each of the conditions
    of `shown_when` holds (False when it cannot be told)."""
    found = _always(_while_shown(node, shown_when), _Known(lookup, asked))
    return found is not None and found[0] == "false"


def _while_shown(node: ast.expr, shown_when: list[tuple[str, ast.expr]]) -> ast.expr:
    """`node` (a question's own condition, or a part of it) as it is read: after the `show_if`
    of each page and group it is on (`shown_when`, outermost first), all joined by `and`."""
    return ast.BoolOp(op=ast.And(), values=[*(c for _, c in shown_when), node])


class _Known:
    """The symbols of the questions a condition names, and what holds when each is asked."""

    def __init__(self, lookup, asked: Asked):
        self.lookup, self.asked = lookup, asked
        self.symbols: dict[str, Symbol] = {}

    def symbol(self, name: str) -> Symbol | None:
        if name not in self.symbols:
            found = self.lookup(name, 0)
            if not isinstance(found, Symbol):
                return None
            self.symbols[name] = found
        return self.symbols[name]


def _fixed_parts(node, known: _Known, whole) -> list[Issue]:
    found = _always(node, known)
    if found is not None:
        value, names, because = found
        what = "condition" if node is whole else f"`{ast.unparse(node)}`"
        answers = _listed(names)
        why = f", whatever the answer{'s' if len(names) > 1 else ''} to {answers}" + because
        return [Issue(Code.W504, offset_of(node), {"what": what, "value": value, "why": why})]
    if isinstance(node, ast.BoolOp):
        return [i for part in node.values for i in _fixed_parts(part, known, whole)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _fixed_parts(node.operand, known, whole)
    return []


def _listed(names: list[str]) -> str:
    """'a', 'b' and 'c'."""
    quoted = [f"'{name}'" for name in names]
    return " and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def _changes_plainly(node, known: _Known) -> bool:
    """A question alone, or one question compared once with a fixed value (`x == 'a'`,
    `x >= 10`, `x in ['E', 'K']`, `'a' in x`), or `not` of one of them, where the question can
    be asked: no answer and an answer equal to that value give it both values, so nothing need
    be tried (most conditions are these). A question asked only under a condition of several
    parts is tried: those parts may never hold together (a page shown only when `has_ehcp`,
    the question on it only when `not has_ehcp`), and then it is never answered."""
    name = _plain_question(node)
    if name is None or getattr(known.symbol(name), "bounds", None):  # pupils > 300, max 300
        return False
    asked = known.asked(name)
    return asked is None or _plain_question(asked) is not None


def _plain_question(node) -> str | None:
    """The question of a condition of the kinds _changes_plainly names, or None."""
    if isinstance(node, ast.Name):
        return node.id if node.id not in CONSTANT_NAMES else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _plain_question(node.operand)
    if not isinstance(node, ast.Compare) or len(node.ops) != 1:
        return None
    sides = [node.left, node.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id not in CONSTANT_NAMES]
    if len(names) == 1 and all(s in names or _fixed_value(s) for s in sides):
        return names[0].id
    return None


def _fixed_value(node) -> bool:
    """A value written out: text, a number, true or false, or a list of them, not empty."""
    if isinstance(node, ast.Name):
        return node.id in ("true", "false")
    if isinstance(node, ast.Constant):
        return node.value is not None
    return (
        isinstance(node, ast.List | ast.Tuple)
        and bool(node.elts)
        and all(isinstance(e, ast.Constant) and e.value is not None for e in node.elts)
    )


def _always(node, known: _Known) -> tuple[str, list[str], str] | None:
    """('true' or 'false', the questions named, why) when `node` names questions and has
    that value for every answer to them, first taken alone, then with what holds when each
    is asked; None when it changes, or cannot be told cheaply."""
    if _changes_plainly(node, known):
        return None
    compared: dict[str, list] = {}
    if not _simple(node, known, compared) or not compared:
        return None
    names = sorted(compared)
    value = _one_value(node, known, compared, {})
    if value is not None:
        return value, names, ""
    ranged = [n for n in names if known.symbols[n].bounds]
    value = ranged and _one_value(node, known, compared, {}, bounded=True)
    if value:  # pupils > 300 with max: 300
        return value, names, f" ({'; '.join(_range_of(known.symbols[n]) for n in ranged)})"
    conditions = {}
    for name in names:
        condition, tried = known.asked(name), {n: list(v) for n, v in compared.items()}
        if condition is not None and _simple(condition, known, tried):
            conditions[name] = condition
            compared = tried
    value = conditions and _one_value(node, known, compared, conditions)
    if not value:
        return None
    asked = "; ".join(f"'{n}' is asked only when {ast.unparse(c)}" for n, c in conditions.items())
    return value, names, f" ({asked})"


def _one_value(
    node, known: _Known, compared: dict, conditions: dict, bounded: bool = False
) -> str | None:
    """'true' or 'false' when `node` has it for every answer to the questions in `compared`
    where each answered question's condition holds (with `bounded`, numbers within each
    question's min and max); None when it changes or they are many."""
    names = sorted(compared)
    choices = [_representatives(known.symbols[n], compared[n], bounded) for n in names]
    if any(c is None for c in choices) or _count(choices) > MOST_CASES:
        return None
    seen = set()
    for values in itertools.product(*choices):
        answers = dict(zip(names, values, strict=True))
        if any(answers[n] is not None and not _holds(c, answers) for n, c in conditions.items()):
            continue  # a question answered while it is not asked
        seen.add(_holds(node, answers))
        if len(seen) == 2:
            return None
    return str(seen.pop()).lower() if seen else None


def _holds(node, answers: dict) -> bool:
    tree = ast.Expression(body=node)
    return bool(Expression("", tree, frozenset(), frozenset(), frozenset()).evaluate(answers))


def _count(choices) -> int:
    total = 1
    for values in choices:
        total *= len(values)
    return total


def _simple(node, known: _Known, compared: dict[str, list]) -> bool:
    """Whether `node` is made only of what _always tries; `compared` collects, for each
    question, the fixed values it is compared with."""
    match node:
        case ast.BoolOp(values=parts):
            return all(_simple(part, known, compared) for part in parts)
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            return _simple(operand, known, compared)
        case ast.Name(id=name) if name not in CONSTANT_NAMES and known.symbol(name):
            compared.setdefault(name, [])
            return True
        case ast.Name(id=name) if name in CONSTANT_NAMES:
            return True
        case ast.Constant():
            return True
        case ast.Call(func=ast.Name(id="answered"), args=[ast.Name(id=name)]) if known.symbol(name):
            compared.setdefault(name, [])
            return True
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            sides = [left, *comparators]
            return all(
                _simple_comparison(a, op, b, known, compared)
                for a, op, b in zip(sides, ops, sides[1:], strict=False)
            )
    return False


def _simple_comparison(a, op, b, known: _Known, compared: dict) -> bool:
    """A question compared with a fixed value, or looked for in a list of them, or a value
    looked for in its ticked options; `x in 'abc'` (a search in text) and two questions
    compared are not simple, nor ticked options compared as a whole (`reasons == ['other']`:
    the trial tries sets of them, not each list written, in its order)."""
    fixed_a, fixed_b = _fixed(a), _fixed(b)
    looked_up = isinstance(op, ast.In | ast.NotIn)
    if not looked_up and any(
        known.symbols[s.id].type == LIST for s in (a, b) if _question(s, known)
    ):
        return False
    if _question(a, known) and fixed_b is not _NOT_FIXED:
        if looked_up and not isinstance(fixed_b, list):
            return False  # `x in 'abc'` searches text: not tried
        compared.setdefault(a.id, []).extend(fixed_b if looked_up else [fixed_b])
    elif _question(b, known) and fixed_a is not _NOT_FIXED:
        if looked_up and known.symbols[b.id].type != LIST:
            return False  # 'a' in some_text: a search in text
        compared.setdefault(b.id, []).append(fixed_a)
    else:
        return False
    return True


_NOT_FIXED = object()


def _question(node, known: _Known) -> bool:
    return (
        isinstance(node, ast.Name)
        and node.id not in CONSTANT_NAMES
        and known.symbol(node.id) is not None
    )


def _fixed(node):
    """The value of a fixed value, a negative number or a list of fixed values; _NOT_FIXED
    for anything else."""
    match node:
        case ast.Constant(value=value):
            return value
        case ast.Name(id=name) if name in CONSTANT_NAMES:
            return CONSTANT_NAMES[name]
        case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=value)) if isinstance(
            value, int | Decimal
        ) and not isinstance(value, bool):
            return -value
        case ast.List(elts=items) | ast.Tuple(elts=items):
            values = [_fixed(item) for item in items]
            return _NOT_FIXED if _NOT_FIXED in values else values
    return _NOT_FIXED


def _representatives(symbol: Symbol, compared: list, bounded: bool = False) -> list | None:
    """A value of each kind of answer the question may have, as the condition tells them
    apart (None: its kind of answer is not tried)."""
    if symbol.type == BOOL:
        return [None, True, False]
    if symbol.type == NUMBER:
        found = _numbers([v for v in compared if _is_number(v)])
        return _within(found, symbol.bounds) if bounded and symbol.bounds else found
    if symbol.type == TEXT:
        written = [v for v in compared if isinstance(v, str)]
        return [None, "", *dict.fromkeys(written), _another(symbol, written)]
    if symbol.type == LIST:
        written = list(dict.fromkeys(v for v in compared if isinstance(v, str)))
        if len(written) > 4:
            return None
        pool = [*written, _another(symbol, written)]
        subsets = [
            list(c) for r in range(1, len(pool) + 1) for c in itertools.combinations(pool, r)
        ]
        return [None, [], *subsets]
    return None


def _is_number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _numbers(written: list) -> list:
    """None, 0, each number written, one between each two and one either side of them."""
    points = sorted(set(Decimal(v) for v in written))
    found = [None, Decimal(0), Decimal(1), *points]
    if points:
        found += [points[0] - 1, points[-1] + 1]
        found += [(low + high) / 2 for low, high in zip(points, points[1:], strict=False)]
    return found


def _within(numbers: list, bounds: tuple) -> list:
    """The numbers between a question's `min` and `max`, and those two: the answers it takes."""
    low, high = (None if b is None else Decimal(str(b)) for b in bounds)
    found = [*numbers, *(b for b in (low, high) if b is not None)]
    return [
        v for v in found if v is None or ((low is None or v >= low) and (high is None or v <= high))
    ]


def _range_of(symbol: Symbol) -> str:
    low, high = symbol.bounds
    said = f"at least {low}" if high is None else f"at most {high}" if low is None else ""
    return f"'{symbol.name}' is {said or f'{low} to {high}'}"


def _another(symbol: Symbol, written: list) -> str:
    """An option not written in the condition, or a text unlike any written."""
    other = [o for o in symbol.options or () if o not in written]
    return other[0] if other else _OTHER
