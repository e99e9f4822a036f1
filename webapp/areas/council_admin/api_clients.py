"""API clients and their webhooks, for council admins (issue 14), free of HTTP.

Each function takes the acting user first: a council admin (anyone else gets NotFound,
answered 404), and does its work through webapp/domain/api_clients.py and webhooks.py, which
own the transactions and the audit rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from webapp.areas.council_admin.scope import found, require_council_admin
from webapp.domain import api_clients, webhooks
from webapp.domain.errors import Refused
from webapp.models import User
from webapp.models_api import ApiClient, WebhookDelivery


def list_clients(session: Session, actor: User | None) -> list[ApiClient]:
    """Every API client, by name, with its keys."""
    require_council_admin(actor)
    return list(
        session.scalars(
            select(ApiClient)
            .options(selectinload(ApiClient.keys))
            .order_by(func.lower(ApiClient.name))
        )
    )


def client_for(session: Session, actor: User | None, client_id: int) -> ApiClient:
    return found(session, actor, ApiClient, client_id)


def council_actions(catalogue) -> list[str]:
    """The actions an API client may be given: every officer's transition. The system's are
    open to every client already (api/cases.py, client_transitions), so a box for one would
    change nothing whether ticked or not."""
    return sorted(
        {
            t.action
            for case_type in catalogue.case_types.values()
            for t in case_type.workflow.transitions
            if t.by == "officer"
        }
    )


def add_client(
    session: Session,
    actor: User | None,
    catalogue,
    *,
    name: str,
    case_type_ids: Iterable[str],
    actions: Iterable[str],
    networks: str,
) -> tuple[ApiClient, str]:
    """A new client and its first key, whole (shown once)."""
    require_council_admin(actor)
    name = " ".join((name or "").split())
    if not name:
        raise Refused("Enter the client's name", "name")
    case_type_ids, actions = list(case_type_ids), list(actions)
    if not case_type_ids:
        raise Refused("Select the case types it may use", "case_types")
    allowed = [n for n in (networks or "").replace(",", " ").split() if n]
    try:
        return api_clients.create_client(
            session, catalogue, name, case_type_ids, actions, allowed, actor
        )
    except Refused as refused:
        raise _in_words(refused, catalogue, case_type_ids, actions, allowed, "name") from None


def change_client(
    session: Session,
    actor: User | None,
    catalogue,
    client_id: int,
    *,
    case_type_ids: Iterable[str],
    actions: Iterable[str],
    networks: str,
) -> ApiClient:
    """Change the case types, actions and networks of a live client (not its name or keys)."""
    client = client_for(session, actor, client_id)
    if client.revoked_at is not None:
        raise Refused(f"{client.name} has been revoked")
    case_type_ids, actions = list(case_type_ids), list(actions)
    if not case_type_ids:
        raise Refused("Select the case types it may use", "case_types")
    allowed = [n for n in (networks or "").replace(",", " ").split() if n]
    try:
        api_clients.change_client(
            session, catalogue, client, case_type_ids, actions, allowed, actor
        )
    except Refused as refused:
        raise _in_words(refused, catalogue, case_type_ids, actions, allowed, "actions") from None
    return client


def _in_words(refused: Refused, catalogue, case_type_ids, actions, networks, otherwise: str):
    """The domain's refusal in the page's words, on the question it is about (`otherwise` when
    it names none)."""
    if refused.field == "actions":
        strange = " or ".join(
            f"‘{a}’" for a in api_clients.actions_not_offered(catalogue, case_type_ids, actions)
        )
        names = [catalogue.get(c).name for c in dict.fromkeys(case_type_ids)]
        which = f"{names[0]} has no" if len(names) == 1 else "none of them has"
        return Refused(
            f"Select only actions of the case types chosen: {which} {strange}", "actions"
        )
    if refused.field == "networks":
        bad = [f"‘{n}’" for n in api_clients.not_networks(networks)]
        return Refused(
            "Enter each network as an address or an address and its size, like 192.0.2.0/24: "
            + (f"{bad[0]} is neither" if len(bad) == 1 else f"{', '.join(bad)} are neither"),
            "networks",
        )
    return Refused(_sentence(str(refused)), refused.field or otherwise)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def rotate_key(session: Session, actor: User | None, client_id: int) -> tuple[ApiClient, str]:
    """A second live key (the whole key, shown once)."""
    client = client_for(session, actor, client_id)
    try:
        return client, api_clients.rotate_key(session, client, actor)
    except Refused as refused:
        raise Refused(_sentence(str(refused))) from None


def revoke_key(session: Session, actor: User | None, client_id: int, key_id: str) -> ApiClient:
    client = client_for(session, actor, client_id)
    api_clients.revoke_key(session, client, key_id, actor)
    return client


def revoke_client(session: Session, actor: User | None, client_id: int) -> ApiClient:
    client = client_for(session, actor, client_id)
    if client.revoked_at is None:
        api_clients.revoke_client(session, client, actor)
    return client


def set_webhook(
    session: Session,
    actor: User | None,
    client_id: int,
    *,
    url: str,
    events: Iterable[str],
    allow_loopback: bool,
) -> tuple[ApiClient, str]:
    """Register the client's endpoint; its signing secret if this made it (else "")."""
    client = client_for(session, actor, client_id)
    try:
        return client, webhooks.set_webhook(session, client, url, events, allow_loopback, actor)
    except Refused as refused:
        field = "events" if "event" in str(refused) else "url"
        raise Refused(_sentence(str(refused)), field) from None


