"""API clients and their keys (issue 14): council systems that call the API.

A council admin creates a client (`portal add-api-client`; a web page later): a name, the case
types it may read, the workflow actions it may take, and optionally the networks it may call
from. Its key is shown once: `portal_<key id>_<secret>`. The key id (public) finds the key;
the secret, 256 bits from the CSPRNG, is kept only as its SHA-256 and compared in constant
time. A fast hash is right for a secret that long (nothing to guess, unlike a password);
argon2 would cost every API call for nothing. Two keys may be live at once, so that a client
rotates without a gap; a revoked key, or a key of a revoked client, is refused at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from webapp.domain import audit
from webapp.domain.errors import Refused
from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.models_api import ApiClient, ApiKey

LIVE_KEYS = 2  # the new key and the one it replaces
_KEY = re.compile(r"portal_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(
    session: Session,
    catalogue,
    name: str,
    case_type_ids: Iterable[str],
    actions: Iterable[str] = (),
    networks: Iterable[str] = (),
    actor=None,
) -> tuple[ApiClient, str]:
    """A new client and its first key, whole (shown once: only its hash is kept). Refused
    when the name is taken, a case type is unknown, an action is none of those case types'
    workflows', or a network is not one. `actor`: the council admin (None on the command line)."""
    case_type_ids, actions, allowed = _checked_scope(catalogue, case_type_ids, actions, networks)
    if session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
        raise Refused(f"an API client is already called {name!r}", "name")
    client = ApiClient(
        name=name, case_type_ids=case_type_ids, actions=actions, allowed_networks=allowed
    )
    with transaction(
        session, conflict=lambda: Refused(f"an API client is already called {name!r}", "name")
    ):
        session.add(client)
        token = _new_key(session, client)
        audit.record(
            session, "api_client_created", actor=actor, client=name, case_types=case_type_ids
        )
    return client, token


def _checked_scope(catalogue, case_type_ids, actions, networks) -> tuple[list, list, list]:
    """What a client may do, as given (each once, in order), or Refused: a case type unknown or
    none, an action none of those case types' workflows offer the council, a network not one."""
    case_type_ids, actions = list(dict.fromkeys(case_type_ids)), list(dict.fromkeys(actions))
    unknown = [c for c in case_type_ids if catalogue.get(c) is None]
    if not case_type_ids or unknown:
        raise Refused(f"unknown case type: {', '.join(unknown)}" if unknown else "no case type")
    _check_actions(catalogue, case_type_ids, actions)
    return case_type_ids, actions, [_network(n) for n in networks]


def actions_not_offered(catalogue, case_type_ids: list[str], actions: list[str]) -> list[str]:
    """The actions that are no officer's or system's transition of these case types (never one
    the YAML gives the school)."""
    council = {
        t.action
        for case_type_id in case_type_ids
        for t in catalogue.get(case_type_id).workflow.transitions
        if t.by != "school"
    }
    return [a for a in actions if a not in council]


def _check_actions(catalogue, case_type_ids: list[str], actions: list[str]) -> None:
    """Refused, on "actions", unless each action is one of these case types' (above)."""
    strange = actions_not_offered(catalogue, case_type_ids, actions)
    if strange:
        raise Refused(
            f"no officer or system transition of these case types is called: {', '.join(strange)}",
            "actions",
        )


def not_networks(networks: Iterable[str]) -> list[str]:
    """The texts that are neither an address nor a network (192.0.2.7, 192.0.2.0/24)."""
    bad = []
    for text in networks:
        try:
            _network(text)
        except Refused:
            bad.append(text.strip())
    return bad


def _network(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text.strip(), strict=False))
    except ValueError:
        raise Refused(f"not a network or address: {text!r}", "networks") from None


def _new_key(session: Session, client: ApiClient) -> str:
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    client.keys.append(ApiKey(key_id=key_id, secret_hash=_hashed(secret)))
    session.flush()
    return f"portal_{key_id}_{secret}"


def live_keys(client: ApiClient) -> list[ApiKey]:
    return [k for k in client.keys if k.revoked_at is None]


