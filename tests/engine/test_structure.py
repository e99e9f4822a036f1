"""The engine stays in clear pieces: layered imports, small modules, functions of a screen.

Imports are read from the source with `ast` (those run inside functions included; those only
for type checkers, under `if TYPE_CHECKING:`, left out: they never run).
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(ENGINE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }


def _imported(tree: ast.AST, package: str):
    """The engine modules a module's import statements name (run-time ones only)."""
    skipped = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from .base import y
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            yield base  # `from engine import numeric` runs engine/__init__.py first
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        named = set(_imported(ast.parse(path.read_text()), package))
        graph[name] = {other for other in named if other in MODULES and other != name}
    return graph


def test_no_engine_module_imports_the_engine_package_itself():
    importers = sorted(name for name, imported in _graph().items() if "engine" in imported)
    assert importers == [], "import the module itself (engine.numeric), not `from engine import`"


def test_the_engine_imports_form_layers_without_a_cycle():
    try:
        order = list(graphlib.TopologicalSorter(_graph()).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")
    assert order.index("engine.numeric") < order.index("engine.expressions")
    assert order.index("engine.expressions") < order.index("engine.model")
    assert order.index("engine.model") < order.index("engine.fields")
    assert order.index("engine.fields") < order.index("engine.compiler")
    assert order.index("engine.compiler") < order.index("engine.catalogue")


def test_no_engine_module_is_over_400_lines():
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_engine_function_is_longer_than_a_screen():
    long = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{name}.{node.name}"] = lines
    assert long == {}
