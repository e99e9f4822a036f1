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