def remove_webhook(session: Session, actor: User | None, client_id: int) -> ApiClient:
    """No more deliveries to the client's endpoint (audited); nothing when it has none."""
    client = client_for(session, actor, client_id)
    if client.webhook_url:
        webhooks.remove_webhook(session, client, actor)
    return client


def rotate_webhook_secret(
    session: Session, actor: User | None, client_id: int
) -> tuple[ApiClient, str]:
    """A new signing secret for the client's webhook (shown once)."""
    client = client_for(session, actor, client_id)
    try:
        return client, webhooks.rotate_secret(session, client, actor)
    except Refused as refused:
        raise Refused(_sentence(str(refused))) from None


def failed_deliveries(session: Session, actor: User | None) -> list[WebhookDelivery]:
    """Deliveries given up on, newest first, with their clients."""
    require_council_admin(actor)
    return webhooks.failed_deliveries(session)


@dataclass(frozen=True)
class Retrying:
    """A client's deliveries being tried again: how many, since when, the newest one's error."""

    count: int
    since: dt.datetime
    last_error: str


def retrying_deliveries(session: Session, actor: User | None, client_id: int) -> Retrying | None:
    """The client's deliveries that failed at least once and are still being tried (None when
    there are none): an admin sees a webhook failing now, not only a day later under "failed".
    Counted by the database: a webhook down for a day at a busy council has thousands."""
    client = client_for(session, actor, client_id)
    retrying = (
        WebhookDelivery.client_id == client.id,
        WebhookDelivery.delivered_at.is_(None),
        WebhookDelivery.failed_at.is_(None),
        WebhookDelivery.last_error != "",  # failed once at least (not just leased)
    )
    count, since = session.execute(
        select(func.count(), func.min(WebhookDelivery.created_at)).where(*retrying)
    ).one()
    if not count:
        return None
    last_error = session.scalar(
        select(WebhookDelivery.last_error)
        .where(*retrying)
        .order_by(WebhookDelivery.id.desc())
        .limit(1)
    )
    return Retrying(count, since, last_error or "")


def replay(session: Session, actor: User | None, delivery_id: int) -> WebhookDelivery:
    """Try a failed delivery again, for another retry window."""
    found(session, actor, WebhookDelivery, delivery_id)
    return webhooks.replay(session, delivery_id, actor)
