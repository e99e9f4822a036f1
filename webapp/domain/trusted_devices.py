"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
that completed a sign-in for an account (password and code) is trusted for it, so that a
stranger's failures cannot keep its owner out.

A trusted browser's attempts (password, code, the password confirming a change, the security
answer) are not held back by the waits of the address (webapp/domain/throttle.py), nor by the
lock of untrusted clients after HARD_LOCK_AFTER failures; they are counted on the device alone,
and its DEVICE_LIMIT-th failure in a row ends its trust (that browser only: it is a stranger
again until it next signs in). Its token is random, kept here as a keyed hash, and replaced at
each sign-in; a password change or reset and an admin's lock or password reset end every
trust of the account (revoke_all).

NIST SP 800-63B 5.2.2 allows at most 100 failures in a row on an account. An account has at
most DEVICES_KEPT trusted browsers, each allowed DEVICE_LIMIT failures in a row, and untrusted
clients together are hard-locked after the rest: 50 + 5 x 10 = 100, whoever makes them.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from webapp.domain import audit
from webapp.domain.passwords import keyed_hash
from webapp.infra import clock
from webapp.models import TrustedDevice, User

DEVICE_LIMIT = 10  # failures in a row that end a browser's trust
DEVICES_KEPT = 5  # trusted browsers an account keeps (the newest)
LIFETIME = dt.timedelta(days=365)  # trusted for a year after its last sign-in
MAX_TOKENS = 5  # tokens one browser's cookie holds (people who share a computer)


def _hash(token: str) -> str:
    return keyed_hash("device:" + token)


def trusted_device(session: Session, user: User | None, tokens: list[str]) -> TrustedDevice | None:
    """The user's trusted device among a cookie's tokens (None: a stranger), its row locked
    until the transaction ends, so that attempts from one browser take their turns. Only when
    one is found is the user's row locked first (FOR NO KEY UPDATE: rows naming the user, an
    audit row, are not held up), the order in which code checks and password changes lock
    them; a forged cookie or another account's locks nothing."""
    found = _of(user, tokens)
    if found is None or session.scalar(found) is None:
        return None
    session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
    return session.scalar(found.with_for_update().execution_options(populate_existing=True))


def is_trusted(session: Session, user: User, tokens: list[str]) -> bool:
    """Whether a cookie's tokens make the browser trusted with the user's account (a look,
    nothing locked)."""
    found = _of(user, tokens)
    return found is not None and session.scalar(found) is not None


def _of(user: User | None, tokens: list[str]):
    """The query of the user's live trusted device among the tokens; None when none can be."""
    hashes = [_hash(token) for token in tokens[:MAX_TOKENS] if token]
    if user is None or not hashes:
        return None
    return select(TrustedDevice).where(
        TrustedDevice.user_id == user.id,
        TrustedDevice.token_hash.in_(hashes),
        TrustedDevice.signed_in_at > clock.now() - LIFETIME,
    )


def note_failure(session: Session, user: User, device: TrustedDevice, what: str) -> int:
    """One more failure in a row on this device (how many now); at DEVICE_LIMIT it is trusted
    no more."""
    failures = session.execute(
        update(TrustedDevice)
        .where(TrustedDevice.id == device.id)
        .values(failures=TrustedDevice.failures + 1)
        .returning(TrustedDevice.failures)
    ).scalar_one()
    audit.record(session, "sign_in_failed", user=user, what=what, trusted_device_failures=failures)
    if failures >= DEVICE_LIMIT:
        session.execute(delete(TrustedDevice).where(TrustedDevice.id == device.id))
        audit.record(session, "trusted_device_ended", user=user, why=f"{DEVICE_LIMIT} failures")
    return failures


def trust(session: Session, user: User, replacing: TrustedDevice | None) -> str:
    """The browser completed a sign-in: a new token for its cookie (one it presented for the
    account is replaced), the account's newest DEVICES_KEPT kept. The caller commits."""
    if replacing is not None:
        session.execute(delete(TrustedDevice).where(TrustedDevice.id == replacing.id))
    token = secrets.token_urlsafe(32)
    session.add(TrustedDevice(user_id=user.id, token_hash=_hash(token), signed_in_at=clock.now()))
    session.flush()
    newest = (
        select(TrustedDevice.id)
        .where(TrustedDevice.user_id == user.id)
        .order_by(TrustedDevice.signed_in_at.desc(), TrustedDevice.id.desc())
        .limit(DEVICES_KEPT)
    )
    session.execute(
        delete(TrustedDevice).where(
            TrustedDevice.user_id == user.id, TrustedDevice.id.not_in(newest.scalar_subquery())
        )
    )
    return token


def live_tokens(session: Session, tokens: list[str]) -> list[str]:
    """Those of a cookie's tokens that still make their browser trusted with some account, in
    their order: a token whose trust has ended (a password changed, a lock, the account's
    older browsers let go) is no reason to keep a colleague's live one off a shared browser."""
    hashes = {_hash(token): token for token in tokens if token}
    if not hashes:
        return []
    live = set(
        session.scalars(
            select(TrustedDevice.token_hash).where(
                TrustedDevice.token_hash.in_(list(hashes)),
                TrustedDevice.signed_in_at > clock.now() - LIFETIME,
            )
        )
    )
    return [token for hashed, token in hashes.items() if hashed in live]


def revoke_all(session: Session, user: User) -> None:
    """No browser is trusted for the account any more (password changed, reset, locked)."""
    session.execute(delete(TrustedDevice).where(TrustedDevice.user_id == user.id))


def purge(session: Session, now: dt.datetime) -> int:
    """Forget trusts past their lifetime; how many."""
    return session.execute(
        delete(TrustedDevice).where(TrustedDevice.signed_in_at < now - LIFETIME)
    ).rowcount


def token_of(device: TrustedDevice | None, tokens) -> str | None:
    """Which of a cookie's tokens is this device's (None without one)."""
    if device is None:
        return None
    return next((token for token in tokens if token and _hash(token) == device.token_hash), None)
