"""A member of council staff whose email address changed (a new surname, the council's new
domain): their address is their username, and nothing in the portal could change it. Their
page in Council admin showed it with no way on, their own "Your account" said nothing of whom
to ask (and showed an empty "Schools and settings"), so the only way was a new account, which
lost their teams, their assigned cases and the audit trail's thread. A council admin now
changes it as a school user's is changed: the old address is told, sessions end, codes and
reset links already sent there die; never their own (another council admin does that).
"""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.conftest import PASSWORD, staff, text_of
from tests.webapp.helpers import audit_rows, errors_on, fresh, mails
from webapp.models import User


def _url(user) -> str:
    return f"/council/officers/{user.id}/email"


def test_a_council_admin_changes_an_officers_email_address(
    council_admin, db_session, sign_in, new_client
):
    olly = staff(db_session, "olly@council.example.org", "officer")
    olly_portal = sign_in(olly)
    page = council_admin.get(f"/council/officers/{olly.id}").page
    link = next(a for a in page.find_all("a") if a.get_text().startswith("Change email"))
    assert link["href"] == _url(olly)
    form = council_admin.get(_url(olly)).page
    assert form.find("input", id="email")["value"] == "olly@council.example.org"
    response = council_admin.post(_url(olly), {"email": " Olly.New@Council.example.org "})
    assert response.headers["Location"] == f"/council/officers/{olly.id}"
    said = text_of(council_admin.get(response.headers["Location"]).page)
    assert "Olly Council’s email address is now olly.new@council.example.org" in said
    assert fresh(db_session).get(User, olly.id).email == "olly.new@council.example.org"
    [told] = mails(db_session, "olly@council.example.org", "email_changed")
    assert "olly.new@council.example.org" in told.body
    assert "A council admin of School Portal changed" in told.body
    # They belong to no school: whom they ask is a council admin, as their other emails say
    assert "school administrator" not in told.body
    assert "contact a council admin of the portal straight away" in told.body
    assert olly_portal.client.get("/caseviewer/").status_code == 302  # signed out everywhere
    cara_id = fresh(db_session).scalar(
        select(User.id).where(User.email == "cara@council.example.org")
    )
    [updated] = audit_rows(db_session, "user_updated")
    assert (updated.actor_id, updated.user_id, updated.detail["fields"]) == (
        cara_id,
        olly.id,
        ["email"],
    )
    portal = new_client()  # they sign in with the new address
    portal.get("/sign-in")
    portal.post("/sign-in", {"email": "olly.new@council.example.org", "password": PASSWORD})


def test_an_address_in_use_is_refused_and_the_same_one_changes_nothing(
    council_admin, db_session, world
):
    olly = staff(db_session, "olly@council.example.org", "officer")
    council_admin.get(_url(olly))
    response = council_admin.post(_url(olly), {"email": world.alice.email}, expect=200)
    assert errors_on(response) == ["A user with this email address already exists"]
    response = council_admin.post(_url(olly), {"email": "OLLY@council.example.org"}, expect=302)
    said = text_of(council_admin.get(response.headers["Location"]).page)
    assert "already olly@council.example.org: nothing was changed" in said
    assert fresh(db_session).get(User, olly.id).email == "olly@council.example.org"
    assert not mails(db_session, None, "email_changed")


def test_not_their_own_nor_by_a_case_officer_nor_a_school_users_here(
    council_admin, db_session, sign_in, world
):
    cara = fresh(db_session).scalar(select(User).where(User.email == "cara@council.example.org"))
    own = council_admin.get(f"/council/officers/{cara.id}").page
    assert not [a for a in own.find_all("a") if a.get_text().startswith("Change email")]
    council_admin.get(_url(cara), expect=404)
    council_admin.get(_url(world.alice), expect=404)  # a school user's is on the school's page
    olly = staff(db_session, "olly@council.example.org", "officer")
    sign_in(staff(db_session, "ola@council.example.org", "officer")).get(_url(olly), expect=404)


def test_your_account_tells_council_staff_whom_to_ask(db_session, sign_in):
    officer = sign_in(staff(db_session, "olly@council.example.org", "officer"))
    said = text_of(officer.get("/account").page)
    assert "This is your username. A council admin can change it." in said
    assert "Schools and settings" not in said  # they belong to none
    admin = sign_in(staff(db_session, "cara@council.example.org", "admin"))
    said = text_of(admin.get("/account").page)
    assert "This is your username. Another council admin can change it." in said
