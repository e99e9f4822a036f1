"""Questions answered with numbers and money, and values calculated from other answers.

Numbers and money are exact (engine/numeric.py): ints, or Decimals kept in the answers as
their decimal text, within the range that JSON and JavaScript hold exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import engine.numeric as numeric
from engine.expressions import BOOL, DATE, NUMBER, TEXT, Symbol
from engine.expressions.value_types import described
from engine.fields.base import (
    FieldType,
    Invalid,
    ascii_digits,
    bounds_problem,
    label_for_message,
    plural,
)
from engine.fields.dates import long_date
from engine.model import SummaryRow
from engine.problems import Code


def _bounds(low, high, limit):
    """A question's min and max, or else the range every number keeps to."""
    low = -limit if low is None else numeric.exact(low)
    high = limit if high is None else numeric.exact(high)
    return low, high


def _check_bounds(label: str, number, bounds, shown=numeric.grouped) -> None:
    """Refuse a number outside `bounds` (an infinity, from an absurd exponent, is outside)."""
    low, high = bounds
    if number > high:
        raise Invalid(f"{label} must be {shown(high)} or less")
    if number < low:
        raise Invalid(f"{label} must be {shown(low)} or more")


def _range_settings(limit, default=None) -> dict:
    bound = {"type": "number", "minimum": -int(limit), "maximum": int(limit)}  # JSON-ready
    low = {**bound, "default": default} if default is not None else bound
    return {"min": low, "max": bound}


_SUFFIX = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["one", "other"],
            "properties": {
                "one": {"type": "string", "minLength": 1, "description": "After 1: 'session'"},
                "other": {"type": "string", "minLength": 1, "description": "'sessions'"},
            },
        },
    ],
    "description": "Said after the number: 'hours', or {one: hour, other: hours} to agree",
}
_SUFFIX_ONE = {
    "type": "string",
    "description": "Old form of `suffix: {one: ..., other: ...}` (a warning, W720)",
}


def suffix_forms(settings) -> tuple[str, str]:
    """The suffix after the number 1 and after any other number ('' for none)."""
    suffix = settings.get("suffix") or ""
    if isinstance(suffix, dict):
        return suffix["one"], suffix["other"]
    return settings.get("suffix_one") or suffix, suffix


def with_suffix(field, shown: str) -> str:
    """A number as shown with its suffix, agreeing with it: "1 session", "2 sessions"."""
    one, other = suffix_forms(field.settings)
    suffix = one if shown == "1" else other
    return f"{shown} {suffix}" if suffix else shown


def suffix_problems(settings) -> list:
    """W720: `suffix_one` is the old way of saying `suffix: {one: ..., other: ...}`. W721: a
    plain suffix that is one word in the plural, `suffix: days`, which would show "1 days"."""
    one, other = suffix_forms(settings)
    if "suffix_one" in settings:
        return [("suffix_one", Code.W720, {"one": one, "other": other})]
    if isinstance(settings.get("suffix"), str) and re.fullmatch(r"[a-z]{2,}[a-rt-z]s", other):
        single = other[:-3] + "y" if other.endswith("ies") else other[:-1]
        return [("suffix", Code.W721, {"one": single, "other": other})]
    return []


def bound_places_problems(settings, places: int, takes: str, widens: bool = False) -> list:
    """E212: a `min` or `max` with more decimal places than the question takes, which its
    messages would print ("must be 0.5 or more") while refusing that very answer. The advice
    rounds the bound inwards to the places taken (a minimum up, a maximum down), or, where the
    type `widens` with `decimals`, takes as many places as the bound has."""
    problems = []
    for key, rounding in (("min", ROUND_CEILING), ("max", ROUND_FLOOR)):
        bound = numeric.exact(settings.get(key))
        if bound is None or _places(bound) <= places:
            continue
        inwards = Decimal(bound).quantize(Decimal(1).scaleb(-places), rounding)
        rounded = f"write `{key}: {numeric.stored(inwards)}`"
        details = {
            "key": key,
            "value": numeric.stored(bound),
            "places": f"{_places(bound)} {plural('decimal place', _places(bound))}",
            "takes": takes,
            "advice": f"set `decimals: {_places(bound)}`, or {rounded}" if widens else rounded,
        }
        problems.append((key, Code.E212, details))
    return problems


def _places(number) -> int:
    """The decimal places a number is written with, less trailing zeros (1.50 has 1)."""
    return max(0, -Decimal(number).normalize().as_tuple().exponent)


def _schema_bounds(low, high, limit) -> dict:
    """minimum and maximum as JSON numbers (ints where whole)."""
    low, high = _bounds(low, high, limit)
    return {"minimum": _json_number(low), "maximum": _json_number(high)}


def _json_number(number):
    stored = numeric.stored(number)
    return float(stored) if isinstance(stored, str) else stored


