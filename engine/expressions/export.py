"""Expressions and values as JSON, for the browser's evaluator (webapp/static/js/expressions.js).

The browser works out the same conditions and calculated values as the server, from the same
checked tree, so a question appears as soon as its answer changes. The tree is JSON arrays:

    ["c", value]          a constant: text, true, false or null
    ["n", "2.5"]          a number, as its exact decimal text
    ["v", "field_id"]     a field's value
    ["list", [items]]     a list of fixed values
    ["and", [parts]]  ["or", [parts]]  ["not", x]  ["neg", x]  ["pos", x]
    ["+", a, b]  ["-", a, b]  ["*", a, b]  ["/", a, b]
    ["if", test, then, else]
    ["cmp", left, [[op, right], ...]]     op: == != < <= > >= in "not in"
    ["call", "name", [args]]

Values (to_json_value) are JSON, with numbers {"$n": "2.5"}, dates {"$d": "2026-09-01"}, times
{"$t": "09:30"} and files {"$f": "id"} tagged, since field ids never start with '$'.
"""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal

import engine.numeric as numeric
from engine.expressions.evaluate import Expression
from engine.expressions.functions import CONSTANT_NAMES

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_UNARY = {ast.Not: "not", ast.USub: "neg", ast.UAdd: "pos"}
_COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}


def to_json(expression: Expression | None):
    """The expression's checked tree as JSON-ready lists (None for no expression)."""
    return None if expression is None else _node(expression.tree.body)


def _node(node):  # noqa: PLR0911 - one case per kind of node, as in evaluate.py
    match node:
        case ast.Constant(value=value):
            return _constant(value)
        case ast.Name(id=name):
            if name in CONSTANT_NAMES:
                return ["c", CONSTANT_NAMES[name]]
            return ["v", name]
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return ["list", [_node(e) for e in elts]]
        case ast.BoolOp(op=op, values=parts):
            return ["and" if isinstance(op, ast.And) else "or", [_node(p) for p in parts]]
        case ast.UnaryOp(op=op, operand=operand):
            return [_UNARY[type(op)], _node(operand)]
        case ast.BinOp(left=left, op=op, right=right):
            return [_OPERATORS[type(op)], _node(left), _node(right)]
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return ["if", _node(test), _node(body), _node(orelse)]
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            links = [
                [_COMPARISONS[type(o)], _node(r)] for o, r in zip(ops, comparators, strict=True)
            ]
            return ["cmp", _node(left), links]
        case ast.Call(func=ast.Name(id=name), args=args):
            return ["call", name, [_node(a) for a in args]]
    raise ValueError(f"cannot export {ast.dump(node)}")  # unreachable after parse()


def _constant(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return ["c", value]
    return ["n", _exact_text(value)]


def _exact_text(number: int | Decimal) -> str:
    """A number as exact decimal text, never in exponent form: 1E+3 -> '1000'."""
    if isinstance(number, int):
        return str(number)
    return format(number, "f")


def to_json_value(value, in_list: bool = False):
    """A typed value as expressions see it, JSON-ready for the browser.

    A mapping inside a list is a repeating group's item; anywhere else it is a stored file.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if numeric.is_number(value):
        return {"$n": _exact_text(value)}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.strftime("%H:%M")}
    if isinstance(value, list | tuple):
        return [to_json_value(v, in_list=True) for v in value]
    if isinstance(value, dict):
        if not in_list:
            return {"$f": str(value.get("id", ""))}
        return {key: to_json_value(v) for key, v in value.items()}
    raise TypeError(f"no JSON form for {type(value).__name__}")
