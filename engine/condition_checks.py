"""The checks of a condition (a `show_if` or a workflow's `when`) beyond its types: tried with
what holds when each question it names is asked, and, for a question's own `show_if`, with its
page's and groups' conditions.

W508: it holds while a question it names is not asked (engine/unasked.py).
E312: it has one value and that is a number or text, not true or false (`show_if: '1'`).
W504: it, or a part of it, has one value whatever the answers (`a and not a`), or it never
holds while the page and groups it is on are shown (engine/expressions/fixed.py).
"""

from __future__ import annotations

from collections.abc import Callable

import engine.expressions as ex
from engine.length_limits import length_issues
from engine.names import Declared
from engine.unasked import asked_condition, is_group, shown_when, unasked_issues


def condition_issues(
    expression: ex.Expression,
    where: tuple,
    text,
    lookup: Callable[[str, int], ex.Symbol | ex.Issue],
    data: dict,
    declared: dict[str, Declared],
) -> list[ex.Issue]:
    """W508, E312 and W504 of the condition at `where` (as `text` was written, its names
    looked up with `lookup`) in the case type `data` whose questions are `declared`."""
    asked = lambda name: asked_condition(declared.get(name), data)  # noqa: E731
    enclosing = shown_when(where, data)  # page show_if: a, its question's: not a
    never = lambda node: ex.never_holds(node, enclosing, lookup, asked)  # noqa: E731
    issues = unasked_issues(expression, where, data, declared, never)
    issues += ex.fixed_issues(expression, where[-1], text, lookup, asked)
    issues += ex.never_asked_issues(expression, enclosing, lookup, asked, is_group(where, data))
    issues += length_issues(expression, data, declared)  # len(needs) > 5 of 5 options
    return issues
