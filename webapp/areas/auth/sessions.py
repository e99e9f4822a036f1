"""Signed-in sessions: a new one at sign-in, idle and absolute limits (30 minutes and 12 hours
unless PORTAL_SESSION_IDLE_MINUTES and PORTAL_SESSION_HOURS say otherwise; webapp/infra/config.py),
and the first sign-in steps. Autosave requests count as activity; asking how long a session
has left (the timeout warning) does not. The session cookie changes, and is sent again, only
when the session does: at most once a minute for activity (ACTIVITY_STEP).

When a session times out while a case page is being sent, what was typed is kept on the draft
before the user is asked to sign in again, so nothing is lost; a note sent from an officer's
case page is kept for them and put back in its box (caseviewer/kept_notes.py). A timeout's
signed-out pages leave the typing kept in the browser's tab for the same user to sign in again
to; only Sign out asked for forgets it there (forget_typing; README, "Typing kept through a
timeout"). When it has ended already (signed
out in another tab, or a background save found it timed out), the page's CSRF token has gone
with it: a case page or its background save is then told so in words (signed_out_already), not
with a bare "problem with your request", and the page's script stops promising a save. So is
one whose session was ended on the server (signed out in another browser), whose token still
matches (_ended_on_the_server). A saved case's page sent so is kept for the user it was shown
to and put back after they sign in again (webapp/areas/cases/parking.py).
"""

from __future__ import annotations

import re

from flask import Flask, current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from webapp.areas.cases import parking
from webapp.areas.cases.endpoints import ANSWER_PAGES, AUTOSAVES, NEW_CASE_PAGES
from webapp.domain.passwords import keyed_hash
from webapp.infra import clock
from webapp.web.security import error_page

# Pages a signed-in user may see before choosing a security question.
FIRST_SIGN_IN_ALLOWED = {
    "auth.security_question",
    "auth.sign_out",
    "auth.keep_alive",
    "static",
    "pages.cookies",
    "pages.accessibility",
    "pages.minimum_requirements",
}


# Requests that neither end nor extend a session: the timeout warning asks how long is left.
NOT_ACTIVITY = {"static", "auth.session_status"}

# The last activity is written into the session (a new cookie) once it is this many seconds
# old (a thirtieth of a shorter idle limit), not at every request: a session may end up to
# this much before its idle limit, never after it, and the timeout warning counts from the
# same written time.
ACTIVITY_STEP = 60


def seconds_left() -> float:
    """How long the signed-in session has before it ends, idle or not (0 once it has)."""
    config = current_app.config
    now = clock.now().timestamp()
    idle_end = session.get("seen_at", 0) + config["SESSION_IDLE_SECONDS"]
    absolute_end = session.get("signed_in_at", 0) + config["SESSION_ABSOLUTE_SECONDS"]
    return max(0.0, min(idle_end, absolute_end) - now)


def typing_kept_for() -> str:
    """Whom the typing a page keeps in the browser's tab (kept-typing.js) is kept for: a mark
    of the signed-in user, keyed with the app's secret (it names nobody), "" when signed out.
    A tab signed into by someone else forgets the typing kept there for the one before."""
    if not current_user.is_authenticated:
        return ""
    return keyed_hash(f"kept typing:{current_user.id}")[:16]


# Set in the session that an explicit sign-out leaves (auth.sign_out), until the next sign-in:
# its signed-out pages forget the typing kept in the browser's tabs (kept-typing.js). A
# timeout's signed-out pages do not: the officer or school user signing in again there gets
# it back, and anyone else signing in there has it forgotten first (typing_kept_for).
SIGNED_OUT_HERE = "signed_out_here"


def forget_typing() -> bool:
    """Whether this signed-out page should forget the typing its tab kept: only after an
    explicit sign-out in this browser, never after a timeout."""
    return not current_user.is_authenticated and bool(session.get(SIGNED_OUT_HERE))


