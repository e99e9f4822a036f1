"""The web app stays in clear pieces: imports without a cycle, small modules, functions of a
screen (as tests/engine/test_structure.py holds the engine to). Migrations are left out: each is
written once and never changed.

Imports are read from the source with `ast`, those run inside functions included (a cycle
hidden in a function is still a cycle), those only for type checkers (`if TYPE_CHECKING:`)
left out. A module importing a package it sits in (`from webapp.areas.auth import bp` in
webapp/areas/auth/routes.py) is not counted: Python has run that package's __init__.py before
any module inside it, which is how every blueprint package registers its views.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

from tests.engine.test_structure import _imported  # the same reading of import statements

WEBAPP = Path(__file__).resolve().parents[1] / "webapp"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at `root` by dotted name, migrations left out."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def import_graph(found: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of the same tree it imports (its own packages left out)."""
    graph = {}
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        named = set(_imported(ast.parse(path.read_text()), package))
        graph[name] = {
            other
            for other in named
            if other in found and other != name and not name.startswith(other + ".")
        }
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the modules around it, or None when there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return None


def long_modules(found: dict[str, Path]) -> dict[str, int]:
    return {
        name: lines
        for name, path in found.items()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }


def long_functions(found: dict[str, Path]) -> dict[str, int]:
    return {
        f"{name}.{node.name}": lines
        for name, path in found.items()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (lines := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES
    }


WEBAPP_MODULES = modules(WEBAPP)


def test_the_webapp_imports_without_a_cycle():
    cycle = import_cycle(import_graph(WEBAPP_MODULES))
    if cycle:
        pytest.fail(f"import cycle: {' -> '.join(cycle)}")


def test_no_webapp_module_is_over_400_lines():
    assert long_modules(WEBAPP_MODULES) == {}


def test_no_webapp_function_is_longer_than_a_screen():
    assert long_functions(WEBAPP_MODULES) == {}


# ---- the checks themselves find what they look for ----


def _tree(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    root = tmp_path / "app"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return modules(root)


def test_a_cycle_is_found_and_named_even_through_an_import_inside_a_function(tmp_path):
    found = _tree(
        tmp_path,
        {
            "a.py": "from app.b import thing\n",
            "b.py": "def thing():\n    from app import c\n",
            "c.py": "import app.a\n",
            "area/__init__.py": "from app.area import routes\n",
            "area/routes.py": "from app.area import bp\n",  # its own package: not a cycle
            "typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.a\n",
            "migrations/x.py": "import app.migrations.x\n",
        },
    )
    cycle = import_cycle(import_graph(found))
    assert cycle is not None and set(cycle) == {"app.a", "app.b", "app.c"}
    assert "app.migrations.x" not in found
    del found["app.c"]
    assert import_cycle(import_graph(found)) is None


def test_long_modules_and_functions_are_found(tmp_path):
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES))
    found = _tree(
        tmp_path,
        {
            "long.py": "x = 1\n" * (MAX_MODULE_LINES + 1),
            "short.py": "x = 1\n" * MAX_MODULE_LINES,
            "funcs.py": f"def long():\n{body}\ndef fits():\n{body[: body.rindex('    x')]}",
        },
    )
    assert long_modules(found) == {"app.long": MAX_MODULE_LINES + 1}
    assert long_functions(found) == {"app.funcs.long": MAX_FUNCTION_LINES + 1}
