"""Expressions in plain English, for the generated documentation (`portal docs`).

Reads the checked tree of a condition, rule or calculated value and says what it means with the
questions' labels and the options' labels, never field ids or codes:

    injured                          ‘Was the pupil injured?’ is Yes
    sen_provision in ['E', 'K']      ‘SEN provision’ is one of “EHC plan” or “SEN support”
    end_date >= start_date           ‘End date’ is on or after ‘Start date’
    total(provision, 'cost')         the total of ‘Cost’ over every ‘Provision’

A name the vocabulary does not know reads as itself, so any expression can be described.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Number

import engine.numeric as numeric
from engine.expressions import (
    ANY,
    BOOL,
    DATE,
    FUNCTIONS,
    GROUP,
    LIST,
    NUMBER,
    TEXT,
    TIME,
    parse,
)
from engine.expressions.functions import CONSTANT_NAMES


@dataclass(frozen=True)
class Subject:
    """What the English needs to know of a field: its label, value type and option labels."""

    label: str
    type: str = ANY
    options: Mapping[str, str] = field(default_factory=dict)  # value -> label
    always_answered: bool = False  # required and always asked: `not x` reads "is No"


_ORDER_WORDS = {
    DATE: ("is before", "is on or before", "is after", "is on or after"),
    TIME: ("is earlier than", "is at or earlier than", "is later than", "is at or later than"),
    NUMBER: ("is less than", "is at most", "is more than", "is at least"),
}
_ORDER_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_MIRROR = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
_ARITHMETIC = {ast.Add: ("plus", 1), ast.Sub: ("minus", 1), ast.Mult: ("times", 2)}
_ARITHMETIC[ast.Div] = ("divided by", 2)
_BETWEEN = {
    "weekdays_between": "the number of weekdays (Monday to Friday) from {0} up to {1}",
    "school_days_between": "the number of school days from {0} up to {1}",
    "days_between": "the number of days from {0} to {1}",
    "weeks_between": "the number of weeks from {0} to {1}",
    "years_between": "the number of whole years from {0} to {1}",
    "minutes_between": "the number of minutes from {0} to {1}",
}
# Functions that move a date by a count: the unit, singular and plural.
_SHIFTS = {"add_days": ("day", "days"), "add_school_days": ("school day", "school days")}
_COLUMNS = {
    "total": "the total of {member} over every item of {group}",
    "earliest": "the earliest {member} among the items of {group}",
    "latest": "the latest {member} among the items of {group}",
}


def quoted_label(label: str) -> str:
    """A question's label as the English quotes it: ‘Was the pupil injured?’."""
    return f"‘{label.strip()}’"


def quoted_text(text: str) -> str:
    """A value or text as the English quotes it: “SEN support”."""
    return f"“{text}”"


