"""Case references such as EDU-SENED-PTT1033: one counter per prefix, shared by its case types.

The counter row is bumped in the caller's transaction (UPDATE ... RETURNING locks the row on
PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers), so numbers are never given twice;
the UNIQUE constraint on cases.reference is the last guard.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.models import ReferenceCounter

FIRST_NUMBER = 1001


def allocate_reference(session: Session, prefix: str, code: str) -> str:
    """The next reference for a case type: prefix, code and the prefix's next number."""
    number = session.scalar(
        update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    )
    if number is None:
        number = _first_number(session, prefix)
    return f"{prefix}-{code}{number}"


def _first_number(session: Session, prefix: str) -> int:
    """Start the counter of a new prefix (another transaction may be starting it too)."""
    try:
        with session.begin_nested():
            session.execute(
                insert(ReferenceCounter).values(prefix=prefix, last_number=FIRST_NUMBER)
            )
        return FIRST_NUMBER
    except IntegrityError:
        return session.scalar(
            update(ReferenceCounter)
            .where(ReferenceCounter.prefix == prefix)
            .values(last_number=ReferenceCounter.last_number + 1)
            .returning(ReferenceCounter.last_number)
        )


def current_number(session: Session, prefix: str) -> int | None:
    return session.scalar(
        select(ReferenceCounter.last_number).where(ReferenceCounter.prefix == prefix)
    )
