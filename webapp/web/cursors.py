"""A listing's place as a link can carry it: the sort values of one row (and its id), written
as URL-safe text, for keyset ("next page") paging (issue 12).

A cursor holds only what the row's sort columns hold (a reference, a case type's name, a
date…), never answers. Read back, it is only compared with those columns, inside the
listing's own scope: a cursor altered by hand moves the page, never outside what its reader
may see. Anything that does not read back as the values expected is no cursor at all.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence

LONGEST = 600  # characters: more is no cursor (a few sort values and an id)


def write(values: Sequence) -> str:
    """The values as a cursor, or "" when one of them cannot be written (a float, say). None
    (an empty sort value: a case nobody is assigned) is written as such."""
    written = []
    for value in values:
        if isinstance(value, bool):
            return ""
        if isinstance(value, dt.datetime):
            written.append({"t": value.isoformat()})
        elif value is None or isinstance(value, int | str):
            written.append(value)
        else:
            return ""
    text = json.dumps(written, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read(cursor: str, count: int) -> list | None:
    """The `count` values a cursor holds, or None when it holds anything else."""
    if not cursor or len(cursor) > LONGEST:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(decoded, list) or len(decoded) != count:
        return None
    values = []
    for value in decoded:
        if isinstance(value, dict) and set(value) == {"t"} and isinstance(value["t"], str):
            try:
                value = dt.datetime.fromisoformat(value["t"])
            except ValueError:
                return None
        elif value is not None and not _plain(value):
            return None
        values.append(value)
    return values


def _plain(value) -> bool:
    """A value any database takes as a parameter: a text without NUL that UTF-8 can encode
    (JSON's "\\ud800" decodes to a lone surrogate, which it cannot), a 63-bit integer."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**62
