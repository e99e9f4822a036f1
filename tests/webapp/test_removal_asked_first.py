"""Remove from a school asks first, and says before the admin presses anything when the removal
cannot be done.

Alice, the only administrator of Aylestone, opened "Remove yourself from Aylestone": the page
asked "Are you sure…?", warned that "their account will be locked" (of herself), offered "Yes,
remove" and only then said she was its only administrator. Now the reason is on the page from
the start, in her own words, and there is nothing to press but Go back.
"""

from __future__ import annotations

from tests.webapp.conftest import text_of
from tests.webapp.helpers import audit_rows, fresh
from webapp.models import Membership


def _yes_button(page):
    return page.find("button", string=lambda text: text and text.strip().startswith("Yes"))


def test_the_only_administrator_is_told_at_once_and_offered_no_button(sign_in, world, db_session):
    alice = sign_in(world.alice)
    url = f"/user-admin/{world.alice.id}/schools/{world.school_a.id}/remove"
    page = alice.get(url).page
    assert _yes_button(page) is None
    heading = page.h1.get_text(strip=True)
    assert heading == "You cannot remove yourself from Aylestone Primary School"
    said = text_of(page)
    assert (
        "You are the only administrator of Aylestone Primary School. Make someone else an "
        "administrator of Aylestone Primary School first." in said
    )
    assert "their account will be locked" not in said
    assert page.find("a", string="Go back to Alice Tester")


def test_nor_can_an_admin_remove_themselves_from_their_only_school(sign_in, world, db_session):
    fresh(db_session).get(Membership, (world.carol.id, world.school_a.id)).is_admin = True
    db_session.commit()
    alice = sign_in(world.alice)
    page = alice.get(f"/user-admin/{world.alice.id}/schools/{world.school_a.id}/remove").page
    assert _yes_button(page) is None
    assert (
        "You cannot remove yourself from your only school: when you leave, another "
        "administrator of it removes you" in text_of(page)
    )
    assert not audit_rows(db_session, "membership_removed")


def test_a_removal_that_can_be_done_still_asks_first(sign_in, world, db_session):
    alice = sign_in(world.alice)
    url = f"/user-admin/{world.carol.id}/schools/{world.school_a.id}/remove"
    page = alice.get(url).page
    assert _yes_button(page) is not None
    assert "Carol Tester will no longer see or submit the cases of Aylestone" in text_of(page)
    alice.post(url, expect=302)
    assert [row.user_id for row in audit_rows(db_session, "membership_removed")] == [world.carol.id]


def test_the_council_is_told_at_once_it_cannot_lock_a_schools_only_administrator(
    council_admin, world, db_session
):
    """The council's 'Lock account' of a school's only administrator asked 'Are you sure you
    want to lock the account of Alice Tester?', offered 'Yes, lock the account', and only then
    said she was Aylestone's only administrator: now the page says so from the start."""
    url = f"/council/schools/{world.school_a.id}/users/{world.alice.id}/lock"
    page = council_admin.get(url).page
    assert _yes_button(page) is None
    assert page.h1.get_text(strip=True) == "You cannot lock the account of Alice Tester"
    assert (
        "Alice Tester is the only administrator of Aylestone Primary School. Add another "
        "administrator of Aylestone Primary School first." in text_of(page)
    )
    assert page.find("a", string="Go back to Alice Tester")
    council_admin.get(url.replace("/lock", "/reset-password"))  # a page with a form's token
    council_admin.post(url, expect=302)  # a form from before is still refused
    assert not fresh(db_session).get(type(world.alice), world.alice.id).is_locked
