"""An account-wide action (lock, unlock, password reset, which also removes the authenticator)
on a user who belongs to a school the admin does not run is refused, naming why and whom to
ask; council admins may act; nobody can lock a school's only administrator.

Alice administers school A; Carol belongs to A and B (SECURITY-CHECKLIST 20)."""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.conftest import PASSWORD, text_of
from tests.webapp.helpers import errors_on, form_values, fresh_user, mails
from tests.webapp.test_user_admin import edit
from webapp.models import AuditEvent, Membership

REFUSED = (
    "You cannot {doing} because Carol Tester also belongs to Beaumont Leys School, which you do "
    "not administer. Ask an administrator of Beaumont Leys School, or a council admin, to do it."
)


def test_an_admin_of_school_a_cannot_lock_reset_or_unlock_a_user_school_b_shares(
    sign_in, world, db_session
):
    carol = fresh_user(db_session, world.carol)
    carol.totp_secret = "JBSWY3DPEHPK3PXP"  # her authenticator app
    db_session.commit()
    before = (carol.password_hash, carol.session_generation)
    alice = sign_in(world.alice)

    page = alice.get(f"/user-admin/{world.carol.id}").page
    note = REFUSED.format(doing="lock or unlock their account or reset their password")
    assert note in text_of(page)
    assert not page.find("a", href=f"/user-admin/{world.carol.id}/reset-password")
    response = edit(alice, world.carol, lock_status="locked")
    assert errors_on(response) == [REFUSED.format(doing="lock their account")]

    alice.get(f"/user-admin/{world.carol.id}/reset-password")
    response = alice.post(f"/user-admin/{world.carol.id}/reset-password", expect=302)
    landing = text_of(alice.get(response.headers["Location"]).page)
    assert REFUSED.format(doing="reset their password") in landing
    carol = fresh_user(db_session, world.carol)
    assert (carol.password_hash, carol.session_generation) == before
    assert carol.totp_secret == "JBSWY3DPEHPK3PXP" and not carol.is_locked
    assert not mails(db_session, carol.email, "password_reset_by_admin")

    # Locked by someone else (school B's side): Alice cannot lift it either.
    carol.is_locked = True
    db_session.commit()
    response = edit(alice, world.carol, lock_status="unlocked")
    assert errors_on(response) == [REFUSED.format(doing="unlock their account")]
    assert fresh_user(db_session, world.carol).is_locked
    # Her other changes on the same form still need the whole form to be valid: nothing saved.
    assert not db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user_unlocked")
    ).all()


def test_an_admin_of_all_the_users_schools_may_act(sign_in, world, db_session):
    alice = fresh_user(db_session, world.alice)
    alice.memberships.append(Membership(school_id=world.school_b.id, is_admin=True))
    db_session.commit()
    portal = sign_in(world.alice)
    assert edit(portal, world.carol, lock_status="locked").status_code == 302
    assert fresh_user(db_session, world.carol).is_locked
    assert edit(portal, world.carol, lock_status="unlocked").status_code == 302
    portal.get(f"/user-admin/{world.carol.id}/reset-password")
    portal.post(f"/user-admin/{world.carol.id}/reset-password", expect=302)
    assert mails(db_session, world.carol.email, "password_reset_by_admin")


def test_a_council_admin_may_lock_unlock_and_reset_a_user_of_several_schools(
    council_admin, world, db_session
):
    path = f"/council/schools/{world.school_a.id}/users/{world.carol.id}"
    school_page = council_admin.get(f"/council/schools/{world.school_a.id}").page
    assert school_page.find("a", href=path)
    page = council_admin.get(path).page
    assert "Aylestone Primary School, Beaumont Leys School" in text_of(page)
    council_admin.get(f"{path}/lock")
    council_admin.post(f"{path}/lock", expect=302)
    assert fresh_user(db_session, world.carol).is_locked
    council_admin.get(path)
    council_admin.post(path, {"action": "unlock"}, expect=302)
    assert not fresh_user(db_session, world.carol).is_locked
    # Resetting the password asks first, as every other reset does: the account page links
    # to a page that asks, and nothing is reset until the admin says yes there.
    page = council_admin.get(path).page
    council_admin.post(path, {"action": "reset-password"}, expect=400)  # the old one-click way
    reset = page.find("a", href=f"{path}/reset-password")
    assert reset and "Reset password" in reset.get_text()
    asked = council_admin.get(reset["href"]).page
    assert text_of(asked.h1) == "Are you sure you want to reset the password of Carol Tester?"
    assert asked.select_one(".govuk-back-link")["href"] == path
    assert [a["href"] for a in asked.find_all("a", string="No, go back")] == [path]
    assert not mails(db_session, world.carol.email, "password_reset_by_admin")
    landing = council_admin.post(f"{path}/reset-password", expect=302)
    assert landing.headers["Location"] == path
    assert "A new password has been emailed to Carol Tester" in text_of(
        council_admin.get(path).page
    )
    assert mails(db_session, world.carol.email, "password_reset_by_admin")
    actions = [
        (e.action, e.school_id)
        for e in db_session.scalars(
            select(AuditEvent)
            .where(AuditEvent.user_id == world.carol.id, AuditEvent.action != "sign_in_failed")
            .order_by(AuditEvent.id)
        )
    ]
    assert actions == [
        ("user_locked", world.school_a.id),
        ("user_unlocked", world.school_a.id),
        ("password_reset_by_admin", world.school_a.id),
    ]
    # Council staff are not school users here, and other schools' ids answer 404.
    for elsewhere in ("", "/reset-password"):
        other = f"/council/schools/{world.school_b.id}/users/{world.alice.id}{elsewhere}"
        assert council_admin.client.get(other).status_code == 404