def _decimal_text(places: int, negative: bool) -> dict:
    """A number with decimal places as answers keep it: its shortest exact text ("12.5")."""
    sign = "-?" if negative else ""
    last = "[1-9]" if places == 1 else rf"[0-9]{{0,{places - 1}}}[1-9]"
    return {"type": "string", "pattern": rf"^{sign}(0|[1-9][0-9]*)\.{last}$"}


def number_schema(places: int, low=None, high=None, limit=numeric.LIMIT) -> dict:
    """A whole number, or (with decimal places) a whole number or exact decimal text; JSON
    Schema cannot bound a number written as text, so only the whole numbers carry bounds."""
    whole = {"type": "integer", **_schema_bounds(low, high, limit)}
    if not places:
        return whole
    negative = low is None or numeric.exact(low) < 0
    return {"anyOf": [whole, _decimal_text(places, negative)]}


def money_schema(low=0) -> dict:
    """Pounds and pence as answers keep them: "1250.50" (negative only when allowed)."""
    sign = "-?" if low is None or numeric.exact(low) < 0 else ""
    return {"type": "string", "pattern": rf"^{sign}(0|[1-9][0-9]*)\.[0-9]{{2}}$"}


class NumberType(FieldType):
    name = "number"
    also_called = ("integer", "int", "decimal", "float", "numeric")
    read_in_browser = True
    summary = "A whole number, or a decimal with `decimals` places, between optional bounds."
    value_type = NUMBER
    settings = {
        **_range_settings(numeric.LIMIT),
        "decimals": {
            "type": "integer",
            "minimum": 0,
            "maximum": 6,
            "default": 0,
            "description": "Decimal places allowed; 0 means whole numbers",
        },
        "suffix": {
            **_SUFFIX,
            "description": "Shown after the box and the answer: 'hours', "
            "or {one: hour, other: hours} (the box shows `other`)",
        },
        "suffix_one": _SUFFIX_ONE,
        "width": {"enum": ["2", "3", "4", "5", "10", "20"]},
    }

    def parse(self, field, raw, values):
        decimals = field.settings.get("decimals", 0)
        label = label_for_message(field)
        if numeric.spaced(raw):  # 12 5: 125, or 12.5? never guessed
            if decimals == 0:
                raise Invalid(f"{label} must be a whole number without spaces, like 125 or 1,250")
            raise Invalid(f"{label} must be a number without spaces, like 12.5 or 1,250")
        text = numeric.ungrouped(raw)
        if text is None:  # 12,5: a decimal comma, never read as 125
            if decimals == 0:
                raise Invalid(f"{label} must be a whole number, like 12 or 1,250")
            raise Invalid(f"{label} must use a full stop for decimals, like 12.5")
        number = numeric.read(text)
        if number is None:
            ascii_digits(label, raw)
            raise Invalid(f"{label} must be a number")
        bounds = _bounds(field.settings.get("min"), field.settings.get("max"), numeric.LIMIT)
        if not numeric.within(number):  # absurd (1e9999999): refused before any conversion
            _check_bounds(label, number, bounds)
        if decimals == 0 and number != number.to_integral_value():
            raise Invalid(f"{label} must be a whole number")
        if number.as_tuple().exponent < -decimals:
            places = plural("decimal place", decimals)  # "1 decimal place", "2 decimal places"
            raise Invalid(f"{label} must have {decimals} {places} or fewer")
        _check_bounds(label, number, bounds)
        return int(number) if decimals == 0 else numeric.stored(number)

    def to_form(self, field, value):
        number = numeric.stored(value)
        return "" if number is None else str(number)

    def to_python(self, field, value):
        return numeric.exact(value)

    def display(self, field, value):
        if value is None:
            return ""
        return with_suffix(field, numeric.grouped(value))

    def answer_schema(self, field):
        settings = field.settings
        return number_schema(settings.get("decimals", 0), settings.get("min"), settings.get("max"))

    def definition_problems(self, field):
        settings = field.settings
        places = settings.get("decimals", 0)
        takes = (
            f"{places} {plural('decimal place', places)} (`decimals: {places}`)"
            if places
            else "whole numbers (`decimals` is 0 unless set)"
        )
        return (
            bounds_problem(settings)
            + bound_places_problems(settings, places, takes, widens=True)
            + suffix_problems(settings)
        )


def _pounds(amount) -> str:
    return numeric.pounds(amount, pence=False)


