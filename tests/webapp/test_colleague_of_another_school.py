"""A school admin adds a colleague who already uses the portal for another school.

A SENCO working at two schools already had an account for Beaumont Leys; Aylestone's admin
typing her address in Add user was told "ask the council to add them to yours", and the council's
pages could only make her an administrator there. Now the admin adds her to their own school
(only theirs: SECURITY-CHECKLIST 20): she keeps her account, details and password, and is
emailed that she can now use the portal for Aylestone too.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.conftest import PASSWORD, text_of
from tests.webapp.helpers import audit_rows, errors_on, fresh, mails
from webapp.models import User

CANNOT_ADD = (
    "This email address has an account that cannot be added to your school now. Ask the "
    "council about it"
)

TYPED = {
    "first_name": "Robert",
    "last_name": "Typed",
    "job_title": "Class teacher",
    "mobile": "",
    "is_admin": "no",
}


def _add(portal, world, email, **changes):
    portal.get("/user-admin/add")
    return portal.post(
        "/user-admin/add",
        {**TYPED, "email": email, "schools": str(world.school_a.id), **changes},
    )


def test_a_user_of_another_school_is_added_keeping_their_account(sign_in, world, db_session):
    alice = sign_in(world.alice)
    response = _add(alice, world, " Bob@B.example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/user-admin/"
    said = text_of(alice.get("/user-admin/").page)
    assert (
        "Bob Tester already uses School Portal for another school or setting: they are now a "
        "user of Aylestone Primary School too, with their own details and password. We have "
        "emailed them to say so." in said
    )
    bob = fresh(db_session).get(User, world.bob.id)
    assert {(m.school_id, m.is_admin) for m in bob.memberships} == {
        (world.school_a.id, False),
        (world.school_b.id, False),
    }
    assert (bob.first_name, bob.job_title) == ("Bob", "SENCO")  # their own, not what was typed
    assert bob.password_generated_at is None
    assert not mails(db_session, bob.email, "sign_up")
    [told] = mails(db_session, bob.email, "added_to_school")
    assert "Aylestone Primary School" in told.subject
    assert "Alice Tester" in told.body and "https://portal.example.org/sign-in" in told.body
    assert "your own password" in told.body
    [added] = audit_rows(db_session, "membership_added")
    assert (added.actor_id, added.user_id, added.school_id) == (
        world.alice.id,
        bob.id,
        world.school_a.id,
    )
    bob_portal = sign_in(world.bob)  # signs in as before, and now finds Aylestone too
    assert bob_portal.client.get("/", follow_redirects=True).status_code == 200
    assert not audit_rows(db_session, "user_created")
    assert PASSWORD  # their password still works: sign_in above used it


def test_they_can_be_made_an_administrator_of_it(sign_in, world, db_session):
    alice = sign_in(world.alice)
    assert _add(alice, world, world.bob.email, is_admin="yes").status_code == 302
    bob = fresh(db_session).get(User, world.bob.id)
    assert {(m.school_id, m.is_admin) for m in bob.memberships} == {
        (world.school_a.id, True),
        (world.school_b.id, False),
    }
    [told] = mails(db_session, bob.email, "added_to_school")
    assert "administrator of Aylestone Primary School" in told.body


def test_a_locked_account_is_not_added_and_what_was_typed_is_kept(sign_in, world, db_session):
    fresh(db_session).get(User, world.bob.id).is_locked = True
    db_session.commit()
    alice = sign_in(world.alice)
    response = _add(alice, world, world.bob.email)
    assert response.status_code == 200
    # Found in review: an admin of another school typing any address learnt the account
    # holder's name and that their account was locked (a suspension, say), though nothing was
    # added. They are told only that it cannot be added, and whom to ask.
    assert errors_on(response) == [CANNOT_ADD]
    assert "Bob" not in text_of(response.page) and "locked" not in text_of(response.page)
    assert response.page.find("input", attrs={"name": "first_name"})["value"] == "Robert"
    assert fresh(db_session).get(User, world.bob.id).school_ids == {world.school_b.id}
    assert not mails(db_session, world.bob.email, "added_to_school")


def test_council_staff_are_not_added_as_school_users(sign_in, world, db_session):
    from tests.webapp.conftest import staff

    staff(db_session, "olly@council.example.org", "officer")
    alice = sign_in(world.alice)
    response = _add(alice, world, "olly@council.example.org")
    assert errors_on(response) == [
        "This email address belongs to a member of council staff. Council staff cannot also be "
        "school users"
    ]
    olly = fresh(db_session).scalar(select(User).where(User.email == "olly@council.example.org"))
    assert not olly.memberships
