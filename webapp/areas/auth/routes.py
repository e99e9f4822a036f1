"""Signing in: email and password, then a code sent by email (or from an authenticator app);
the first sign-in's security question; signing out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from webapp.areas.auth import bp, codes, sessions
from webapp.areas.auth.forms import (
    ButtonForm,
    CodeForm,
    NewPasswordForm,
    SecurityQuestionForm,
    SignInForm,
)
from webapp.areas.auth.policy import password_problem
from webapp.areas.auth.questions import QUESTIONS, hash_answer
from webapp.areas.auth.services import (
    Outcome,
    complete_sign_in,
    end_all_sessions,
    load_user,
    sign_in_check,
)
from webapp.domain import accounts, audit, throttle
from webapp.infra import clock
from webapp.infra.database import db
from webapp.infra.extensions import login_manager
from webapp.infra.mail import queue_mail
from webapp.models import User

PENDING_LIFETIME = 15 * 60  # seconds a half-finished sign-in may wait for its code


@login_manager.user_loader
def _load_user(token: str):
    return load_user(db(), token)


def safe_next(target: str | None) -> str:
    """`next` only ever leads to a page of the portal (a path, never another site)."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
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
        check = sign_in_check(db(), form.email.data, form.password.data)
        if check.outcome is Outcome.PASSED:
            return _start_code_step(check.user)
        db().commit()  # the failure count and the audit row
        if check.outcome is Outcome.LOCKED:
            return _locked(check.user)
        failed = True
        if check.outcome is Outcome.WAIT:
            problem = "There have been too many attempts to sign in with this email address. "
            problem += throttle.wait_message(check.wait)
    return render_template("auth/sign_in.html", form=form, failed=failed, problem=problem)


def _locked(user: User):
    """The right password for a locked account: say so, and whom to ask."""
    return render_template(
        "auth/account_locked.html", whom_to_ask=accounts.whom_to_ask(db(), user)
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
    if user.totp_secret:
        codes.start_app_attempt(db(), user, attempt)
        db().commit()
        return redirect(url_for("auth.enter_code"))
    _send_code(user, attempt)
    return redirect(url_for("auth.enter_code"))


def _send_code(user: User, attempt: str) -> bool:
    """Queue a code for the attempt; False when too many were sent lately."""
    try:
        code = codes.issue_code(db(), user, attempt)
    except codes.TooManyCodes:
        audit.record(db(), "sign_in_code_refused", user=user, why="too many codes")
        db().commit()
        return False
    queue_mail(db(), "sign_in_code", user.email, "sign_in_code", code=code, user=user)
    audit.record(db(), "sign_in_code_sent", user=user)
    db().commit()
    return True


def _pending_user() -> tuple[User, dict] | None:
    pending = session.get("pending")
    if not pending or clock.now().timestamp() - pending["started"] > PENDING_LIFETIME:
        return None
    user = db().get(User, pending["user_id"])
    if user is None or user.is_locked:
        return None
    return user, pending


@bp.route("/sign-in/code", methods=["GET", "POST"])
def enter_code():
    found = _pending_user()
    if found is None:
        session.pop("pending", None)
        flash("Sign in again: the time to enter a code ran out", "info")
        return redirect(url_for("auth.sign_in"))
    user, pending = found
    form = CodeForm()
    problem = None
    if form.validate_on_submit():
        problem = _check(user, pending, form.code.data)
        if problem is None:
            complete_sign_in(db(), user)
            db().commit()
            sessions.begin(user)
            if not user.security_question:
                return redirect(url_for("auth.security_question"))
            if user.password_generated_at:
                return redirect(url_for("auth.choose_password"))
            return redirect(pending["next"])
        db().commit()
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


def _check(user: User, pending: dict, code: str) -> str | None:
    """None when the code signs the user in, else the message to show. Failures count,
    except while the account waits after too many (then nothing is checked)."""
    wait = throttle.time_to_wait(db(), user.email)
    if wait is not None:
        audit.record(db(), "sign_in_refused", user=user, why="waiting after failures")
        return "There have been too many wrong attempts. " + throttle.wait_message(
            wait, "enter a code" if user.totp_secret else "enter the code or send a new one"
        )
    if user.totp_secret:
        result = codes.check_app_code(db(), user, pending["attempt"], code)
    else:
        result = codes.check_code(db(), user, pending["attempt"], code)
    if result is codes.CodeCheck.ACCEPTED:
        return None
    accounts.record_failure(db(), user, "authenticator code" if user.totp_secret else "code")
    if user.totp_secret:
        return {
            codes.CodeCheck.WRONG: "The code is not correct: enter the code your app shows now",
            codes.CodeCheck.USED_UP: "Too many wrong codes: sign in again",
            codes.CodeCheck.MISSING: "This sign-in can no longer be finished: sign in again",
        }[result]
    return {
        codes.CodeCheck.WRONG: "The code is not correct: check the email and try again",
        codes.CodeCheck.USED_UP: "That code can no longer be used: send a new one",
        codes.CodeCheck.EXPIRED: "The code has expired: send a new one",
        codes.CodeCheck.MISSING: "That code can no longer be used: send a new one",
    }[result]


@bp.route("/sign-in/code/resend", methods=["POST"])
def resend_code():
    found = _pending_user()
    if found is None or not ButtonForm().validate_on_submit():
        return redirect(url_for("auth.sign_in"))
    user, pending = found
    if user.totp_secret:
        return redirect(url_for("auth.enter_code"))
    if _send_code(user, pending["attempt"]):
        flash("We have sent a new code. Codes sent earlier no longer work.", "success")
    else:
        flash("You have asked for too many codes. Wait 15 minutes, then sign in again.", "info")
    return redirect(url_for("auth.enter_code"))


@bp.route("/account/security-question", methods=["GET", "POST"])
@login_required
def security_question():
    """First sign-in: choose a security question (used if the password is forgotten)."""
    if current_user.security_question:
        return redirect(url_for("pages.home"))
    form = SecurityQuestionForm()
    if form.validate_on_submit():
        current_user.security_question = form.question.data
        current_user.security_answer_hash = hash_answer(form.answer.data)
        audit.record(db(), "security_question_set", actor=current_user, user=current_user)
        db().commit()
        if current_user.password_generated_at:
            return redirect(url_for("auth.choose_password"))
        return redirect(url_for("pages.home"))
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
        accounts.keep_generated_password(db(), current_user)
        db().commit()
        return redirect(url_for("pages.home"))
    problem = None
    if form.validate_on_submit():
        problem = new_password_problem(form, current_user)
        if problem is None:
            accounts.set_password(db(), current_user, form.password.data, "chosen at sign-in")
            db().commit()
            sessions.begin(current_user._get_current_object())
            flash("Your new password is set", "success")
            return redirect(url_for("pages.home"))
    return render_template("auth/choose_password.html", form=form, keep=keep, problem=problem)


def new_password_problem(form: NewPasswordForm, user: User) -> str | None:
    """Why the new password (typed twice) cannot be used, or None."""
    if form.password.data != form.confirm.data:
        return "The passwords do not match: type the same new password twice"
    words = [user.first_name, user.last_name, user.email.split("@")[0]]
    words += [m.school.name for m in user.memberships]
    words.append(current_app.config["PORTAL_COUNCIL_NAME"])
    return password_problem(form.password.data, words)


@bp.route("/sign-out", methods=["GET", "POST"])
@login_required
def sign_out():
    form = ButtonForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        end_all_sessions(db(), user)
        audit.record(db(), "signed_out", actor=user, user=user)
        db().commit()
        logout_user()
        session.clear()
        flash("You have signed out", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)
