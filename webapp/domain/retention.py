"""Keeping personal data no longer than needed (UK GDPR Art 5(1)(e)); SECURITY-CHECKLIST 25.

purge() deletes used and expired sign-in codes and reset links, authenticator attempts over
a day old, case pages kept for a user signed out before sending them (cases/parking.py) after
a day, the failures of addresses quiet for 30 days (webapp/domain/throttle.py), browsers
trusted with an account that have not signed in for a year (trusted_devices.py), the record of
sent mail (to, kind and when: its text is gone once sent) after 90 days, sign-in codes that were
never delivered in time, the API's Idempotency-Keys (each with the answer it got) after
PORTAL_API_IDEMPOTENCY_DAYS (default 7), webhook deliveries delivered or given up on more than
PORTAL_WEBHOOK_KEEP_DAYS (default 30) ago (never one still to be tried), and drafts left
untouched for PORTAL_DRAFT_RETENTION_DAYS (default 180), abandoned or not. The mail worker
runs it every hour; `portal purge` runs it once.
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
    AuditEvent,
    AuthenticatorAttempt,
    Case,
    CaseEvent,
    LoginCode,
    OutboxMessage,
    ParkedPage,
    PasswordReset,
    School,
)
from webapp.models_api import ApiIdempotencyKey, WebhookDelivery

KEEP_SENT_MAIL = dt.timedelta(days=90)  # a record for support: "was my code sent?"
KEEP_USED_SECRETS = dt.timedelta(days=1)
KEEP_PARKED_PAGES = dt.timedelta(days=1)  # a page sent after signing out (cases/parking.py)


def purge(
    session: Session,
    draft_days: int = 180,
    now: dt.datetime | None = None,
    idempotency_days: int = 7,
    webhook_days: int = 30,
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
    counts["webhook deliveries"] = _purge_webhook_deliveries(session, now, webhook_days)
    counts["old drafts"] = _purge_old_drafts(session, now, draft_days)
    session.commit()
    return counts


# Webhook deliveries deleted at a time, each batch committed (a first purge may find years).
WEBHOOK_BATCH = 1000


def _purge_webhook_deliveries(session: Session, now: dt.datetime, days: int) -> int:
    """Deliveries delivered, or given up on (failed_at: no longer tried, shown to council
    admins to replay), more than `days` ago; how many. A delivery still to be tried has
    neither, and stays. Each kind is found oldest first through ix_webhook_pending
    (delivered_at, failed_at, …), WEBHOOK_BATCH at a time, each batch committed; deleted only
    if still so (a replay since the batch was read keeps it)."""
    before = now - dt.timedelta(days=days)
    delivered = (WebhookDelivery.delivered_at < before,)
    given_up = (WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at < before)
    deleted = 0
    for done, oldest in (
        (delivered, WebhookDelivery.delivered_at),
        (given_up, WebhookDelivery.failed_at),
    ):
        batch = select(WebhookDelivery.id).where(*done).order_by(oldest).limit(WEBHOOK_BATCH)
        while ids := list(session.scalars(batch)):
            deleted += session.execute(
                delete(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids), *done)
                .execution_options(synchronize_session=False)
            ).rowcount
            session.commit()
    return deleted


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


def purged_draft(session: Session, school_ids, reference: str) -> AuditEvent | None:
    """The record of the purge that deleted this draft of one of `school_ids`, if it was
    purged: a school user who still had it open is told why it has gone. Read through the
    audit's index by school and action (a school's purged drafts, never every school's)."""
    if not school_ids:
        return None
    return session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.school_id.in_(list(school_ids)),
            AuditEvent.action == "draft_purged",
            AuditEvent.detail["reference"].as_string() == reference,
        )
        .limit(1)  # a reference is never given twice; no ORDER BY (it read every event by id)
    )
