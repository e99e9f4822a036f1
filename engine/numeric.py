"""Exact numbers: how answers hold them, how expressions count with them, how they read.

Whole numbers are Python ints. Numbers with decimal places and amounts of money are Decimals,
never floats, so that 0.10 + 0.20 is 0.30 and a total of pence never drifts. Answers keep them
in JSON as an int, or as their exact decimal text ("12.5", "1250.50"); answers stored before
that, as JSON floats, are read back through their shortest text (1250.5 -> Decimal("1250.5")),
which is the amount that was typed.

Every number stays within LIMIT (money within MONEY_LIMIT): 2**53 - 1, the largest whole number
that JSON readers such as JavaScript, and PostgreSQL's json, hold exactly (and as many whole
pence). Typed numbers are checked against it before they are converted, so an exponent such as
1e9999999 costs nothing; a calculation that leaves the range has no value (None).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

LIMIT = 2**53 - 1  # 9,007,199,254,740,991
MONEY_LIMIT = Decimal(LIMIT).scaleb(-2)  # £90,071,992,547,409.91: LIMIT whole pence
PENNY = Decimal("0.01")

# Arithmetic on numbers within LIMIT: 34 significant digits (IEEE decimal128) is exact for
# sums, differences and products of answers, and plenty for quotients.
_CONTEXT = Context(prec=34, traps=[InvalidOperation, DivisionByZero, Overflow])

# What a typed number may look like once spaces and commas are gone: 12, -3.5, .5, 1e3.
# Possessive quantifiers (++): a long run of digits is never backtracked into. ASCII digits
# only, as the browser reads them (\d would take Arabic-Indic ١٢ too, which the page's live
# conditions count as unanswered).
_NUMBER = re.compile(r"[-+]?(?:[0-9]++(?:\.[0-9]*+)?|\.[0-9]++)(?:[eE][-+]?[0-9]++)?")


# Commas as a typed number may hold them: between groups of three digits before any decimal
# point (1,250 or 1,250,000.5), the first group not starting with 0. Anything else (12,5,
# 1,25, 1250,50, 0,250) is the decimal comma of much of Europe, and reading it as a thousands
# separator made 12,5 into 125 and 0,250 into 250.
_GROUPED = re.compile(r"[-+]?[1-9][0-9]{0,2}(?:,[0-9]{3})++(?:\.[0-9]*+)?(?:[eE][-+]?[0-9]++)?")

# What a typed number may hold that is not there: spaces of any kind before and after it, and
# anywhere the zero-width no-break space that pasting brings and nobody sees; as
# live-conditions.js reads it (Python's \s and JavaScript's differ by it and some controls).
# A space that can be seen inside the number is refused (spaced): "12 5" was read as 125,
# when it may have meant 12.5.
_INVISIBLE = "\ufeff"
_SPACES = re.compile(r"\s")


def spaced(text: str) -> bool:
    """Whether a typed number has a space inside it ("12 5", "1 250"), not only around it
    (text that is no number even without its spaces, "12 hours", is not one)."""
    text = text.replace(_INVISIBLE, "").strip()
    return bool(_SPACES.search(text)) and bool(
        _NUMBER.fullmatch(_SPACES.sub("", text).replace(",", ""))
    )


def ungrouped(text: str) -> str | None:
    """`text` without the spaces around it and its thousands commas; None when a comma is not
    one ("12,5").

    Text that is no number even without its commas ("12,5a", "12 5") comes back otherwise as
    it was, for the caller's "must be a number" (the caller asks `spaced` first).
    """
    text = text.replace(_INVISIBLE, "").strip()
    if "," not in text:
        return text
    if _GROUPED.fullmatch(text):
        return text.replace(",", "")
    if _NUMBER.fullmatch(text.replace(",", "")):
        return None
    return text


def read(text: str) -> Decimal | None:
    """The exact number written in `text`, or None when it is not a number.

    Cheap for any length: the text is matched, then read as a Decimal (which keeps its
    exponent as written, so 1e9999999 is not expanded). An exponent too large for even a
    Decimal gives an infinity, so that the caller reports it as out of range.
    """
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent beyond even Decimal's range: huge, or tiny
        mantissa, exponent = re.split("[eE]", text)
        if not Decimal(mantissa):
            return Decimal(0)
        sign = "-" if mantissa.startswith("-") else ""
        return Decimal(f"{sign}Infinity" if not exponent.startswith("-") else f"{sign}1e-999999")


def exact(value) -> int | Decimal | None:
    """A stored or computed number as expressions see it: int or Decimal (None if not one)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):  # answers stored before amounts were kept exact
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        number = read(value)
        return number if number is not None and number.is_finite() else None
    return None


