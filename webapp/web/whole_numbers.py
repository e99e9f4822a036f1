"""Whole numbers from a request: page numbers, ids, versions and item positions.

`"²".isdigit()` is True yet `int("²")` fails, and Python refuses int() of more than 4,300
digits: only ASCII digits count, and never more of them than a real value has.
"""

from __future__ import annotations

MAX_DIGITS = 9  # more than any id, version or position the portal hands out
LAST_PAGE = 10**MAX_DIGITS  # "beyond the end": every listing shows its last page instead


def whole_number(text: object) -> int | None:
    """The number `text` writes in 1 to 9 ASCII digits, else None."""
    if isinstance(text, str) and 0 < len(text) <= MAX_DIGITS and _digits(text):
        return int(text)
    return None


def page_number(text: object) -> int:
    """The listing page asked for: 1 unless `text` is a whole number; one too long to be a
    page asks for the last page, as any number past the end does."""
    if not (isinstance(text, str) and _digits(text)):
        return 1
    digits = text.lstrip("0")
    if len(digits) > MAX_DIGITS:
        return LAST_PAGE
    return max(1, int(digits or "0"))


def _digits(text: str) -> bool:
    return text.isascii() and text.isdecimal()
