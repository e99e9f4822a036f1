"""Delivering the outbox: send due messages with Flask-Mail, retry failures with back-off.

    report = deliver_due(session, mail)    # one batch, now (an app context is needed)

The loop that calls it every few seconds (and scans uploads, and purges) is webapp/worker.py.

Each message is claimed, sent and recorded on its own, so several workers (processes or
threads, on one database) never send one message twice, and a crash loses or repeats at most
the message in hand:

1. claim, in a short transaction: the unsent row due longest (PostgreSQL: SELECT … FOR UPDATE
   SKIP LOCKED, so other workers pass over it; SQLite: the transaction's BEGIN IMMEDIATE
   serialises claims). The claim counts the attempt and moves next_attempt_at a lease ahead,
   so no other worker picks the row while it is being sent; a conditional UPDATE guards the
   claim once more. Commit.
2. send over SMTP, with no transaction open: a slow mail server never holds a database lock
   (on SQLite that lock would stop every web request that writes).
3. record, in a second short transaction: sent_at on success; on failure the error (class and
   message, never settings or passwords) and the next attempt, 30 s (PORTAL_MAIL_RETRY_SECONDS),
   1 min, 2 min … at most 30 minutes later. Commit.

A worker that dies between 1 and 3 leaves the row claimed; it is tried again when the lease
runs out (the mail may then arrive twice: SMTP cannot be part of our transaction). A database
that is away at 3 (a restart) is waited for, about a minute, rather than risking that.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass, field

from flask import current_app
from flask_mail import Connection, Mail, Message
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from webapp.infra import clock
from webapp.infra.database import claim_next, update_row_now
from webapp.models import OutboxMessage

log = logging.getLogger(__name__)

FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(minutes=30)
# How long a claimed message is left to its worker before another may try it. Longer than a
# send can take (each SMTP step times out after MAIL_TIMEOUT seconds, webapp/infra/config.py).
LEASE = dt.timedelta(minutes=5)
ERROR_LENGTH = 500
BATCH = 50
# Seconds between tries at recording a message the SMTP server took, while the database is away
# (a restart): about a minute in all, well inside the lease.
RECORD_WAITS = (0.5, 1, 2, 4, 8, 15, 30)


@dataclass
class DeliveryReport:
    """What one call of deliver_due() did."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)  # "to <id>: <error>", one per failure

    @property
    def attempted(self) -> int:
        return self.sent + self.failed

    def __str__(self) -> str:
        text = f"sent {self.sent}, failed {self.failed}"
        if self.errors:
            text += f" (last error: {self.errors[-1]})"
        return text


def retry_delay(attempts: int, first: dt.timedelta = FIRST_RETRY) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 30 s (`first`), 1 min, 2 min, 4 min … at most
    30 min."""
    if attempts >= 32:  # far past the cap for any first wait; avoid huge powers
        return LONGEST_RETRY
    return min(first * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def deliver_due(
    session: Session, mail: Mail, now: dt.datetime | None = None, limit: int = BATCH
) -> DeliveryReport:
    """Send up to `limit` due, unsent outbox messages, due longest first; commits after each.

    `mail` is the Flask-Mail extension (webapp.infra.extensions.mail); the settings used are
    those of the current app (MAIL_SERVER, MAIL_PORT, …), so an app context must be pushed.
    `now` fixes the clock (tests); by default it is the time of each step. Delivery failures
    never raise: they are recorded on the message and counted in the report. The session should
    have no pending changes of its own (they would be committed with the first claim).
    """
    report = DeliveryReport()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    fixed = _utc(now) if now is not None else None

    def moment() -> dt.datetime:
        return fixed or clock.now()  # webapp.infra.clock: tests move it

    for _ in range(limit):
        claimed = _claim(session, moment())
        if claimed is None:
            break
        message_id, to, subject, body = claimed
        try:
            _send(mail, Message(subject, recipients=[to], body=body, sender=sender))
        except Exception as error:  # SMTP down, refused, timed out, bad address…
            text = _describe(error)
            _record_failure(session, message_id, text, moment())
            report.failed += 1
            report.errors.append(f"message {message_id}: {text}")
            log.warning("outbox message %s not delivered: %s", message_id, text)
        else:
            _record_sent(session, message_id, moment())
            report.sent += 1
    return report


def _utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC time (SQLite keeps times without a zone: all of them must be UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _claim(session: Session, now: dt.datetime) -> tuple[int, str, str, str] | None:
    """Claim the message due longest for this worker; its id, address, subject and body."""
    columns = (
        OutboxMessage.id,
        OutboxMessage.to_address,
        OutboxMessage.subject,
        OutboxMessage.body,
    )
    due = (OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
    # In the order of ix_outbox_pending (sent_at, next_attempt_at): the first due row is read
    # and no other. By id, PostgreSQL read every message still due to find the oldest, for
    # each message claimed: a backlog of N after an SMTP outage cost about N² row reads.
    order = (OutboxMessage.next_attempt_at, OutboxMessage.id)
    claimed = claim_next(session, OutboxMessage, columns, due, order, now + LEASE)
    if claimed is None:
        return None
    row, _nothing = claimed
    return row.id, row.to_address, row.subject, row.body


def _record_failure(session: Session, message_id: int, error: str, now: dt.datetime) -> None:
    attempts = (
        session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id)) or 1
    )
    first = dt.timedelta(seconds=current_app.config.get("MAIL_FIRST_RETRY_SECONDS", 30.0))
    wait = retry_delay(attempts, first)
    update_row_now(session, OutboxMessage, message_id, last_error=error, next_attempt_at=now + wait)


def _record_sent(session: Session, message_id: int, now: dt.datetime) -> None:
    """Keep what the audit needs (to, kind, when, attempts), never the text, which may hold a
    sign-in code, a generated password or a reset link. The message has gone: if the database
    is away for a moment, keep trying, or the row would be sent again when its lease ran out."""
    for wait in (*RECORD_WAITS, None):
        try:
            update_row_now(session, OutboxMessage, message_id, sent_at=now, subject="", body="")
            return
        except OperationalError as error:
            if wait is None:
                raise
            log.warning("outbox message %s sent, not yet recorded: %s", message_id, error)
            time.sleep(wait)


class _Connection(Connection):
    """Flask-Mail's connection with a timeout on every SMTP step, and no socket left open when
    STARTTLS or the login fails (Flask-Mail 0.10 sets no timeout: a server that accepts the
    connection and then stalls would hang the worker for ever)."""

    def configure_host(self) -> smtplib.SMTP:
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=current_app.config["MAIL_TIMEOUT"])
        try:
            host.set_debuglevel(int(state.debug))
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except BaseException:
            host.close()
            raise
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is None:
            return
        try:
            self.host.quit()
        except (smtplib.SMTPException, OSError):
            if exc_type is None:  # the message went; a failed goodbye changes nothing
                log.info("SMTP QUIT failed after a successful send", exc_info=True)
        finally:
            self.host.close()


def _send(mail: Mail, message: Message) -> None:
    # mail.connect() picks the current app's Flask-Mail settings (the extension object is shared
    # by every app in the process); the Connection it makes has not touched the network yet.
    with _Connection(mail.connect().mail) as connection:
        connection.send(message)


def _describe(error: BaseException) -> str:
    """The exception's class and message, on one line, cut short."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:ERROR_LENGTH] if text else type(error).__name__
