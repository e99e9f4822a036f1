"""A case type's own option lists: `lists:` at the top of the file, beside the shared ones."""

from __future__ import annotations

from engine.compiler import build_options
from engine.model import Option
from engine.problems import Code, Problem, make_problem
from engine.source import Source


def local_lists(
    source: Source, shared_origin: dict[str, tuple[str, int, int]]
) -> tuple[dict[str, tuple[Option, ...]], list[Problem]]:
    """The file's own lists by name, and their problems: a value given twice (E205), a name
    a shared list has (E710; the file's list is then left out)."""
    lists: dict[str, tuple[Option, ...]] = {}
    problems: list[Problem] = []
    for name, raw in source.data.get("lists", {}).items():
        if name in shared_origin:
            line, col = source.positions.key(("lists", name))
            other = shared_origin[name][0]
            problems.append(make_problem(Code.E710, source.path, line, col, name=name, other=other))
            continue
        options = build_options(raw)
        values = [o.value for o in options]
        problems += [
            make_problem(
                Code.E205, source.path, *source.positions.value(("lists", name, i)), value=value
            )
            for i, value in enumerate(values)
            if value in values[:i]
        ]
        lists[name] = options
    return lists, problems


def unused_local_lists(source: Source, used: set[str]) -> list[Problem]:
    """W710 for each of the file's own lists that no question of the file uses."""
    return [
        make_problem(Code.W710, source.path, *source.positions.key(("lists", name)), name=name)
        for name in source.data.get("lists", {})
        if name not in used
    ]
