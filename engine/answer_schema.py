"""The JSON Schema (draft 2020-12) of a case type's answers as sent, for council systems.

Each question's own schema comes from its field type (`FieldType.answer_schema`: type, format,
option codes, limits); this module adds what depends on the case type: titles, and which
questions must be there or must not.

Sent answers are `CaseType.submission_answers`: only the questions shown, each answered well,
with no problem left on any page. So:
- a required question asked whatever the answers (no `show_if` on it or on its page) is
  `required`;
- a question shown under a condition this module can say exactly in JSON Schema — an answer
  equals a value, is one of some values, contains one (checkboxes), a yes/no answer, whether
  a question is answered, and `and`, `or`, `not` of those — gets `if`/`then`/`else`:
  required when the condition holds (if it is a required question), absent when it does not;
- any other conditional question (numbers or dates compared, functions) is optional;
- calculated values are never required at the top (one not yet known is not kept); inside a
  repeating group's item they are always there (null while not known).
Inside an item, conditions are said only when they name questions of the same item.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping

from engine.expressions import BOOL, LIST, TEXT
from engine.expressions.functions import CONSTANT_NAMES
from engine.model import Field

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def answers_schema(case_type) -> dict:
    """The JSON Schema of the answers a case of this case type (this version) is sent with."""
    scope = {f.id: f for f in case_type.fields.values() if f.has_value}
    shape = _Shape(scope)
    for page in case_type.pages:
        for f in page.fields:
            if f.has_value:
                conditions = [c for c in (page.show_if, f.show_if) if c is not None]
                shape.add(f, conditions, required=f.required and f.kind.is_input)
    return {
        "$schema": DIALECT,
        "title": f"Answers to {case_type.name}, version {case_type.version}",
        "description": (
            f"The answers of a case of type '{case_type.id}' sent with version "
            f"{case_type.version} of its definition, keyed by question id."
        ),
        **shape.schema(),
    }


def item_schema(group: Field) -> dict:
    """The JSON Schema of one item of a repeating group."""
    scope = {n.id: n for n in group.fields if n.has_value}
    shape = _Shape(scope)
    for n in group.fields:
        if not n.has_value:
            continue
        if n.kind.is_calculated:  # worked out for every item, shown or not
            shape.add(n, [], required=True)
        else:
            shape.add(n, [n.show_if] if n.show_if else [], required=n.required)
    return shape.schema()


def question_schema(field: Field) -> dict:
    """One question's answer: its field type's schema, titled with its label."""
    return {"title": field.label, **field.kind.answer_schema(field)}


class _Shape:
    """An object's properties, what it requires, and its conditional questions."""

    def __init__(self, scope: Mapping[str, Field]):
        self.scope = scope
        self.properties: dict[str, dict] = {}
        self.required: list[str] = []
        self.conditional: list[dict] = []

    def add(self, field: Field, conditions: list, required: bool) -> None:
        self.properties[field.id] = question_schema(field)
        if not conditions:
            if required:
                self.required.append(field.id)
            return
        parts = [condition_schema(c.tree.body, self.scope) for c in conditions]
        if any(part is None for part in parts):
            return  # not said exactly in JSON Schema: optional
        test = parts[0] if len(parts) == 1 else {"allOf": parts}
        rule = {"if": test, "else": {"not": {"required": [field.id]}}}
        if required:
            rule["then"] = {"required": [field.id]}
        self.conditional.append(rule)

    def schema(self) -> dict:
        schema = {"type": "object", "properties": self.properties}
        if self.required:
            schema["required"] = self.required
        schema["additionalProperties"] = False
        if self.conditional:
            schema["allOf"] = self.conditional
        return schema


