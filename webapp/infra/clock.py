"""The current time, in one place, so tests can move it instead of sleeping."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from engine import uk_date

UK = ZoneInfo(uk_date.ZONE)  # where every school and council is: dates are shown and kept in it


def now() -> dt.datetime:
    """The current moment in UTC."""
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite gives back naive datetimes)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def uk_today() -> dt.date:
    """Today's date in the UK (a case type's dates, such as `retired_drafts_until`; the date a
    form page's live checks take as `today`), as the engine's `uk_date.today()` at `now()`."""
    return now().astimezone(UK).date()