def join_words(parts: Iterable[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'or')."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def number_text(value) -> str:
    """A number as people write it: 1,500 or 2.5."""
    if isinstance(value, int):
        return f"{value:,}"
    return numeric.grouped(value)


class Describer:
    """Says what expressions mean, knowing the fields they may name (`subjects` by field id)."""

    def __init__(self, subjects: Mapping[str, Subject]):
        self.subjects = subjects

    def describe(self, expression) -> str:
        """The expression (an Expression, an ast node or its text) as plain English."""
        if isinstance(expression, str):  # checked as loading checks it: whitelist and depth
            parsed, issues = parse(expression)
            if parsed is None:
                raise ValueError(f"not an expression: {issues[0].details}")
            expression = parsed
        tree = getattr(expression, "tree", expression)
        node = tree.body if isinstance(tree, ast.Expression) else tree
        return self.condition(node)

    def describe_value(self, expression) -> str:
        """A calculated value's formula in English: a value, or a condition if it is true/false."""
        tree = getattr(expression, "tree", expression)
        node = tree.body if isinstance(tree, ast.Expression) else tree
        return self.condition(node) if self.type_of(node) == BOOL else self.value(node)

    # ---- conditions (true or false) ----
    def condition(self, node) -> str:
        """A node read as a condition: a bare question is "answered", or "Yes" for yes/no."""
        match node:
            case ast.Name(id=name) if name not in CONSTANT_NAMES:
                subject = self._subject(name)
                if subject.type == BOOL:
                    return f"{quoted_label(subject.label)} is Yes"
                return f"{quoted_label(subject.label)} is answered"
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return self._negated(operand)
            case ast.BoolOp(op=op, values=parts):
                word = "and" if isinstance(op, ast.And) else "or"
                return f" {word} ".join(self._part(p, type(op)) for p in parts)
            case ast.Compare():
                return self._compare(node)
        return self.value(node)

    def _part(self, node, op: type) -> str:
        text = self.condition(node)
        if isinstance(node, ast.BoolOp) and not isinstance(node.op, op):
            return f"({text})"
        return text

    def _negated(self, node) -> str:
        if isinstance(node, ast.Name) and node.id not in CONSTANT_NAMES:
            subject = self._subject(node.id)
            label = quoted_label(subject.label)
            if subject.type == BOOL:
                return f"{label} is {'No' if subject.always_answered else 'not Yes'}"
            return f"{label} is not answered"
        if isinstance(node, ast.Call) and node.func.id == "answered" and len(node.args) == 1:
            return f"{self.value(node.args[0])} is not answered"
        return f"it is not true that {self.condition(node)}"

    def _compare(self, node: ast.Compare) -> str:
        parts, left = [], node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(self._comparison(left, op, right))
            left = right
        return " and ".join(parts)

    def _comparison(self, left, op, right) -> str:
        if isinstance(op, ast.In | ast.NotIn):
            return self._membership(left, isinstance(op, ast.NotIn), right)
        if self._is_constant(left) and not self._is_constant(right):  # 'E' == x: x is "E"
            left, right, op = right, left, _MIRROR.get(type(op), type(op))()
        subject = self._field_subject(left)
        kind = self.type_of(left) if self.type_of(left) != ANY else self.type_of(right)
        shown = self._against(subject, right)
        if isinstance(op, ast.Eq | ast.NotEq):
            verb = "is" if isinstance(op, ast.Eq) else "is not"
            return f"{self.value(left)} {verb} {shown}"
        words = _ORDER_WORDS.get(kind, _ORDER_WORDS[NUMBER])
        return f"{self.value(left)} {words[_ORDER_OPS.index(type(op))]} {shown}"

    def _membership(self, left, negated: bool, right) -> str:
        if isinstance(right, ast.List | ast.Tuple):  # x in ['a', 'b']
            subject = self._field_subject(left)
            items = [self._against(subject, e) for e in right.elts]
            if len(items) == 1:
                return f"{self.value(left)} {'is not' if negated else 'is'} {items[0]}"
            said = join_words(items, "or")
            return f"{self.value(left)} is {'none' if negated else 'one'} of {said}"
        kind = self.type_of(right)
        thing = self._against(self._field_subject(right), left)
        if kind == TEXT:
            verb = "does not contain" if negated else "contains"
        else:
            verb = "does not include" if negated else "includes"
        return f"{self.value(right)} {verb} {thing}"

    def _against(self, subject: Subject | None, node) -> str:
        """A value compared with a field: an option's label when the field has options."""
        value = node.value if isinstance(node, ast.Constant) else None
        if subject is not None and isinstance(value, str) and value in subject.options:
            return quoted_text(subject.options[value])
        return self.value(node)

    # ---- values ----
    def value(self, node) -> str:  # noqa: PLR0911 - one case per kind of node
        """A node read as a value: a question's label, a constant, a sum, a function."""
        match node:
            case ast.Constant(value=value):
                return self._constant(value)
            case ast.Name(id=name):
                if name in CONSTANT_NAMES:
                    return self._constant(CONSTANT_NAMES[name])
                return quoted_label(self._subject(name).label)
            case ast.List(elts=elts) | ast.Tuple(elts=elts):
                return join_words((self.value(e) for e in elts), "and")
            case ast.BinOp(left=left, op=op, right=right):
                return self._arithmetic(left, op, right)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return f"minus {self._operand(operand)}"
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.value(operand)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return (
                    f"{self.value(body)} if {self.condition(test)}, otherwise {self.value(orelse)}"
                )
            case ast.Call(func=ast.Name(id=name), args=args):
                return self._call(name, args)
        return f"({self.condition(node)})"

    def _constant(self, value) -> str:
        if value is True:
            return "Yes"
        if value is False:
            return "No"
        if value is None:
            return "nothing (not answered)"
        if isinstance(value, str):
            return quoted_text(value)
        return number_text(value)

    def _arithmetic(self, left, op, right) -> str:
        word, rank = _ARITHMETIC[type(op)]
        left_text = self._operand(left, rank, right_side=False)
        right_text = self._operand(right, rank, right_side=isinstance(op, ast.Sub | ast.Div))
        return f"{left_text} {word} {right_text}"

    def _operand(self, node, rank: int = 3, right_side: bool = False) -> str:
        text = self.value(node)
        if isinstance(node, ast.BinOp):
            inner = _ARITHMETIC[type(node.op)][1]
            if inner < rank or (right_side and inner == rank):
                return f"({text})"
        if isinstance(node, ast.IfExp):
            return f"({text})"
        return text

    def _call(self, name: str, args) -> str:  # noqa: PLR0911 - one case per function
        said = [self.value(a) for a in args]
        if name == "today":
            return "today's date"
        if name == "answered" and args:
            return f"{said[0]} is answered"
        if name == "date" and args and isinstance(args[0], ast.Constant):
            return _date_text(args[0].value)
        if name == "len" and args:
            kind = self.type_of(args[0])
            what = {LIST: "options ticked in", GROUP: "items of", TEXT: "characters in"}
            return f"the number of {what.get(kind, 'items in')} {said[0]}"
        if name in _SHIFTS and len(said) == 2:
            return self._shifted(name, args, said)
        if name in _BETWEEN and len(said) == 2:
            return _BETWEEN[name].format(*said)
        if name in _COLUMNS and len(args) == 2:
            member = args[1].value if isinstance(args[1], ast.Constant) else ""
            return _COLUMNS[name].format(
                member=quoted_label(self._subject(str(member)).label), group=said[0]
            )
        if name == "round" and said:
            places = args[1].value if len(args) > 1 and isinstance(args[1], ast.Constant) else 0
            to = (
                f"{places} decimal place{'' if places == 1 else 's'}"
                if places
                else "a whole number"
            )
            return f"{self._operand(args[0])} rounded to {to}"
        if name == "abs" and said:
            return f"the size of {self._operand(args[0])} (ignoring a minus sign)"
        if name in ("min", "max") and said:
            word = ("smaller" if len(said) == 2 else "smallest") if name == "min" else None
            word = word or ("larger" if len(said) == 2 else "largest")
            return f"the {word} of {join_words(said)}" if len(said) > 1 else said[0]
        return f"{name}({', '.join(said)})"  # a function named as written

    def _shifted(self, name: str, args, said) -> str:
        """add_days(a, 1): "the date 1 day after ‘A’"; a written count below 0 reads as before."""
        unit, units = _SHIFTS[name]
        count = args[1]
        negative = isinstance(count, ast.UnaryOp) and isinstance(count.op, ast.USub)
        written = count.operand if negative else count
        if isinstance(written, ast.Constant) and isinstance(written.value, Number):
            size = abs(written.value) * (-1 if negative else 1)
            word = unit if abs(size) == 1 else units
            direction = "before" if size < 0 else "after"
            return f"the date {number_text(abs(size))} {word} {direction} {said[0]}"
        return f"the date {said[1]} {units} after {said[0]}"

    # ---- what a node is ----
    def type_of(self, node) -> str:
        """The value type of a node, as far as the English needs it."""
        match node:
            case ast.Constant(value=value):
                if isinstance(value, bool):
                    return BOOL
                return TEXT if isinstance(value, str) else NUMBER if value is not None else ANY
            case ast.Name(id=name):
                return BOOL if name in ("true", "false") else self._subject(name).type
            case ast.BinOp() | ast.UnaryOp(op=ast.USub() | ast.UAdd()):
                return NUMBER
            case ast.Compare() | ast.BoolOp() | ast.UnaryOp():
                return BOOL
            case ast.IfExp(body=body, orelse=orelse):
                kind = self.type_of(body)
                return kind if kind != ANY else self.type_of(orelse)
            case ast.Call(func=ast.Name(id=name)):
                function = FUNCTIONS.get(name)
                return function.result if function else ANY
            case ast.List() | ast.Tuple():
                return LIST
        return ANY

    def _subject(self, name: str) -> Subject:
        return self.subjects.get(name) or Subject(name)

    def _field_subject(self, node) -> Subject | None:
        if isinstance(node, ast.Name) and node.id not in CONSTANT_NAMES:
            return self._subject(node.id)
        return None

    @staticmethod
    def _is_constant(node) -> bool:
        return isinstance(node, ast.Constant | ast.List | ast.Tuple) or (
            isinstance(node, ast.Name) and node.id in CONSTANT_NAMES
        )


def _date_text(text) -> str:
    try:
        day = dt.date.fromisoformat(str(text))
    except ValueError:
        return quoted_text(str(text))
    return f"{day.day} {day:%B %Y}"


def subjects_of(case_type) -> dict[str, Subject]:
    """The Subject of every field of a compiled case type, group items included."""
    subjects = {}
    for page in case_type.pages:
        for f in page.fields:
            always = f.required and page.show_if is None and f.show_if is None
            subjects[f.id] = _subject_of(f, always)
            for item in f.fields:
                subjects[item.id] = _subject_of(item, item.required and item.show_if is None)
    return subjects


def _subject_of(f, always: bool) -> Subject:
    kind = f.kind.result_type(f) if f.kind.is_calculated else f.kind.value_type
    options = {o.value: o.label for o in f.options}
    return Subject(f.label or f.id, kind, options, always and f.kind.is_input)