def is_number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def within(value, limit=LIMIT) -> bool:
    """Whether a number lies between -limit and limit."""
    return -limit <= value <= limit


def bounded(value):
    """The value when it is a number within LIMIT, else None (too large to hold exactly)."""
    return value if is_number(value) and within(value) else None


def add(a, b):
    return _combine(_CONTEXT.add, a, b, int.__add__)


def subtract(a, b):
    return _combine(_CONTEXT.subtract, a, b, int.__sub__)


def multiply(a, b):
    return _combine(_CONTEXT.multiply, a, b, int.__mul__)


def divide(a, b):
    """a / b exactly as far as 34 digits go; None when b is 0."""
    if not (is_number(a) and is_number(b)) or b == 0:
        return None
    return bounded(_CONTEXT.divide(Decimal(a), Decimal(b)))


def _combine(decimal_op, a, b, int_op):
    """Only numbers are combined (never text, lists or true/false); ints stay ints."""
    if not (is_number(a) and is_number(b)):
        return None
    if isinstance(a, int) and isinstance(b, int):
        return bounded(int_op(a, b))  # operands within LIMIT: at most 106 bits
    return bounded(decimal_op(Decimal(a), Decimal(b)))


def round_half_up(value, places):
    """`value` to `places` decimal places, halves away from zero; an int when places <= 0."""
    number, places = exact(value), exact(places)
    if number is None or places is None or places != int(places) or not -15 <= places <= 28:
        return None
    places = int(places)
    rounded = Decimal(number).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return int(rounded) if places <= 0 else rounded


def stored(value) -> int | str | None:
    """A number as answers keep it in JSON: an int, or its exact decimal text."""
    number = exact(value)
    if number is None:
        return None
    if isinstance(number, int):
        return number
    if number == number.to_integral_value():
        return int(number)
    return format(number.normalize(_CONTEXT), "f")


def grouped(value, places: int | None = None) -> str:
    """1,234.5; with `places`, rounded (halves up) to at most that many, without trailing
    zeros: grouped(2.5, 0) is '3', grouped(12.5, 2) '12.5' and grouped(0, 2) '0' (not
    '0.00 hours', which reads as a measurement, not an answer)."""
    number = exact(value)
    if number is None:
        return ""
    if places is not None:
        number = round_half_up(number, places)
        if isinstance(number, Decimal):  # int(-0.00) is 0: a value that rounds to nothing
            integral = number == number.to_integral_value()
            number = int(number) if integral else number.normalize(_CONTEXT)
    return f"{number:,}" if isinstance(number, int) else f"{number:,f}"


def pounds(value, pence: bool = True) -> str:
    """£1,250.50 (-£5.00); with pence=False the pence only when there are some: £250."""
    number = exact(value)
    if number is None:
        return ""
    amount = Decimal(number).quantize(PENNY, ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    if not pence and text.endswith(".00"):
        text = text[:-3]
    return f"{sign}£{text}"


def money_text(value) -> str:
    """An amount as answers keep it: pounds with two decimal places, '1250.50'."""
    amount = Decimal(exact(value)).quantize(PENNY, ROUND_HALF_UP)
    return f"{amount + 0:f}"  # + 0 turns -0.00 into 0.00
