"""Expressions and values as the browser receives them (engine/expressions/export.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.expressions import parse
from engine.expressions.export import to_json, to_json_value


def _tree(text: str):
    expression, issues = parse(text)
    assert not issues
    return to_json(expression)


def test_a_condition_becomes_a_tree_of_json_arrays():
    assert _tree("sen_provision in ['E', 'K'] and not looked_after") == [
        "and",
        [
            ["cmp", ["v", "sen_provision"], [["in", ["list", [["c", "E"], ["c", "K"]]]]]],
            ["not", ["v", "looked_after"]],
        ],
    ]


def test_numbers_travel_as_exact_text_and_constants_as_json():
    assert _tree("-(total(items, 'cost') / 3) + 0.10 + 1e3") == [
        "+",
        [
            "+",
            ["neg", ["/", ["call", "total", [["v", "items"], ["c", "cost"]]], ["n", "3"]]],
            ["n", "0.10"],
        ],
        ["n", "1000"],
    ]
    assert _tree("x if true else none") == ["if", ["c", True], ["v", "x"], ["c", None]]
    assert _tree("1 < a <= 10") == ["cmp", ["n", "1"], [["<", ["v", "a"]], ["<=", ["n", "10"]]]]


def test_no_expression_is_null():
    assert to_json(None) is None


def test_values_are_tagged_by_type():
    stored_file = {"id": "f1", "name": "report.pdf", "size": 10, "kind": "pdf"}
    assert to_json_value(Decimal("1250.50")) == {"$n": "1250.50"}
    assert to_json_value(7) == {"$n": "7"}
    assert to_json_value(True) is True
    assert to_json_value(dt.date(2026, 9, 1)) == {"$d": "2026-09-01"}
    assert to_json_value(dt.time(9, 5)) == {"$t": "09:05"}
    assert to_json_value(["a", "b"]) == ["a", "b"]
    assert to_json_value(stored_file) == {"$f": "f1"}  # the file's name stays on the server
    assert to_json_value([{"id": 3, "name": "Ann"}]) == [{"id": {"$n": "3"}, "name": "Ann"}]
