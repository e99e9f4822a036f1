"""One's own account: change password, change security question, authenticator app."""

from __future__ import annotations

import base64

import pyotp
import qrcode
import qrcode.image.svg
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from webapp.areas.auth import bp, sessions
from webapp.areas.auth.forms import (
    AuthenticatorForm,
    ChangePasswordForm,
    ChangeQuestionForm,
    DisableAuthenticatorForm,
)
from webapp.areas.auth.questions import QUESTIONS, hash_answer
from webapp.areas.auth.routes import new_password_problem
from webapp.domain import accounts, audit, throttle
from webapp.domain.passwords import check_password
from webapp.infra.database import db
from webapp.infra.mail import queue_mail


@bp.route("/account")
@login_required
def account():
    return render_template(
        "auth/account.html", question=QUESTIONS.get(current_user.security_question, "")
    )


def _password_problem(password: str, wrong: str) -> str | None:
    """Why the password given to confirm a change is not accepted (`wrong` when it is wrong, a
    failure that counts), or None. While the account waits after failures, nothing is checked."""
    user = current_user._get_current_object()
    wait = throttle.time_to_wait(db(), user.email)
    if wait is not None:
        return "There have been too many wrong attempts. " + throttle.wait_message(wait)
    if check_password(user.password_hash, password):
        return None
    accounts.record_failure(db(), user, "password")
    db().commit()
    return wrong


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    problem = None
    if form.validate_on_submit():
        problem = _password_problem(form.current.data, "Your current password is not correct")
        if problem is None:
            problem = new_password_problem(form, current_user)
        if problem is None:
            user = current_user._get_current_object()
            accounts.set_password(db(), user, form.password.data, "changed in account")
            db().commit()
            sessions.begin(user)  # this session goes on; all others have ended
            flash(
                "Your password has been changed. You have been signed out everywhere else.",
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form, problem=problem)


@bp.route("/account/security-question/change", methods=["GET", "POST"])
@login_required
def change_question():
    form = ChangeQuestionForm()
    problem = None
    if form.validate_on_submit():
        problem = _password_problem(form.current.data, "Your password is not correct")
        if problem is None:
            user = current_user._get_current_object()
            user.security_question = form.question.data
            user.security_answer_hash = hash_answer(form.answer.data)
            queue_mail(
                db(),
                "security_question_changed",
                user.email,
                "security_question_changed",
                user=user,
            )
            audit.record(db(), "security_question_changed", actor=user, user=user)
            db().commit()
            flash("Your security question has been changed", "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/security_question.html",
        form=form,
        questions=QUESTIONS,
        first_time=False,
        problem=problem,
    )


@bp.route("/account/authenticator", methods=["GET", "POST"])
@login_required
def authenticator():
    """Set up an authenticator app: scan the QR code, then type one code to confirm."""
    secret = session.get("totp_setup") or pyotp.random_base32()
    session["totp_setup"] = secret
    form = AuthenticatorForm()
    problem = None
    if form.validate_on_submit():
        # A session alone must not tie the account to an app: the password is needed.
        problem = _password_problem(form.current.data, "Your password is not correct")
        if problem is None and pyotp.TOTP(secret).verify(form.code.data, valid_window=1):
            user = current_user._get_current_object()
            user.totp_secret = secret
            user.totp_last_step = None
            session.pop("totp_setup", None)
            queue_mail(db(), "authenticator_added", user.email, "authenticator_added", user=user)
            audit.record(db(), "authenticator_added", actor=user, user=user)
            db().commit()
            flash(
                "Your authenticator app is set up: you will use it to sign in from now on",
                "success",
            )
            return redirect(url_for("auth.account"))
        if problem is None:
            problem = "The code is not correct: enter the code your app shows now"
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=current_user.email, issuer_name=current_app.config["PORTAL_SERVICE_NAME"]
    )
    svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).to_string()
    return render_template(
        "auth/authenticator.html",
        form=form,
        problem=problem,
        secret=secret,
        qr=base64.b64encode(svg).decode(),
    )


@bp.route("/account/authenticator/remove", methods=["GET", "POST"])
@login_required
def remove_authenticator():
    form = DisableAuthenticatorForm()
    problem = None
    if form.validate_on_submit():
        problem = _password_problem(form.current.data, "Your password is not correct")
        if problem is None:
            user = current_user._get_current_object()
            user.totp_secret = None
            queue_mail(
                db(), "authenticator_removed", user.email, "authenticator_removed", user=user
            )
            audit.record(db(), "authenticator_removed", actor=user, user=user)
            db().commit()
            flash("Sign-in codes will be sent by email again", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/remove_authenticator.html", form=form, problem=problem)
