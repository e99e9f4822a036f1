"""School days: the dates of a school calendar, as the calendar functions of expressions count
them (school_days_between, add_school_days; engine/school_calendar.py reads the file).

A school day is a Monday to Friday that is not a "day off": a weekday inside the calendar's
range (its first term's start to its last term's end) outside every term, a closure day, or a
bank holiday (listed ones count beyond the range too). Outside the range every other Monday to
Friday counts, so the functions still answer, as `weekdays_between` would, before the council
publishes a year's dates. The browser gets the same list of days off (to_json).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

# The most school days add_school_days moves (about 50 school years): a bound on its work.
MOST_DAYS = 10_000
_LAST = dt.date.max.toordinal()


@dataclass(frozen=True)
class SchoolCalendar:
    """The calendar's range and the weekdays (as ordinals, sorted) that are not school days."""

    start: dt.date
    end: dt.date
    days_off: tuple[int, ...]

    def covers(self, day: dt.date) -> bool:
        """Whether the council's term dates say which days of `day`'s week are school days."""
        return self.start <= day <= self.end

    def is_school_day(self, day: dt.date) -> bool:
        """A Monday to Friday that is not a day off."""
        ordinal = day.toordinal()
        index = bisect.bisect_left(self.days_off, ordinal)
        found = index < len(self.days_off) and self.days_off[index] == ordinal
        return day.weekday() < 5 and not found

    def school_days_between(self, start: dt.date, end: dt.date) -> int:
        """School days from `start` up to, not including, `end` (negative if `end` is before)."""
        if end < start:
            return -self.school_days_between(end, start)
        low = bisect.bisect_left(self.days_off, start.toordinal())
        high = bisect.bisect_left(self.days_off, end.toordinal())
        return weekdays_between(start, end) - (high - low)

    def add_school_days(self, day: dt.date, count) -> dt.date | None:
        """The `count`th school day after `day` (before it when negative; `day` for 0);
        None for a count that is not a whole number within MOST_DAYS, or past the year 9999."""
        if isinstance(count, bool) or count != int(count) or abs(count) > MOST_DAYS:
            return None
        step = 1 if count > 0 else -1
        ordinal, left = day.toordinal(), abs(int(count))
        while left:
            ordinal += step
            if not 1 <= ordinal <= _LAST:
                return None
            if self.is_school_day(dt.date.fromordinal(ordinal)):
                left -= 1
        return dt.date.fromordinal(ordinal)

    def to_json(self) -> dict:
        """The calendar as the browser's evaluator takes it (static/js/expressions.js)."""
        return {"off": [dt.date.fromordinal(o).isoformat() for o in self.days_off]}


# Without a calendar file the functions count weekdays (and validation warns, W701).
NO_CALENDAR = SchoolCalendar(dt.date.min, dt.date.min, ())


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from `start` up to, not including, `end` (negative if before)."""
    if end < start:
        return -weekdays_between(end, start)
    whole_weeks, extra = divmod((end - start).days, 7)
    return whole_weeks * 5 + sum((start.weekday() + i) % 7 < 5 for i in range(extra))
