"""The current time, in one place, so tests can move it instead of sleeping."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current moment in UTC."""
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite gives back naive datetimes)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def uk_today() -> dt.date:
    """Today's date in the UK (a case type's dates, such as `retired_drafts_until`)."""
    from zoneinfo import ZoneInfo

    return now().astimezone(ZoneInfo("Europe/London")).date()
