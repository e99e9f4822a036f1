"""A council admin resetting a school user's password is asked first, as every reset is: the
account page, the question and the answer pass axe and fit 320 px."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.helpers import at_320_pixels, axe, person, sign_in

ADMIN = "accounts-admin@council.example.org"
USER = "reset-me@westcotes.example.org"


def test_a_school_users_password_reset_asks_first(page, live, world):
    from webapp.models import Membership, School

    session = world.session()
    try:
        school = session.scalars(select(School).where(School.urn == world.school_urn)).one()
        school_id = school.id
        session.add(person(ADMIN, "Cara", "Mensah", "Portal administrator", role="admin"))
        user = person(USER, "Rhea", "Shah", "Office", [Membership(school=school)])
        session.add(user)
        session.commit()
        account = f"/council/schools/{school_id}/users/{user.id}"
    finally:
        session.close()
    sign_in(page, live, ADMIN)

    page.goto(account)
    axe(page, "Council: a school user's account")
    before = live.mail_count(USER)
    with page.expect_navigation():
        page.get_by_role("link", name="Reset password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to reset the password of Rhea Shah?"
    )
    axe(page, "Council: reset a school user's password, asked first")
    at_320_pixels(page, "Council: reset a school user's password, asked first")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, reset the password").click()
    expect(page.get_by_text("A new password has been emailed to Rhea Shah")).to_be_visible()
    assert page.url.endswith(account)
    live.wait_for_mail(USER, "password", after=before)


def test_locking_a_school_users_account_asks_first(page, live, world):
    from webapp.models import Membership, School

    session = world.session()
    try:
        school = session.scalars(select(School).where(School.urn == world.school_urn)).one()
        session.add(
            person("locks-admin@council.example.org", "Cara", "Lock", "Admin", role="admin")
        )
        user = person(
            "lock-me@westcotes.example.org", "Lena", "Ross", "Office", [Membership(school=school)]
        )
        session.add(user)
        session.commit()
        account = f"/council/schools/{school.id}/users/{user.id}"
    finally:
        session.close()
    sign_in(page, live, "locks-admin@council.example.org")

    page.goto(account)
    with page.expect_navigation():
        page.get_by_role("button", name="Lock account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to lock the account of Lena Ross?"
    )
    axe(page, "Council: lock a school user's account, asked first")
    at_320_pixels(page, "Council: lock a school user's account, asked first")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, lock the account").click()
    expect(page.get_by_text("Lena Ross's account has been locked")).to_be_visible()
    assert page.url.endswith(account)
    expect(page.get_by_role("button", name="Unlock account")).to_be_visible()


def test_locking_a_schools_only_administrator_says_why_not_at_once(page, live, world):
    """The page says from the start that the only administrator cannot be locked, with
    nothing to press but Go back: it passes axe and fits 320 px."""
    from webapp.models import Membership, School

    session = world.session()
    try:
        school = School(name="Mowmacre Hill Primary School", urn="130779", setting_type="school")
        session.add(person("only-admin@council.example.org", "Cara", "O", "Admin", role="admin"))
        user = person(
            "only@mowmacre.example.org",
            "Ola",
            "Ade",
            "Head",
            [Membership(school=school, is_admin=True)],
        )
        session.add(user)
        session.commit()
        account = f"/council/schools/{school.id}/users/{user.id}"
    finally:
        session.close()
    sign_in(page, live, "only-admin@council.example.org")

    page.goto(account)
    with page.expect_navigation():
        page.get_by_role("button", name="Lock account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You cannot lock the account of Ola Ade"
    )
    expect(page.get_by_role("button", name="Yes, lock the account")).to_have_count(0)
    axe(page, "Council: the only administrator cannot be locked")
    at_320_pixels(page, "Council: the only administrator cannot be locked")
    with page.expect_navigation():
        page.get_by_role("link", name="Go back to Ola Ade").click()
    assert page.url.endswith(account)


def test_a_schools_details_and_a_users_email_address_are_changed(page, live, world):
    """Change details of a school (its LAESTAB and phase, never asked before) and a school
    user's new email address: each page, and its error, passes axe and fits 320 px."""
    from webapp.models import Membership, School

    session = world.session()
    try:
        school = School(name="Fosse Infant School", urn="130778", setting_type="school")
        session.add(person("details-admin@council.example.org", "Cara", "D", "Admin", role="admin"))
        user = person("old@fosse.example.org", "Nia", "Hart", "Office", [Membership(school=school)])
        session.add(user)
        session.commit()
        school_page = f"/council/schools/{school.id}"
        account = f"{school_page}/users/{user.id}"
    finally:
        session.close()
    sign_in(page, live, "details-admin@council.example.org")

    page.goto(school_page)
    with page.expect_navigation():
        page.get_by_role("link", name="Change details").click()
    page.get_by_label("LAESTAB (optional)").fill("856 12")
    page.get_by_label("Primary", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a LAESTAB of 7 digits, like 8562001"
    )
    expect(page.get_by_label("LAESTAB (optional)")).to_have_value("856 12")
    axe(page, "Council: change a school's details, with an error")
    at_320_pixels(page, "Council: change a school's details, with an error")
    page.get_by_label("LAESTAB (optional)").fill("856 1234")
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes to Fosse Infant School have been saved")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("8561234")

    page.goto(account)
    with page.expect_navigation():
        page.get_by_role("link", name="Change email address").click()
    axe(page, "Council: change a school user's email address")
    before = live.mail_count("old@fosse.example.org")
    page.get_by_label("Email address").fill("nia.hart@fosse.example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Change email address").click()
    expect(
        page.get_by_text("Nia Hart’s email address is now nia.hart@fosse.example.org")
    ).to_be_visible()
    live.wait_for_mail("old@fosse.example.org", "email address", after=before)

    # Her name, job title and mobile number (every school of hers sees them), with an error.
    page.goto(account)
    with page.expect_navigation():
        page.get_by_role("link", name="Change details").click()
    page.get_by_label("Mobile number (optional)").fill("not a number")
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a UK mobile number")
    axe(page, "Council: change a school user's details, with an error")
    at_320_pixels(page, "Council: change a school user's details, with an error")
    page.get_by_label("Mobile number (optional)").fill("07700 900 982")
    with page.expect_navigation():
        page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes to Nia Hart have been saved")).to_be_visible()

    # And the council admin's own, from Your account.
    page.goto("/account")
    axe(page, "Your account")
    with page.expect_navigation():
        page.get_by_role("link", name="Change name").click()
    axe(page, "Change your details")
    at_320_pixels(page, "Change your details")
    page.get_by_label("Job title (optional)").fill("Inclusion manager")
    with page.expect_navigation():
        page.get_by_role("button", name="Save your details").click()
    expect(page.get_by_text("Your details have been saved")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Inclusion manager")


def test_a_council_officers_email_address_is_changed(page, live, world):
    """Council staff's address (their username) is changed by a council admin from their page:
    the page passes axe and fits 320 px, and the old address is told."""
    session = world.session()
    try:
        session.add(person("staff-admin@council.example.org", "Cal", "Ade", "Admin", role="admin"))
        officer = person("old.name@council.example.org", "Ife", "Old", "Officer", role="officer")
        session.add(officer)
        session.commit()
        officer_page = f"/council/officers/{officer.id}"
    finally:
        session.close()
    sign_in(page, live, "staff-admin@council.example.org")
    page.goto(officer_page)
    with page.expect_navigation():
        page.get_by_role("link", name="Change email address").click()
    axe(page, "Council: change a council officer's email address")
    at_320_pixels(page, "Council: change a council officer's email address")
    before = live.mail_count("old.name@council.example.org")
    page.get_by_label("Email address").fill("new.name@council.example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Change email address").click()
    expect(
        page.get_by_text("Ife Old’s email address is now new.name@council.example.org")
    ).to_be_visible()
    live.wait_for_mail("old.name@council.example.org", "email address", after=before)
