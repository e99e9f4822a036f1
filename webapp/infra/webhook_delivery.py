"""Delivering webhooks: POST due deliveries, signed, and retry failures with back-off.

    report = deliver_webhooks(session)    # one batch, now (an app context is needed)

The same three steps as the mail outbox (webapp/infra/mail/delivery.py), so several workers
never send one delivery at once and no database lock is held while an endpoint answers:
claim in a short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED; a lease moves
next_attempt_at ahead), POST with no transaction open, record in a second short transaction.

A delivery succeeds on a 2xx answer. Anything else (an error status, a redirect, which is
never followed, a timeout, a refused connection, an address that now resolves somewhere
private) is a failure: tried again after 30 s, 1 min, 2 min … at most an hour later, until
its retry window (24 hours, WEBHOOK_RETRY_HOURS) is over; then it is marked failed, for
council admins to see and replay. The endpoint's host is resolved and checked again before
each POST (an address may change after registration), and the POST goes to the very address
that was checked: the name is not resolved a third time by the connection (DNS rebinding),
while TLS still verifies the certificate against the name. No proxy is used.

Each POST carries, besides the JSON body:
    Portal-Event-Id: the event's id (the same on every retry: receivers drop repeats by it)
    Portal-Timestamp: the Unix time of this attempt
    Portal-Signature: v1=HMAC-SHA256(secret, "<event id>.<timestamp>.<body>"), in hex
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import socket
import ssl
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.domain.webhooks import Endpoint, checked_endpoint, signature
from webapp.infra import clock
from webapp.infra.database import claim_next, update_row_now
from webapp.models_api import ApiClient, WebhookDelivery

log = logging.getLogger(__name__)

LONGEST_RETRY = dt.timedelta(hours=1)
LEASE = dt.timedelta(minutes=2)  # far longer than WEBHOOK_TIMEOUT
BATCH = 50
# How long one pass may spend on webhooks before the worker goes back to mail: an endpoint
# that drops connections must not hold up sign-in codes (valid minutes) for long (review).
BATCH_SECONDS = 10.0
ERROR_LENGTH = 300
NO_WEBHOOK = "The client has been revoked or its webhook removed"
NOT_ITS_CASE_TYPE = "The client no longer reads this case type"


@dataclass
class WebhookReport:
    """What one call of deliver_webhooks() did."""

    delivered: int = 0
    failed: int = 0  # attempts that failed (retried later, or given up)
    given_up: int = 0
    errors: list[str] = field(default_factory=list)
    more: bool = False  # stopped at its time (BATCH_SECONDS): more may be due at once

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed

    def __str__(self) -> str:
        text = f"delivered {self.delivered}, failed {self.failed}, given up {self.given_up}"
        return text + (f" (last error: {self.errors[-1]})" if self.errors else "")


def retry_delay(attempts: int, first: dt.timedelta) -> dt.timedelta:
    """The wait after the `attempts`-th failure: `first`, doubled each time, at most an hour."""
    return min(first * 2 ** min(max(attempts - 1, 0), 20), LONGEST_RETRY)


def deliver_webhooks(
    session: Session, limit: int = BATCH, seconds: float = BATCH_SECONDS
) -> WebhookReport:
    """POST up to `limit` due deliveries, oldest first, starting none after `seconds`; commits
    after each. Never raises for an endpoint's failure: it is recorded on the delivery and
    counted in the report."""
    report = WebhookReport()
    stop_at = time.monotonic() + seconds
    for _ in range(limit):
        if time.monotonic() >= stop_at:
            report.more = True
            return report
        claimed = _claim(session, clock.now())
        if claimed is None:
            break
        delivery_id, event_id, body, url, secret, refused = claimed
        if refused:  # revoked, its webhook removed, or the case type taken from the client
            update_row_now(
                session, WebhookDelivery, delivery_id, last_error=refused, failed_at=clock.now()
            )
            report.failed += 1
            report.given_up += 1
            continue
        try:
            _post(url, event_id, body, secret)
        except Exception as error:  # down, 5xx, refused, timed out, a private address…
            text = _describe(error)
            given_up = _record_failure(session, delivery_id, text, clock.now())
            report.failed += 1
            report.given_up += given_up
            report.errors.append(f"delivery {delivery_id}: {text}")
            log.warning("webhook delivery %s failed: %s", delivery_id, text)
        else:
            update_row_now(
                session, WebhookDelivery, delivery_id, delivered_at=clock.now(), last_error=""
            )
            report.delivered += 1
    return report


def _claim(session: Session, now: dt.datetime):
    """Claim the oldest due delivery: its id, event id, body, the client's url and secret."""
    columns = (WebhookDelivery.id, WebhookDelivery.event_id, WebhookDelivery.body)
    due = (
        WebhookDelivery.delivered_at.is_(None),
        WebhookDelivery.failed_at.is_(None),
        WebhookDelivery.next_attempt_at <= now,
    )

    def target(row):  # the client's address and secret, read in the claim's transaction
        return session.execute(
            select(
                ApiClient.webhook_url,
                ApiClient.webhook_secret,
                ApiClient.revoked_at,
                ApiClient.case_type_ids,
            )
            .join(WebhookDelivery, WebhookDelivery.client_id == ApiClient.id)
            .where(WebhookDelivery.id == row.id)
        ).one()

    order = (WebhookDelivery.next_attempt_at, WebhookDelivery.id)
    claimed = claim_next(session, WebhookDelivery, columns, due, order, now + LEASE, target)
    if claimed is None:
        return None
    row, client = claimed
    url = "" if client.revoked_at is not None else client.webhook_url
    refused = "" if url else NO_WEBHOOK
    case_type = _case_type(row.body)
    if not refused and case_type is not None and case_type not in client.case_type_ids:
        # Queued before a council admin took the case type from the client: the client is
        # no longer told of its cases, as the API no longer shows them.
        refused = NOT_ITS_CASE_TYPE
    return row.id, row.event_id, row.body, url, client.webhook_secret, refused


