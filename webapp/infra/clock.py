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


def utc_text(moment: dt.datetime) -> str:
    """A moment as the API and webhooks give it: `2026-11-30T15:20:01.000000Z`, UTC, always six
    decimals. isoformat() leaves them out at a whole second, which a client parsing with one
    format (strptime's `%S.%fZ`, a Java pattern) took for a bad time, once in a million."""
    return (
        aware(moment).astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    )


def uk_today() -> dt.date:
    """Today's date in the UK (a case type's dates, such as `retired_drafts_until`; the date a
    form page's live checks take as `today`), as the engine's `uk_date.today()` at `now()`."""
    return now().astimezone(UK).date()