def begin(user) -> None:
    """A brand-new session for `user`: nothing from before signing in survives."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = clock.now().timestamp()
    session["signed_in_at"] = now
    session["seen_at"] = now


def init_app(app: Flask) -> None:
    """End sessions past their limits (SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_SECONDS)."""

    app.jinja_env.globals["session_seconds_left"] = seconds_left
    app.jinja_env.globals["typing_kept_for"] = typing_kept_for
    app.jinja_env.globals["forget_typing"] = forget_typing
    app.register_error_handler(CSRFError, _csrf_refused)

    @app.before_request
    def enforce_session_limits():
        if request.endpoint in NOT_ACTIVITY:
            return None
        if not current_user.is_authenticated:
            return _ended_on_the_server()
        now = clock.now().timestamp()
        idle = now - session.get("seen_at", 0) > current_app.config["SESSION_IDLE_SECONDS"]
        too_old = (
            now - session.get("signed_in_at", 0) > current_app.config["SESSION_ABSOLUTE_SECONDS"]
        )
        if idle or too_old:
            return _timed_out(idle)
        step = min(ACTIVITY_STEP, current_app.config["SESSION_IDLE_SECONDS"] / 30)
        if now - session.get("seen_at", 0) >= step:
            session["seen_at"] = now
        if not current_user.security_question and request.endpoint not in FIRST_SIGN_IN_ALLOWED:
            return redirect(url_for("auth.security_question"))
        return None


# An officer's case page's forms whose note is kept when sent as the session times out.
_OFFICERS_NOTES = ("caseviewer.note", "caseviewer.transition")


def _keep_typed() -> tuple[bool, str | None]:
    """What a page sent as its session timed out keeps for its user, before the session goes:
    whether anything was kept, and the page to go back to after signing in again (None: the
    home page, for a page sent but not kept)."""
    from webapp.areas.cases.new_case import keep_typed_on_new_page, untouched_new_page
    from webapp.areas.cases.services import keep_typed_input
    from webapp.areas.caseviewer import kept_notes
    from webapp.infra.database import db

    if request.method != "POST":
        return False, request.path
    if request.endpoint in NEW_CASE_PAGES:
        if untouched_new_page():  # nothing typed: no empty draft, the same new page again
            return False, request.full_path
        target = keep_typed_on_new_page()  # the first save of a new case: it creates the case
        return target is not None, target
    args = request.view_args or {}
    if request.endpoint in ("cases.page", "cases.autosave"):
        kept = keep_typed_input(
            db(), current_user, args["reference"], args["page_id"], request.form
        )
        return kept, request.path if kept else None
    if request.endpoint in _OFFICERS_NOTES:  # put back in its box by the case's page
        reference = args["reference"]
        kept = kept_notes.keep(db(), current_user, reference, request.endpoint, request.form)
        return kept, url_for("caseviewer.case", reference=reference) if kept else None
    return False, None


def _timed_out(idle: bool):
    kept, target = _keep_typed()
    asked_to_sign_out = request.endpoint == "auth.sign_out"
    # Pressed as the session timed out (the warning's form; CSRFProtect checked its token
    # before this hook): all that Sign out does, everywhere. A GET is a link, from any site:
    # it ends this browser's session only, never the user's others nor what was kept.
    if asked_to_sign_out and request.method == "POST":
        from webapp.areas.auth.services import sign_out
        from webapp.infra.database import db

        sign_out(db(), current_user._get_current_object())
    logout_user()
    session.clear()
    if asked_to_sign_out:
        session[SIGNED_OUT_HERE] = True
        target = None  # signing in again leads Home, not to "Sign out?"
    config = current_app.config
    why = (
        f"you were inactive for {_duration(config['SESSION_IDLE_SECONDS'])}"
        if idle
        else f"you have been signed in for {_duration(config['SESSION_ABSOLUTE_SECONDS'])}"
    )
    message = f"You have been signed out because {why}."
    if kept:
        message += " What you typed has been kept: sign in to carry on."
    if request.endpoint in AUTOSAVES:
        moved = {}
        if kept and request.endpoint == "cases.new_autosave":  # the case it made, for the page
            reference = target.split("/")[2]  # /cases/<reference>/pages/<page>
            moved = {
                "reference": reference,
                "page_url": target,
                "autosave_url": f"{target}/autosave",
            }
        return jsonify(saved=kept, signed_out=True, message=message, **moved), 401
    if request.endpoint == "auth.keep_alive":
        return jsonify(signed_in=False, seconds_left=0, message=message), 401
    flash(message, "info")
    # Back to the page after signing in again: a page being read, or the page being sent.
    return redirect(url_for("auth.sign_in", next=target))


# What the page sends without the user pressing anything: its saves and the timeout warning's.
_IN_THE_BACKGROUND = (*AUTOSAVES, "auth.keep_alive")
# A school's forms whose session may have ended as they were filled in: pages of questions,
# and Check your answers (a message to the council, kept in the tab through sending).
_SCHOOL_FORMS = (*ANSWER_PAGES, "cases.submit")
_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")  # EDU-SENED-PTT1033, never a sentence


def _csrf_refused(error: CSRFError):
    """A request whose CSRF token does not match: if it comes from a case page (or its
    background requests) of a session that has ended, say so (signed_out_already); otherwise
    the generic page for a bad request."""
    ended = request.endpoint in (*_SCHOOL_FORMS, *_IN_THE_BACKGROUND)
    if not ended:
        return error_page(error, 400)
    if not current_user.is_authenticated:
        return signed_out_already()
    if error.description in _ANOTHER_SESSIONS:
        return _opened_before_signing_in(error)
    return error_page(error, 400)


# What Flask-WTF says of a token of another session: one this browser had before the user
# last signed in (signing in starts a new session, begin), or someone else's.
_ANOTHER_SESSIONS = ("The CSRF tokens do not match.", "The CSRF session token is missing.")


def _opened_before_signing_in(error: CSRFError):
    """A case page, or its background save, of an earlier session (signed out and in again in
    another tab): still refused, its token is not this session's, but in words; the save says
    so and the page's script stops, where it promised that Continue would save."""
    if request.endpoint in AUTOSAVES:
        message = (
            "This page was opened before you last signed in, so it can no longer be saved. "
            "Copy anything you have typed that you need, then open the page again."
        )
        return jsonify(saved=False, signed_in=True, reload=True, message=message), 400
    error.portal_message = (
        "This page was opened before you last signed in, so what you sent could not be saved. "
        "Open the page again to carry on."
    )
    return error_page(error, 400)


