"""Listing a client's cases for polling: ordered by (sent_updated_at, id) — the API's
`updated_at`, when what the council has of the case last changed — read through an opaque
cursor that holds the last row's pair.

The guarantee (docs/integration.md): a client that follows `next` from its last cursor sees
every change to every case it may read exactly once, in the order of the change's time: a
case changed again appears again, with its state as it is then. Concurrent writers are why
rows changed in the last PORTAL_API_SETTLE_SECONDS are held back: a transaction stamps
`sent_updated_at` before it commits, so a case stamped earlier could otherwise become visible
after a poller had already moved past its time. Held back for the settle window, such a
change is still ahead of every cursor when it appears, provided a transaction commits within
that window of stamping it (the portal's take milliseconds) and instances' clocks agree
within it too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from webapp.areas.api.problems import Problem
from webapp.domain import workflow
from webapp.infra import clock
from webapp.models import Case, School
from webapp.web import cursors
from webapp.web.partitions import Partition, Reader

STATUSES = ("Active", "Completed", "Abandoned")
LONGEST_PAGE = 200


@dataclass(frozen=True)
class CaseFilter:
    """What a client asked for: every filter is optional."""

    case_type: str | None = None
    activity: str | None = None
    status: str | None = None
    changed_since: dt.datetime | None = None
    cursor: str | None = None
    limit: int = 50


def parse_filter(args) -> CaseFilter:
    """The filter from the query string; a problem (400) for anything that is not one."""
    unknown = set(args) - {"case_type", "activity", "status", "changed_since", "cursor", "limit"}
    if unknown:
        raise Problem(400, f"Unknown parameter: {sorted(unknown)[0]}")
    # `status=Active&status=Completed` read as Active alone would list half of what was meant
    # without a word: each parameter is one value (one status, one case type…) or a 400.
    repeated = sorted(name for name in set(args) if len(args.getlist(name)) > 1)
    if repeated:
        raise Problem(400, f"{repeated[0]} is given more than once: send each parameter once")
    status = args.get("status")  # given empty, a status or date is a 400 too, as documented
    if status is not None and status not in STATUSES:
        raise Problem(400, f"status must be one of {', '.join(STATUSES)}")
    return CaseFilter(
        # Checked against the client's own: given empty (`case_type=$TYPE`, TYPE unset), a 400
        # like an empty status, not every case type.
        case_type=args.get("case_type"),
        activity=args.get("activity"),
        status=status,
        changed_since=_moment(args.get("changed_since")),
        cursor=args.get("cursor") or None,
        limit=_limit(args.get("limit")),
    )


def _moment(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    # A `+` written unencoded in a query string arrives as a space (`…T09:00:00 01:00`), and
    # that is how most clients first write an offset east of UTC: read it as the `+` it was.
    head, tail = text[:-6], text[-6:]
    if ":" in head and tail[0] == " " and tail[1:3].isdigit() and tail[3] == ":":
        text = f"{head}+{tail[1:]}"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Problem(400, "changed_since must be an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise Problem(400, "changed_since needs its offset from UTC, e.g. 2026-11-30T09:00:00Z")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first UTC moment there is
        raise Problem(400, "changed_since is outside the dates the portal keeps") from None


def _limit(text: str | None) -> int:
    if text is None:
        return 50
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= LONGEST_PAGE:
        raise Problem(400, f"limit must be a whole number from 1 to {LONGEST_PAGE}")
    return int(text)


def list_cases(
    session: Session, client, wanted: CaseFilter, settle: float
) -> tuple[list, str, bool]:
    """A page of the client's sent cases, and the cursor after its last row (the one given
    when the page is empty, so that a poller keeps its place)."""
    allowed = set(client.case_type_ids)
    if wanted.case_type is not None:
        # A case type the client was not given (or a typo) would list nothing, forever and
        # without a word: say so, naming only the client's own (a 400 whether it exists or not).
        if wanted.case_type not in allowed:
            raise Problem(
                400, f"case_type must be one of this client's: {', '.join(sorted(allowed))}"
            )
        allowed = {wanted.case_type}
    if wanted.activity is not None:
        # Likewise an activity no workflow of these case types has (a typo, a label sent for
        # an id): a 400 naming the ones there are, where it listed nothing.
        known = workflow.activity_ids(session, allowed, wanted.activity)
        if wanted.activity not in known:
            whose = (
                f"case type {wanted.case_type}" if wanted.case_type else "this client's case types"
            )
            named = ", ".join(sorted(known))
            raise Problem(400, f"activity must be an activity id of {whose}: {named}")
    horizon = clock.now() - dt.timedelta(seconds=settle)
    query = select(Case).where(Case.submitted_at.is_not(None), Case.sent_updated_at <= horizon)
    if wanted.status:
        query = query.where(Case.status == wanted.status)
    if wanted.activity:
        query = query.where(Case.activity == wanted.activity)
    if wanted.changed_since:
        query = query.where(Case.sent_updated_at >= wanted.changed_since)
    if wanted.cursor:
        moment, after_id = _after(wanted.cursor)
        # A row value, so that the index (case type, sent_updated_at, id) reads from the
        # cursor on (an OR of the two columns made PostgreSQL read the index from its start).
        query = query.where(tuple_(Case.sent_updated_at, Case.id) > tuple_(moment, after_id))
    # A query per case type, merged (web/partitions.py): each reads its own run of the index
    # from the cursor on, where one index of every type's cases in this order had a client of
    # a rare case type step over all the others' cases to fill a page.
    reader = Reader(session, query, [], Partition(Case.case_type_id, allowed))
    found, more = (
        reader.rows([Case.sent_updated_at, Case.id], wanted.limit) if allowed else ([], False)
    )
    rows = [row[0] for row in found]
    _load_schools(session, rows)
    if not rows:
        return rows, wanted.cursor or "", more
    last = rows[-1]
    return rows, cursors.write([clock.aware(last.sent_updated_at), last.id]), more


def _after(cursor: str) -> tuple[dt.datetime, int]:
    """The (sent_updated_at, id) a cursor holds; a problem (400) for one this API did not give."""
    after = cursors.read(cursor, 2)
    if after is None or not isinstance(after[0], dt.datetime) or not isinstance(after[1], int):
        raise Problem(400, "cursor is not one this API gave")
    try:
        return clock.aware(after[0]).astimezone(dt.UTC), after[1]
    except OverflowError:
        raise Problem(400, "cursor is not one this API gave") from None


def _load_schools(session: Session, cases: list[Case]) -> None:
    """The page's schools in one query (then `case.school` comes from the session)."""
    schools = {case.school_id for case in cases}
    if schools:
        session.scalars(select(School).where(School.id.in_(schools))).all()