def test_nobody_can_lock_the_only_administrator_of_a_school(
    council_admin, sign_in, world, db_session
):
    carol = fresh_user(db_session, world.carol)
    for membership in carol.memberships:
        membership.is_admin = membership.school_id == world.school_b.id  # B's only admin
    db_session.commit()
    alice = fresh_user(db_session, world.alice)
    alice.memberships.append(Membership(school_id=world.school_b.id))  # A's admin, B's member
    db_session.commit()
    portal = sign_in(world.alice)
    response = edit(portal, world.carol, lock_status="locked")
    assert errors_on(response) == [REFUSED.format(doing="lock their account")]
    path = f"/council/schools/{world.school_b.id}/users/{world.carol.id}"
    assert "You cannot lock" in text_of(council_admin.get(f"{path}/lock").page)
    council_admin.get(f"{path}/reset-password")  # a form's token: a lock form from before
    landing = council_admin.post(f"{path}/lock", expect=302)
    assert landing.headers["Location"] == path
    assert (
        "Carol Tester is the only administrator of Beaumont Leys School. Add another "
        "administrator of Beaumont Leys School first."
    ) in text_of(council_admin.get(path).page)
    assert not fresh_user(db_session, world.carol).is_locked
    # Once B has another administrator, the council may lock her.
    membership = next(
        m
        for m in fresh_user(db_session, world.alice).memberships
        if m.school_id == world.school_b.id
    )
    membership.is_admin = True
    db_session.commit()
    council_admin.get(f"{path}/lock")
    council_admin.post(f"{path}/lock", expect=302)
    assert fresh_user(db_session, world.carol).is_locked


def test_a_council_admin_is_asked_before_locking_a_school_users_account(
    council_admin, world, db_session
):
    """Locking signs the user out at once and keeps them out: it asks first, as resetting a
    password and deleting a team do, and nothing is locked until the admin says yes."""
    path = f"/council/schools/{world.school_a.id}/users/{world.carol.id}"
    page = council_admin.get(path).page
    council_admin.post(path, {"action": "lock"}, expect=400)  # the old one-click way
    assert not fresh_user(db_session, world.carol).is_locked
    lock = page.find("a", string=lambda text: text and "Lock account" in text)
    assert lock and lock["href"] == f"{path}/lock"
    asked = council_admin.get(lock["href"]).page
    assert text_of(asked.h1) == "Are you sure you want to lock the account of Carol Tester?"
    assert asked.select_one(".govuk-back-link")["href"] == path
    assert [a["href"] for a in asked.find_all("a", string="No, go back")] == [path]
    assert not fresh_user(db_session, world.carol).is_locked
    assert not db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user_locked")
    ).all()
    landing = council_admin.post(f"{path}/lock", expect=302)
    assert landing.headers["Location"] == path
    page = council_admin.get(path).page
    assert "Carol Tester's account has been locked" in text_of(page)
    assert fresh_user(db_session, world.carol).is_locked
    assert page.find("button", string=lambda text: text and "Unlock account" in text)


def test_the_edit_form_still_saves_other_changes_for_a_shared_user(sign_in, world, db_session):
    """Her place in Alice's school is Alice's to change (her name is not: the whole account's,
    test_account_details.py)."""
    portal = sign_in(world.alice)
    data = form_values(portal.get(f"/user-admin/{world.carol.id}").page)
    data.setlist("is_admin", ["yes"])
    response = portal.post(f"/user-admin/{world.carol.id}", data)
    assert response.status_code == 302, errors_on(response)
    carol = fresh_user(db_session, world.carol)
    assert [m.is_admin for m in carol.memberships if m.school_id == world.school_a.id] == [True]
    assert PASSWORD  # the password is untouched: Carol signs in as before
    sign_in(world.carol)
