"""A colleague who changed email address, when no school admin can change it.

Carol belongs to Aylestone and Beaumont Leys, which have different administrators: User admin
told each of them "Only an administrator of every school this user belongs to can change their
email address", nobody was, and the council's page of her account had no way to change it
either (nor could a school's only administrator change their own). The council now can, with
what User admin's change does: the old address is told, sessions end, codes and reset links
already sent there die.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.conftest import PASSWORD, staff, text_of
from tests.webapp.helpers import audit_rows, errors_on, fresh, mails
from webapp.models import User


@pytest.fixture
def cara(sign_in, db_session, world):
    return sign_in(staff(db_session, "cara@council.example.org", "admin"))


def _url(world):
    return f"/council/schools/{world.school_a.id}/users/{world.carol.id}/email"


def test_the_council_changes_a_school_users_email_address(
    cara, world, db_session, sign_in, new_client
):
    carol = sign_in(world.carol)
    account = cara.get(f"/council/schools/{world.school_a.id}/users/{world.carol.id}").page
    link = next(a for a in account.find_all("a") if a.get_text().startswith("Change email"))
    assert link["href"] == _url(world)
    form = cara.get(_url(world)).page
    assert form.find("input", id="email")["value"] == "carol@ab.example.org"
    response = cara.post(_url(world), {"email": " Carol.New@AB.example.org "}, expect=302)
    assert response.headers["Location"] == (
        f"/council/schools/{world.school_a.id}/users/{world.carol.id}"
    )
    said = text_of(cara.get(response.headers["Location"]).page)
    assert "Carol Tester’s email address is now carol.new@ab.example.org" in said
    assert fresh(db_session).get(User, world.carol.id).email == "carol.new@ab.example.org"
    [told] = mails(db_session, "carol@ab.example.org", "email_changed")
    assert "carol.new@ab.example.org" in told.body
    assert "A council admin of School Portal changed" in told.body
    assert carol.client.get("/my-cases").status_code == 302  # signed out everywhere
    cara_id = fresh(db_session).scalar(
        select(User.id).where(User.email == "cara@council.example.org")
    )
    [updated] = audit_rows(db_session, "user_updated")
    assert (updated.actor_id, updated.user_id, updated.detail["fields"]) == (
        cara_id,
        world.carol.id,
        ["email"],
    )
    portal = new_client()  # she signs in with the new address
    portal.get("/sign-in")
    portal.post("/sign-in", {"email": "carol.new@ab.example.org", "password": PASSWORD}, expect=302)


def test_an_address_already_in_use_is_refused_on_its_question(cara, world, db_session):
    cara.get(_url(world))
    response = cara.post(_url(world), {"email": "Bob@B.example.org"}, expect=200)
    assert errors_on(response) == ["A user with this email address already exists"]
    assert response.page.find("input", id="email")["value"] == "bob@b.example.org"
    assert fresh(db_session).get(User, world.carol.id).email == "carol@ab.example.org"
    assert not mails(db_session, None, "email_changed")


def test_school_users_cannot_change_it_here(sign_in, world):
    sign_in(world.alice).get(_url(world), expect=404)


def test_user_admin_says_who_can_change_it(sign_in, world):
    page = text_of(sign_in(world.alice).get(f"/user-admin/{world.carol.id}").page)
    assert (
        "Only an administrator of every school this user belongs to, or a council admin, can "
        "change their email address." in page
    )


def test_the_address_she_has_already_is_told_as_no_change(cara, world, db_session):
    """Saved with her own address (in capitals, say): the page said 'Carol Tester’s email
    address is now carol@ab.example.org' as a success, though nothing had changed."""
    cara.get(_url(world))
    response = cara.post(_url(world), {"email": "Carol@AB.example.org"}, expect=302)
    said = text_of(cara.get(response.headers["Location"]).page)
    assert "is now" not in said
    already = "Carol Tester’s email address is already carol@ab.example.org: nothing was changed"
    assert already in said
    assert not mails(db_session, None, "email_changed")
