"""Webhooks (issue 14): a council system hears of its cases as they move.

An API client may register one endpoint (https only; never a private, loopback or otherwise
non-public address, except 127.0.0.1 when PORTAL_WEBHOOK_ALLOW_LOOPBACK says so, for tests)
and the events it wants:

    case.submitted             a school sent a case
    case.transition            an officer, the system or an API client moved a case
    case.information_returned  the school sent back the more information it was asked for

Each event becomes a WebhookDelivery row written in the SAME transaction as the change (the
outbox pattern of webapp/infra/mail): a rolled-back change sends nothing, a committed one is
delivered by the worker (webapp/infra/webhook_delivery.py) even if the endpoint is down then.
The body carries the reference and links, never child data: the client fetches the case
through the API with its key.

Signing: each client has a signing secret of its own, separate from its hashed API key. It is
kept readable, because signing needs it: whoever reads the database could forge deliveries to
that client, but could not call the API with it (and could read the cases anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.domain import audit
from webapp.domain.errors import Refused
from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.models_api import ApiClient, WebhookDelivery

EVENTS = {
    "case.submitted": "Case submitted",
    "case.transition": "Transition taken",
    "case.information_returned": "More information returned by the school",
}
SIGNATURE_VERSION = "v1"


# ---- registering ----


def set_webhook(
    session: Session,
    client: ApiClient,
    url: str,
    events: Iterable[str],
    allow_loopback: bool,
    actor=None,
) -> str:
    """Register (or change) the client's endpoint and events; its signing secret when this
    made it (the first registration: shown once), else "" (it is kept, never shown again).
    Refused for an unknown event or an address the portal must not call."""
    events = list(dict.fromkeys(events))
    unknown = [e for e in events if e not in EVENTS]
    if not events or unknown:
        raise Refused(f"unknown event: {', '.join(unknown)}" if unknown else "choose an event")
    url = check_url(url, allow_loopback)
    with transaction(session):
        client.webhook_url, client.webhook_events = url, events
        made = "" if client.webhook_secret else new_secret()
        if made:
            client.webhook_secret = made
        audit.record(
            session, "webhook_set", actor=actor, client=client.name, url=url, events=events
        )
    return made


def remove_webhook(session: Session, client: ApiClient, actor=None) -> None:
    """No more deliveries to this client: those waiting fail as they come due (the client has
    no address then), unless a new webhook is saved first, which they then go to."""
    with transaction(session):
        client.webhook_url, client.webhook_events = "", []
        audit.record(session, "webhook_removed", actor=actor, client=client.name)


def rotate_secret(session: Session, client: ApiClient, actor=None) -> str:
    """A new signing secret (shown once); every delivery from now on is signed with it,
    retries of events already waiting too. Refused for a revoked client, or one that has
    never had a webhook."""
    if client.revoked_at is not None:
        raise Refused(f"{client.name} has been revoked")
    if not client.webhook_secret:
        raise Refused(f"{client.name} has no webhook yet: save its webhook first")
    with transaction(session):
        client.webhook_secret = new_secret()
        audit.record(session, "webhook_secret_rotated", actor=actor, client=client.name)
    return client.webhook_secret


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Endpoint:
    """A webhook address as checked: its parts, and the addresses its host stood for then.
    Delivery connects to one of those very addresses, never resolving the name again (a
    name that answers a public address to the check and a private one to the connection
    would otherwise get through: DNS rebinding)."""

    url: str
    scheme: str
    host: str
    port: int
    target: str  # the path and query to request
    addresses: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]


def check_url(url: str, allow_loopback: bool) -> str:
    """The URL, if the portal may call it (see checked_endpoint)."""
    return checked_endpoint(url, allow_loopback).url


def checked_endpoint(url: str, allow_loopback: bool) -> Endpoint:
    """The endpoint, if the portal may call it: https, a host, no user or password, and every
    address the host resolves to public (or 127.0.0.1 over http or https, when allowed)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused("the webhook address must start with https://")
    if parts.username or parts.password:
        raise Refused("the webhook address must not hold a user name or password")
    if len(url) > 500:
        raise Refused("the webhook address must be 500 characters or fewer")
    if parts.scheme == "http" and not allow_loopback:
        raise Refused("the webhook address must start with https://")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("the webhook address has a port that is not one") from None
    addresses = resolve(parts.hostname, port)
    loopback = allow_loopback and all(a == ipaddress.ip_address("127.0.0.1") for a in addresses)
    if parts.scheme == "http" and not loopback:
        raise Refused("the webhook address must start with https://")
    if not loopback and not all(is_public(a) for a in addresses):
        raise Refused("the webhook address must be a public address, not a private or local one")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Endpoint(url, parts.scheme, parts.hostname, port, target, tuple(addresses))


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the well-known prefix: an IPv4 address inside
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # a network's own translation prefix
# IPv4-compatible (::a.b.c.d, deprecated) and IPv4-translated (::ffff:0:a.b.c.d, SIIT): never
# a webhook's, and a stack that still maps them reaches the IPv4 address inside.
_CARRIERS = (ipaddress.ip_network("::/96"), ipaddress.ip_network("::ffff:0:0:0/96"))


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Public, and so is any IPv4 address it carries: Python counts NAT64 (64:ff9b::7f00:1)
    and 6to4 (2002:7f00:1::) as global, though a translator takes them to 127.0.0.1."""
    if not address.is_global:
        return False
    if address.version == 4:
        return True
    if address in _NAT64_LOCAL or any(address in carrier for carrier in _CARRIERS):
        return False
    carried = [address.ipv4_mapped, address.sixtofour, (address.teredo or (None, None))[1]]
    if address in _NAT64:
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return all(inner.is_global for inner in carried if inner is not None)


def resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Every address `host` stands for; refused when it does not resolve."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused(f"the webhook host {host!r} cannot be found") from None
    if not found:
        raise Refused(f"the webhook host {host!r} cannot be found")
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in found))


# ---- events ----


def case_submitted(session: Session, case) -> None:
    """Queue case.submitted for the clients that want it (the caller's transaction)."""
    _queue(session, case, "case.submitted", {})


def transition_taken(session: Session, case, action: str, by: str, source: str | None) -> None:
    """Queue case.transition, or case.information_returned when the school took it."""
    event = "case.information_returned" if by == "school" else "case.transition"
    _queue(session, case, event, {"action": action, "from": source, "to": case.activity})


def _queue(session: Session, case, event: str, extra: dict) -> None:
    clients = session.scalars(
        select(ApiClient).where(ApiClient.revoked_at.is_(None), ApiClient.webhook_url != "")
    ).all()
    for client in clients:
        if event in client.webhook_events and case.case_type_id in client.case_type_ids:
            session.add(_delivery(client, case, event, extra))


def _delivery(client: ApiClient, case, event: str, extra: dict) -> WebhookDelivery:
    now = clock.now()
    event_id = str(uuid.uuid4())
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    body = {
        "id": event_id,
        "type": event,
        "created_at": clock.utc_text(now),  # as the API's times
        "case": {
            "reference": case.reference,
            "case_type": case.case_type_id,
            "activity": case.activity,
            "status": case.status,
            "links": {
                "api": f"{base}/api/v1/cases/{case.reference}",
                "caseviewer": f"{base}/caseviewer/cases/{case.reference}",
            },
        },
        **({"transition": extra} if extra else {}),
    }
    return WebhookDelivery(
        client_id=client.id,
        event_id=event_id,
        event=event,
        reference=case.reference,
        body=json.dumps(body, separators=(",", ":")),
        created_at=now,
        next_attempt_at=now,
        retry_until=now + retry_window(),
    )


def retry_window() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["WEBHOOK_RETRY_HOURS"])


# ---- signing ----


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the HMAC-SHA256, in hex, of "<event id>.<timestamp>.<body>"."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


# ---- what council admins see and do ----


def failed_deliveries(session: Session, limit: int = 50) -> list[WebhookDelivery]:
    """Deliveries given up on, newest first."""
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.failed_at.is_not(None), WebhookDelivery.delivered_at.is_(None))
            .order_by(WebhookDelivery.failed_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def replay(session: Session, delivery_id: int, actor) -> WebhookDelivery:
    """Try a failed delivery again, from now, for another retry window (same event id, so
    a receiver that had it after all can tell)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.failed_at is None or delivery.delivered_at is not None:
        raise Refused("there is no failed delivery to replay")
    with transaction(session):
        now = clock.now()
        delivery.failed_at, delivery.attempts, delivery.last_error = None, 0, ""
        delivery.next_attempt_at, delivery.retry_until = now, now + retry_window()
        audit.record(
            session,
            "webhook_replayed",
            actor=actor,
            client=delivery.client.name,
            event_id=delivery.event_id,
        )
    return delivery
