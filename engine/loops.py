"""Loops among what decides a case type's questions: conditions and calculated values that
depend on one another in a circle.

Expressions may name only questions defined earlier, so a loop always shows first as a name
of a later question (E303). Its fix, "move it earlier", cannot work for a loop: whichever
comes first names the other. So the compiler asks `Loops.as_loop` (through `loop_back`)
whether the later question depends back on the place naming it, and reports the loop with its
path (E311) instead.

What depends on what: a question on its `show_if`, its calculated `value`, its page (a hidden
page's questions are not asked) and its repeating group; a page on its `show_if`.
"""

from __future__ import annotations

from collections import deque

import engine.expressions as ex
from engine.problems import Code

Node = tuple[str, str]  # ("page", id) or ("field", id)


class Loops:
    """Which names of later questions (E303) in one case type's YAML `data` are loops (E311),
    its questions `declared` as the compiler found them; dependencies worked out at the first."""

    def __init__(self, data: dict, declared: dict):
        self.data, self.declared = data, declared
        self._found = None  # dependencies(pages)

    def as_loop(self, issue: ex.Issue, where: tuple) -> ex.Issue:
        """E311 for a name of a later question (E303) that depends back on the place naming
        it: a loop, which no order of the questions mends."""
        name = issue.details.get("name")
        later = self.declared.get(name)
        if issue.code is not Code.E303 or later is None or where[-1] not in ("show_if", "value"):
            return issue
        owner, pages = where[:-1], self.data["pages"]
        if len(owner) == 2 and later.page_index == owner[1]:  # its own page: E303 says why
            return issue
        start = ("page", pages[owner[1]]["id"]) if len(owner) == 2 else self._field_at(owner)
        if self._found is None:
            self._found = dependencies(pages)
        loop = start and loop_back(*self._found, start, name)
        if not loop:
            return issue
        what = "page" if start[0] == "page" else "question"
        details = {"name": name, "what": what, "loop": loop, "key": where[-1]}
        return ex.Issue(Code.E311, issue.offset, details)

    def _field_at(self, path: tuple):
        found = next((d for d in self.declared.items() if d[1].path[:-1] == path), None)
        return ("field", found[0]) if found else None


def dependencies(pages: list) -> tuple[dict[Node, set[Node]], dict[Node, tuple[int, int]]]:
    """What each page and question of a case type's YAML depends on, and their order."""
    graph: dict[Node, set[Node]] = {}
    order: dict[Node, tuple[int, int]] = {}
    for index, page in enumerate(pages):
        node = ("page", page["id"])
        graph[node], order[node] = _named(page.get("show_if")), (index, -1)
        for spec, group in _fields(page.get("fields", []), None):
            own = ("field", spec["id"])
            if own in graph:  # an id used twice: E200 already
                continue
            graph[own] = _named(spec.get("show_if")) | _named(spec.get("value")) | {node}
            if group is not None:
                graph[own].add(("field", group))
            order[own] = (index, len(order))
    return graph, order


def loop_back(graph, order, start: Node, name: str) -> str | None:
    """The loop through which the question `name` depends back on `start` (which names it),
    as 'page 'a' → 'b' → page 'a''; None when there is none, or when `start` is not the
    loop's earliest place (the loop is reported there; here 'defined later' is true)."""
    path = _path(graph, ("field", name), start)
    if path is None or min(path, key=lambda n: order.get(n, (0, 0))) != start:
        return None
    return " → ".join(_shown(node) for node in (start, *path))


def _path(graph, source: Node, target: Node) -> list[Node] | None:
    """The shortest chain of dependencies from `source` to `target` (both included)."""
    came_from: dict[Node, Node | None] = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            path = [node]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])
            return path[::-1]
        for after in sorted(graph.get(node, ())):
            if after not in came_from:
                came_from[after] = node
                queue.append(after)
    return None


def _named(text) -> set[Node]:
    if not isinstance(text, str):
        return set()
    expression, _ = ex.parse(text)
    return {("field", name) for name in expression.names} if expression is not None else set()


def _fields(specs: list, group: str | None):
    for spec in specs:
        if isinstance(spec, dict) and isinstance(spec.get("id"), str):
            yield spec, group
            if isinstance(spec.get("fields"), list):
                yield from _fields(spec["fields"], spec["id"])


def _shown(node: Node) -> str:
    kind, name = node
    return f"page '{name}'" if kind == "page" else f"'{name}'"