class MoneyType(FieldType):
    name = "money"
    also_called = ("currency", "amount", "pounds", "price", "cost")
    read_in_browser = True
    summary = "An amount in pounds and pence (£ and commas between thousands may be typed)."
    value_type = NUMBER
    settings = _range_settings(numeric.MONEY_LIMIT, default=0)

    def parse(self, field, raw, values):
        text = numeric.ungrouped(raw.replace("£", ""))
        label = label_for_message(field)
        if numeric.spaced(raw.replace("£", "")):  # £12 50: never read as £1,250
            raise Invalid(f"{label} must be an amount of money without spaces, like £1,250.50")
        if text is None:  # £12,50: a decimal comma, never read as £1,250
            raise Invalid(f"{label} must use a full stop for pence, like £12.50")
        if not re.fullmatch(r"-?[0-9]++(\.[0-9]{1,2})?", text):  # ASCII, as the browser
            ascii_digits(label, text)
            raise Invalid(f"{label} must be an amount of money, like £250 or £1,250.50")
        amount = numeric.read(text)
        settings = field.settings
        bounds = _bounds(settings.get("min", 0), settings.get("max"), numeric.MONEY_LIMIT)
        _check_bounds(label, amount, bounds, shown=_pounds)
        return numeric.money_text(amount)

    def to_form(self, field, value):
        amount = numeric.exact(value)
        return "" if amount is None else numeric.money_text(amount)

    def to_python(self, field, value):
        return numeric.exact(value)

    def display(self, field, value):
        return "" if value is None else numeric.pounds(value)

    def answer_schema(self, field):
        return money_schema(field.settings.get("min", 0))

    def definition_problems(self, field):
        takes = "pounds and pence (2 decimal places)"
        high = field.settings.get("max")
        if "min" not in field.settings and isinstance(high, int | float) and high < 0:
            low = "0, the least an amount of money takes without min"  # max: -5, min 0
            return [("max", Code.E207, {"low": low, "high": high})]
        return bounds_problem(field.settings) + bound_places_problems(field.settings, 2, takes)


_CALC_FORMATS = {"number": NUMBER, "money": NUMBER, "text": TEXT, "date": DATE, "yes_no": BOOL}


def _date_text(value) -> str:
    """A calculated date as GOV.UK writes it; as it was stored when it is none (an answer kept
    from a version whose `format` was another, shown with today's definition)."""
    if isinstance(value, dt.date):
        return long_date(value)
    try:
        return long_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


class CalculatedType(FieldType):
    name = "calculated"
    also_called = ("calc", "calculation", "formula", "computed", "sum", "total")
    read_in_browser = True
    summary = "A read-only value worked out from other answers by an expression."
    component = "calculated"
    is_calculated = True
    settings = {
        "value": {"type": "string", "description": "The expression, e.g. total(provision, 'cost')"},
        "format": {"enum": list(_CALC_FORMATS), "default": "number"},
        "decimals": {"type": "integer", "minimum": 0, "maximum": 6, "default": 0},
        "suffix": _SUFFIX,
        "suffix_one": _SUFFIX_ONE,
    }
    required_settings = ("value",)

    def result_type(self, field) -> str:
        return _CALC_FORMATS[field.settings.get("format", "number")]

    def format_advice(self, field) -> dict[str, str]:
        """For E305: the `format` that holds what the expression gives, when another was set."""
        return {
            kind: f"to show {described(kind)}, set `format: {name}`"
            for name, kind in _CALC_FORMATS.items()
            if name != "money" and kind != self.result_type(field)
        }

    def symbol(self, field):
        return Symbol(field.id, self.result_type(field), typed=False)

    def evaluate(self, field, values):
        """The value worked out from typed `values`; money comes to whole pence."""
        value = field.expression.evaluate(values)
        if field.settings.get("format") == "money" and numeric.is_number(value):
            return numeric.round_half_up(value, 2)
        return value

    def to_python(self, field, value):
        if self.result_type(field) == NUMBER:
            return numeric.exact(value)
        return value

    def typed_value(self, field, answers, values):
        return self.evaluate(field, values)

    def stored(self, field, value):
        """The value as the answers keep it (JSON-ready)."""
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if value is None or self.result_type(field) != NUMBER:
            return value
        if field.settings.get("format") == "money":
            return numeric.money_text(value)
        return numeric.stored(numeric.round_half_up(value, 6))

    def answer_schema(self, field):
        kind = field.settings.get("format", "number")
        known = {
            "number": number_schema(6),  # rounded to 6 places when stored
            "money": money_schema(None),
            "text": {"type": "string"},
            "date": {"type": "string", "format": "date"},
            "yes_no": {"type": "boolean"},
        }[kind]
        return {"anyOf": [known, {"type": "null", "description": "Not yet known"}]}

    def display(self, field, value):
        if value is None:
            return "Not yet known"
        kind = field.settings.get("format", "number")
        if kind == "money":
            return numeric.pounds(value)
        if kind == "yes_no":
            return "Yes" if value else "No"
        if kind == "number":
            return with_suffix(field, numeric.grouped(value, field.settings.get("decimals", 0)))
        if kind == "date":  # a date worked out, or its ISO text as stored
            return _date_text(value)
        return str(value)

    def definition_problems(self, field):
        return suffix_problems(field.settings)

    def summary_row(self, field, answer, values):
        shown = self.display(field, values.get(field.id))
        return SummaryRow(field.id, field.label, shown, changeable=False)


TYPES = [NumberType(), MoneyType(), CalculatedType()]
