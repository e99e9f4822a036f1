"""A client taking a workflow transition, once per Idempotency-Key.

The key, what it was asked for (case, action, note) and the answer are stored in the same
transaction as the move: a retry with the same key gets the same answer and never moves the
case again; the same key for a different request is refused (422). Two requests racing with
one key: the UNIQUE (client, key) lets one commit; the other rolls back and answers what the
first stored. Only successes are stored: a refused request moved nothing, so it may be retried.

With `If-Match` (the case's ETag as the client read it), the move is taken only while the
case is still as the client saw it: a client acting on a stale view gets 412, not a move
another actor's change has made wrong. Without it, as before.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import ETags

from webapp.areas.api.cases import (
    client_case,
    client_transitions,
    definition_of,
    document,
    etag_of,
)
from webapp.areas.api.problems import Problem
from webapp.domain import workflow
from webapp.infra.database import transaction
from webapp.models_api import ApiIdempotencyKey

NOTE_MAX = workflow.NOTE_MAX
KEY_MAX = 200


class Replayed(Exception):
    """Raised inside the transaction when the key turned out to be taken meanwhile."""


class Stale(Exception):
    """The case is no longer as the client read it (its If-Match names another ETag)."""


STALE = (
    "The case has changed since you read it (If-Match does not match its ETag): read it "
    "again, then decide"
)


def posted_json(request):
    """The request's JSON, or None when it holds none: malformed, or nested deeper than
    Python's reader goes (`[[[…]]]` 100,000 deep raised RecursionError, a 500; attack6)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def request_body(payload) -> tuple[str, str]:
    """The action and note of a transition request; a problem (400) for anything else."""
    if not isinstance(payload, dict) or set(payload) - {"action", "note"}:
        raise Problem(400, 'Send a JSON object: {"action": "…", "note": "…"} (note optional)')
    action, note = payload.get("action"), payload.get("note", "")
    if not isinstance(action, str) or not action.strip() or not isinstance(note, str):
        raise Problem(400, "action must be a non-empty string, and note a string")
    if len(note) > NOTE_MAX or not _storable(note + action):
        raise Problem(
            400,
            f"note must be at most {NOTE_MAX} characters, without NUL or half of a UTF-16 "
            "pair (\\ud800)",
        )
    return action.strip(), note.strip()


def _storable(text: str) -> bool:
    """Text a database keeps: no NUL, and UTF-8 can encode it (JSON's "\\udfff" reads as a
    lone surrogate, which it cannot: the note reached the database and was a 500; attack6)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def take(
    session: Session,
    client,
    reference: str,
    key: str,
    action: str,
    note: str,
    seen: ETags | None = None,
) -> tuple[int, dict]:
    """Take `action` on the client's case; the stored answer when this key was used before.
    With `seen` (If-Match), only while the case's ETag is one of those: 412 otherwise."""
    if not key or len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        raise Problem(
            400, f"Send an Idempotency-Key header: 1 to {KEY_MAX} printable ASCII characters"
        )
    fingerprint = hashlib.sha256(json.dumps([reference, action, note]).encode()).hexdigest()
    # A case out of the client's reach now (its case types narrowed since) is a 404 before any
    # stored answer, which holds the whole case as it was, is given again.
    client_case(session, client, reference)
    stored = _stored(session, client, key, fingerprint)
    if stored is not None:
        return stored
    try:
        with transaction(session, conflict=lambda: Replayed()):
            body = _move(session, client, reference, action, note, seen)
            session.add(
                ApiIdempotencyKey(
                    client_id=client.id, key=key, request_hash=fingerprint, status=200, body=body
                )
            )
    except Replayed:
        stored = _stored(session, client, key, fingerprint)
        if stored is None:  # a UNIQUE failure that was not our key: let it be a 409
            raise Problem(409, "The case changed meanwhile: read it again, then retry") from None
        return stored
    except (StaleDataError, Stale):  # moved meanwhile: by this very key's twin, or by another
        stored = _stored(session, client, key, fingerprint)
        if stored is not None:
            return stored
        if seen is not None:  # the client asked to act only on the case as it read it
            raise Problem(412, STALE) from None
        raise Problem(409, "The case changed meanwhile: read it again, then retry") from None
    except Problem as refused:
        # Refused as the case is now: perhaps moved by this very key's twin, which committed
        # between the lookup above and this move (a 409 to a retry that had succeeded).
        stored = _stored(session, client, key, fingerprint) if refused.status == 409 else None
        if stored is None:
            raise
        return stored
    return 200, body


def _stored(session: Session, client, key: str, fingerprint: str) -> tuple[int, dict] | None:
    row = session.scalar(
        select(ApiIdempotencyKey).where(
            ApiIdempotencyKey.client_id == client.id, ApiIdempotencyKey.key == key
        )
    )
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise Problem(422, "This Idempotency-Key was used for a different request")
    return row.status, row.body


def _move(
    session: Session, client, reference: str, action: str, note: str, seen: ETags | None
) -> dict:
    case = client_case(session, client, reference)
    if seen is not None and not seen.contains(etag_of(document(session, case, client))):
        raise Stale(reference)  # checked before anything else: the client's view is old
    case_type = definition_of(session, case)
    offered = client_transitions(case_type, case, client)
    transition = next((t for t in offered if t.action == action), None)
    if transition is None:
        # Most often the case moved since the client read it: say where it is and what is
        # open, so that a stale move can be told from an action never given.
        open_now = ", ".join(repr(t.action) for t in offered) or "none"
        raise Problem(
            409,
            f"{action!r} is not open to this client where the case is now, at "
            f"{case.activity!r} ({case.activity_label}); open now: {open_now}",
        )
    if transition.note == "required" and not note:
        raise Problem(422, f"{action!r} needs a note")
    if transition.note == "none" and note:
        # The workflow keeps no note for it: dropped without a word, the client believed the
        # school (which sees the timeline) or the council had it.
        raise Problem(422, f"{action!r} takes no note: send it without one")
    by = "system" if transition.by == "system" else "officer"
    try:
        workflow.take_transition(session, case, case_type, action, None, by, note, client)
    except workflow.NotAllowed:  # offered a moment ago, but no longer (another request)
        raise Problem(409, f"{action!r} cannot be taken from {case.activity_label!r}") from None
    except workflow.NoteRequired:
        raise Problem(422, f"{action!r} needs a note") from None
    session.flush()
    return document(session, case, client)