def rotate_key(session: Session, client: ApiClient, actor=None) -> str:
    """A second live key for the client (the whole key, shown once); refused while two are
    live: revoke the old one first. The client's row is locked and its live keys counted
    afresh, so that two rotations at once (two admins, a double click) make one key, not
    three."""
    with transaction(session):
        session.execute(select(ApiClient.id).where(ApiClient.id == client.id).with_for_update())
        live = session.scalar(
            select(func.count())
            .select_from(ApiKey)
            .where(ApiKey.client_id == client.id, ApiKey.revoked_at.is_(None))
        )
        if live >= LIVE_KEYS:
            raise Refused(f"{client.name} has {LIVE_KEYS} live keys: revoke one first")
        session.refresh(client, attribute_names=["keys"])
        token = _new_key(session, client)
        audit.record(session, "api_key_issued", actor=actor, client=client.name)
    return token


def revoke_key(session: Session, client: ApiClient, key_id: str, actor=None) -> None:
    """Refuse this key from now on."""
    key = next((k for k in live_keys(client) if k.key_id == key_id), None)
    if key is None:
        raise Refused(f"{client.name} has no live key {key_id!r}")
    with transaction(session):
        key.revoked_at = clock.now()
        audit.record(session, "api_key_revoked", actor=actor, client=client.name, key_id=key_id)


def change_client(
    session: Session,
    catalogue,
    client: ApiClient,
    case_type_ids: Iterable[str],
    actions: Iterable[str] = (),
    networks: Iterable[str] = (),
    actor=None,
) -> None:
    """What a client may do, changed in place: its keys and webhook stay as they are, so the
    council system needs no new key to take a new action. Refused as create_client refuses."""
    case_type_ids, actions, allowed = _checked_scope(catalogue, case_type_ids, actions, networks)
    with transaction(session):
        client.case_type_ids, client.actions, client.allowed_networks = (
            case_type_ids,
            actions,
            allowed,
        )
        audit.record(
            session,
            "api_client_changed",
            actor=actor,
            client=client.name,
            case_types=case_type_ids,
            actions=actions,
            networks=allowed,
        )


def revoke_client(session: Session, client: ApiClient, actor=None) -> None:
    """Refuse every key of the client from now on (it stays listed, with its audit trail)."""
    with transaction(session):
        client.revoked_at = clock.now()
        audit.record(session, "api_client_revoked", actor=actor, client=client.name)


def client_for_key(session: Session, presented: str, address: str | None = None):
    """The live client whose live key this is, calling from an allowed network; else None
    (the caller answers 401 and cannot tell which check failed)."""
    match = _KEY.fullmatch(presented or "")
    if match is None:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.key_id == match.group(1)))
    if key is None or not hmac.compare_digest(key.secret_hash, _hashed(match.group(2))):
        return None
    client = key.client
    if key.revoked_at is not None or client.revoked_at is not None:
        return None
    if client.allowed_networks and not _allowed(address, client.allowed_networks):
        return None
    return client


KEY_USE_NOTED_EVERY = dt.timedelta(minutes=1)  # a busy client writes it once a minute


def note_key_used(session: Session, presented: str) -> None:
    """Note when this (live) key was used, to the minute: the client's page shows it, so that
    an old key is revoked once the system has moved to its new one. The caller commits."""
    match = _KEY.fullmatch(presented or "")
    if match is None:
        return
    now = clock.now()
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.key_id == match.group(1),
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - KEY_USE_NOTED_EVERY),
        )
        .values(last_used_at=now)
    )


def _allowed(address: str | None, networks: list[str]) -> bool:
    try:
        caller = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    # An IPv4 caller on a dual-stack listener is ::ffff:a.b.c.d: in the council's IPv4
    # networks as a.b.c.d, and still in a network written that way (as the audit log shows
    # it). Both forms are the one host, so neither lets in anyone the other would not.
    forms = [caller]
    if isinstance(caller, ipaddress.IPv6Address) and caller.ipv4_mapped is not None:
        forms.append(caller.ipv4_mapped)
    return any(form in ipaddress.ip_network(n) for n in networks for form in forms)
