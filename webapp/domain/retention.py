"""Keeping personal data no longer than needed (UK GDPR Art 5(1)(e)); SECURITY-CHECKLIST 25.

purge() deletes used and expired sign-in codes and reset links, authenticator attempts over
a day old, case pages kept for a user signed out before sending them (cases/parking.py) after
a day, the failures of addresses quiet for 30 days (webapp/domain/throttle.py), browsers
trusted with an account that have not signed in for a year (trusted_devices.py), the record of
sent mail (to, kind and when: its text is gone once sent) after 90 days, sign-in codes that were
never delivered in time, the API's Idempotency-Keys (each with the answer it got) after
PORTAL_API_IDEMPOTENCY_DAYS (default 7), and drafts left untouched for
PORTAL_DRAFT_RETENTION_DAYS (default 180), abandoned or not. The mail worker runs it every
hour; `portal purge` runs it once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from webapp.areas.auth.codes import CODE_LIFETIME
from webapp.domain import audit, throttle, trusted_devices
from webapp.infra import clock
from webapp.models import (
    Attachment,
    AuthenticatorAttempt,
    Case,
    CaseEvent,
    LoginCode,
    OutboxMessage,
    ParkedPage,
    PasswordReset,
    School,
)
from webapp.models_api import ApiIdempotencyKey

KEEP_SENT_MAIL = dt.timedelta(days=90)  # a record for support: "was my code sent?"
KEEP_USED_SECRETS = dt.timedelta(days=1)
KEEP_PARKED_PAGES = dt.timedelta(days=1)  # a page sent after signing out (cases/parking.py)


def purge(
    session: Session,
    draft_days: int = 180,
    now: dt.datetime | None = None,
    idempotency_days: int = 7,
) -> dict:
    """Delete what is past keeping; how many of each were deleted. Commits."""
    now = now or clock.now()
    old_secret = now - KEEP_USED_SECRETS
    counts = {
        "sign-in codes": session.execute(
            delete(LoginCode).where(
                or_(LoginCode.expires_at < old_secret, LoginCode.used_at < old_secret)
            )
        ).rowcount,
        "reset links": session.execute(
            delete(PasswordReset).where(
                or_(PasswordReset.expires_at < old_secret, PasswordReset.used_at < old_secret)
            )
        ).rowcount,
        "authenticator attempts": session.execute(
            delete(AuthenticatorAttempt).where(AuthenticatorAttempt.created_at < old_secret)
        ).rowcount,
        "quiet sign-in failures": throttle.purge(session, now),
        "trusted browsers past a year": trusted_devices.purge(session, now),
        "sent mail": session.execute(
            delete(OutboxMessage).where(OutboxMessage.sent_at < now - KEEP_SENT_MAIL)
        ).rowcount,
        "late sign-in codes": session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.kind == "sign_in_code",
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.created_at < now - CODE_LIFETIME,
            )
        ).rowcount,
        "pages kept after signing out": session.execute(
            delete(ParkedPage).where(ParkedPage.created_at < now - KEEP_PARKED_PAGES)
        ).rowcount,
        "API idempotency keys": session.execute(
            delete(ApiIdempotencyKey).where(
                ApiIdempotencyKey.created_at < now - dt.timedelta(days=idempotency_days)
            )
        ).rowcount,
    }
    counts["old drafts"] = _purge_old_drafts(session, now, draft_days)
    session.commit()
    return counts


# Drafts purged at a time, each batch committed: the first purge of a council with years of
# drafts (225,000 stale at 1M cases) loaded every one of them, answers and all, at once (150 MB
# for 12,500: gigabytes in the mail worker, which never got past it).
DRAFT_BATCH = 500


def _purge_old_drafts(session: Session, now: dt.datetime, draft_days: int) -> int:
    """Drafts (abandoned or not) untouched for `draft_days`, with what hangs off them; how
    many. Oldest first, DRAFT_BATCH at a time, each batch committed; found through an index
    of the drafts by when they were last touched (webapp/list_indexes.py), which holds no
    sent case: the hourly run reads the few that have just gone past, not every case."""
    untouched = (
        Case.submitted_at.is_(None),
        Case.status.in_(("Draft", "Abandoned")),
        Case.updated_at < now - dt.timedelta(days=draft_days),
    )
    stale = select(Case.id).where(*untouched).order_by(Case.updated_at, Case.id).limit(DRAFT_BATCH)
    purged = 0
    while ids := list(session.scalars(stale)):
        # Still untouched as it goes: a school's save of one of them since the batch was read
        # (PostgreSQL does not make it wait) keeps it. Deleted by id alone, the school saw the
        # draft saved, then lost it and its files. The case first, then what hangs off it
        # (not every SQLite connection enforces ON DELETE CASCADE): a kept draft keeps all.
        gone = session.execute(
            delete(Case)
            .where(Case.id.in_(ids), *untouched)
            .returning(Case.id, Case.reference, Case.school_id)
            .execution_options(synchronize_session=False)
        ).all()
        for case in gone:
            audit.record(
                session,
                "draft_purged",
                school=session.get(School, case.school_id),
                reference=case.reference,
                untouched_days=draft_days,
            )
        ids = [case.id for case in gone]
        session.execute(delete(CaseEvent).where(CaseEvent.case_id.in_(ids)))
        session.execute(delete(Attachment).where(Attachment.case_id.in_(ids)))
        session.execute(delete(ParkedPage).where(ParkedPage.case_id.in_(ids)))
        session.commit()
        purged += len(gone)
    return purged
