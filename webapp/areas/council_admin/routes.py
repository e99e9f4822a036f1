"""Council admin pages: thin views over council_admin/services.py.

Only council admins get past the door: anyone else signed in (school users, case officers) gets
404, as does a council admin asking for a school, officer or team that does not exist
(SECURITY-CHECKLIST 19, 21).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.areas.council_admin import bp, school_accounts, services
from webapp.areas.council_admin.forms import (
    AdminForm,
    ConfirmForm,
    EmailForm,
    PersonDetailsForm,
    SchoolDetailsForm,
    SchoolForm,
    TeamForm,
)
from webapp.domain import accounts, scanning
from webapp.domain.errors import Refused
from webapp.domain.schools import SETTING_NAMES
from webapp.infra.database import db
from webapp.web.access import answer_not_found, restrict
from webapp.web.forms import (
    confirm_page,
    email_changed,
    password_reset_page,
    saved,
    show_refusal,
)

RETIRED = "No longer in the catalogue"
SCHOOL_DETAILS = ("name", "laestab", "phase")


restrict(bp, "council admin", lambda user: user.is_council_admin)
answer_not_found(bp, "council admin")


def _account_exists(email: str) -> bool:
    return bool(email) and accounts.find_by_email(db(), email) is not None


@bp.route("/")
@login_required
def index():
    return render_template("council_admin/index.html", scans=scanning.backlog(db()))


# --- Schools ---------------------------------------------------------------------------------


@bp.route("/schools")
@login_required
def schools():
    """Every school and setting: searchable by name or URN, sortable."""
    args = services.SCHOOLS.read(request.args, current_app.config["COUNCIL_SCHOOLS_PAGE_SIZE"])
    listing = services.list_schools(db(), current_user, args)
    return render_template("council_admin/schools.html", listing=listing, args=args)


@bp.route("/schools/add", methods=["GET", "POST"])
@login_required
def add_school():
    """A school or setting and its first admin, who is emailed a username and password."""
    form = SchoolForm().offer(_account_exists)
    added = saved(form, lambda: services.add_school(db(), current_user, **form.details()))
    if added:
        school, admin, created = added
        flash(f"{school.name} has been added. " + _admin_message(admin, school, created), "success")
        return redirect(url_for("council_admin.school", school_id=school.id))
    return render_template("council_admin/add_school.html", form=form)


def _admin_message(admin, school, created: bool) -> str:
    if created:
        return (
            f"We have emailed {admin.full_name} their username and a password: they are "
            f"its administrator."
        )
    return (
        f"{admin.full_name} is now an administrator of {school.name} too. We have emailed "
        f"them to say so."
    )


@bp.route("/schools/<int:school_id>", methods=["GET", "POST"])
@login_required
def school(school_id: int):
    """A school's users, and a form to add another administrator."""
    school = services.school_for(db(), current_user, school_id)
    form = AdminForm().offer(_account_exists)
    added = saved(
        form,
        lambda: services.add_school_admin(db(), current_user, school_id, **form.admin_details()),
    )
    if added:
        admin, created = added
        flash(_admin_message(admin, school, created), "success")
        return redirect(url_for("council_admin.school", school_id=school_id))
    members = services.school_members(db(), current_user, school)
    return render_template(
        "council_admin/school.html",
        school=school,
        members=members,
        locked=services.locked_on_new_browsers(db(), [m.user for m in members]),
        form=form,
        setting_names=SETTING_NAMES,
    )


@bp.route("/schools/<int:school_id>/change", methods=["GET", "POST"])
@login_required
def change_school(school_id: int):
    """A school's name, LAESTAB and phase: nothing is saved until Save changes."""
    school = services.school_for(db(), current_user, school_id)
    form = SchoolDetailsForm(data={key: getattr(school, key) for key in SCHOOL_DETAILS})
    if saved(form, lambda: services.change_school(db(), current_user, school_id, **form.details())):
        flash(f"Your changes to {school.name} have been saved", "success")
        return redirect(url_for("council_admin.school", school_id=school_id))
    return render_template("council_admin/change_school.html", school=school, form=form)


