"""Signing in: email and password, then a code sent by email (or from an authenticator app);
the first sign-in's security question; signing out."""

from __future__ import annotations

import json
import math
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from webapp.areas.auth import bp, codes, device_cookie, services, sessions
from webapp.areas.auth.forms import (
    ButtonForm,
    CodeForm,
    NewPasswordForm,
    SecurityQuestionForm,
    SignInForm,
)
from webapp.areas.auth.policy import new_password_problem
from webapp.areas.auth.questions import QUESTIONS
from webapp.areas.auth.services import Outcome
from webapp.areas.cases import parking
from webapp.areas.cases.parking import given_back_message
from webapp.domain import accounts, throttle
from webapp.infra import clock
from webapp.infra.database import db
from webapp.infra.extensions import login_manager
from webapp.models import User

PENDING_LIFETIME = 15 * 60  # seconds a half-finished sign-in may wait for its code
# At most 5 codes in 15 minutes (webapp/areas/auth/codes.py): what a refused one says.
TOO_MANY_CODES = (
    "We have not sent a new code: you have asked for too many codes. Wait 15 minutes, then "
    "sign in again."
)


@login_manager.user_loader
def _load_user(token: str):
    """The signed-in user; on a case view, the case it names is read in the same query and
    kept for the view (cases/lookup.py)."""
    named = request.view_args.get("reference") if request.blueprint == "cases" else None
    if named is not None and "\x00" in named:  # refused (400) before any view: no case to read
        named = None
    user, case = services.load_user(db(), token, case_reference=named)
    if named is not None and user is not None:
        g.case_read_with_user = (named, case)
    return user


# The longest `next` kept: it waits in the session cookie through the code step, and a
# few thousand characters (a link anyone can send) made that cookie too large for browsers
# to keep, so the sign-in could never finish (attack6). As caseviewer's kept queue. Counted
# as the cookie's JSON writes it: a letter outside ASCII takes 6 characters (\uXXXX), 12
# past U+FFFF, and 988 Chinese ones made the cookie 5 KB (review20).
LONGEST_NEXT = 1000


def safe_next(target: str | None) -> str:
    """`next` only ever leads to a page of the portal (a path, never another site)."""
    if target and len(json.dumps(target)) - 2 <= LONGEST_NEXT:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
            and target.isprintable()  # no CR or LF: a Location header cannot carry them
        ):
            return target
    return url_for("pages.home")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    failed, problem = False, None
    if form.validate_on_submit():
        check = services.sign_in_check(
            db(), form.email.data, form.password.data, device_cookie.tokens()
        )
        if check.outcome is Outcome.PASSED:
            return _start_code_step(check.user)
        if check.outcome is Outcome.LOCKED:
            return _locked(check.user)
        if check.outcome is Outcome.EXPIRED:
            return _sent_password_expired(check.user)
        failed = True
        if check.outcome is Outcome.LOCKED_HERE:
            problem = throttle.LOCKED_FOR_STRANGERS
        if check.outcome is Outcome.WAIT:
            problem = "There have been too many attempts to sign in with this email address. "
            problem += throttle.wait_message(check.wait)
    return render_template("auth/sign_in.html", form=form, failed=failed, problem=problem)


def _locked(user: User):
    """The right password for a locked account: say so, and whom to ask."""
    return render_template(
        "auth/account_locked.html", whom_to_ask=accounts.whom_to_ask(db(), user)
    ), 403


def _sent_password_expired(user: User):
    """The right password, but one we emailed that was not used within its 7 days: only its
    holder learns this, and that an admin sends a new one (a reset link could not help: there
    is no security question before a first sign-in)."""
    return render_template(
        "auth/sent_password_expired.html",
        user=user,
        whom_to_ask=accounts.whom_to_ask_for_a_reset(db(), user),
    ), 403


def _start_code_step(user: User):
    """Remember this browser's attempt and send it a code (unless an app gives the codes)."""
    attempt = codes.new_attempt_token()
    session.clear()
    session["pending"] = {
        "user_id": user.id,
        "attempt": attempt,
        "started": clock.now().timestamp(),
        "next": safe_next(request.args.get("next")),
    }
    if not services.start_code_step(db(), user, attempt):
        # No code exists for this attempt: saying "we have sent a code" would leave the user
        # waiting for an email that never comes (only someone with the password sees this).
        session.clear()
        flash(TOO_MANY_CODES, "info")
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("auth.enter_code"))


def _pending_user() -> tuple[User, dict] | None:
    pending = session.get("pending")
    if not pending or clock.now().timestamp() - pending["started"] > PENDING_LIFETIME:
        return None
    user = services.pending_user(db(), pending["user_id"])
    return (user, pending) if user is not None else None