def _ended_on_the_server():
    """A case page, or one of its background requests, sent by a session ended on the server
    (signed out in another browser, the password changed, the account locked): its CSRF token
    still matches, but nobody is signed in. Told as when this browser signed out, rather than
    with the sign-in redirect of login_required, which a background save followed to the
    sign-in page and took for a save to be made on Continue (then lost)."""
    if request.method == "POST" and request.endpoint in (*_SCHOOL_FORMS, *_IN_THE_BACKGROUND):
        return signed_out_already()
    return None


def signed_out_already():
    """A case page, or one of its background requests, sent after its session ended: nothing
    is saved on the draft, and the words say why and what to do. A saved case's page sent
    with Continue is kept for its user, and put back after they sign in (cases/parking.py)."""
    if request.endpoint in _IN_THE_BACKGROUND:
        message = (
            "You have been signed out (perhaps in another tab, window or browser), so this page "
            "is no longer being saved. Copy anything you have typed that you need, then sign in "
            "again."
        )
        if request.endpoint == "cases.autosave":  # Continue will keep it (parking.py)
            message = (
                "You have been signed out (perhaps in another tab, window or browser), so this "
                "page is no longer being saved. Press Continue to keep what you have typed: "
                "you will be asked to sign in, then it will be put back on the page."
            )
        return jsonify(saved=False, signed_in=False, signed_out=True, message=message), 401
    if _parked():
        flash(parking.KEPT, "info")
    elif request.endpoint == "cases.submit":
        # Named only when it reads as a reference: the address is anyone's to write (a page
        # elsewhere posting for a signed-out visitor), and its words must not be ours
        reference = request.view_args["reference"]
        what = reference if _REFERENCE.fullmatch(reference) else "your case"
        flash(
            f"You had been signed out (perhaps in another tab, window or browser), so "
            f"{what} was not sent. Sign in, then send it again.",
            "info",
        )
    else:
        flash(
            "You had been signed out (perhaps in another tab, window or browser), so the page "
            "you sent could not be saved. Sign in to carry on.",
            "info",
        )
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def _parked() -> bool:
    """Whether a case page sent without a session was kept for the user it was shown to."""
    from webapp.infra.database import db

    if request.method != "POST" or request.endpoint != "cases.page":
        return False
    args = request.view_args
    return parking.park(db(), args["reference"], args["page_id"], request.form)


def _duration(seconds: int) -> str:
    """A session limit as people say it: "30 minutes", "1 hour", "12 hours"."""
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"
