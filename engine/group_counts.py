"""W509: a rule that only says again what a group's own `min_items` or `max_items` says.

`check: len(contacts) >= 2, field: contacts` beside `min_items: 2` can never be broken: a rule
is not checked while its question has an error, and a required group with fewer than
`min_items` items (none included) has its own ("Add at least 2 attempts"); one with more than
`max_items` too. Its message is never read, and `portal test --coverage` would ask for a
journey that breaks it, which none can. (Shown against another question, or on a group that
may be left empty, such a rule can be broken, and says something: it is not warned of.)
"""

from __future__ import annotations

import ast

from engine.model import Field

# len(group) <op> n: whether min_items (low) or max_items (high) already makes it true
_ALWAYS = {
    ast.GtE: lambda n, low, high: n <= max(low, 1),
    ast.Gt: lambda n, low, high: n < max(low, 1),
    ast.LtE: lambda n, low, high: n >= high,
    ast.Lt: lambda n, low, high: n > high,
}
_FLIPPED = {ast.LtE: ast.GtE, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.Gt: ast.Lt}


def needless_count(check, shown_on: str, fields: tuple[Field, ...]) -> dict | None:
    """The words of W509 when `check` (a rule's, shown against `shown_on`) is
    `len(group) >= n` (or `>`, `<=`, `<`, either way round) for that group of `fields`, whose
    own item counts already make it true whenever it has no error."""
    node = check.tree.body
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
        return None
    left, op, right = node.left, type(node.ops[0]), node.comparators[0]
    if isinstance(left, ast.Constant):
        left, right, op = right, left, _FLIPPED.get(op)
    if op not in _ALWAYS or not _is_len(left) or not isinstance(right, ast.Constant):
        return None
    if isinstance(right.value, bool) or not isinstance(right.value, int):
        return None
    group = next((f for f in fields if f.id == left.args[0].id and f.kind.holds_items), None)
    if group is None or group.id != shown_on:
        return None
    if op in (ast.GtE, ast.Gt) and not group.required:  # with none it is checked, and breaks
        return None
    low = group.settings.get("min_items", 0)
    high = group.settings.get("max_items", 50)
    if not _ALWAYS[op](right.value, low, high):
        return None
    if op in (ast.LtE, ast.Lt):
        bound, setting = f"at most {high}", "max_items"
    else:
        bound, setting = f"at least {max(low, 1)}", "min_items"
    items = group.kind.item_name(group, int(bound.split()[-1]))
    return {"group": group.id, "bound": f"{bound} {items}", "setting": setting}


def _is_len(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "len"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
    )
