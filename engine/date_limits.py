"""A date question's earliest and latest answers through the questions its `min` and `max`
name: `return_date` with `min: leave_date, max: today`, where `leave_date` has `min: tomorrow`,
validated, and once the date of leaving was given no date of return could be typed.

A limit is today's (a number of days from today, as `yesterday`, `today` and `tomorrow` are)
or a fixed date. Two of one kind compare the same on any day, and only they are compared: a
limit from today and a fixed date compare one way until that day and the other way after it,
so an untouched case type would validate one day and not the next, and the portal, which
will not start on a case type with an error, would stop overnight (a trip leaving today or
later and back by 23 July 2027). The same limits on one question are not compared either.
Limits of the two kinds, its own or through others, are compared on today's date for a
warning only (W702): a question no day can answer today.
"""

from __future__ import annotations

import datetime as dt

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
    """Whether `low` is above `high` on every day: both from today, or both fixed days."""
    return low[0] == high[0] and low[1] > high[1]


def _said(limit: Limit, end: str) -> str:
    return limit[2] if limit[3] is None else f"'{limit[3]}', {limit[2]} at the {end}"


def no_day_today(
    lowers: list[Limit], uppers: list[Limit], today: dt.date
) -> tuple[str, dict] | None:
    """W702's setting and details when, on `today`, a lowest limit from today is after a fixed
    highest one, or a fixed lowest one after a highest from today (`min: today, max:
    2020-01-01`): no date can be typed until the day changes the other way, if ever."""
    for low in lowers:
        for high in uppers:
            if low[0] != high[0] and _day(low, today) > _day(high, today):
                said = {"low": _said(low, "earliest"), "high": _said(high, "latest")}
                if low[0]:
                    said["when"] = "and none ever will"  # today only moves on
                else:
                    said["when"] = f"until {low[1].isoformat()}"
                return ("min" if low[3] or not high[3] else "max"), said
    return None


def _day(limit: Limit, today: dt.date) -> dt.date:
    return today + dt.timedelta(days=limit[1]) if limit[0] else limit[1]
