"""Forgotten password pages: email address -> the same message whatever it is -> a single-use
link valid for an hour -> the security question -> a new password -> a normal sign-in with a
code. The work is in recovery.py."""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, session, url_for

from webapp.areas.auth import bp, device_cookie, recovery
from webapp.areas.auth.forms import AnswerForm, ButtonForm, EmailForm, NewPasswordForm
from webapp.areas.auth.policy import new_password_problem
from webapp.areas.auth.questions import QUESTIONS
from webapp.domain import throttle, trusted_devices
from webapp.infra import clock
from webapp.infra.database import db
from webapp.models import User


@bp.route("/forgotten-password", methods=["GET", "POST"])
def forgotten_password():
    """The same page whatever happened: sent, limited, locked, or no such account."""
    form = EmailForm()
    if form.validate_on_submit():
        recovery.request_reset(db(), form.email.data)
        return render_template("auth/forgotten_password_sent.html")
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def open_reset_link(token: str):
    """The emailed link: opening it only shows a button (mail scanners follow links); pressing
    it uses the link up, and the token leaves the address bar."""
    live = recovery.live_link(db(), token)
    if live is None:
        return render_template("auth/reset_link_invalid.html"), 404
    form = ButtonForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_start.html", form=form)
    reset, user = live
    recovery.use_link(db(), reset, user)
    session.clear()
    session["reset"] = {
        "user_id": user.id,
        "answered": False,
        "started": clock.now().timestamp(),
        "generation": user.session_generation,
    }
    return redirect(url_for("auth.reset_question"))


def _resetting_user() -> User | None:
    state = session.get("reset")
    lifetime = recovery.LINK_LIFETIME.total_seconds()
    if not state or clock.now().timestamp() - state["started"] > lifetime:
        return None
    return recovery.resetting_user(db(), state["user_id"], state["generation"])


@bp.route("/reset-password/question", methods=["GET", "POST"])
def reset_question():
    user = _resetting_user()
    if user is None:
        return render_template("auth/reset_link_invalid.html"), 404
    form = AnswerForm()
    wrong, problem = False, None
    if form.is_submitted():
        problem = _not_checked(user)
    if problem is None and form.validate_on_submit():
        tokens = device_cookie.tokens()
        answered = recovery.answer_question(db(), user, form.answer.data, tokens)
        if answered:
            session["reset"] = {**session["reset"], "answered": True}
            return redirect(url_for("auth.reset_new_password"))
        if user.is_locked:
            session.pop("reset", None)
            return render_template("auth/reset_link_invalid.html"), 404
        if answered is None:  # not checked: answers sent with it started a wait meanwhile
            problem = _not_checked(user) or throttle.too_many_wrong(
                dt.timedelta(0), "answer the question"
            )
        else:
            wrong = True
    return render_template(
        "auth/reset_question.html",
        form=form,
        wrong=wrong,
        problem=problem,
        question=QUESTIONS.get(user.security_question, ""),
        council_staff=user.is_officer,  # reset by a council administrator, not a school's
    )


def _not_checked(user: User) -> str | None:
    """Why an answer from this browser would not be checked now (it is not trusted with the
    account, and the address waits or untrusted clients are hard-locked), or None."""
    if trusted_devices.is_trusted(db(), user, device_cookie.tokens()):
        return None
    wait = throttle.time_to_wait(db(), user.email)
    if wait is not None:
        return throttle.too_many_wrong(wait, "answer the question")
    return throttle.LOCKED_HERE if throttle.hard_locked(db(), user.email) else None


@bp.route("/reset-password/new-password", methods=["GET", "POST"])
def reset_new_password():
    user = _resetting_user()
    if user is None or not session["reset"].get("answered"):
        return render_template("auth/reset_link_invalid.html"), 404
    form = NewPasswordForm()
    problem = None
    if form.validate_on_submit():
        council = current_app.config["PORTAL_COUNCIL_NAME"]
        problem = new_password_problem(form.password.data, form.confirm.data, user, council)
        if problem is None:
            recovery.set_new_password(db(), user, form.password.data)
            session.pop("reset", None)
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_new_password.html", form=form, problem=problem)
