"""Failures slow an email address down (NIST SP 800-63B 5.2.2) instead of locking its account.

Every failure of an untrusted client under an address counts — a wrong password, emailed code,
app code or security answer — until a complete sign-in by an untrusted client (or an admin's
unlock, a password change or reset) forgives them. After 5 in a row the address must wait 1
minute before its next attempt is even checked, then 2, 4, 8 … up to an hour; attempts made
while it waits are refused without counting. An unknown address is treated exactly the same, so
the waits say nothing about which addresses have accounts. The HARD_LOCK_AFTER-th failure in a
row hard-locks the account for untrusted clients only (hard_locked); an admin lifts it.

A browser that has signed in to the account before (webapp/domain/trusted_devices.py) is none
of this: its attempts are counted on it alone, so a stranger's guesses never keep it out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.domain import trusted_devices
from webapp.domain.email_addresses import lookup_form
from webapp.domain.passwords import keyed_hash
from webapp.infra import clock
from webapp.models import SignInFailures

WAIT_FROM = 5  # the failure in a row that starts the first wait
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
# Untrusted clients' share of NIST's 100 failures in a row: trusted browsers have the rest.
HARD_LOCK_AFTER = 100 - trusted_devices.DEVICES_KEPT * trusted_devices.DEVICE_LIMIT
FORGET_AFTER = dt.timedelta(days=30)  # a quiet address starts again from nothing (retention)


def _key(email: str) -> str:
    # The form the account is looked up by (accounts.find_by_email): every spelling that
    # finds one account (any case, a Unicode or punycode domain) counts under one key.
    return keyed_hash("sign-in failures:" + lookup_form(email))


def wait_after(failures: int) -> dt.timedelta | None:
    """How long an address waits after this many failures in a row (None: not at all)."""
    if failures < WAIT_FROM:
        return None
    doublings = min(failures - WAIT_FROM, 16)  # 2**16 minutes is far past the cap
    return min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)


def time_to_wait(session: Session, email: str) -> dt.timedelta | None:
    """How long before the address's next attempt will be checked; None when it may try now."""
    row = session.get(SignInFailures, _key(email), populate_existing=True)
    if row is None or row.throttled_until is None:
        return None
    left = clock.aware(row.throttled_until) - clock.now()
    return left if left > dt.timedelta(0) else None


class Standing(NamedTuple):
    """Where an address stands, read once: how long before its next attempt is checked (None:
    it may try now), and whether its untrusted clients are hard-locked (hard_locked)."""

    wait: dt.timedelta | None
    hard_locked: bool


def standing_in_turn(session: Session, email: str) -> Standing:
    """The address's wait and hard lock, with its row (made if need be) locked until the
    transaction ends: the attempts under one address are checked one after another. Otherwise
    a burst sent at once all read "no wait" before any of its failures was written, and every
    guess in it was checked (PostgreSQL; SQLite's BEGIN IMMEDIATE queues them already)."""
    key = _key(email)
    session.execute(
        _dialect(session)
        .insert(SignInFailures)
        .values(email_hash=key, failures=0, last_failed_at=clock.now())
        .on_conflict_do_nothing(index_elements=["email_hash"])
    )
    until, failures = session.execute(
        select(SignInFailures.throttled_until, SignInFailures.failures)
        .where(SignInFailures.email_hash == key)
        .with_for_update()
    ).one()
    left = clock.aware(until) - clock.now() if until is not None else None
    wait = left if left is not None and left > dt.timedelta(0) else None
    return Standing(wait, failures >= HARD_LOCK_AFTER)


def note_failure(session: Session, email: str) -> int:
    """One more failure in a row under the address (starting its wait when due): how many now.
    One statement, so failures sent at the same moment are all counted."""
    now = clock.now()
    key = _key(email)
    upsert = (
        _dialect(session)
        .insert(SignInFailures)
        .values(email_hash=key, failures=1, last_failed_at=now)
        .on_conflict_do_update(
            index_elements=["email_hash"],
            set_={"failures": SignInFailures.failures + 1, "last_failed_at": now},
        )
        .returning(SignInFailures.failures)
    )
    failures = session.execute(upsert).scalar_one()
    wait = wait_after(failures)
    if wait is not None:
        session.execute(
            update(SignInFailures)
            .where(SignInFailures.email_hash == key)
            .values(throttled_until=now + wait)
        )
    return failures


def hard_locked(session: Session, email: str) -> bool:
    """Whether untrusted clients of the address are hard-locked (HARD_LOCK_AFTER failures in a
    row): until an admin lifts it, only a trusted browser may sign in."""
    row = session.get(SignInFailures, _key(email), populate_existing=True)
    return row is not None and row.failures >= HARD_LOCK_AFTER


def hard_locked_among(session: Session, emails: Iterable[str]) -> set[str]:
    """Those of `emails` whose untrusted clients are hard-locked, in one query: what an
    admin's list of users shows beside each lock status."""
    keys = {_key(email): email for email in emails}
    if not keys:
        return set()
    locked = session.scalars(
        select(SignInFailures.email_hash).where(
            SignInFailures.email_hash.in_(list(keys)),
            SignInFailures.failures >= HARD_LOCK_AFTER,
        )
    )
    return {keys[key] for key in locked}


def forgive(session: Session, email: str) -> None:
    """The address starts again from nothing (a complete sign-in, an admin's unlock)."""
    session.execute(delete(SignInFailures).where(SignInFailures.email_hash == _key(email)))


# What an attempt from a browser that is not trusted is told once untrusted clients are
# hard-locked (only someone signed in, or holding a reset link, is shown it).
LOCKED_HERE = (
    "Too many wrong passwords, codes or answers have been entered for this account, so it "
    "cannot be used on this browser until your password is changed. Use a browser you have "
    "signed in on before, or ask an administrator to send you a new password"
)


# What the sign-in page tells an untrusted browser, whatever the password and whether or not
# the address has an account, once the address's untrusted clients are hard-locked.
LOCKED_FOR_STRANGERS = (
    "There have been too many attempts to sign in with this email address. It cannot be used "
    "on this browser until its password is changed. Use a browser you have signed in on "
    "before, or ask an administrator to send you a new password"
)


def wait_message(wait: dt.timedelta, what: str = "try again") -> str:
    """ "Wait 2 minutes, then try again" for the time left (rounded up to a minute)."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"Wait {minutes} minute{'' if minutes == 1 else 's'}, then {what}"


def too_many_wrong(wait: dt.timedelta, what: str = "try again") -> str:
    """What a password, code or answer not checked while the address waits is told."""
    return "There have been too many wrong attempts. " + wait_message(wait, what)


def _dialect(session: Session):
    """The SQL dialect whose INSERT … ON CONFLICT the session's database speaks."""
    return {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]


def purge(session: Session, now: dt.datetime) -> int:
    """Forget addresses with no failure for FORGET_AFTER (their waits are long over), except
    hard-locked ones (only an admin lifts that); how many."""
    return session.execute(
        delete(SignInFailures).where(
            SignInFailures.last_failed_at < now - FORGET_AFTER,
            SignInFailures.failures < HARD_LOCK_AFTER,
        )
    ).rowcount
