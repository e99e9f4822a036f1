"""Home, the information pages every service needs, the feedback form, and the site navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from webapp.database import db
from webapp.models import Feedback
from webapp.pages import bp
from webapp.pages.forms import COMMENTS_MAX, FeedbackForm

# The service navigation shown to signed-in users: (text, endpoint). Items whose endpoint is not
# registered (yet) are left out rather than breaking every page.
NAVIGATION = (
    ("Home", "pages.home"),
    ("Submit case", "cases.submit_case"),
    ("My cases", "cases.my_cases"),
    ("User admin", "admin.users"),  # school admins only
    ("Caseviewer", "officer.queue"),  # council officers only
    ("Council admin", "council.index"),  # council admins only
    ("Your account", "auth.account"),
    ("Sign out", "auth.sign_out"),
)


@dataclass(frozen=True)
class HomeAction:
    """One of Home's cards: a link when `href` is set, otherwise shown disabled with `reason`."""

    title: str
    description: str
    href: str | None = None
    reason: str = ""


@bp.app_context_processor
def navigation_context():
    return {"service_navigation": service_navigation}


def service_navigation(active: str | None = None) -> list[dict]:
    """govukServiceNavigation items for the signed-in user; `active` defaults to this endpoint."""
    active = active or request.endpoint
    views = current_app.view_functions
    admin = getattr(current_user, "is_school_admin", False)
    officer = getattr(current_user, "is_officer", False)
    return [
        {"text": text, "href": url_for(endpoint),
         "current": endpoint == active or (endpoint == "admin.users"
                                           and (active or "").startswith("admin."))
         or (endpoint == "officer.queue" and (active or "").startswith("officer."))
         or (endpoint == "council.index" and (active or "").startswith("council."))}
        for text, endpoint in NAVIGATION
        if endpoint in views and (endpoint != "admin.users" or admin)
        and (endpoint != "officer.queue" or officer)
        and (endpoint != "council.index" or getattr(current_user, "is_council_admin", False))
    ]


def home_actions(user) -> list[HomeAction]:
    """Home's three actions; User admin is disabled, with the reason, for non-admins."""
    views = current_app.view_functions
    actions = [
        *([HomeAction("Caseviewer", "Work the cases sent to your council team.",
                      url_for("officer.queue"))]
          if getattr(user, "is_officer", False) and "officer.queue" in views else []),
        HomeAction(
            "Submit case",
            "Start a new case or continue a draft.",
            url_for("cases.submit_case") if "cases.submit_case" in views else None,
        ),
        HomeAction(
            "My cases",
            "Find and track your school's cases.",
            url_for("cases.my_cases") if "cases.my_cases" in views else None,
        ),
    ]
    if not user.is_school_admin:
        actions.append(
            HomeAction(
                "User admin",
                "Add and manage the people who use the portal for your school.",
                reason="Only school administrators can add and manage users.",
            )
        )
    elif "admin.users" in views:
        actions.append(
            HomeAction(
                "User admin",
                "Add and manage the people who use the portal for your school.",
                url_for("admin.users"),
            )
        )
    else:
        actions.append(
            HomeAction(
                "User admin (coming soon)",
                "Add and manage the people who use the portal for your school.",
                reason="User admin is not available yet.",
            )
        )
    if getattr(user, "is_council_admin", False) and "council.index" in views:
        actions.append(HomeAction("Council admin", "Manage schools and their administrators, "
                                  "council staff and teams.", url_for("council.index")))
    return actions


def record_feedback(session: Session, rating: str, comments: str, user_id: int | None) -> None:
    """Store one piece of feedback and commit it."""
    session.add(Feedback(rating=rating, comments=comments or "", user_id=user_id))
    session.commit()


@bp.route("/")
@login_required
def home():
    return render_template("pages/home.html", actions=home_actions(current_user))


@bp.route("/cookies")
def cookies():
    return render_template("pages/cookies.html", session_hours=_session_hours())


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
    lifetime = current_app.config.get("PERMANENT_SESSION_LIFETIME", 12 * 60 * 60)
    seconds = lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else lifetime
    return max(1, round(seconds / 3600))
