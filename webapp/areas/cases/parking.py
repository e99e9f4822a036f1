"""A case page sent after its session had ended elsewhere (signed out in another tab or
browser, or timed out and cleared by a background save): what was typed is parked on the
server for the user whose page it was, and given back to them once, after they sign in again.

Whose page it was cannot be read from a session that has gone: each case page carries a
`typist` value, the user, case and page signed with SECRET_KEY (for as long as a session may
last), with a check of the account (its password hash and email): a password or email changed
since (as after a break-in) makes it, and anything it parked, worthless. Parking writes
nothing on the draft: a session ended on purpose (signed out, password changed, account
locked) must not change a case. Only that user, signing in again (not locked) and still able
to change the case (a draft, or one the council asked more about), gets it back, as what was
typed (unchecked, as a timeout keeps it).
Never in a cookie nor the address; files are not kept (a file chosen must be chosen again).
Purged after a day (webapp/domain/retention.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.models import Case, ParkedPage, User

KEEP = dt.timedelta(days=1)  # as webapp/domain/retention.py purges them
# The page id of a note an officer sent from a case's page as their session timed out
# (caseviewer/kept_notes.py): no case type's page id can be it, and give_back leaves it.
OFFICERS_CASE_PAGE = "(officer's case page)"
GIVEN_BACK = "Check it, then press Continue to save it. Any file you chose must be chosen again."


def given_back_message(pages: list[tuple[str, str]]) -> str:
    """What the user is told of the pages given back, naming each case and page: "What you
    typed on ‘About the child’ of EDU-SENED-PTT1033 after you had been signed out has been put
    back on the page. Check it, …"."""
    named = [f"‘{title}’ of {reference}" for reference, title in pages]
    where = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    put = "the page" if len(named) == 1 else "those pages"
    return (
        f"What you typed on {where} after you had been signed out has been put back on {put}. "
        + GIVEN_BACK
    )


KEPT = (
    "You had been signed out (perhaps in another tab, window or browser), so the page you sent "
    "could not be saved yet. What you typed has been kept: sign in to carry on, and it will be "
    "put back on the page."
)
_SALT = "case-page-typist"
# What the page sends besides the answers: never parked.
_NOT_ANSWERS = {"csrf_token", "typist", "action", "page_version", "acknowledged", "start_token"}


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def account_check(user: User) -> str:
    """Changes when the user's password or email does (a break-in put right)."""
    return hashlib.sha256(f"{user.password_hash}\n{user.email}".encode()).hexdigest()


def typist(user: User, reference: str, page_id: str) -> str:
    """The signed value a case page carries: who it was shown to, for which case and page."""
    return _signer().dumps([user.id, reference, page_id, account_check(user)[:16]])


def _typist_of(session: Session, token: str, reference: str, page_id: str) -> User | None:
    """The user `token` was signed for, if it is genuine, recent, for this page and their
    account is as it was (not locked, the same password and email)."""
    try:
        signed = _signer().loads(token, max_age=current_app.config["SESSION_ABSOLUTE_SECONDS"])
    except BadSignature:  # forged, altered, or older than any session
        return None
    if not (isinstance(signed, list) and len(signed) == 4 and signed[1:3] == [reference, page_id]):
        return None
    user = session.get(User, signed[0]) if isinstance(signed[0], int) else None
    if user is None or user.is_locked or account_check(user)[:16] != signed[3]:
        return None
    return user


def park(session: Session, reference: str, page_id: str, formdata) -> bool:
    """Keep a page sent without a session for the user its `typist` names; whether it was."""
    user = _typist_of(session, formdata.get("typist") or "", reference, page_id)
    if user is None:
        return False
    from webapp.areas.cases.services import changeable_by_the_school

    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None or case.school_id not in user.school_ids:
        return False
    if changeable_by_the_school(session, case) is None:  # as keep_typed_input will ask
        return False
    typed = [[k, v] for k, v in formdata.items(multi=True) if k not in _NOT_ANSWERS]
    user_id, case_id = user.id, case.id
    # Sent twice at once (Continue pressed twice), both find none kept and both keep one: the
    # later one to commit then finds the earlier's, and replaces it.
    for _attempt in range(2):
        try:
            with transaction(session, conflict=_KeptMeanwhile):
                session.execute(
                    delete(ParkedPage).where(
                        ParkedPage.user_id == user_id,
                        ParkedPage.case_id == case_id,
                        ParkedPage.page_id == page_id,
                    )
                )
                check = account_check(user)
                session.add(
                    ParkedPage(
                        user_id=user_id,
                        case_id=case_id,
                        page_id=page_id,
                        form=typed,
                        account_check=check,
                    )
                )
            return True
        except _KeptMeanwhile:
            continue
    return True  # kept by the sends of the same moment


class _KeptMeanwhile(Exception):
    """The same page was kept for the user by a send of the same moment."""


def give_back(session: Session, user: User) -> list[tuple[str, str]]:
    """Put what `user` typed on pages sent after being signed out back on their drafts (as
    typed, once; the rows go whatever becomes of them); the pages given back, as (case
    reference, page title)."""
    from webapp.areas.cases.services import keep_typed_input

    school_pages = (ParkedPage.user_id == user.id, ParkedPage.page_id != OFFICERS_CASE_PAGE)
    parked = session.scalars(select(ParkedPage).where(*school_pages)).all()
    if not parked:
        return []
    kept = [
        (case.reference, p.page_id, MultiDict([tuple(pair) for pair in p.form]))
        for p in parked
        if p.account_check == account_check(user) and not user.is_locked
        for case in [session.get(Case, p.case_id)]
        if case is not None and clock.aware(p.created_at) >= clock.now() - KEEP
    ]
    with transaction(session):
        session.execute(delete(ParkedPage).where(*school_pages))
    given = [
        (ref, keep_typed_input(session, user, ref, page_id, form)) for ref, page_id, form in kept
    ]
    return [(ref, title) for ref, title in given if title]
