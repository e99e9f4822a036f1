"""Sign in with email and password; sign out. (Emailed codes arrive with issue 4.)"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from webapp.auth import bp
from webapp.auth.forms import SignInForm, SignOutForm
from webapp.auth.services import authenticate, load_user
from webapp.database import db
from webapp.extensions import login_manager


@login_manager.user_loader
def _load_user(token: str):
    return load_user(db(), token)


def safe_next(target: str | None) -> str:
    """`next` only ever leads to a page of the portal (a path, never another site)."""
    if target:
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc and target.startswith("/")
                and not target.startswith("//") and "\\" not in target):
            return target
    return url_for("pages.home")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        user = authenticate(db(), form.email.data, form.password.data)
        if user is not None:
            target = safe_next(request.args.get("next"))
            session.clear()  # nothing from before sign-in survives
            login_user(user)
            session.permanent = True
            return redirect(target)
        failed = True
    return render_template("auth/sign_in.html", form=form, failed=failed), 200


@bp.route("/sign-out", methods=["GET", "POST"])
@login_required
def sign_out():
    form = SignOutForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash("You have signed out", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)
