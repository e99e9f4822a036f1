"""Questions answered with numbers and money, and values calculated from other answers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from engine.expressions import BOOL, DATE, NUMBER, TEXT, Symbol
from engine.fields.base import FieldType, Invalid, bounds_problem, label_for_message


def _format_number(value, decimals: int) -> str:
    return f"{value:,.{decimals}f}" if decimals else f"{int(value):,}"


def _check_bounds(field, number) -> None:
    low, high = field.settings.get("min"), field.settings.get("max")
    label = label_for_message(field)
    if low is not None and number < low:
        raise Invalid(f"{label} must be {_plain(low)} or more")
    if high is not None and number > high:
        raise Invalid(f"{label} must be {_plain(high)} or less")


def _pounds(amount) -> str:
    """£250, £1,250.50: pence shown only when there are some."""
    return f"£{int(amount):,}" if amount == int(amount) else f"£{amount:,.2f}"


def _plain(number) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


# Stop-gap against absurd numbers (JavaScript and PostgreSQL's bigint hold these exactly); the
# engine's own fix for issue 9 item 1 supersedes it.
_LARGEST = 10**15


class NumberType(FieldType):
    name = "number"
    summary = "A whole number, or a decimal with `decimals` places, between optional bounds."
    value_type = NUMBER
    settings = {
        "min": {"type": "number"},
        "max": {"type": "number"},
        "decimals": {
            "type": "integer",
            "minimum": 0,
            "maximum": 6,
            "default": 0,
            "description": "Decimal places allowed; 0 means whole numbers",
        },
        "suffix": {"type": "string", "description": "Shown after the box, such as 'hours'"},
        "width": {"enum": ["2", "3", "4", "5", "10", "20"]},
    }

    def parse(self, field, raw, values):
        text = re.sub(r"[\s,]", "", raw)
        decimals = field.settings.get("decimals", 0)
        label = label_for_message(field)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Invalid(f"{label} must be a number") from None
        if not number.is_finite():
            raise Invalid(f"{label} must be a number")
        if number.copy_abs() >= _LARGEST:  # before int(): int(Decimal("1e999999")) takes minutes
            raise Invalid(f"{label} must be between -{_LARGEST - 1:,} and {_LARGEST - 1:,}")
        if decimals == 0 and number != number.to_integral_value():
            raise Invalid(f"{label} must be a whole number")
        if number.as_tuple().exponent < -decimals:
            raise Invalid(f"{label} must have {decimals} decimal places or fewer")
        value = int(number) if decimals == 0 else float(number)
        _check_bounds(field, value)
        return value

    def to_form(self, field, value):
        return "" if value is None else _plain(value)

    def display(self, field, value):
        if value is None:
            return ""
        suffix = field.settings.get("suffix")
        shown = f"{value:,}" if isinstance(value, int) else _plain(value)
        return f"{shown} {suffix}" if suffix else shown

    def definition_problems(self, field):
        return bounds_problem(field.settings)


class MoneyType(FieldType):
    name = "money"
    summary = "An amount in pounds and pence (£ and commas may be typed)."
    value_type = NUMBER
    settings = {"min": {"type": "number", "default": 0}, "max": {"type": "number"}}

    def parse(self, field, raw, values):
        text = re.sub(r"[\s,£]", "", raw)
        label = label_for_message(field)
        if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
            raise Invalid(f"{label} must be an amount of money, like £250 or £1,250.50")
        if abs(Decimal(text)) >= _LARGEST:  # a float would turn 400 digits into Infinity
            raise Invalid(f"{label} must be less than £{_LARGEST:,}")
        value = float(text)
        low = field.settings.get("min", 0)
        if low is not None and value < low:
            raise Invalid(f"{label} must be {_pounds(low)} or more")
        high = field.settings.get("max")
        if high is not None and value > high:
            raise Invalid(f"{label} must be {_pounds(high)} or less")
        return value

    def to_form(self, field, value):
        return "" if value is None else f"{value:.2f}"

    def display(self, field, value):
        return "" if value is None else f"£{value:,.2f}"

    def definition_problems(self, field):
        return bounds_problem(field.settings)


_CALC_FORMATS = {"number": NUMBER, "money": NUMBER, "text": TEXT, "date": DATE, "yes_no": BOOL}


class CalculatedType(FieldType):
    name = "calculated"
    summary = "A read-only value worked out from other answers by an expression."
    component = "calculated"
    settings = {
        "value": {"type": "string", "description": "The expression, e.g. total(provision, 'cost')"},
        "format": {"enum": list(_CALC_FORMATS), "default": "number"},
        "decimals": {"type": "integer", "minimum": 0, "maximum": 6, "default": 0},
        "suffix": {"type": "string"},
    }
    required_settings = ("value",)

    def result_type(self, field) -> str:
        return _CALC_FORMATS[field.settings.get("format", "number")]

    def symbol(self, field):
        return Symbol(field.id, self.result_type(field))

    def display(self, field, value):
        if value is None:
            return "Not yet known"
        kind = field.settings.get("format", "number")
        if kind == "money":
            return f"£{value:,.2f}"
        if kind == "yes_no":
            return "Yes" if value else "No"
        if kind == "number":
            shown = _format_number(value, field.settings.get("decimals", 0))
            suffix = field.settings.get("suffix")
            return f"{shown} {suffix}" if suffix else shown
        return str(value)


TYPES = [NumberType(), MoneyType(), CalculatedType()]