def condition_schema(node: ast.AST, scope: Mapping[str, Field]) -> dict | None:
    """A schema that answers satisfy exactly when the condition holds, or None when the
    condition cannot be said exactly. A hidden or unanswered question is absent from sent
    answers, as it is None to the condition."""
    match node:
        case ast.Name(id=name) if _value_type(scope, name) == BOOL:
            return _answer(name, {"const": True})
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            inner = condition_schema(operand, scope)
            return None if inner is None else {"not": inner}
        case ast.BoolOp(op=op, values=values):
            parts = [condition_schema(v, scope) for v in values]
            if any(part is None for part in parts):
                return None
            return {"allOf" if isinstance(op, ast.And) else "anyOf": parts}
        case ast.Compare(left=left, ops=[op], comparators=[right]):
            return _comparison(left, op, right, scope)
        case ast.Call(func=ast.Name(id="answered"), args=[ast.Name(id=name)]):
            field = scope.get(name)  # a kept answer is never blank; a group's may be []
            if field is not None and field.kind.is_input and not field.kind.holds_items:
                return {"required": [name]}
    return None


def _comparison(left, op, right, scope) -> dict | None:
    if isinstance(op, ast.Eq | ast.NotEq):
        if not isinstance(left, ast.Name) or left.id in CONSTANT_NAMES:
            left, right = right, left  # 'E' == need
        name = left.id if isinstance(left, ast.Name) else None
        found, value = _constant(right)
        if not found or not _matches(_value_type(scope, name), value):
            return None
        equal = _answer(name, {"const": value})
        return equal if isinstance(op, ast.Eq) else {"not": equal}
    if isinstance(op, ast.In | ast.NotIn):
        inside = _membership(left, right, scope)
        if inside is None:
            return None
        return inside if isinstance(op, ast.In) else {"not": inside}
    return None


def _membership(left, right, scope) -> dict | None:
    """`need in ['E', 'K']` (an answer among values) or `'E' in needs` (a box ticked)."""
    if isinstance(left, ast.Name) and isinstance(right, ast.List | ast.Tuple):
        values = [_constant(e) for e in right.elts]
        if _value_type(scope, left.id) == TEXT and all(f and isinstance(v, str) for f, v in values):
            return _answer(left.id, {"enum": [v for _, v in values]})
    if isinstance(right, ast.Name) and _value_type(scope, right.id) == LIST:
        found, value = _constant(left)
        if found and isinstance(value, str):
            return _answer(right.id, {"contains": {"const": value}})
    return None


def _value_type(scope, name) -> str | None:
    """The value type of a question whose stored answer is what conditions see (typed input;
    not a calculated value, a number, a date or a group)."""
    field = scope.get(name)
    if field is None or not field.kind.is_input or field.kind.holds_items:
        return None
    kind = field.kind.value_type
    return kind if kind in (TEXT, BOOL, LIST) else None


def _constant(node) -> tuple[bool, object]:
    if isinstance(node, ast.Constant):
        return True, node.value
    if isinstance(node, ast.Name) and node.id in CONSTANT_NAMES:
        return True, CONSTANT_NAMES[node.id]
    return False, None


def _matches(kind: str | None, value) -> bool:
    """Whether an answer of this type can equal the constant (JSON tells 1 from true)."""
    return (kind == TEXT and isinstance(value, str)) or (kind == BOOL and isinstance(value, bool))


def _answer(name: str, schema: dict) -> dict:
    return {"properties": {name: schema}, "required": [name]}


@functools.lru_cache(maxsize=64)
def _validator(case_type):
    from jsonschema import Draft202012Validator  # slow to import: only when answers are checked

    schema = answers_schema(case_type)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def answer_problems(case_type, answers: Mapping) -> list[str]:
    """What in `answers` does not fit the case type's answer schema, one line each ("path:
    message"); empty when they fit. The validator is built once per compiled case type."""
    found = _validator(case_type).iter_errors(answers)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(answers)'}: {_said(e)}" for e in found]


def _said(error) -> str:
    hidden = error.validator_value.get("required") if error.validator == "not" else None
    if hidden:  # jsonschema would print the whole answers
        return f"{hidden[0]!r} is there, but its question is not asked given the other answers"
    return error.message
