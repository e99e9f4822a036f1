"""User admin pages: thin views over user_admin/services.py.

Only school admins get past the door: anyone else signed in gets 404, as does an admin asking for
a user or school outside their own schools (SECURITY-CHECKLIST 19, 20).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine.describe import join_words
from webapp.areas.user_admin import bp, services
from webapp.areas.user_admin.forms import ConfirmForm, EditUserForm, UserForm
from webapp.domain.errors import Refused
from webapp.infra.database import db
from webapp.web.access import answer_not_found, restrict
from webapp.web.forms import account_added, password_reset_page, saved

restrict(bp, "user admin", lambda user: user.is_school_admin)
answer_not_found(bp, "user admin")


def _after_change() -> str:
    """Back to the list, or Home when the admin has just given up their last admin role."""
    if services.administered_schools(db(), current_user):
        return url_for("user_admin.users")
    return url_for("pages.home")


@bp.route("/")
@login_required
def users():
    """The users of the admin's schools: searchable and sortable."""
    schools = services.administered_schools(db(), current_user)
    args = services.USERS.read(
        request.args,
        current_app.config["USER_ADMIN_PAGE_SIZE"],
        offered=services.offered_schools(schools),
    )
    listing = services.list_users(db(), current_user, args)
    return render_template("user_admin/users.html", listing=listing, args=args, schools=schools)


@bp.route("/add", methods=["GET", "POST"])
@login_required
def add_user():
    schools = services.administered_schools(db(), current_user)
    form = UserForm().offer(schools)
    # A school not offered fails validation.
    added = saved(
        form, lambda: services.add_user(db(), current_user, **form.details()), _where(form)
    )
    if added:
        user, created = added
        if created:
            return account_added(user, url_for("user_admin.users"))
        details = form.details()
        school_ids = {*details["school_ids"], *details["admin_school_ids"]}
        flash(_added_with_their_account(user, school_ids), "success")
        return redirect(url_for("user_admin.users"))
    return render_template("user_admin/add_user.html", form=form, schools=schools)


def _added_with_their_account(user, school_ids) -> str:
    schools = services.administered_schools(db(), current_user)
    names = join_words(school.name for school in schools if school.id in school_ids)
    return (
        f"{user.full_name} already uses {current_app.config['PORTAL_SERVICE_NAME']} for another "
        f"school or setting: they are now a user of {names} too, with their own details and "
        f"password. We have emailed them to say so."
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id: int):
    """The user's details, schools and lock status: nothing is saved until Submit."""
    user = services.user_for_admin(db(), current_user, user_id)
    schools = services.administered_schools(db(), current_user)
    row = services.user_row(db(), user, schools)
    form = EditUserForm.for_user(user, schools, list(row.admin_of))
    email_fixed = not services.may_change_email(db(), current_user, user)
    account_note = services.account_refusal(
        db(), current_user, user, "lock or unlock their account or reset their password"
    )
    if saved(
        form,
        lambda: services.update_user(db(), current_user, user_id, **form.details()),
        _where(form),
    ):
        flash(f"Your changes to {user.full_name} have been saved", "success")
        return redirect(_after_change())
    return render_template(
        "user_admin/edit_user.html",
        user=user,
        row=row,
        form=form,
        schools=schools,
        email_fixed=email_fixed,
        account_note=account_note,
    )


def _where(form) -> dict:
    """Where a refusal's reasons go: one for no field is about the user's schools; whether they
    are an administrator is asked school by school to an admin of several."""
    where = {None: "schools"}
    if form.several_schools:
        where["is_admin"] = "admin_schools"
    return where


@bp.route("/<int:user_id>/reset-password", methods=["GET", "POST"])
@login_required
def reset_password(user_id: int):
    """Asks first; then a random password is emailed to the user, never shown here."""
    return password_reset_page(
        ConfirmForm(),
        lambda: services.reset_user_password(db(), current_user, user_id),
        services.user_for_admin(db(), current_user, user_id),
        url_for("user_admin.edit_user", user_id=user_id),
        "user_admin/reset_password.html",
    )


@bp.route("/<int:user_id>/schools/<int:school_id>/remove", methods=["GET", "POST"])
@login_required
def remove_from_school(user_id: int, school_id: int):
    """Asks first; a school's last administrator cannot be removed."""
    user, school = services.removal(db(), current_user, user_id, school_id)
    form = ConfirmForm()
    problem = ""
    # Said before anything is pressed, when it would be refused: no "Are you sure?" then.
    blocked = (
        "" if form.is_submitted() else services.removal_refusal(db(), current_user, user, school)
    )
    if form.validate_on_submit():
        try:
            last_school = services.remove_from_school(db(), current_user, user_id, school_id)
        except Refused as refused:
            problem = str(refused)
        else:
            message = f"{user.full_name} has been removed from {school.name}"
            if last_school:
                message += ". It was their only school, so their account has been locked"
            flash(message, "success")
            return redirect(_after_change())
    return render_template(
        "user_admin/remove_from_school.html",
        user=user,
        school=school,
        form=form,
        problem=problem,
        blocked=blocked,
        last_school=user.school_ids == {school.id},
    )
