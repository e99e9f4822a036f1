"""The school calendar (casetypes/shared/calendar.yaml): terms, bank holidays and closure days.

A school day is a Monday to Friday inside a term that is neither a bank holiday nor a closure
day. Outside the calendar's range (the first term's start to the last term's end) every
Monday to Friday counts, except a listed bank holiday: so `school_days_between` and
`add_school_days` still give an answer, as `weekdays_between` would, when the council has not
yet published a year's dates (and validation warns about a fixed date out there).

The calendar compiles to one thing: the sorted Monday-to-Friday dates that are not school days
("days off", engine/expressions/school_days.py), which the browser gets too.
"""

from __future__ import annotations

import ast
import datetime as dt

import engine.expressions as ex
import engine.uk_date as uk_date
from engine.expressions.functions import CALENDAR_FUNCTIONS
from engine.expressions.parse import offset_of
from engine.expressions.school_days import SchoolCalendar
from engine.problems import Code, Problem, make_problem
from engine.source import Source


def compile_calendar(source: Source) -> tuple[SchoolCalendar | None, list[Problem]]:
    """The calendar of a schema-valid `kind: calendar` file, and its problems (E700-E702)."""
    problems: list[Problem] = []

    def report(code: Code, where: tuple, **details) -> None:
        line, col = source.positions.value(where)
        problems.append(make_problem(code, source.path, line, col, **details))

    def day(where: tuple) -> dt.date | None:
        text = _dig(source.data, where)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            report(Code.E700, where, text=text)
            return None

    terms = _periods(source.data["terms"], ("terms",), day, report)
    closures = _periods(source.data.get("closures", []), ("closures",), day, report)
    holidays = [day(("bank_holidays", i, "date")) for i in range(len(source.data["bank_holidays"]))]
    if problems or not terms:
        return None, problems
    _check_order(source, terms, report)
    if problems:
        return None, problems
    start, end = terms[0][0], terms[-1][1]
    school = {d for first, last in terms for d in _days(first, last)}
    school -= {d for first, last in closures for d in _days(first, last)}
    school -= set(holidays)
    off = {d for d in _days(start, end) if d not in school}
    off |= {d for d in holidays if d is not None}
    days_off = tuple(sorted(d.toordinal() for d in off if d.weekday() < 5))
    return SchoolCalendar(start, end, days_off), problems


def _periods(items: list, where: tuple, day, report) -> list[tuple[dt.date, dt.date]]:
    """(first, last) of each term or closure: `start` and `end`, or one `date`."""
    periods = []
    for index, item in enumerate(items):
        here = (*where, index)
        if "date" in item:
            first = last = day((*here, "date"))
        else:
            first, last = day((*here, "start")), day((*here, "end"))
            if first and last and last < first:
                report(Code.E701, (*here, "end"), start=first, end=last)
                continue
        if first and last:
            periods.append((first, last))
    return periods


def _check_order(source: Source, terms: list, report) -> None:
    """Terms are listed in date order and do not overlap (E702)."""
    for index in range(1, len(terms)):
        if terms[index][0] <= terms[index - 1][1]:
            line = source.positions.value(("terms", index - 1, "start"))[0]
            report(Code.E702, ("terms", index, "start"), other_line=line)


def _days(first: dt.date, last: dt.date):
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        yield dt.date.fromordinal(ordinal)


def _dig(data, where: tuple):
    for key in where:
        data = data[key]
    return data


_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "2026-09-01"}
_NAMED = {"type": "string", "minLength": 1}
_PERIOD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "start", "end"],
    "properties": {"name": _NAMED, "start": _DATE, "end": _DATE},
}
_DAY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "date"],
    "properties": {"name": _NAMED, "date": _DATE},
}
# The JSON Schema of a `kind: calendar` file (engine/schema.py adds it to the whole).
CALENDAR_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "terms", "bank_holidays"],
    "properties": {
        "kind": {"const": "calendar"},
        "name": {**_NAMED, "description": "Whose term dates these are"},
        "terms": {
            "type": "array",
            "minItems": 1,
            "items": _PERIOD,
            "description": "School terms (or half terms) in date order, first and last day",
        },
        "bank_holidays": {"type": "array", "items": _DAY},
        "closures": {
            "type": "array",
            "items": {"anyOf": [_DAY, _PERIOD]},
            "description": "Days in term when every school is closed (one `date`, or "
            "`start` and `end`), such as training days",
        },
    },
}


def load_calendar(sources: list[Source]) -> tuple[SchoolCalendar | None, list[Problem]]:
    """The calendar of the `kind: calendar` files (at most one: E703 for another)."""
    if not sources:
        return None, []
    calendar, problems = compile_calendar(sources[0])
    for other in sources[1:]:
        line, col = other.positions.value(("kind",))
        problems.append(make_problem(Code.E703, other.path, line, col, other=sources[0].path))
    return calendar, problems


def calendar_issues(
    expression: ex.Expression, calendar: SchoolCalendar | None, broken: bool = False
) -> list[ex.Issue]:
    """Where the school-day functions of an expression cannot count as the author expects: no
    calendar at all (W701), or a fixed date outside its range (W700). Nothing to say when the
    calendar file is there but `broken` (its own errors say why)."""
    if broken or not expression.uses_calendar:  # most expressions: no walk of their tree
        return []
    issues = []
    for node in ast.walk(expression.tree):
        if not (isinstance(node, ast.Call) and node.func.id in CALENDAR_FUNCTIONS):
            continue
        name = node.func.id
        if calendar is None:
            issues.append(ex.Issue(Code.W701, offset_of(node), {"function": name}))
            continue
        for arg in node.args:
            fixed = _fixed_date(arg)
            if fixed is not None and not calendar.covers(fixed[0]):
                details = {"date": fixed[1], "start": calendar.start, "end": calendar.end}
                issues.append(ex.Issue(Code.W700, offset_of(arg), {**details, "function": name}))
    return issues


def _fixed_date(node) -> tuple[dt.date, str] | None:
    """The date, and how to say it, of `date('2026-09-01')` written in the expression or of
    `today()` (known when validating: a warning once the calendar has run out); else None."""
    match node:
        case ast.Call(func=ast.Name(id="today"), args=[]):
            today = uk_date.today()
            return today, f"today ({today.isoformat()})"
        case ast.Call(func=ast.Name(id="date"), args=[ast.Constant(value=str(text))]):
            try:
                return dt.date.fromisoformat(text), text
            except ValueError:  # reported by the checker (E307)
                return None
    return None
