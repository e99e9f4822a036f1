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

import engine.expressions as ex
from engine.expressions.parse import offset_of
from engine.names import Declared
from engine.problems import Code


def unasked_issues(
    expression: ex.Expression, where: tuple, data: dict, declared: dict[str, Declared]
) -> list[ex.Issue]:
    """W508 for each `not x`, `x != v` or `x not in [...]` of a condition (`show_if`, `when`)
    on a question `x` that is asked only under a condition the expression does not require."""
    if where[-1] not in ("show_if", "when"):
        return []  # a rule is not checked while a question it names has no answer
    body = expression.tree.body
    conjuncts = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else []
    required = {ast.unparse(part) for part in conjuncts}
    issues = []
    for node in ast.walk(body):
        found = _holds_unanswered(node, declared)
        if found is None:
            continue
        name, advice = found
        condition = _asked_only_when(declared[name], where, data)
        if condition and f"answered({name})" not in required and condition not in required:
            details = {"written": ast.unparse(node), "name": name, "condition": condition}
            issues.append(ex.Issue(Code.W508, offset_of(node), {**details, "advice": advice}))
    return issues


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
    if not isinstance(written, str):
        return ""
    try:
        return ast.unparse(ast.parse(written.strip(), mode="eval").body)
    except SyntaxError:
        return ""
