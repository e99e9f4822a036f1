"""A date question's earliest and latest answers through the questions its `min` and `max`
name: `return_date` with `min: leave_date, max: today`, where `leave_date` has `min: tomorrow`,
validated, and once the date of leaving was given no date of return could be typed.

A limit is today's (a number of days from today, as `yesterday`, `today` and `tomorrow` are)
or a fixed date. Two of one kind compare for ever; a limit from today above a fixed date stays
above it as time goes by; a fixed date above a limit from today is not refused, since it is
only so until that day comes (a form made ready before the school year it asks about).
"""

from __future__ import annotations

import datetime as dt

import engine.uk_date as uk_date

# (from_today, days from today or a date, as written, the question it came through or None)
Limit = tuple[bool, object, str, str | None]


def reach(settings, known: dict, written) -> tuple[list[Limit], list[Limit]]:
    """The lowest and highest limits of a date question with these settings, its own (as
    `written` reads one: (from today, days or a date), or None) and those of the earlier date
    questions it names (`known`: id -> their limits)."""
    found: tuple[list[Limit], list[Limit]] = ([], [])
    for side, key in enumerate(("min", "max")):
        bound = settings.get(key)
        own = written(bound)
        if own is not None:
            found[side].append((*own, str(bound), None))
        elif isinstance(bound, str) and bound in known:
            found[side].extend((f, v, said, bound) for f, v, said, _ in known[bound][side])
    return found


def no_day_between(lowers: list[Limit], uppers: list[Limit]) -> tuple[str, dict] | None:
    """The setting to show E207 at and its details, when a lowest limit is above a highest
    one through another question (a question's own min above its max is said already)."""
    for low in lowers:
        for high in uppers:
            if (low[3] or high[3]) and _above(low, high):
                said = {"low": _said(low, "earliest"), "high": _said(high, "latest")}
                return ("min" if low[3] else "max"), said
    return None


def _above(low: Limit, high: Limit) -> bool:
    if low[0] == high[0]:
        return low[1] > high[1]
    if low[0]:  # from today, against a fixed day already passed
        return uk_date.today() + dt.timedelta(days=low[1]) > high[1]
    return False


def _said(limit: Limit, end: str) -> str:
    return limit[2] if limit[3] is None else f"'{limit[3]}', {limit[2]} at the {end}"
