"""Signing in, step by step, free of HTTP so tests can call it directly: the password, the
code (emailed, or from an authenticator app), the first sign-in's security question and
password, signing out. Each step that writes commits its work (failures and audit rows too).

Before the password is right, unknown, locked, expired and wrong-password attempts all look the
same from outside and take the same work; only the audit trail tells them apart. An address
that failed too often waits (webapp/domain/throttle.py) whether or not it has an account. Only a
caller who gave the right password learns that the account is locked; once untrusted clients
of an address are hard-locked, their passwords are not checked at all, so nobody learns more.
A browser that signed in to the account before (its device cookie's tokens, `device_tokens`)
is not held back by the waits and hard lock that strangers' failures cause: its own failures
count on it alone (webapp/domain/trusted_devices.py). A cookie for another account, a forged
or a revoked one is no cookie at all: the attempt is a stranger's.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from webapp.areas.auth import codes
from webapp.areas.auth.questions import hash_answer
from webapp.domain import accounts, audit, throttle, trusted_devices
from webapp.domain.passwords import check_password
from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.infra.mail import queue_mail
from webapp.models import Case, User


class Outcome(enum.Enum):
    PASSED = "passed"  # on to the code step
    FAILED = "failed"  # wrong, unknown, or locked with a wrong password: one message for all
    WAIT = "wait"  # the address failed too often: nothing was checked
    LOCKED = "locked"  # the right password, but the account is locked
    EXPIRED = "expired"  # the right password, but a sent one not used within its 7 days
    # Untrusted clients of the address are hard-locked: nothing was checked. The same for an
    # unknown address and for any password, so that the lock is no oracle for guesses.
    LOCKED_HERE = "locked_here"


@dataclass(frozen=True)
class SignInCheck:
    outcome: Outcome
    user: User | None = None  # PASSED, LOCKED and EXPIRED only
    wait: dt.timedelta | None = None  # WAIT only


def sign_in_check(
    session: Session, email: str, password: str, device_tokens: list[str] = ()
) -> SignInCheck:
    """What an email and password lead to. A correct password does not clear earlier failures:
    only a complete sign-in does. Failures and audit rows are committed."""
    with transaction(session):
        return _sign_in_check(session, email, password, list(device_tokens))


def _sign_in_check(session: Session, email: str, password: str, tokens: list[str]) -> SignInCheck:
    user = accounts.find_by_email(session, email)
    device = trusted_devices.trusted_device(session, user, tokens)
    standing = throttle.standing_in_turn(session, email) if device is None else None
    if standing is not None and standing.hard_locked:
        # Not even the password is looked at: were a right one told apart (as it was, once an
        # hour after each wait), the hard lock would go on answering guesses.
        audit.record(session, "sign_in_refused", user=user, why="untrusted clients locked")
        return SignInCheck(Outcome.LOCKED_HERE)
    if standing is not None and standing.wait is not None:
        audit.record(session, "sign_in_refused", user=user, why="waiting after failures")
        return SignInCheck(Outcome.WAIT, wait=standing.wait)
    ok = check_password(user.password_hash if user else None, password)
    if user is None:
        throttle.note_failure(session, email)
        audit.record(session, "sign_in_failed", what="unknown account")
        return _failed(session, email)
    if not ok:
        accounts.record_failure(session, user, "password", device)
        return _failed(session, email) if device is None else SignInCheck(Outcome.FAILED)
    if user.is_locked:
        audit.record(session, "sign_in_refused", user=user, why="locked")
        return SignInCheck(Outcome.LOCKED, user=user)
    if accounts.generated_password_expired(user):
        audit.record(session, "sign_in_refused", user=user, why="generated password expired")
        return SignInCheck(Outcome.EXPIRED, user=user)
    return SignInCheck(Outcome.PASSED, user=user)


def _failed(session: Session, email: str) -> SignInCheck:
    """A failure; when it starts a wait, the caller is told at once."""
    wait = throttle.time_to_wait(session, email)
    return SignInCheck(Outcome.WAIT, wait=wait) if wait else SignInCheck(Outcome.FAILED)


def start_code_step(session: Session, user: User, attempt: str) -> bool:
    """The password was right: this attempt's tries at an app code start, or an emailed code
    is sent. False when no code was sent because too many were sent lately: the attempt then
    has no code to enter."""
    if user.totp_secret:
        with transaction(session):
            codes.start_app_attempt(session, user, attempt)
        return True
    return send_code(session, user, attempt)


def send_code(session: Session, user: User, attempt: str) -> bool:
    """Queue a code for the attempt; False when too many were sent lately."""
    with transaction(session):
        try:
            code = codes.issue_code(session, user, attempt)
        except codes.TooManyCodes:
            audit.record(session, "sign_in_code_refused", user=user, why="too many codes")
            return False
        queue_mail(session, "sign_in_code", user.email, "sign_in_code", code=code, user=user)
        audit.record(session, "sign_in_code_sent", user=user)
        return True


def pending_user(session: Session, user_id: int) -> User | None:
    """The user a half-finished sign-in is for, unless the account has gone or been locked."""
    user = session.get(User, user_id)
    return None if user is None or user.is_locked else user


APP_CODE_PROBLEMS = {
    codes.CodeCheck.WRONG: "The code is not correct: enter the code your app shows now",
    codes.CodeCheck.USED_UP: "Too many wrong codes: sign in again",
    codes.CodeCheck.MISSING: "This sign-in can no longer be finished: sign in again",
}
EMAILED_CODE_PROBLEMS = {
    codes.CodeCheck.WRONG: "The code is not correct: check the email and try again",
    codes.CodeCheck.REPLACED: (
        "That code is from an earlier email and no longer works: enter the code from the "
        "latest email we sent"
    ),
    codes.CodeCheck.USED_UP: "That code can no longer be used: send a new one",
    codes.CodeCheck.EXPIRED: "The code has expired: send a new one",
    codes.CodeCheck.MISSING: "That code can no longer be used: send a new one",
}


@dataclass(frozen=True)
class CodeEntry:
    problem: str | None  # what to show; None: signed in
    device_token: str | None = None  # signed in: the browser's new device-cookie token
    replaced_token: str | None = None  # the token of the cookie it replaces, if any


def enter_code(
    session: Session, user: User, attempt: str, code: str, device_tokens: list[str] = ()
) -> CodeEntry:
    """Whether the code signs the user in (the sign-in is then complete and recorded, and the
    browser trusted), else the message to show. Failures count, except while an untrusted
    browser waits after too many (then nothing is checked). Committed either way."""
    with transaction(session):
        # The account's row before the address's, the order a new password or an unlock takes
        # them in (accounts.set_password): holding the address's first, a code entered while
        # the password changed elsewhere deadlocked with it (PostgreSQL). FOR NO KEY UPDATE:
        # strangers' failures, which name the account in their audit rows, are not held up.
        session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
        device = trusted_devices.trusted_device(session, user, list(device_tokens))
        if device is None:
            refused = _refused_for_strangers(session, user)
            if refused is not None:
                return CodeEntry(refused)
        if user.totp_secret:
            result = codes.check_app_code(session, user, attempt, code)
        else:
            result = codes.check_code(session, user, attempt, code)
        if result is codes.CodeCheck.ACCEPTED:
            replaced = trusted_devices.token_of(device, device_tokens)
            return CodeEntry(None, complete_sign_in(session, user, device), replaced)
        what = "authenticator code" if user.totp_secret else "code"
        accounts.record_failure(session, user, what, device)
        return CodeEntry((APP_CODE_PROBLEMS if user.totp_secret else EMAILED_CODE_PROBLEMS)[result])


def _refused_for_strangers(session: Session, user: User) -> str | None:
    """Why an untrusted browser's code is not checked (the address waits, or untrusted
    clients are hard-locked), or None."""
    standing = throttle.standing_in_turn(session, user.email)
    if standing.wait is not None:
        audit.record(session, "sign_in_refused", user=user, why="waiting after failures")
        then = "enter a code" if user.totp_secret else "enter the code or send a new one"
        return throttle.too_many_wrong(standing.wait, then)
    if standing.hard_locked:
        audit.record(session, "sign_in_refused", user=user, why="untrusted clients locked")
        return throttle.LOCKED_HERE
    return None


def complete_sign_in(session: Session, user: User, device=None) -> str:
    """The code was right: the sign-in is recorded and the browser trusted (the token for its
    device cookie is returned). An untrusted browser's sign-in forgives the address's failures;
    a trusted one's only its own (strangers' waits and hard lock stay). The caller commits."""
    if device is None:
        throttle.forgive(session, user.email)
    token = trusted_devices.trust(session, user, device)
    user.last_sign_in_at = clock.now()
    audit.record(session, "signed_in", actor=user, user=user, trusted=device is not None)
    return token


def set_first_question(session: Session, user: User, question: str, answer: str) -> None:
    """The first sign-in's security question (used if the password is forgotten)."""
    with transaction(session):
        user.security_question = question
        user.security_answer_hash = hash_answer(answer)
        audit.record(session, "security_question_set", actor=user, user=user)


