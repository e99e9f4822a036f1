"""The small, safe expression language of conditions, rules and calculated values.

An expression is Python expression syntax, parsed with `ast` and accepted only if every node is on
the whitelist (parse.py). Names are field ids, resolved and type-checked when the case type is
loaded (check.py); evaluation walks the tree (evaluate.py). Nothing is ever passed to `eval`.

    show_if: sen_provision in ['E', 'K'] and not looked_after
    check: end_date >= start_date
    value: total(provision, 'cost')

Values: text, numbers, true/false (yes/no questions, declarations), dates, times, lists (the ticked
options of checkboxes) and groups (the items of a repeating group). An unanswered (or hidden)
field is None: `==`, `<`, `>`, `in` with None are false (so `!=`, `not in` and `not x` are
true), arithmetic and functions give None. The functions are in functions.py.

Layers, each importing only those before it: value_types -> functions -> evaluate -> parse
-> check -> fixed.
"""

from engine.expressions.check import Checker
from engine.expressions.evaluate import Expression
from engine.expressions.fixed import fixed_issues, never_asked_issues, never_holds
from engine.expressions.functions import FUNCTIONS, Function, group_item_hint
from engine.expressions.parse import MAX_DEPTH, capital_constants, parse
from engine.expressions.school_days import SchoolCalendar
from engine.expressions.value_types import (
    ANY,
    BOOL,
    DATE,
    FILE,
    GROUP,
    LIST,
    NUMBER,
    TEXT,
    TIME,
    Issue,
    Symbol,
    described,
)
from engine.problems import Code

__all__ = [
    "capital_constants",
    "ANY",
    "BOOL",
    "DATE",
    "FILE",
    "FUNCTIONS",
    "GROUP",
    "LIST",
    "MAX_DEPTH",
    "NUMBER",
    "TEXT",
    "TIME",
    "Checker",
    "Code",
    "Expression",
    "Function",
    "Issue",
    "SchoolCalendar",
    "Symbol",
    "described",
    "fixed_issues",
    "never_asked_issues",
    "never_holds",
    "group_item_hint",
    "parse",
]
