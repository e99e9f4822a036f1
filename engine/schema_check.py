"""Check loaded YAML against the JSON Schema and turn each failure into a located Problem.

Two validators of the same schema: jsonschema-rs (compiled, once) answers whether a file is
valid, fast; only for a file it finds invalid does the pure-Python jsonschema, imported then,
list the failures with the detail the messages need. Valid files, the usual case, never pay
for the second.
"""

from __future__ import annotations

import copy
import os
import re
from functools import cache

import jsonschema_rs

from engine.condition_words import not_a_condition, yes_no_condition_hint
from engine.fields import FIELD_TYPES, field_type, meant_type
from engine.fields.base import WORDS_PATTERN
from engine.fields.dates import date_bound_hint, time_bound_hint
from engine.problems import Code, Problem, did_you_mean, make_problem
from engine.schema import build_schema
from engine.schema_words import (
    TRANSLATION,
    blank,
    key_meant,
    line_break_hint,
    misplaced_show_if,
    pattern_words,
    plain_message,
    quote_hint,
    shown,
    unbracketed_options,
    written_as,
    yes_no_text,
)
from engine.source import Source
from engine.yaml_hints import comma_cut

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "empty",
}


@cache
def _fast_validator():
    """The published schema compiled once (a few tens of milliseconds)."""
    return jsonschema_rs.validator_for(build_schema())


def _valid(data) -> bool:
    """Whether the file certainly fits the schema (False also when the fast validator cannot
    take the data, such as bytes from a `!!binary` tag: the full check then decides)."""
    try:
        return _fast_validator().is_valid(data)
    except (ValueError, TypeError, OverflowError):
        return False


@cache
def _as_python(pattern: str) -> re.Pattern:
    """A JSON Schema pattern (ECMA-262, as jsonschema-rs and editors read it) for Python's `re`.

    In ECMA-262 `$` ends the text and `\\d` is 0-9; in Python `$` also matches before a final
    line break and `\\d` takes any script's digits, so an id written as a `|` block, which
    keeps its line break ('suspension\\n'), passed every id check here while jsonschema-rs
    refused it: nothing was reported and the file was taken as valid.
    """
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
            if char == "d":
                out[-1], char = "", "0-9" if in_class else "[0-9]"
        elif char == "\\":
            escaped = True
        elif char in "[]":
            in_class = char == "["
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out))


def _ecma_pattern(validator, pattern, instance, schema):
    """JSON Schema's `pattern` keyword, read as ECMA-262 reads it (see _as_python)."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not _as_python(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def draft_validator():
    """jsonschema's Draft 2020-12 validator class, with patterns read as ECMA-262 reads them."""
    import jsonschema

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


@cache
def _validators() -> tuple:
    """A validator for the file, and one per field type.

    The published schema picks a field's settings with one if/then per field type, which
    jsonschema evaluates for every field: slow with twenty types. Here the file is checked with
    fields reduced to their `id` and `type`, and each field is then checked against its own
    type's part of the same schema — the same rules, about ten times faster.
    (The schema itself is checked against the meta-schema by the tests, not at every start.)
    """
    validator = draft_validator()  # jsonschema: only needed to explain an invalid file
    schema = build_schema()
    shallow = copy.deepcopy(schema)
    del shallow["$defs"]["field"]["allOf"]
    file_validator = validator(shallow)
    per_type = {
        name: validator({"$defs": shallow["$defs"], "$ref": f"#/$defs/field_{name}"})
        for name in FIELD_TYPES
    }
    return file_validator, per_type


def fields_of(data) -> list[tuple[tuple, dict]]:
    """Every field mapping of a case-type file with its path (group items included)."""
    found = []

    def walk(fields, where):
        if not isinstance(fields, list):
            return
        for index, spec in enumerate(fields):
            if isinstance(spec, dict):
                found.append(((*where, index), spec))
                kind = field_type(spec)
                if kind is not None and kind.holds_items:
                    walk(spec.get("fields"), (*where, index, "fields"))

    if data.get("kind", "case_type") == "case_type" and isinstance(data.get("pages"), list):
        for index, page in enumerate(data["pages"]):
            if isinstance(page, dict):
                walk(page.get("fields"), ("pages", index, "fields"))
    return found


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    for kind, python in (("number", float), ("string", str), ("array", list), ("object", dict)):
        if isinstance(value, python):
            return kind
    return "null"


