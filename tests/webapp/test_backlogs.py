"""Backlogs that cost the same per item at any size: after a long SMTP outage the mail
worker claims each message of the backlog by reading a row or two through an index, never
every message still due (which made clearing N messages cost about N² row reads), and each
load balancer's /readyz probe reads the oldest unsent message, not the backlog; the hourly
purge of old webhook deliveries reads those it deletes, not the recent ones. On PostgreSQL,
counted by EXPLAIN ANALYZE of the statements sent (never timed)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, text

from bench.plans import nodes, plan_of, statements_of
from webapp.domain import retention
from webapp.infra.database import make_engine
from webapp.infra.mail import delivery
from webapp.models import AuditEvent, OutboxMessage, School
from webapp.models_api import ApiClient, WebhookDelivery
from webapp.web import health

BACKLOG = 5_000
EMPTY = (
    "truncate outbox_messages, webhook_deliveries, api_clients, audit_events, schools"
    " restart identity cascade"
)


def rows_read(plan: dict, table: str) -> int:
    """Rows of `table` an analysed plan read: kept, and thrown away by a filter, every loop."""
    return sum(
        (n["Actual Rows"] + n.get("Rows Removed by Filter", 0)) * n["Actual Loops"]
        for n in nodes(plan["Plan"])
        if n.get("Relation Name") == table
    )


@pytest.fixture
def engine(postgres_url):
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text(EMPTY))
    yield engine
    with engine.begin() as connection:
        connection.execute(text(EMPTY))
    engine.dispose()


def test_claiming_a_message_of_a_long_backlog_reads_a_row_not_the_backlog(engine):
    now = dt.datetime.now(dt.UTC)
    sent = [
        dict(
            kind="test",
            to_address="a@example.org",
            subject="",
            body="",
            created_at=now - dt.timedelta(days=1),
            next_attempt_at=now - dt.timedelta(days=1),
            attempts=1,
            sent_at=now - dt.timedelta(days=1),
        )
        for _ in range(BACKLOG)
    ]
    # Queued during an outage, each tried and failed at its own time: all due now.
    due = [
        dict(
            kind="test",
            to_address="a@example.org",
            subject=f"Message {n}",
            body="x\n",
            created_at=now - dt.timedelta(hours=2, seconds=n),
            next_attempt_at=now - dt.timedelta(seconds=BACKLOG - n),
            attempts=3,
            sent_at=None,
        )
        for n in range(BACKLOG)
    ]
    with engine.begin() as connection:
        connection.execute(insert(OutboxMessage), sent + due)
        connection.execute(text("analyze outbox_messages"))

    def claim(session):
        assert delivery._claim(session, now) is not None

    with statements_of(engine, claim) as (session, statements):
        [select] = [s for s in statements if s[0].lstrip().upper().startswith("SELECT")]
        read = rows_read(plan_of(session, select, "ANALYZE, TIMING OFF"), "outbox_messages")
        session.rollback()
    assert read == 1  # the row claimed; by id it read all 5,000 still due


def test_readyz_reads_the_oldest_unsent_message_not_the_backlog(engine):
    """An SMTP outage: 5,000 messages wait, each retried (due again at its own time, the
    oldest written not the first due), among 5,000 sent. Every probe of every load balancer
    read all 5,000 waiting to find the oldest; it reads that one, through an index."""
    now = dt.datetime.now(dt.UTC)
    sent = dict(kind="test", to_address="a@example.org", subject="", body="", attempts=1)
    rows = [
        dict(sent, created_at=now - dt.timedelta(days=1), next_attempt_at=now, sent_at=now)
        for _ in range(BACKLOG)
    ]
    oldest = now - dt.timedelta(hours=3)
    rows += [
        dict(
            sent,
            created_at=oldest + dt.timedelta(seconds=n),
            next_attempt_at=now + dt.timedelta(minutes=30) - dt.timedelta(seconds=n),
            sent_at=None,
        )
        for n in range(BACKLOG)
    ]
    with engine.begin() as connection:
        connection.execute(insert(OutboxMessage), rows)
        connection.execute(text("analyze outbox_messages"))

    def probe(session):
        assert health.waiting_since(session.connection()) == oldest

    with statements_of(engine, probe) as (session, [asked]):
        plan = plan_of(session, asked, "ANALYZE, TIMING OFF")
    assert rows_read(plan, "outbox_messages") == 1  # the oldest unsent message
    assert "ix_outbox_waiting" in {node.get("Index Name") for node in nodes(plan["Plan"])}


def test_the_purge_of_webhook_deliveries_reads_the_old_ones_only(engine):
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        client = connection.execute(
            insert(ApiClient).values(name="SEND system").returning(ApiClient.id)
        ).scalar_one()
        ago = [now - dt.timedelta(days=d) for d in (40, 1)]
        rows = [
            dict(
                client_id=client,
                event_id=f"{kind}-{when:%d}-{n}",
                event="case.submitted",
                reference="R",
                body="{}",
                created_at=when,
                next_attempt_at=when,
                retry_until=when,
                attempts=1,
                last_error="",
                **{"delivered_at": None, "failed_at": None, kind: when},
            )
            for when in ago
            for kind in ("delivered_at", "failed_at")
            for n in range(10 if when == ago[0] else BACKLOG)  # 10 old of each, many recent
        ]
        connection.execute(insert(WebhookDelivery), rows)
        connection.execute(text("analyze webhook_deliveries"))

    def purge(session):
        assert retention._purge_webhook_deliveries(session, now, 30) == 20

    with statements_of(engine, purge) as (session, statements):
        batches = [s for s in statements if s[0].lstrip().upper().startswith("SELECT")]
        session.rollback()
        read = [
            rows_read(plan_of(session, batch, "ANALYZE, TIMING OFF"), "webhook_deliveries")
            for batch in batches
        ]
    # Run again now the old ones are gone (as most hourly runs find them): each kind's batch
    # reads none of the 10,000 recent deliveries, through ix_webhook_pending.
    assert len(read) == 4 and all(n == 0 for n in read)


def test_a_purged_drafts_record_is_found_among_its_schools_events_only(engine):
    """A tab comes back to a purged draft: the purge's audit event is read through the index
    of a school's events by action, not by reading every school's (every purged draft in
    the council's history, before the fix: 10,000 here)."""
    with engine.begin() as connection:
        schools = [
            connection.execute(
                insert(School)
                .values(name=f"School {n}", urn=f"{100000 + n}", setting_type="school")
                .returning(School.id)
            ).scalar_one()
            for n in range(50)
        ]
        events = [
            dict(
                action="draft_purged",
                school_id=schools[n % 50],
                detail={"reference": f"R{n}", "untouched_days": 180},
                ip="",
            )
            for n in range(10_000)
        ]
        connection.execute(insert(AuditEvent), events)
        connection.execute(text("analyze audit_events"))

    def find(session):
        assert retention.purged_draft(session, [schools[3]], "R9953") is not None

    with statements_of(engine, find) as (session, [found]):
        read = rows_read(plan_of(session, found, "ANALYZE, TIMING OFF"), "audit_events")
    assert read <= 10_000 // 50  # the school's purged drafts at most
