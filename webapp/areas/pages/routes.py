"""Home, the information pages every service needs, the feedback form, and the site navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.areas.auth import device_cookie
from webapp.areas.pages import bp
from webapp.areas.pages.forms import COMMENTS_MAX, FeedbackForm
from webapp.areas.pages.services import record_feedback
from webapp.infra.database import db

# Who sees what: a user property that must be true, or None for everyone signed in.
SCHOOL_STAFF, SCHOOL_ADMIN, OFFICER, COUNCIL_ADMIN = (
    "school_ids",
    "is_school_admin",
    "is_officer",
    "is_council_admin",
)

# The service navigation of signed-in users: (text, endpoint, who). Items whose endpoint is not
# registered are left out rather than breaking every page.
NAVIGATION = (
    ("Home", "pages.home", None),
    ("Submit case", "cases.submit_case", SCHOOL_STAFF),
    ("My cases", "cases.my_cases", SCHOOL_STAFF),
    ("User admin", "user_admin.users", SCHOOL_ADMIN),
    ("Caseviewer", "caseviewer.queue", OFFICER),
    ("Council admin", "council_admin.index", COUNCIL_ADMIN),
    ("Your account", "auth.account", None),
    ("Sign out", "auth.sign_out", None),
)


@dataclass(frozen=True)
class HomeAction:
    """One of Home's cards: a link when `href` is set, otherwise shown disabled with `reason`."""

    title: str
    description: str
    href: str | None = None
    reason: str = ""


def _allowed(user, who: str | None) -> bool:
    return who is None or bool(getattr(user, who, False))


@bp.app_context_processor
def navigation_context():
    return {"service_navigation": service_navigation}


def service_navigation(active: str | None = None) -> list[dict]:
    """govukServiceNavigation items for the signed-in user; `active` defaults to this endpoint.

    An area's item is also current on its other pages (User admin on every admin.* page).
    """
    active = active or request.endpoint or ""
    views = current_app.view_functions
    return [
        {
            "text": text,
            "href": url_for(endpoint),
            "current": endpoint == active
            or (
                who not in (None, SCHOOL_STAFF) and active.startswith(endpoint.split(".")[0] + ".")
            ),
        }
        for text, endpoint, who in NAVIGATION
        if endpoint in views and _allowed(current_user, who)
    ]


# Home's cards: (title, description, endpoint, who). School staff always see User admin: shown
# disabled, with the reason, unless they administer their school (as the seed guide shows).
HOME = (
    ("Caseviewer", "Work the cases sent to your council team.", "caseviewer.queue", OFFICER),
    ("Submit case", "Start a new case or continue a draft.", "cases.submit_case", SCHOOL_STAFF),
    ("My cases", "Find and track your school's cases.", "cases.my_cases", SCHOOL_STAFF),
    (
        "User admin",
        "Add and manage the people who use the portal for your school.",
        "user_admin.users",
        SCHOOL_STAFF,
    ),
    (
        "Council admin",
        "Manage schools and their administrators, council staff and teams.",
        "council_admin.index",
        COUNCIL_ADMIN,
    ),
)


def home_actions(user) -> list[HomeAction]:
    """Home's actions for this user."""
    views = current_app.view_functions
    actions = []
    for title, description, endpoint, who in HOME:
        if not _allowed(user, who) or endpoint not in views:
            continue
        if endpoint == "user_admin.users" and not user.is_school_admin:
            actions.append(
                HomeAction(
                    title,
                    description,
                    reason=("Only school administrators can add and manage users."),
                )
            )
        else:
            actions.append(HomeAction(title, description, url_for(endpoint)))
    return actions


@bp.route("/")
@login_required
def home():
    return render_template("pages/home.html", actions=home_actions(current_user))


@bp.route("/cookies")
def cookies():
    return render_template(
        "pages/cookies.html", session_hours=_session_hours(), device_cookie=device_cookie.NAME
    )


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/minimum-requirements")
def minimum_requirements():
    return render_template("pages/minimum_requirements.html")


@bp.route("/feedback", methods=["GET", "POST"])
def feedback():
    form = FeedbackForm()
    if form.validate_on_submit():
        signed_in = current_user.is_authenticated
        record_feedback(
            db(), form.rating.data, form.comments.data, current_user.id if signed_in else None
        )
        flash("Thank you for your feedback", "success")
        return redirect(url_for("pages.home" if signed_in else "pages.feedback"))
    return render_template("pages/feedback.html", form=form, comments_max=COMMENTS_MAX)


def _session_hours() -> int:
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    seconds = lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else lifetime
    return max(1, round(seconds / 3600))
