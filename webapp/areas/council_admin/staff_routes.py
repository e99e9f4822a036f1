"""Council admin's pages of council staff (case officers and council admins): thin views over
council_admin/staff.py. Only council admins get past the door (routes.py restricts the
blueprint); anyone else, or an officer who does not exist, is 404.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.areas.council_admin import bp, services
from webapp.areas.council_admin.forms import ConfirmForm, EditOfficerForm, EmailForm, OfficerForm
from webapp.infra.database import db
from webapp.web.forms import account_added, email_changed, password_reset_page, saved


@bp.route("/officers")
@login_required
def officers():
    """Case officers and council admins, with their teams and lock status."""
    args = services.OFFICERS.read(request.args, current_app.config["COUNCIL_OFFICERS_PAGE_SIZE"])
    listing = services.list_officers(db(), current_user, args)
    locked = services.locked_on_new_browsers(db(), [row.user for row in listing.rows])
    return render_template("council_admin/officers.html", listing=listing, args=args, locked=locked)


@bp.route("/officers/add", methods=["GET", "POST"])
@login_required
def add_officer():
    teams = services.all_teams(db(), current_user)
    form = OfficerForm().offer(teams)
    user = saved(form, lambda: services.add_officer(db(), current_user, **form.details()))
    if user:
        added = account_added(user, url_for("council_admin.officers"))
        if user.council_role == "officer" and not form.details()["team_ids"]:
            # Said, or the new officer signs in to an empty queue and nobody knows why
            flash(
                f"{user.full_name} is in no team yet, so they see no cases: choose their "
                f"teams on their page, or add them to a team on Teams.",
                "important",
            )
        return added
    return render_template("council_admin/add_officer.html", form=form, teams=teams)


@bp.route("/officers/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_officer(user_id: int):
    """An officer's names, role, teams and lock status: nothing is saved until Submit."""
    user = services.officer_for(db(), current_user, user_id)
    teams = services.all_teams(db(), current_user)
    current = services.teams_of(db(), [user.id]).get(user.id, [])
    form = EditOfficerForm.for_officer(user, teams, [team.id for team in current])
    unseen = services.cases_out_of_sight(db(), user) if form.is_submitted() else 0
    if saved(form, lambda: services.update_officer(db(), current_user, user_id, **form.details())):
        flash(f"Your changes to {user.full_name} have been saved", "success")
        _tell_cases_out_of_sight(user, unseen)
        return redirect(url_for("council_admin.officers"))
    locked = services.locked_on_new_browsers(db(), [user])
    return render_template(
        "council_admin/edit_officer.html", user=user, form=form, teams=teams, locked=locked
    )


@bp.route("/officers/<int:user_id>/reset-password", methods=["GET", "POST"])
@login_required
def reset_officer_password(user_id: int):
    """Asks first; then a random password is emailed to the officer, never shown here."""
    return password_reset_page(
        ConfirmForm(),
        lambda: services.reset_officer_password(db(), current_user, user_id),
        services.officer_for(db(), current_user, user_id),
        url_for("council_admin.edit_officer", user_id=user_id),
        "council_admin/reset_password.html",
    )


@bp.route("/officers/<int:user_id>/email", methods=["GET", "POST"])
@login_required
def officer_email(user_id: int):
    """A colleague's new email address (their username): nobody else can change it, and never
    one's own here (another council admin does that)."""
    user = services.colleague_for(db(), current_user, user_id)
    form = EmailForm(data={"email": user.email})
    back = url_for("council_admin.edit_officer", user_id=user_id)
    changed = saved(
        form, lambda: services.change_officer_email(db(), current_user, user_id, form.email.data)
    )
    if changed is not None:  # True: changed; False: the address they have already
        return email_changed(user, changed, back)
    return render_template("council_admin/officer_email.html", user=user, form=form, back=back)


def _tell_cases_out_of_sight(user, before: int) -> None:
    """Said when a change of teams takes active cases assigned to them out of their sight:
    they went unseen and unannounced, though their name still stood beside them."""
    now = services.cases_out_of_sight(db(), user)
    if now > before:
        cases, them = (
            ("1 active case of a case type", "it")
            if now == 1
            else (f"{now} active cases of case types", "them")
        )
        flash(
            f"{user.full_name} is assigned {cases} their teams no longer work, so they can no "
            f"longer see {them}: assign {them} to someone else in caseviewer",
            "important",
        )