@bp.route("/sign-in/code", methods=["GET", "POST"])
def enter_code():
    if current_user.is_authenticated:  # Back after signing in: there is no code to enter
        return redirect(url_for("pages.home"))
    found = _pending_user()
    if found is None:
        session.pop("pending", None)
        flash("Sign in again: the time to enter a code ran out", "info")
        return redirect(url_for("auth.sign_in"))
    user, pending = found
    form = CodeForm()
    problem = None
    if form.validate_on_submit():
        entry = services.enter_code(
            db(), user, pending["attempt"], form.code.data, device_cookie.tokens()
        )
        problem = entry.problem
        if problem is None:
            sessions.begin(user)
            device_cookie.give(entry.device_token, replacing=entry.replaced_token)
            given = parking.give_back(db(), user)  # pages sent after being signed out
            if given:
                flash(given_back_message(given), "info")
            if not user.security_question or user.password_generated_at:
                session[AFTER_SIGN_IN] = pending["next"]  # once the first steps are done
            if not user.security_question:
                return redirect(url_for("auth.security_question"))
            if user.password_generated_at:
                return redirect(url_for("auth.choose_password"))
            return redirect(pending["next"])
        if user.is_locked:
            session.pop("pending", None)
            return redirect(url_for("auth.sign_in"))
    return render_template(
        "auth/enter_code.html",
        form=form,
        problem=problem,
        user=user,
        app_codes=bool(user.totp_secret),
        resend=ButtonForm(),
    )


@bp.route("/sign-in/code/resend", methods=["POST"])
def resend_code():
    found = _pending_user()
    if found is None or not ButtonForm().validate_on_submit():
        return redirect(url_for("auth.sign_in"))
    user, pending = found
    if user.totp_secret:
        return redirect(url_for("auth.enter_code"))
    if services.send_code(db(), user, pending["attempt"]):
        flash("We have sent a new code. Codes sent earlier no longer work.", "success")
    else:
        flash(TOO_MANY_CODES, "info")
    return redirect(url_for("auth.enter_code"))


AFTER_SIGN_IN = "after_sign_in"  # the page asked for, kept through the first sign-in's steps


def _after_first_steps() -> str:
    """Where signing in was going (a path `safe_next` let through) once the security question
    and own password are done: the page the user asked for, not always Home."""
    return session.pop(AFTER_SIGN_IN, None) or url_for("pages.home")


@bp.route("/account/security-question", methods=["GET", "POST"])
@login_required
def security_question():
    """First sign-in: choose a security question (used if the password is forgotten)."""
    if current_user.security_question:
        return redirect(url_for("pages.home"))
    form = SecurityQuestionForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        services.set_first_question(db(), user, form.question.data, form.answer.data)
        if current_user.password_generated_at:
            return redirect(url_for("auth.choose_password"))
        return redirect(_after_first_steps())
    return render_template(
        "auth/security_question.html", form=form, questions=QUESTIONS, first_time=True
    )


@bp.route("/account/choose-password", methods=["GET", "POST"])
@login_required
def choose_password():
    """After signing in with a password that was sent: choose one's own, or keep it."""
    if not current_user.password_generated_at:
        return redirect(url_for("pages.home"))
    form = NewPasswordForm()
    keep = ButtonForm()
    if request.method == "POST" and "keep-submit" in request.form and keep.validate():
        services.keep_generated_password(db(), current_user._get_current_object())
        return redirect(_after_first_steps())
    problem = None
    if form.validate_on_submit():
        user = current_user._get_current_object()
        council = current_app.config["PORTAL_COUNCIL_NAME"]
        problem = new_password_problem(form.password.data, form.confirm.data, user, council)
        if problem is None:
            token = services.set_own_password(db(), user, form.password.data, "chosen at sign-in")
            after = _after_first_steps()  # read before the new session clears it
            sessions.begin(user)
            device_cookie.give(token)
            flash("Your new password is set", "success")
            return redirect(after)
    return render_template("auth/choose_password.html", form=form, keep=keep, problem=problem)


@bp.route("/sign-out", methods=["GET", "POST"])
@login_required
def sign_out():
    form = ButtonForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        services.sign_out(db(), user)
        logout_user()
        session.clear()
        session[sessions.SIGNED_OUT_HERE] = True  # its pages forget the tabs' typing
        flash("You have signed out", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)


@bp.route("/session/status")
def session_status():
    """How long the session has left, for the timeout warning; asking does not extend it."""
    if not current_user.is_authenticated:
        return jsonify(signed_in=False, seconds_left=0), 401
    left = math.ceil(sessions.seconds_left())  # never 0 while the session lasts
    return jsonify(signed_in=left > 0, seconds_left=left), 200 if left > 0 else 401


@bp.route("/session/keep-alive", methods=["POST"])
@login_required
def keep_alive():
    """ "Stay signed in": the request itself counts as activity (CSRF-checked like any POST)."""
    return jsonify(signed_in=True, seconds_left=math.ceil(sessions.seconds_left()))