@bp.route("/schools/<int:school_id>/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def school_user(school_id: int, user_id: int):
    """A school user's account: unlock it, or go on to lock it or reset the password (each
    asks first), for when no admin of their school can: a user of several schools, or a
    school whose admin is locked out."""
    school, user = school_accounts.school_user_for(db(), current_user, school_id, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if request.form.get("action") != "unlock":  # lock and reset ask first, on their pages
            abort(400)
        school_accounts.set_lock(db(), current_user, school_id, user_id, False)
        flash(f"{user.full_name}'s account has been unlocked", "success")
        return redirect(url_for("council_admin.school_user", school_id=school_id, user_id=user_id))
    locked = services.locked_on_new_browsers(db(), [user])
    return render_template(
        "council_admin/school_user.html", school=school, user=user, form=form, locked=locked
    )


@bp.route("/schools/<int:school_id>/users/<int:user_id>/email", methods=["GET", "POST"])
@login_required
def school_user_email(school_id: int, user_id: int):
    """A school user's new email address, for when no admin of all their schools can change it
    (nor an only administrator their own)."""
    school, user = school_accounts.school_user_for(db(), current_user, school_id, user_id)
    form = EmailForm(data={"email": user.email})
    back = url_for("council_admin.school_user", school_id=school_id, user_id=user_id)
    changed = saved(
        form,
        lambda: school_accounts.change_email(
            db(), current_user, school_id, user_id, form.email.data
        ),
    )
    if changed is not None:  # True: changed; False: the address they have already
        return email_changed(user, changed, back)
    return render_template(
        "council_admin/school_user_email.html", school=school, user=user, form=form, back=back
    )


@bp.route("/schools/<int:school_id>/users/<int:user_id>/details", methods=["GET", "POST"])
@login_required
def school_user_details(school_id: int, user_id: int):
    """A school user's name, job title and mobile number, for when no admin of all their
    schools can change them."""
    school, user = school_accounts.school_user_for(db(), current_user, school_id, user_id)
    form = PersonDetailsForm.for_user(user)
    back = url_for("council_admin.school_user", school_id=school_id, user_id=user_id)
    if saved(
        form,
        lambda: school_accounts.change_details(
            db(), current_user, school_id, user_id, form.details()
        ),
    ):
        flash(f"Your changes to {user.full_name} have been saved", "success")
        return redirect(back)
    return render_template(
        "council_admin/school_user_details.html", school=school, user=user, form=form, back=back
    )


@bp.route("/schools/<int:school_id>/users/<int:user_id>/lock", methods=["GET", "POST"])
@login_required
def school_user_lock(school_id: int, user_id: int):
    """Asks first, as every destructive action does; then the account is locked and the
    user signed out (refused for a school's only administrator)."""
    _school, user = school_accounts.school_user_for(db(), current_user, school_id, user_id)
    return confirm_page(
        ConfirmForm(),
        lambda: school_accounts.set_lock(db(), current_user, school_id, user_id, True),
        url_for("council_admin.school_user", school_id=school_id, user_id=user_id),
        "council_admin/lock_account.html",
        f"{user.full_name}'s account has been locked",
        user=user,
        blocked=None if user.is_locked else school_accounts.why_not_lock(db(), user),
    )


@bp.route("/schools/<int:school_id>/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@login_required
def school_user_password_reset(school_id: int, user_id: int):
    """Asks first, as every reset does; then a random password is emailed to the user, never
    shown here."""
    _school, user = school_accounts.school_user_for(db(), current_user, school_id, user_id)
    return password_reset_page(
        ConfirmForm(),
        lambda: school_accounts.reset_password(db(), current_user, school_id, user_id),
        user,
        url_for("council_admin.school_user", school_id=school_id, user_id=user_id),
        "council_admin/reset_password.html",
    )


# --- Teams ------------------------------------------------------------------------------------


def _catalogue():
    return current_app.extensions["catalogue"]


def _case_type_groups(kept=()) -> dict[str, list[tuple[str, str]]]:
    """The catalogue's case types (not link tiles) by category, as (id, name); and the ids in
    `kept` that have left the catalogue, so that saving a team does not drop them unseen."""
    catalogue = _catalogue()
    groups = {
        category: [(entry.id, entry.name) for entry in entries if entry.id in catalogue.case_types]
        for category, entries in catalogue.categories().items()
    }
    groups = {category: entries for category, entries in groups.items() if entries}
    retired = [
        (case_type_id, case_type_id)
        for case_type_id in kept
        if case_type_id not in catalogue.case_types
    ]
    if retired:
        groups[RETIRED] = retired
    return groups


@bp.route("/teams")
@login_required
def teams():
    """Every team, the case types it works and its members."""
    teams = services.list_teams(db(), current_user)
    return render_template(
        "council_admin/teams.html",
        teams=teams,
        case_types=_catalogue().case_types,
        unworked=services.unworked(teams, _catalogue().case_types),
    )


@bp.route("/teams/add", methods=["GET", "POST"])
@login_required
def add_team():
    return _team_page(None)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@login_required
def edit_team(team_id: int):
    return _team_page(services.team_for(db(), current_user, team_id))


def _team_page(team):
    """Add a team (None), or change one: its name, the case types it works, its members."""
    kept = list(team.case_type_ids or []) if team else []
    if team is None:
        form = TeamForm()
    else:
        form = TeamForm(
            data={
                "name": team.name,
                "case_types": kept,
                "members": [user.id for user in team.members],
            }
        )
    staff = services.council_staff(db(), current_user)
    groups = _case_type_groups(kept)
    form.offer(groups, staff)
    if form.validate_on_submit():
        try:
            saved = services.save_team(
                db(),
                current_user,
                team.id if team else None,
                **form.details(),
                known_case_type_ids=set(_catalogue().case_types),
            )
        except Refused as refused:
            show_refusal(form, refused)
        else:
            flash(f"{saved.name} has been {'added' if team is None else 'saved'}", "success")
            return redirect(url_for("council_admin.teams"))
    return render_template(
        "council_admin/team.html",
        team=team,
        form=form,
        groups=groups,
        staff=staff,
        case_types=_catalogue().case_types,
        retired=RETIRED,
    )


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
@login_required
def delete_team(team_id: int):
    """Asks first; the team's officers keep their accounts and other teams."""
    team = services.team_for(db(), current_user, team_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = services.delete_team(db(), current_user, team_id)
        flash(f"{name} has been deleted", "success")
        return redirect(url_for("council_admin.teams"))
    return render_template("council_admin/delete_team.html", team=team, form=form)
