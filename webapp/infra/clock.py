"""The current time, in one place, so tests can move it instead of sleeping."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current moment in UTC."""
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite gives back naive datetimes)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
