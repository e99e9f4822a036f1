"""Today's date in the UK, whatever time zone the server's clock is set to.

Every school and council using the portal is in the UK, so `today` (a date question's bound)
and `today()` (in expressions) mean their date: on a server kept in UTC, plain
`date.today()` is still yesterday for the first hour of every British Summer Time day, and a
pupil's date of birth typed as today would be refused as "in the future".
"""

from __future__ import annotations

import datetime as dt

ZONE = "Europe/London"  # the portal's time zone (the web app shows times in it too)


def today() -> dt.date:
    """Today's date in the UK."""
    from zoneinfo import ZoneInfo  # here: `portal validate` starts faster without it

    return dt.datetime.now(ZoneInfo(ZONE)).date()
