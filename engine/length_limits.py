"""W504 for a count a question can never reach: `len(conditions) > 5` of a question of 5
options, `len(name) > 250` of a text of at most 200 characters, `len(people) > 4` of a group of
at most 4 items. Such a comparison has one value whatever the answers (a count is 0 to the most
the question takes), which the trial of engine/expressions/fixed.py does not try."""

from __future__ import annotations

import ast
import operator
from decimal import Decimal

import engine.expressions as ex
from engine.expressions.parse import offset_of
from engine.names import Declared
from engine.problems import Code

_LONGEST = {"text": 200, "textarea": 5000}  # max_length when not given (docs/casetypes.md)
_OPS = {ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le,
        ast.Eq: operator.eq, ast.NotEq: operator.ne}  # fmt: skip


def length_issues(
    expression: ex.Expression, data: dict, declared: dict[str, Declared]
) -> list[ex.Issue]:
    """W504 for each `len(x) OP number` (or `number OP len(x)`) in `expression` that no count
    `x` can have changes."""
    body, issues = expression.tree.body, []
    for node in ast.walk(body):
        found = _counted(node)
        if found is None:
            continue
        name, compare = found
        most = _most(declared.get(name), data)
        if most is None:
            continue
        count, said = most
        values = {compare(n) for n in {0, count, *_near(node, count)}}
        if len(values) == 1:
            what = "condition" if node is body else f"`{ast.unparse(node)}`"
            details = {"what": what, "value": str(values.pop()).lower(), "why": f" ({said})"}
            issues.append(ex.Issue(Code.W504, offset_of(node), details))
    return issues


def _counted(node):
    """(the question counted, the comparison as a function of the count) of `len(x) > 5`."""
    if not isinstance(node, ast.Compare) or len(node.ops) != 1 or type(node.ops[0]) not in _OPS:
        return None
    left, right, op = node.left, node.comparators[0], _OPS[type(node.ops[0])]
    for counted, fixed, swap in ((left, right, False), (right, left, True)):
        name = _len_of(counted)
        if name and isinstance(fixed, ast.Constant) and _number(fixed.value):
            limit = Decimal(fixed.value)
            return name, lambda n, at=limit, back=swap: op(at, n) if back else op(n, at)
    return None


def _len_of(node) -> str | None:
    match node:
        case ast.Call(func=ast.Name(id="len"), args=[ast.Name(id=name)], keywords=[]):
            return name
    return None


def _number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _near(node, count: int) -> set[int]:
    """The counts either side of the number compared with, within 0 to `count`."""
    fixed = next(c for c in (node.left, node.comparators[0]) if isinstance(c, ast.Constant))
    limit = int(Decimal(fixed.value))
    return {n for n in range(limit - 1, limit + 2) if 0 <= n <= count}


def _most(question: Declared | None, data: dict) -> tuple[int, str] | None:
    """The largest count of the question's answer, and how to say it; None when not known."""
    if question is None:
        return None
    spec = data
    for step in question.path[:-1]:  # the path of its `id`
        spec = spec[step]
    kind = spec.get("type")
    if kind == "checkboxes" and isinstance(spec.get("options"), list):
        options = len(spec["options"])
        most = min(spec.get("max_choices") or options, options)
        if most == options:
            return most, f"'{spec['id']}' has {options} options"
        return most, f"'{spec['id']}' takes at most {most} ticks"
    if kind in _LONGEST:
        most = spec.get("max_length", _LONGEST[kind])
        return most, f"'{spec['id']}' takes at most {most} characters"
    if kind == "group":
        most = spec.get("max_items", 50)
        return most, f"'{spec['id']}' takes at most {most} items"
    return None
