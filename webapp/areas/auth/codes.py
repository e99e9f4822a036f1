"""Sign-in codes. Emailed ones: 6 digits from a CSPRNG, valid 5 minutes, single use, bound to
one sign-in attempt (one browser), stored as a keyed hash, dead after 5 wrong tries. Codes from
an authenticator app: each works once, and an attempt gets 5 tries, counted here on the server
like the emailed codes' (never in the browser's cookie, which could be replayed)."""

from __future__ import annotations

import datetime as dt
import enum
import hmac
import re
import secrets

import pyotp
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.domain.passwords import keyed_hash
from webapp.infra import clock
from webapp.models import AuthenticatorAttempt, LoginCode, User

CODE_LIFETIME = dt.timedelta(minutes=5)
WRONG_TRIES_ALLOWED = 5
CODES_PER_WINDOW = 5
CODE_WINDOW = dt.timedelta(minutes=15)


class CodeCheck(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    USED_UP = "used_up"  # too many wrong tries: the code is dead
    EXPIRED = "expired"
    MISSING = "missing"  # no live code for this attempt
    REPLACED = "replaced"  # wrong, but a code this attempt was sent before the live one


# What people type between the digits, as GOV.UK's guidance on codes says to accept: spaces
# (any kind, a pasted non-breaking one too) and dashes (a hyphen, or the dashes and minus sign
# a phone's keyboard or a copied email may give instead).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def typed_code(code: str | None) -> str:
    """A code as typed, without the spaces and dashes people put between its digits."""
    return _SEPARATORS.sub("", code or "")


class TooManyCodes(Exception):
    """More codes were asked for in 15 minutes than are allowed."""


def new_attempt_token() -> str:
    """The secret of one sign-in attempt, kept in that browser's session only."""
    return secrets.token_urlsafe(32)


def issue_code(session: Session, user: User, attempt_token: str) -> str:
    """A fresh code for this attempt; earlier codes of the attempt stop working. Requests for
    one account take turns (its row locked), so codes asked for at once are all counted. FOR
    NO KEY UPDATE, as accounts.hold: rows that only name the account are not held up."""
    session.refresh(user, with_for_update={"key_share": True})
    now = clock.now()
    recent = session.scalar(
        select(func.count())
        .select_from(LoginCode)
        .where(LoginCode.user_id == user.id, LoginCode.created_at > now - CODE_WINDOW)
    )
    if recent >= CODES_PER_WINDOW:
        raise TooManyCodes
    attempt = keyed_hash(attempt_token)
    session.execute(
        update(LoginCode)
        .where(
            LoginCode.user_id == user.id,
            LoginCode.attempt_hash == attempt,
            LoginCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        LoginCode(
            user_id=user.id,
            attempt_hash=attempt,
            code_hash=keyed_hash(code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    return code


def check_code(session: Session, user: User, attempt_token: str, code: str) -> CodeCheck:
    """Whether `code` signs this attempt in; wrong tries are counted on the code. Each check
    takes one of the code's 5 tries first, in one statement, so that tries sent at the same
    moment all count (read, compared and then written, a burst of them each saw 0 tries used:
    found by review); a right code gives its try back and is used up, once.

    The account's row is locked first, as issue_code locks it: the check goes on to write
    rows that wait on it (its audit row, the sign-in), and "Send the code again" holding it
    while waiting for this code's row would otherwise deadlock with the check."""
    code = typed_code(code)
    session.refresh(user, with_for_update={"key_share": True})
    now = clock.now()
    live = session.scalar(
        select(LoginCode)
        .where(
            LoginCode.user_id == user.id,
            LoginCode.attempt_hash == keyed_hash(attempt_token),
            LoginCode.used_at.is_(None),
        )
        .order_by(LoginCode.id.desc())
        .limit(1)
    )
    if live is None:
        return CodeCheck.MISSING
    if live.wrong_tries >= WRONG_TRIES_ALLOWED:
        return CodeCheck.USED_UP
    if clock.aware(live.expires_at) <= now:
        return CodeCheck.EXPIRED
    this_code = (LoginCode.id == live.id, LoginCode.used_at.is_(None))
    taken = session.execute(
        update(LoginCode)
        .where(*this_code, LoginCode.wrong_tries < WRONG_TRIES_ALLOWED)
        .values(wrong_tries=LoginCode.wrong_tries + 1)
        .returning(LoginCode.wrong_tries)
    ).scalar_one_or_none()
    if taken is None:  # its last try, or the code itself, taken meanwhile
        return CodeCheck.USED_UP
    if not hmac.compare_digest(live.code_hash, keyed_hash(code)):
        if taken >= WRONG_TRIES_ALLOWED:
            return CodeCheck.USED_UP
        return CodeCheck.REPLACED if _sent_before(session, live, code) else CodeCheck.WRONG
    session.execute(
        update(LoginCode)
        .where(*this_code)
        .values(used_at=now, wrong_tries=LoginCode.wrong_tries - 1)
    )
    return CodeCheck.ACCEPTED


def _sent_before(session: Session, live: LoginCode, code: str) -> bool:
    """Whether `code` is one this attempt was sent before `live`: the first email, arrived
    late after "Send the code again", read instead of the newest. A wrong try all the same
    (counted as one); only its message differs, telling someone who has the emails which one
    to read, where "not correct" sent them back to an email that holds exactly that code."""
    earlier = select(LoginCode.id).where(
        LoginCode.user_id == live.user_id,
        LoginCode.attempt_hash == live.attempt_hash,
        LoginCode.id < live.id,
        LoginCode.code_hash == keyed_hash(code),
    )
    return session.scalar(earlier.limit(1)) is not None


def start_app_attempt(session: Session, user: User, attempt_token: str) -> None:
    """A sign-in attempt that will be finished with an authenticator code: its tries start."""
    session.add(AuthenticatorAttempt(user_id=user.id, attempt_hash=keyed_hash(attempt_token)))


def check_app_code(session: Session, user: User, attempt_token: str, code: str) -> CodeCheck:
    """Whether an authenticator code signs this attempt in. Each check takes one of the
    attempt's 5 tries first, in one statement, so tries sent at the same moment all count;
    a right code gives its try back."""
    code = typed_code(code)
    attempt = (
        AuthenticatorAttempt.user_id == user.id,
        AuthenticatorAttempt.attempt_hash == keyed_hash(attempt_token),
    )
    taken = session.execute(
        update(AuthenticatorAttempt)
        .where(*attempt, AuthenticatorAttempt.wrong_tries < WRONG_TRIES_ALLOWED)
        .values(wrong_tries=AuthenticatorAttempt.wrong_tries + 1)
        .returning(AuthenticatorAttempt.wrong_tries)
    ).scalar_one_or_none()
    if taken is None:
        exists = session.scalar(
            select(func.count()).select_from(AuthenticatorAttempt).where(*attempt)
        )
        return CodeCheck.USED_UP if exists else CodeCheck.MISSING
    step = app_code_step(user, code)
    if step is None:
        return CodeCheck.USED_UP if taken >= WRONG_TRIES_ALLOWED else CodeCheck.WRONG
    session.execute(
        update(AuthenticatorAttempt)
        .where(*attempt)
        .values(wrong_tries=AuthenticatorAttempt.wrong_tries - 1)
    )
    user.totp_last_step = step
    return CodeCheck.ACCEPTED


def app_code_step(user: User, code: str) -> int | None:
    """The 30-second step an authenticator code belongs to (this one, or one either side),
    if it is right and newer than the last one accepted: each code works once."""
    code = typed_code(code)
    totp = pyotp.TOTP(user.totp_secret)
    now = clock.now()
    for offset in (0, -1, 1):
        moment = now + dt.timedelta(seconds=30 * offset)
        step = totp.timecode(moment)
        if hmac.compare_digest(totp.at(moment), code) and step > (user.totp_last_step or -1):
            return step
    return None
