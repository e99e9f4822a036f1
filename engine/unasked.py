"""W508: a condition that holds while a question it names is not asked.

A question not asked (its `show_if`, or its page's, is false) has no answer, and `not x`,
`x != 'a'` and `x not in [...]` are true of no answer. So `show_if: not school_named`, meant
as "answered No", also shows the question to every child for whom `school_named` was never
asked. The warning says how to write what was meant, unless the condition already asks for the
other question's own condition, or for `answered(x)`, beside it (`has_ehcp and not
school_named`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import engine.expressions as ex
from engine.expressions.parse import offset_of
from engine.names import Declared
from engine.problems import Code


def unasked_issues(
    expression: ex.Expression,
    where: tuple,
    data: dict,
    declared: dict[str, Declared],
    never: Callable[[ast.expr], bool] = lambda node: False,
) -> list[ex.Issue]:
    """W508 for each `not x`, `x != v` or `x not in [...]` of a condition (`show_if`, `when`)
    on a question `x` that is asked only under a condition the expression does not require;
    nor where `never` (the trial of answers, with the page's and group's conditions) finds
    the expression false whenever that condition is (`has_ehcp == true and not named`)."""
    if where[-1] not in ("show_if", "when"):
        return []  # a rule is not checked while a question it names has no answer
    body = expression.tree.body
    required = _conjuncts(body) | _conjuncts(_read(_page_condition(where, data)))
    issues = []
    for node in ast.walk(body):
        found = _holds_unanswered(node, declared)
        if found is None:
            continue
        name, advice = found
        condition = _asked_only_when(declared[name], where, data)
        asked_when = _conjuncts(_read(condition))
        if (
            condition
            and f"answered({name})" not in required
            and not asked_when <= required
            and not never(ast.BoolOp(op=ast.And(), values=[_negated(condition), body]))
        ):
            details = {"written": ast.unparse(node), "name": name, "condition": condition}
            details["joined"] = f"{_bracketed(condition)} and {details['written']}"
            issues.append(ex.Issue(Code.W508, offset_of(node), {**details, "advice": advice}))
    return issues


def _bracketed(condition: str) -> str:
    """`condition` as the first part of an `and`: in brackets when it is an `or` (or an
    `if ... else`), which `and` would otherwise split (`a or b and c` is `a or (b and c)`)."""
    node = _read(condition)
    loose = isinstance(node, ast.IfExp) or (
        isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or)
    )
    return f"({condition})" if loose else condition


def _negated(condition: str) -> ast.expr:
    return ast.UnaryOp(op=ast.Not(), operand=_read(condition))


def _conjuncts(node) -> set[str]:
    """The parts of a condition joined by `and`, as written normalised (none for no node)."""
    if node is None:
        return set()
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        return set().union(*(_conjuncts(part) for part in node.values))
    return {ast.unparse(node)}


def _read(text) -> ast.expr | None:
    """A condition as written, parsed (None when there is none, or it is no expression)."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None


def _page_condition(where: tuple, data: dict):
    """The `show_if` of the page a question's condition is on: the condition is read only
    while it holds (none for a page's own `show_if`, or a workflow's `when`)."""
    if len(where) < 4 or where[0] != "pages" or not isinstance(where[1], int):
        return None
    pages = data.get("pages")
    page = pages[where[1]] if isinstance(pages, list) and where[1] < len(pages) else None
    return page.get("show_if") if isinstance(page, dict) else None


def _holds_unanswered(node, declared: dict[str, Declared]) -> tuple[str, str] | None:
    """(question, what to write) when `node` is true of an unanswered question."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        name = node.operand.id if isinstance(node.operand, ast.Name) else None
        if name in declared and declared[name].value_type == ex.BOOL:
            return name, f"{name} == false for answered No"
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], ast.NotEq | ast.NotIn)
        and isinstance(node.left, ast.Name)
        and node.left.id in declared
    ):
        name = node.left.id
        return name, f"answered({name}) and {ast.unparse(node)}"
    return None


def _asked_only_when(question: Declared, where: tuple, data: dict) -> str:
    """The condition (as written, normalised) under which `question` is asked, as far as the
    place `where` does not share it: its own `show_if`, or its page's seen from elsewhere."""
    if question.group:
        return ""  # an item's questions: asked per item, named only within it
    page = data["pages"][question.page_index]
    spec = page["fields"][question.path[3]]
    own = spec.get("show_if")
    same_page = where[:2] == ("pages", question.page_index)
    written = own if own is not None else (None if same_page else page.get("show_if"))
    parsed = _read(written)
    return ast.unparse(parsed) if parsed is not None else ""


def asked_condition(question: Declared | None, data: dict) -> ast.expr | None:
    """What holds whenever `question` has an answer: its page's `show_if` and its own, parsed
    (None for none, or a question of a repeating group, asked per item)."""
    if question is None or question.group or not question.has_value:
        return None
    page = data["pages"][question.page_index]
    spec = page["fields"][question.path[3]]
    parts = [p for p in (_read(page.get("show_if")), _read(spec.get("show_if"))) if p is not None]
    if len(parts) < 2:
        return parts[0] if parts else None
    return ast.BoolOp(op=ast.And(), values=parts)


def shown_when(where: tuple, data: dict) -> list[tuple[str, ast.expr]]:
    """The page and the groups a question's condition at `where` is on, as "page 'plan'" or
    "group 'providers'", each with its `show_if` parsed, outermost first: the question is asked
    only while all of them hold (none for a page's own `show_if`, or a workflow's `when`)."""
    if where[-1] != "show_if" or len(where) < 5 or where[0] != "pages":
        return []
    found, node = [], data
    for depth in range(0, len(where) - 2, 2):
        items = node.get(where[depth]) if isinstance(node, dict) else None
        index = where[depth + 1]
        if not isinstance(items, list) or not isinstance(index, int) or index >= len(items):
            return []
        node = items[index]
        condition = _read(node.get("show_if")) if isinstance(node, dict) else None
        if condition is not None and depth < len(where) - 3:
            kind = "page" if depth == 0 else "group"
            found.append((f"{kind} '{node.get('id')}'", condition))
    return found


def is_group(where: tuple, data: dict) -> bool:
    """Whether the condition at `where` is a group's own `show_if` (it shows the group)."""
    node = data
    for key in where[:-1]:
        ok = isinstance(node, dict) or (isinstance(node, list) and isinstance(key, int))
        if not ok or (isinstance(node, list) and key >= len(node)):
            return False
        node = node[key] if isinstance(node, list) else node.get(key)
    return isinstance(node, dict) and node.get("type") == "group"
