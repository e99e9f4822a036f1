"""Forgotten password: email address -> the same message whatever it is -> a single-use link
valid for an hour -> the security question -> a new password -> a normal sign-in with a code."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import flash, redirect, render_template, session, url_for
from sqlalchemy import func, select, update

from webapp.areas.auth import bp
from webapp.areas.auth.forms import AnswerForm, ButtonForm, EmailForm, NewPasswordForm
from webapp.areas.auth.questions import QUESTIONS, answer_matches
from webapp.areas.auth.routes import new_password_problem
from webapp.domain import accounts, audit, throttle
from webapp.infra import clock
from webapp.infra.database import db
from webapp.infra.mail import queue_mail
from webapp.models import PasswordReset, User

LINK_LIFETIME = dt.timedelta(hours=1)
LINKS_PER_HOUR = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # 256 random bits: no key needed


@bp.route("/forgotten-password", methods=["GET", "POST"])
def forgotten_password():
    """The same page whatever happened: sent, limited, locked, or no such account."""
    form = EmailForm()
    if form.validate_on_submit():
        user = accounts.find_by_email(db(), form.email.data)
        why_not = _why_no_mail(user)
        if why_not:
            audit.record(db(), "password_reset_not_sent", user=user, why=why_not)
        else:
            _send_reset_mail(user)
        db().commit()
        return render_template("auth/forgotten_password_sent.html")
    return render_template("auth/forgotten_password.html", form=form)


def _why_no_mail(user: User | None) -> str | None:
    """Why no reset email goes out, or None. At most 3 an hour reach any account, whether
    they carry a link or explain that there is no security question yet."""
    if user is None:
        return "unknown account"
    if user.is_locked:
        return "locked"
    recent = db().scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.created_at > clock.now() - LINK_LIFETIME,
        )
    )
    return "too many reset emails" if recent >= LINKS_PER_HOUR else None


def _send_reset_mail(user: User) -> None:
    """A new link (replacing the ones sent before), or, without a security question, an email
    saying whom to ask. Either way a row records it, so the hourly limit counts every one."""
    now = clock.now()
    db().execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db().add(
        PasswordReset(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + LINK_LIFETIME,
            # No question: nothing to reset with, so the link is dead from the start (and its
            # token is never sent).
            used_at=None if user.security_question else now,
        )
    )
    if not user.security_question:
        queue_mail(db(), "password_reset_link", user.email, "password_reset_no_question", user=user)
        audit.record(db(), "password_reset_not_sent", user=user, why="no security question")
        return
    queue_mail(
        db(), "password_reset_link", user.email, "password_reset_link", user=user, token=token
    )
    audit.record(db(), "password_reset_link_sent", user=user)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def open_reset_link(token: str):
    """The emailed link: opening it only shows a button (mail scanners follow links); pressing
    it uses the link up, and the token leaves the address bar."""
    reset = db().scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))
    user = db().get(User, reset.user_id) if reset else None
    if (
        reset is None
        or reset.used_at is not None
        or user is None
        or user.is_locked
        or clock.aware(reset.expires_at) <= clock.now()
    ):
        return render_template("auth/reset_link_invalid.html"), 404
    form = ButtonForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_start.html", form=form)
    reset.used_at = clock.now()
    audit.record(db(), "password_reset_link_opened", user=user)
    db().commit()
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
    if not state or clock.now().timestamp() - state["started"] > LINK_LIFETIME.total_seconds():
        return None
    user = db().get(User, state["user_id"])
    if user is None or user.is_locked or user.session_generation != state["generation"]:
        return None  # locked, or the password changed since: this reset is over
    return user


@bp.route("/reset-password/question", methods=["GET", "POST"])
def reset_question():
    user = _resetting_user()
    if user is None:
        return render_template("auth/reset_link_invalid.html"), 404
    form = AnswerForm()
    wrong, problem = False, None
    wait = throttle.time_to_wait(db(), user.email) if form.is_submitted() else None
    if wait is not None:
        problem = "There have been too many wrong attempts. " + throttle.wait_message(
            wait, "answer the question"
        )
    elif form.validate_on_submit():
        if answer_matches(user.security_answer_hash, form.answer.data):
            session["reset"] = {**session["reset"], "answered": True}
            audit.record(db(), "security_answer_accepted", user=user)
            db().commit()
            return redirect(url_for("auth.reset_new_password"))
        accounts.record_failure(db(), user, "security answer")
        db().commit()
        if user.is_locked:
            session.pop("reset", None)
            return render_template("auth/reset_link_invalid.html"), 404
        wrong = True
    return render_template(
        "auth/reset_question.html",
        form=form,
        wrong=wrong,
        problem=problem,
        question=QUESTIONS.get(user.security_question, ""),
    )


@bp.route("/reset-password/new-password", methods=["GET", "POST"])
def reset_new_password():
    user = _resetting_user()
    if user is None or not session["reset"].get("answered"):
        return render_template("auth/reset_link_invalid.html"), 404
    form = NewPasswordForm()
    problem = None
    if form.validate_on_submit():
        problem = new_password_problem(form, user)
        if problem is None:
            accounts.set_password(db(), user, form.password.data, "forgotten password")
            db().commit()
            session.pop("reset", None)
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_new_password.html", form=form, problem=problem)
