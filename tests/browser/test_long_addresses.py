"""A school's long email address on a phone: the pages that name it in a sentence wrap it at
320 CSS pixels wide (WCAG 1.4.10 reflow) rather than widening the page."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.helpers import at_320_pixels, enter_code, person, sign_in

# A real school's address is often this long: a role, the school's name, the council's domain.
LONG = "safeguarding.lead@braunstonefrithprimary.leicester.sch.uk"


def _long_address_user(world) -> int:
    """A user of the world's school with a long address (added once); their id."""
    from webapp.models import Membership, School, User

    session = world.session()
    try:
        user = session.scalar(select(User).where(User.email == LONG))
        if user is None:
            school = session.scalar(select(School).where(School.urn == world.school_urn))
            user = person(LONG, "Sam", "Long", "Teacher", [Membership(school=school)])
            session.add(user)
            session.commit()
        return user.id
    finally:
        session.close()


def test_a_long_email_address_wraps_on_a_phone(page, live, world):
    """Found by trying it: "Check your email" (every sign-in) was 557 px wide at 320 px for
    this address, and a school admin's "Reset the password" 514 px: the address, one long
    word in a sentence, pushed the page sideways."""
    user_id = _long_address_user(world)
    sign_in(page, live, world.admin)
    page.goto(f"/user-admin/{user_id}/reset-password")
    at_320_pixels(page, "Reset the password of a user with a long address")

    page.context.clear_cookies()
    page.goto("/sign-in")
    before = live.mail_count(LONG)
    page.get_by_label("Email address").fill(LONG)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    at_320_pixels(page, "Check your email, a long address")
    enter_code(page, live, LONG, before)
