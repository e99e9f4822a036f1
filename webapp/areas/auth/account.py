"""One's own account: name, job title and mobile number, change password, change security
question, authenticator app."""

from __future__ import annotations

import base64
import secrets

import pyotp
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from webapp.areas.auth import bp, device_cookie, own_account, services, sessions
from webapp.areas.auth.forms import (
    AuthenticatorForm,
    ChangePasswordForm,
    ChangeQuestionForm,
    DisableAuthenticatorForm,
    own_details_form,
)
from webapp.areas.auth.policy import new_password_problem
from webapp.areas.auth.questions import QUESTIONS
from webapp.domain.passwords import keyed_hash
from webapp.infra.database import db


@bp.route("/account")
@login_required
def account():
    return render_template(
        "auth/account.html",
        question=QUESTIONS.get(current_user.security_question, ""),
        email_hint=_who_changes_email(current_user),
    )


def _who_changes_email(user) -> str:
    """Whom a school user asks to change their address (it has no Change link: it is their
    username, changed for them, as user_admin/scope.py allows), or a member of council staff
    (a council admin, never themselves: council_admin/staff.py)."""
    if user.council_role:
        who = "Another council admin" if user.is_council_admin else "A council admin"
        return f"This is your username. {who} can change it."
    memberships = list(user.memberships)
    if not memberships:
        return ""
    if len(memberships) == 1:
        who = "Another administrator" if memberships[0].is_admin else "An administrator"
        return (
            f"This is your username. {who} of {memberships[0].school.name} can change it in "
            "User admin, or a council admin can."
        )
    return (
        "This is your username. A council admin can change it, or an administrator of all "
        "your schools and settings."
    )


@bp.route("/account/details", methods=["GET", "POST"])
@login_required
def change_details():
    """One's own name, job title and mobile number: every school one belongs to sees them, and
    an admin of only some of those schools may not change them (user_admin/scope.py)."""
    user = current_user._get_current_object()
    form = own_details_form(user)
    if form.validate_on_submit():
        own_account.change_details(db(), user, form.details())
        flash("Your details have been saved", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/change_details.html", form=form)


def _password_problem(password: str, wrong: str) -> str | None:
    """Why the password given to confirm a change is not accepted (`wrong` when it is wrong, a
    failure that counts), or None. While the account waits after failures, nothing is checked
    (unless this browser is trusted with the account: webapp/domain/trusted_devices.py)."""
    user = current_user._get_current_object()
    return own_account.password_problem(db(), user, password, wrong, device_cookie.tokens())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # Each problem on its own question, in the summary and beside the question.
        problem = _password_problem(form.current.data, "Your current password is not correct")
        user = current_user._get_current_object()
        if problem is not None:
            form.current.errors = [problem]
        else:
            council = current_app.config["PORTAL_COUNCIL_NAME"]
            problem = new_password_problem(form.password.data, form.confirm.data, user, council)
            form.password.errors = [problem] if problem else []
        if problem is None:
            token = services.set_own_password(db(), user, form.password.data, "changed in account")
            sessions.begin(user)  # this session goes on; all others have ended
            device_cookie.give(token)  # this browser stays trusted; all others are not
            flash(
                "Your password has been changed. You have been signed out everywhere else.",
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/security-question/change", methods=["GET", "POST"])
@login_required
def change_question():
    form = ChangeQuestionForm()
    problem = None
    if form.validate_on_submit():
        problem = _password_problem(form.current.data, "Your password is not correct")
        if problem is None:
            user = current_user._get_current_object()
            own_account.change_question(db(), user, form.question.data, form.answer.data)
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
    secret = _setup_secret(current_user)
    form = AuthenticatorForm()
    if form.validate_on_submit():
        # A session alone must not tie the account to an app: the password is needed.
        problem = _password_problem(form.current.data, "Your password is not correct")
        if problem is not None:
            form.current.errors = [problem]  # on its own question, not the code's
        elif pyotp.TOTP(secret).verify(form.code.data, valid_window=1):
            own_account.add_authenticator(db(), current_user._get_current_object(), secret)
            session.pop("totp_setup", None)
            flash(
                "Your authenticator app is set up: you will use it to sign in from now on",
                "success",
            )
            return redirect(url_for("auth.account"))
        else:
            form.code.errors = ["The code is not correct: enter the code your app shows now"]
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=current_user.email, issuer_name=current_app.config["PORTAL_SERVICE_NAME"]
    )
    # Imported here: qrcode brings Pillow (4 MB) into every worker, for this one page.
    import qrcode.image.svg  # noqa: PLC0415

    svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).to_string()
    return render_template(
        "auth/authenticator.html",
        form=form,
        secret=secret,
        qr=base64.b64encode(svg).decode(),
    )


def _setup_secret(user) -> str:
    """The secret offered for setting up an app, the same on every request of the setup.

    The session keeps only a random seed: the secret itself is worked out from it with the
    app's key. The session is a signed cookie anyone holding it can read, and a copy of it
    taken during the setup (a shared computer, a browser backup) would otherwise give the
    secret of the account's second factor for good, long after that session had ended."""
    seed = session.get("totp_setup")
    if not isinstance(seed, str) or not seed.startswith("seed:"):
        seed = session["totp_setup"] = "seed:" + secrets.token_urlsafe(16)
    key = keyed_hash(f"authenticator setup:{user.id}:{seed}")
    return base64.b32encode(bytes.fromhex(key)[:20]).decode()


@bp.route("/account/authenticator/remove", methods=["GET", "POST"])
@login_required
def remove_authenticator():
    form = DisableAuthenticatorForm()
    problem = None
    if form.validate_on_submit():
        problem = _password_problem(form.current.data, "Your password is not correct")
        if problem is None:
            own_account.remove_authenticator(db(), current_user._get_current_object())
            flash("Sign-in codes will be sent by email again", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/remove_authenticator.html", form=form, problem=problem)
