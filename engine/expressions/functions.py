"""The functions expressions may call, with their argument and result types.

Arithmetic is exact (int and Decimal, never float) and None outside numeric.LIMIT, so no
function can build a huge number or drift by a penny; an unanswered argument gives None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import engine.numeric as numeric
import engine.uk_date as uk_date
from engine.expressions.school_days import SchoolCalendar, weekdays_between
from engine.expressions.value_types import ANY, BOOL, DATE, GROUP, LIST, NUMBER, TEXT, TIME


@dataclass(frozen=True)
class Function:
    """A function expressions may call: argument types, result type and implementation."""

    params: tuple[str | tuple[str, ...], ...]  # a type, or the types allowed, per argument
    result: str
    run: Callable
    variadic: bool = False
    optional: int = 0  # how many of the last params may be left out
    calendar: bool = False  # run() takes the school calendar first (school_days.py)


def _none_safe(run: Callable) -> Callable:
    return lambda *args: None if any(a is None for a in args) else run(*args)


def _total(items, member):
    total = 0
    for item in items or ():
        value = item.get(member)
        if numeric.is_number(value):
            total = numeric.add(total, value)
            if total is None:  # beyond the range numbers are held in
                return None
    return total


_LAST_ORDINAL = dt.date.max.toordinal()


def _column(items, member) -> list:
    return [item[member] for item in items or () if item.get(member) is not None]


def _school_days_between(calendar: SchoolCalendar, start, end):
    return None if start is None or end is None else calendar.school_days_between(start, end)


def _add_school_days(calendar: SchoolCalendar, day, count):
    if day is None or not numeric.is_number(count):
        return None
    return calendar.add_school_days(day, count)


def _add_days(day, count):
    """`count` days after `day` (before it when negative); none for a count that is not a
    whole number, or a date outside the years 1 to 9999."""
    if day is None or not numeric.is_number(count) or isinstance(count, bool):
        return None
    if count != int(count) or not 1 <= day.toordinal() + int(count) <= _LAST_ORDINAL:
        return None
    return dt.date.fromordinal(day.toordinal() + int(count))


def _round(number, places=0):
    """Rounded as people expect: halves away from zero (2.5 -> 3), not to even."""
    return numeric.round_half_up(number, places)


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


FUNCTIONS: dict[str, Function] = {
    "today": Function((), DATE, lambda: uk_date.today()),
    "answered": Function((ANY,), BOOL, lambda v: v not in (None, "", [])),
    "len": Function(((LIST, GROUP, TEXT),), NUMBER, lambda v: len(v) if v is not None else 0),
    "date": Function((TEXT,), DATE, _none_safe(dt.date.fromisoformat)),
    "total": Function((GROUP, TEXT), NUMBER, _total),
    "earliest": Function(
        (GROUP, TEXT), DATE, lambda items, m: min(_column(items, m), default=None)
    ),
    "latest": Function((GROUP, TEXT), DATE, lambda items, m: max(_column(items, m), default=None)),
    "weekdays_between": Function((DATE, DATE), NUMBER, _none_safe(weekdays_between)),
    "school_days_between": Function((DATE, DATE), NUMBER, _school_days_between, calendar=True),
    "add_school_days": Function((DATE, NUMBER), DATE, _add_school_days, calendar=True),
    "add_days": Function((DATE, NUMBER), DATE, _add_days),
    "days_between": Function((DATE, DATE), NUMBER, _none_safe(lambda a, b: (b - a).days)),
    "weeks_between": Function(
        (DATE, DATE), NUMBER, _none_safe(lambda a, b: numeric.divide((b - a).days, 7))
    ),
    "years_between": Function((DATE, DATE), NUMBER, _none_safe(_years_between)),
    "minutes_between": Function(
        (TIME, TIME), NUMBER, _none_safe(lambda a, b: _minutes(b) - _minutes(a))
    ),
    "round": Function((NUMBER, NUMBER), NUMBER, lambda x, n=0: _round(x, n), optional=1),
    "abs": Function((NUMBER,), NUMBER, _none_safe(abs)),
    "min": Function((NUMBER,), NUMBER, _none_safe(min), variadic=True),
    "max": Function((NUMBER,), NUMBER, _none_safe(max), variadic=True),
}

CONSTANT_NAMES = {"true": True, "false": False, "none": None}
# Functions that read one column of a repeating group, and the column type each needs.
GROUP_COLUMNS = {"total": NUMBER, "earliest": DATE, "latest": DATE}


def group_item_hint(name: str, group: str, value_type: str) -> str:
    """How to use a repeating group's question outside the group: the functions over its
    items that take its kind of answer (total() for numbers, earliest()/latest() for dates),
    and len()."""
    over = [f"{f}({group}, '{name}')" for f, needs in GROUP_COLUMNS.items() if needs == value_type]
    if over:
        return f"; it is inside the group '{group}': use {' or '.join(over)}, or len({group})"
    return (
        f"; it is inside the group '{group}', whose items each answer it: outside the group "
        f"use len({group}), the number of items"
    )


# Functions that count school days (they need the school calendar).
CALENDAR_FUNCTIONS = frozenset(name for name, f in FUNCTIONS.items() if f.calendar)