def _case_type(body: str) -> str | None:
    """The case type an event's body is about."""
    try:
        return json.loads(body)["case"]["case_type"]
    except (ValueError, KeyError, TypeError):
        return None


class EndpointAnswered(Exception):
    """The endpoint answered something other than 2xx (a redirect too: never followed)."""


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the address that was checked, not to whatever the name resolves to now; the
    certificate is still verified against the name (SNI and hostname check), and the Host
    header stays the name."""

    def __init__(self, endpoint: Endpoint, timeout: float):
        self.endpoint, self.tls = endpoint, tls_context()
        super().__init__(endpoint.host, endpoint.port, timeout=timeout, context=self.tls)

    def connect(self) -> None:
        raw = _connect(self.endpoint, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.endpoint.host)
        except BaseException:
            raw.close()
            raise


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain http, only ever to 127.0.0.1 (PORTAL_WEBHOOK_ALLOW_LOOPBACK, for tests)."""

    def __init__(self, endpoint: Endpoint, timeout: float):
        super().__init__(endpoint.host, endpoint.port, timeout=timeout)
        self.endpoint = endpoint

    def connect(self) -> None:
        self.sock = _connect(self.endpoint, self.timeout)


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, hostnames checked (tests trust their own CA here)."""
    return ssl.create_default_context()


def _connect(endpoint: Endpoint, timeout: float) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers, all of them
    within `timeout` together (a name with many dead addresses would else outlast LEASE)."""
    error: OSError | None = None
    deadline = time.monotonic() + timeout
    for address in endpoint.addresses:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no address answered within {timeout:g} s")
        try:
            return socket.create_connection((str(address), endpoint.port), left)
        except OSError as failed:
            error = failed
    raise error or OSError("no address to connect to")


def _post(url: str, event_id: str, body: str, secret: str) -> None:
    """POST the signed body; raises unless the endpoint answers 2xx."""
    endpoint = checked_endpoint(url, current_app.config["PORTAL_WEBHOOK_ALLOW_LOOPBACK"])
    data = body.encode()
    timestamp = int(clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "School-Portal-Webhooks/1",
        "Portal-Event-Id": event_id,
        "Portal-Timestamp": str(timestamp),
        "Portal-Signature": signature(secret, event_id, timestamp, data),
    }
    # checked_endpoint() let only https (or http to 127.0.0.1 in tests) through.
    pinned = _PinnedHTTPSConnection if endpoint.scheme == "https" else _PinnedHTTPConnection
    connection = pinned(endpoint, current_app.config["WEBHOOK_TIMEOUT"])
    try:
        connection.request("POST", endpoint.target, body=data, headers=headers)
        status = connection.getresponse().status
    finally:
        connection.close()
    if not 200 <= status < 300:
        raise EndpointAnswered(f"HTTP {status}")


def _record_failure(session: Session, delivery_id: int, error: str, now: dt.datetime) -> bool:
    """Schedule the next attempt, or give up when the retry window is over; whether given up."""
    attempts, until = session.execute(
        select(WebhookDelivery.attempts, WebhookDelivery.retry_until).where(
            WebhookDelivery.id == delivery_id
        )
    ).one()
    until = clock.aware(until)
    if now >= until:
        update_row_now(session, WebhookDelivery, delivery_id, last_error=error, failed_at=now)
        return True
    first = dt.timedelta(seconds=current_app.config["WEBHOOK_FIRST_RETRY_SECONDS"])
    following = min(now + retry_delay(attempts, first), until)
    update_row_now(
        session, WebhookDelivery, delivery_id, last_error=error, next_attempt_at=following
    )
    return False


def _describe(error: BaseException) -> str:
    """The exception's class and message on one line, cut short (never the secret)."""
    if isinstance(error, EndpointAnswered):
        return str(error)
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:ERROR_LENGTH] if text else type(error).__name__