def _found(expected, instance, key=None) -> str:
    """What was written where `expected` was wanted, as E102 tells it."""
    if expected == "integer" and _json_type(instance) == "number":  # not "not a number"
        return f"{instance}, which has decimals"
    if expected == "boolean" and yes_no_text(instance):  # required: no
        return yes_no_text(instance)
    return _describe_type(instance) + written_as(expected, key, instance)  # accept: pdf


def _describe_type(value) -> str:
    return _TYPE_WORDS[_json_type(value)]


def _where(path) -> str:
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        return f"item {last + 1} of '{path[-2]}'" if len(path) > 1 else f"item {last + 1}"
    return f"'{last}'"


def _type_matches(kind, value) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    actual = _json_type(value)
    return actual in kinds or (actual == "integer" and "number" in kinds)


class _Reporter:
    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []

    def add(self, code: Code, position: tuple[int, int], **details) -> None:
        self.problems.append(make_problem(code, self.source.path, *position, **details))

    def report(self, error, prefix: tuple = ()) -> None:
        """Located problems for one jsonschema error (`prefix`: the path of a field checked
        on its own)."""
        path = (*prefix, *error.absolute_path)
        where = self.source.positions.value(path)
        if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
            where = self.source.positions.key((*path, error.instance))  # at the name itself
        match error.validator:
            case "additionalProperties":
                self._unknown_keys(error, path)
            case "required":
                for key in error.validator_value:
                    if key not in error.instance:
                        self.add(Code.E101, where, key=key)
            case "type":
                self._wrong_type(error, path)
            case "enum" | "const":
                self._not_allowed(error, path)
            case "anyOf" | "oneOf":
                self._report_alternatives(error, path, prefix)
            case "pattern" if error.validator_value == WORDS_PATTERN:
                if error.instance:  # empty text is minLength's "must not be empty" already
                    self.add(Code.E104, where, where=_where(path), detail=blank(error.instance))
            case "pattern" if unbracketed_options(path, error.instance):  # options: a, b
                detail = unbracketed_options(path, error.instance)
                self.add(Code.E104, where, where=_where(path), detail=detail)
            case "pattern":
                rule = pattern_words(error.validator_value, error.instance)
                detail = f"{shown(error.instance)} {rule}{line_break_hint(error.instance)}"
                self.add(Code.E104, where, where=_where(path), detail=detail)
            case _:
                self.add(Code.E104, where, where=_where(path), detail=plain_message(error))

    def _unknown_keys(self, error, path: tuple) -> None:
        allowed = error.schema.get("properties", {})
        for key in error.instance:
            if key not in allowed:
                hint = misplaced_show_if(key, path, error.instance)  # on a section, a rule...
                hint = hint or self._suggest_key(key, allowed, error.instance)
                self.add(
                    Code.E100, self.source.positions.key((*path, key)), key=key, suggestion=hint
                )

    def _wrong_type(self, error, path: tuple) -> None:
        condition = path and not_a_condition(path[-1], error.instance)
        if condition:  # show_if: 1 (quoted, '1' would be a condition true for ever)
            self.add(Code.E312, self.source.positions.value(path), **condition)
            return
        expected = error.validator_value
        words = " or ".join(
            _TYPE_WORDS[k] for k in (expected if isinstance(expected, list) else [expected])
        )
        self.add(
            Code.E102,
            self.source.positions.value(path),
            where=_where(path),
            expected=words
            + (
                yes_no_condition_hint(path[-1] if path else "", error.instance)
                or quote_hint(expected, error.instance)
            ),
            found=_found(expected, error.instance, path[-1] if path else None),
        )

    def _not_allowed(self, error, path: tuple) -> None:
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        quoted = [a for a in allowed if isinstance(a, str) and a == str(error.instance)]
        self.add(
            Code.E103,
            self.source.positions.value(path),
            where=_where(path),
            value=error.instance,
            allowed=", ".join(map(str, allowed)),
            suggestion=(
                f"; put it in quotes: '{quoted[0]}'"
                if quoted
                else _suggestion(error.instance, allowed, path)
            ),
        )

    def _report_alternatives(self, error, path, prefix) -> None:
        branches = error.validator_value
        fitting = [
            i
            for i, branch in enumerate(branches)
            if "type" not in branch or _type_matches(branch["type"], error.instance)
        ]
        if len(fitting) == 1:
            children = [c for c in error.context if c.relative_schema_path[0] == fitting[0]]
            if children:
                for child in children:
                    self.report(child, prefix)
                return
        description = error.schema.get("description")
        detail = description[:1].lower() + description[1:] if description else "is not valid"
        if description and "a time like" in description:
            detail += time_bound_hint(error.instance)
        elif description and "a date like" in description:
            detail += date_bound_hint(error.instance)
        self.add(
            Code.E104,
            self.source.positions.value(path),
            where=_where(path),
            detail=f"must be {detail}" if description else detail,
        )

    @staticmethod
    def _suggest_key(key: str, allowed, instance) -> str:
        cut = comma_cut(key, instance)  # value: days_between(a, b) inside { }
        if cut:
            return cut
        if " " in key:
            return "; a comma inside { } starts a new key: put text with commas in quotes"
        if TRANSLATION.fullmatch(key):  # label_cy, name_welsh, translations
            return "; case types are written in one language: there are no translated texts"
        value = instance.get(key) if isinstance(instance, dict) else None
        if "activities" in allowed and isinstance(value, dict) and "status" in value:
            return "; it is written as an activity: indent it under `activities:`, as the others"
        suggestion = did_you_mean(key, allowed) or key_meant(key, allowed)  # description: intro
        if suggestion or not isinstance(instance, dict) or "type" not in instance:
            return suggestion
        owners = [name for name, kind in FIELD_TYPES.items() if key in kind.settings]
        if owners:
            return f"; it is a setting of {', '.join(owners)} questions, not {instance['type']}"
        return ""