def keep_generated_password(session: Session, user: User) -> None:
    """The user keeps the password they were sent."""
    with transaction(session):
        accounts.keep_generated_password(session, user)


def set_own_password(session: Session, user: User, password: str, how: str) -> str:
    """The user's own new password (`how`: "chosen at sign-in"…); their other sessions end, no
    other browser is trusted with the account any more, and they are told by email. The
    browser they are signed in on stays trusted: the token for its device cookie."""
    with transaction(session):
        accounts.set_password(session, user, password, how)
        return trusted_devices.trust(session, user, None)


# Every request asks which schools are the user's: the user with their memberships, in one
# query. A case view's request also reads the case it names, with its school: in the same query
# (one round trip, not two). Built once: only the parameters change from request to request.
_USER = select(User).options(joinedload(User.memberships)).where(User.id == bindparam("user_id"))
_USER_AND_CASE = (
    select(User, Case)
    .outerjoin(Case, Case.reference == bindparam("reference"))
    .options(joinedload(User.memberships), joinedload(Case.school))
    .where(User.id == bindparam("user_id"))
)


def load_user(
    session: Session, token: str, case_reference: str | None = None
) -> tuple[User | None, Case | None]:
    """The user of a session token "id:generation", unless that session has been ended; with
    `case_reference`, also the case with that reference (None if there is none), read in the
    same query. Whether the user may see that case is for the case views to say."""
    user_id, _, generation = token.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None, None
    if case_reference is None:
        found = session.execute(_USER, {"user_id": int(user_id)}).unique().one_or_none()
        found = (*found, None) if found is not None else None
    else:
        asked = {"user_id": int(user_id), "reference": case_reference}
        found = session.execute(_USER_AND_CASE, asked).unique().one_or_none()
    if found is None:
        return None, None
    user, case = found
    if user.is_locked or user.session_generation != int(generation):
        return None, None
    return user, case


def sign_out(session: Session, user: User) -> None:
    """Every session of the user stops working at its next request, and the notes kept for
    them at a timeout (caseviewer/kept_notes.py) are forgotten: signing out forgets typing."""
    from webapp.areas.caseviewer import kept_notes

    with transaction(session):
        user.session_generation += 1
        kept_notes.forget(session, user)
        audit.record(session, "signed_out", actor=user, user=user)
