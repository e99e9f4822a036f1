"""A calculated value worked out from amounts of money but shown as a number (W722).

Expressions know numbers only: money is a number to them, and a calculated value's `format`
says how it is shown. Left out, `format` is `number`, shown to `decimals` places (0 unless
set) with no £, so a claim of £832.50 read '833' on the page, on "Check your answers" and in
caseviewer. The expression is read for what its result is: an amount (money + money, money *
number, money / number, total() of a money question, round(), min(), max() or abs() of one),
or a plain number (money / money, a ratio; a count; days between dates).
"""

from __future__ import annotations

import ast

from engine.model import Field

_KEEPING = ("round", "abs", "min", "max")  # an amount stays an amount through these


def money_problem(field: Field, money: set[str]) -> dict | None:
    """W722's details for the calculated `field`, or None; `money` holds the ids of earlier
    questions and calculated values that are amounts of money, and gets `field`'s id when it
    is one too (`format: money`)."""
    settings = field.settings
    if settings.get("format") == "money":
        money.add(field.id)
        return None
    if "format" in settings or field.expression is None:
        return None  # `format: number` written: the author said so
    names: list[str] = []
    if not _amount(field.expression.tree.body, money, names):
        return None
    money.add(field.id)  # an amount all the same: a total of it is told too
    named = ", ".join(f"'{n}'" for n in dict.fromkeys(names))
    return {"id": field.id, "names": named}


def _amount(node: ast.expr, money: set[str], names: list[str]) -> bool:
    """Whether `node` gives an amount of money, collecting the money questions it names."""
    match node:
        case ast.Name(id=name):
            if name in money:
                names.append(name)
                return True
            return False
        case ast.BinOp(left=left, op=ast.Add() | ast.Sub(), right=right):
            return _amount(left, money, names) | _amount(right, money, names)
        case ast.BinOp(left=left, op=ast.Mult(), right=right):
            return _amount(left, money, names) != _amount(right, money, names)
        case ast.BinOp(left=left, op=ast.Div(), right=right):
            return _amount(left, money, names) and not _amount(right, money, [])
        case ast.UnaryOp(operand=operand):
            return _amount(operand, money, names)
        case ast.IfExp(body=body, orelse=orelse):
            return _amount(body, money, names) | _amount(orelse, money, names)
        case ast.Call(func=ast.Name(id="total"), args=[_, ast.Constant(value=str(member))]):
            if member in money:
                names.append(member)
                return True
            return False
        case ast.Call(func=ast.Name(id=function), args=args) if function in _KEEPING:
            counted = args[:1] if function == "round" else args
            return any([_amount(arg, money, names) for arg in counted])
    return False