def _suggestion(value, allowed, path: tuple) -> str:
    """A "did you mean" for a word not allowed; for a field's `type`, what other form builders
    call a type (`upload` is file) too."""
    if path and path[-1] == "type" and set(allowed) == set(FIELD_TYPES):
        meant = meant_type(value)
        if meant:
            return f"; did you mean '{meant}'?"
    return did_you_mean(value, allowed)


def check_schema(source: Source) -> list[Problem]:
    """Every place where a loaded file breaks the JSON Schema."""
    if not isinstance(source.data, dict):
        found = _describe_type(source.data)
        return [make_problem(Code.E003, source.path, 1, 1, found=found)]
    if _valid(source.data):
        return []
    if "kind" not in source.data and {"case_type", "journeys"} <= source.data.keys():
        return [_misnamed_journeys(source)]  # not nine problems of a case type
    reporter = _Reporter(source)
    file_validator, per_type = _validators()
    for error in file_validator.iter_errors(source.data):
        reporter.report(error)
    for where, spec in fields_of(source.data):
        validator = per_type.get(spec.get("type"))
        if validator is not None:
            for error in validator.iter_errors(spec):
                reporter.report(error, where)
    if not reporter.problems:  # the two validators disagree: never take such a file as valid
        reporter.problems += _fast_problems(source)
    return sorted(set(reporter.problems))


def _misnamed_journeys(source: Source) -> Problem:
    """A journey-test file named as a case type (`ptt.test.yaml`, `ptt-journeys.yaml`)."""
    stem = os.path.basename(source.path).split(".")[0]
    suggestion = (
        f"; this is a journey-test file: name it {stem}.tests.yaml, which portal validate "
        "leaves out and portal test runs"
    )
    line, col = source.positions.key(("journeys",))
    return make_problem(Code.E100, source.path, line, col, key="journeys", suggestion=suggestion)


def _fast_problems(source: Source) -> list[Problem]:
    """jsonschema-rs's own account of a file it refuses, in its words (a file the full check
    passed: the two should agree, and if they ever do not, the author still hears of it)."""
    try:
        errors = list(_fast_validator().iter_errors(source.data))
    except (ValueError, TypeError, OverflowError):  # data it cannot take: the full check decides
        return []
    return [
        make_problem(
            Code.E104,
            source.path,
            *source.positions.value(tuple(error.instance_path)),
            where=_where(tuple(error.instance_path)),
            detail=error.message,
        )
        for error in errors
    ]
