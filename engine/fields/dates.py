"""Dates (GOV.UK day, month and year boxes) and times of day."""

from __future__ import annotations

import datetime as dt
import re

import engine.date_limits as date_limits
import engine.uk_date as uk_date
from engine.expressions import DATE, TIME
from engine.fields.base import (
    SPACE,
    FieldType,
    Invalid,
    ascii_digits,
    bounds_problem,
    label_as_object,
    label_for_message,
    lower_first,
    setting_problem,
    trimmed,
)
from engine.input_names import DATE_PARTS
from engine.problems import Code

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fullmatch: exact, ASCII digits
_PARTS = DATE_PARTS
_WHOLE = re.compile(r"[+-]?[0-9]+")  # a part as the browser reads it: not ١٢, not 1_2 (int's)
# Bounds counted from today; GOV.UK's words for a date past one: "must be in the past" for
# `max: yesterday`, "must be today or in the past" for `max: today` (and the future for min).
_DAYS_FROM_TODAY = {"yesterday": -1, "today": 0, "tomorrow": 1}
_SAID = {
    ("max", "today"): "must be today or in the past",
    ("max", "yesterday"): "must be in the past",
    ("min", "today"): "must be today or in the future",
    ("min", "tomorrow"): "must be in the future",
}
_BOUND = {
    "anyOf": [
        {"enum": list(_DAYS_FROM_TODAY)},
        {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
    ],
    "description": (
        "'today', 'yesterday', 'tomorrow', a date like 2026-09-01, "
        "or the id of an earlier date question"
    ),
}


def _written_limit(bound) -> tuple[bool, object] | None:
    """A limit written out: (True, days from today) or (False, a date); None for an id."""
    if bound in _DAYS_FROM_TODAY:
        return True, _DAYS_FROM_TODAY[bound]
    try:
        return (False, dt.date.fromisoformat(bound)) if _ISO.fullmatch(bound) else None
    except (TypeError, ValueError):  # not a real date: E104 says so
        return None


def _written_time(bound) -> tuple[bool, str] | None:
    """A time limit written out, as date_limits compares them (a fixed one); None for an id."""
    return (False, bound) if isinstance(bound, str) and _HHMM.fullmatch(bound) else None


def _bound_date(bound, values):
    if bound in _DAYS_FROM_TODAY:
        return uk_date.today() + dt.timedelta(days=_DAYS_FROM_TODAY[bound])
    if isinstance(bound, str) and _ISO.fullmatch(bound):
        return dt.date.fromisoformat(bound)
    return values.get(bound)  # another date question (a date, or None if unanswered)


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august")
_MONTHS += ("september", "october", "november", "december")


def month_number(text: str) -> int | None:
    """The month typed in the month box as a name, as GOV.UK's date input takes it: January,
    jan, JAN., Sept (the name, or at least its first 3 letters); None when it names none."""
    word = trimmed(text).rstrip(".")
    if len(word) < 3 or not word.isascii() or not word.isalpha():
        return None  # letters A to Z before lowering them: "ſept" is no month in the page
    word = word.lower()
    found = [number for number, name in enumerate(_MONTHS, 1) if name.startswith(word)]
    return found[0] if len(found) == 1 else None


def _whole_parts(raw) -> tuple[str, str, str]:
    """The day, month and year boxes as typed (stripped), a month's name as its number."""
    day, month, year = (trimmed(raw.get(p, "") or "") for p in _PARTS)
    named = month_number(month)
    return day, str(named) if named else month, year


def date_from_parts(label: str, raw) -> dt.date:
    """The date typed in GOV.UK's day, month and year boxes (`raw` maps "day", "month" and
    "year" to what was typed); Invalid, in GOV.UK's words about `label`, when one is missing
    or the three make no real date."""
    missing = [p for p in _PARTS if not trimmed(raw.get(p, "") or "")]
    if missing:
        raise Invalid(f"{label} must include a {' and a '.join(missing)}")
    parts = _whole_parts(raw)
    try:
        if not all(_WHOLE.fullmatch(part) for part in parts):
            ascii_digits(label, *parts)
            raise ValueError
        day, month, year = (int(part) for part in parts)
        if year < 1000:
            raise Invalid(f"{label} must include a year with 4 numbers, like 2026")
        return dt.date(year, month, day)
    except (ValueError, OverflowError):  # OverflowError: a day like 99999999999
        raise Invalid(f"{label} must be a real date") from None


def parts_at_fault(raw) -> list[str]:
    """Which of the day, month and year boxes a problem with this date lies in, as GOV.UK
    marks them: the missing ones, those that are not numbers, a year without 4 numbers, a
    month past 12, a day past 31; otherwise (31 February, a bound, a rule) all three."""
    typed = dict(zip(_PARTS, _whole_parts(raw or {}), strict=True))
    blank = [p for p in _PARTS if not typed[p]]
    if blank:
        return blank if len(blank) < len(_PARTS) else list(_PARTS)
    not_numbers = [p for p in _PARTS if not _WHOLE.fullmatch(typed[p])]
    if not_numbers:
        return not_numbers
    # A part of many digits is out of every range (and int() refuses 5,000 of them).
    day, month, year = (int(typed[p]) if len(typed[p]) < 10 else 10**9 for p in _PARTS)
    if not 1000 <= year <= dt.MAXYEAR:  # a year with 4 numbers
        return ["year"]
    if not 1 <= month <= 12:
        return ["month"]
    if not 1 <= day <= 31:
        return ["day"]
    return list(_PARTS)  # 31 2 2026: the day or the month? GOV.UK marks the whole date


def long_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: 7 December 2026."""
    return f"{day.day} {day:%B %Y}"


class DateType(FieldType):
    name = "date"
    also_called = ("datetime", "day", "date_input")
    read_in_browser = True
    summary = "A date typed as day, month and year, between optional bounds."
    value_type = DATE
    component = "date"
    settings = {"min": _BOUND, "max": _BOUND}
    reference_words = tuple(_DAYS_FROM_TODAY)

    def form_field(self, field):
        from engine.fields.inputs import DateInputField

        return DateInputField(field.label, description=field.hint)

    def form_keys(self, field):
        return len(_PARTS)

    def anchor(self, name):
        return f"{name}-{_PARTS[0]}"  # the day box, first of the three

    def is_empty(self, raw) -> bool:
        return not raw or not any(trimmed(raw.get(p, "") or "") for p in _PARTS)

    def parse(self, field, raw, values):
        value = date_from_parts(label_for_message(field), raw)
        self._check_bounds(field, value, values)
        return value.isoformat()

    def _check_bounds(self, field, value: dt.date, values) -> None:
        label = label_for_message(field)
        for key, fails, relation in (
            ("min", value.__lt__, "after"),
            ("max", value.__gt__, "before"),
        ):
            bound = field.settings.get(key)
            limit = _bound_date(bound, values) if bound else None
            if limit is None or not fails(limit):
                continue
            if (key, bound) in _SAID:
                raise Invalid(f"{label} {_SAID[key, bound]}")
            if bound in _DAYS_FROM_TODAY or _ISO.fullmatch(bound):
                raise Invalid(f"{label} must be the same as or {relation} {long_date(limit)}")
            other = label_as_object(values.label_of(bound))
            raise Invalid(f"{label} must be the same as or {relation} {other}")

    def to_form(self, field, value):
        if not value:
            return {p: "" for p in _PARTS}
        day = dt.date.fromisoformat(value)
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}

    def to_python(self, field, value):
        return dt.date.fromisoformat(value) if value else None

    def answer_schema(self, field):
        iso = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        return {"type": "string", "format": "date", "pattern": iso, **_bounds_said(field)}

    def display(self, field, value):
        return long_date(dt.date.fromisoformat(value)) if value else ""

    def references(self, field):
        return [
            (key, bound, DATE)
            for key in ("min", "max")
            if isinstance(bound := field.settings.get(key), str)
            and bound not in _DAYS_FROM_TODAY
            and not _ISO.fullmatch(bound)
        ]

    def definition_problems(self, field):
        problems = []
        for key in ("min", "max"):
            bound = field.settings.get(key)
            if isinstance(bound, str) and _ISO.fullmatch(bound):
                try:
                    dt.date.fromisoformat(bound)
                except ValueError:
                    problems.append(setting_problem(key, f"'{bound}' is not a real date"))
        low, high = field.settings.get("min"), field.settings.get("max")
        if _DAYS_FROM_TODAY.get(low, -2) > _DAYS_FROM_TODAY.get(high, 2):  # today, yesterday
            return [("min", Code.E207, {"low": low, "high": high})]
        return problems or bounds_problem(field.settings)

    def limits_reached(self, field, known):
        return date_limits.reach(field.settings, known, _written_limit)


_TIME_BOUND = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
        {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
    ],
    "description": "a time like 07:00, or the id of an earlier time question",
}


def date_bound_hint(text) -> str:
    """The bound as it must be written, for a date written as people write one (1/9/2026,
    2026-9-1, Today, today(), Yesterday)."""
    written = str(text).strip()
    word = written.casefold().removesuffix("()")
    if word in _DAYS_FROM_TODAY:  # Today, Tomorrow, yesterday()
        return f": write {word}"
    uk = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", written)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", written)
    if not (uk or iso):
        return ""
    day, month, year = uk.groups() if uk else reversed(iso.groups())
    try:
        return f": write {dt.date(int(year), int(month), int(day)).isoformat()}"
    except ValueError:  # 31/2/2026: the E104 of a date that does not exist says so once mended
        return ""


def time_bound_hint(text) -> str:
    """The bound as it must be written, for a time written as people write one (9:00, 8am)."""
    found = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap]m)?", str(text).strip(), re.I)
    if not found or not (found.group(2) or found.group(3)):
        return ""
    hour, minutes, half = int(found.group(1)), found.group(2) or "00", found.group(3)
    if half:
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    return f": write '{hour:02d}:{minutes}'" if hour < 24 and int(minutes) < 60 else ""


def _written(bound: str) -> bool:
    """Whether a bound is written out (today, a date, a time), not another question's id."""
    return bound in _DAYS_FROM_TODAY or bound[:1].isdigit()


def _bounds_said(field) -> dict:
    """A date's or time's bounds in words (JSON Schema cannot compare dates or times)."""
    said = [
        f"{word} {bound if _written(bound) else 'the answer to ' + bound}"
        for key, word in (("min", "not before"), ("max", "not after"))
        if (bound := field.settings.get(key))
    ]
    return {"description": "; ".join(said).capitalize()} if said else {}


_HHMM = re.compile(r"[0-9]{2}:[0-9]{2}")
_REAL_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")  # 24-hour, as answers are stored
# 9:30, 9.30am, 2:15 p.m. (as many write it), 3pm.
_TIME = re.compile(rf"([0-9]{{1,2}})(?:[:.]([0-9]{{2}}))?{SPACE}*([ap]\.?m\.?)?", re.IGNORECASE)
# As GOV.UK writes the times 12am and 12pm would leave unclear (and live-conditions.js reads).
_NAMED_TIMES = {
    **dict.fromkeys(("midday", "noon", "12 midday", "12 noon", "12noon"), "12:00"),
    **dict.fromkeys(("midnight", "12 midnight"), "00:00"),
}


class TimeType(FieldType):
    name = "time"
    also_called = ("time_of_day", "clock")
    read_in_browser = True
    summary = "A time of day, typed like 14:30 (9.30am, 2:15pm and midday are understood)."
    value_type = TIME
    settings = {"min": _TIME_BOUND, "max": _TIME_BOUND}

    def parse(self, field, raw, values):
        label = label_for_message(field)
        typed = trimmed(raw)  # as live-conditions.js reads it, white space as JavaScript's
        named = _NAMED_TIMES.get(" ".join(re.split(f"{SPACE}+", typed)).lower())
        match = _TIME.fullmatch(named or typed)
        if not match:
            raise Invalid(f"Enter {lower_first(label)} as a time, like 09:30 or 14:15")
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if match.group(2) is None and not half:  # "9" alone could be morning or evening
            raise Invalid(f"Enter {lower_first(label)} as a time, like 09:30 or 14:15")
        if half:
            if not 1 <= hour <= 12:
                raise Invalid(f"{label} must be a real time")
            hour = hour % 12 + (12 if half[0].lower() == "p" else 0)
        if hour > 23 or minute > 59:
            raise Invalid(f"{label} must be a real time")
        value = f"{hour:02d}:{minute:02d}"
        for key, fails, relation in (
            ("min", value.__lt__, "later"),
            ("max", value.__gt__, "earlier"),
        ):
            bound = field.settings.get(key)
            if not bound:
                continue
            if _HHMM.fullmatch(bound):
                if fails(bound):
                    raise Invalid(f"{label} must be {bound} or {relation}")
            elif (other := values.get(bound)) is not None and fails(other.strftime("%H:%M")):
                raise Invalid(
                    f"{label} must be the same as or {relation} than "
                    f"{label_as_object(values.label_of(bound))}"
                )
        return value

    def limits_reached(self, field, known):  # min: meet_start (07:00 on), max: 06:00
        return date_limits.reach(field.settings, known, _written_time)

    def to_python(self, field, value):
        return dt.time.fromisoformat(value) if value else None

    def answer_schema(self, field):
        # 24-hour HH:MM: not JSON Schema's "time" format, which needs seconds and an offset
        hhmm = f"^{_REAL_TIME.pattern}$"
        return {"type": "string", "pattern": hhmm, **_bounds_said(field)}

    def references(self, field):
        return [
            (key, bound, TIME)
            for key in ("min", "max")
            if isinstance(bound := field.settings.get(key), str) and not _HHMM.fullmatch(bound)
        ]

    def definition_problems(self, field):
        problems = [
            setting_problem(key, f"'{bound}' is not a real time: times go from 00:00 to 23:59")
            for key in ("min", "max")
            if isinstance(bound := field.settings.get(key), str)
            and _HHMM.fullmatch(bound)
            and not _REAL_TIME.fullmatch(bound)
        ]
        return problems or bounds_problem(field.settings)


TYPES = [DateType(), TimeType()]
