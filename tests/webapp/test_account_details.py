"""A user's name, job title and mobile number belong to their whole account: every school they
belong to sees them. So only an admin of every one of their schools changes them in User admin
(as the email, the lock and a password reset); the user changes their own on their Account page;
a council admin changes anyone's on the school user's page. And whoever is made an administrator
is told by email, from User admin as from the council's pages.

Alice administers school A; Carol belongs to A and B (SECURITY-CHECKLIST 20)."""

from __future__ import annotations

from tests.webapp.conftest import check_page, text_of
from tests.webapp.helpers import audit_rows, errors_on, form_values, fresh_user, mails, send
from tests.webapp.test_account_scope import REFUSED
from tests.webapp.test_user_admin import edit
from webapp.models import Membership


def test_an_admin_of_one_of_her_schools_cannot_rename_or_renumber_carol(sign_in, world, db_session):
    alice = sign_in(world.alice)
    said = "only an administrator of all of them, a council admin, or the user on their Account"
    assert said in text_of(alice.get(f"/user-admin/{world.carol.id}").page)
    for field, value, doing in (
        ("first_name", "Caroline", "change their name"),
        ("last_name", "Smith", "change their name"),
        ("job_title", "Headteacher", "change their job title"),
        ("mobile", "07700 900 982", "change their mobile number"),
    ):
        response = edit(alice, world.carol, **{field: value})
        assert response.status_code == 200
        assert errors_on(response) == [REFUSED.format(doing=doing)]
        # On the question changed, with what was typed kept.
        message = response.page.select_one(f"#{field}-error")
        assert message and REFUSED.format(doing=doing) in text_of(message)
        assert form_values(response.page)[field] == value
    carol = fresh_user(db_session, world.carol)
    assert (carol.first_name, carol.last_name, carol.job_title, carol.mobile) == (
        "Carol",
        "Tester",
        "SENCO",
        "",
    )
    assert not audit_rows(db_session, "user_updated")
    # Her place in Alice's school is still Alice's to change, details left as they are.
    assert edit(alice, world.carol, is_admin="yes").status_code == 302


def test_details_saved_with_other_spacing_are_no_change(sign_in, world, db_session):
    """A mobile saved some other way (an import) than the form tidies it: saving her place in
    Alice's school is not refused as a change of her mobile, and it stays as saved."""
    carol = fresh_user(db_session, world.carol)
    carol.mobile = "07700  900 982 "
    db_session.commit()
    alice = sign_in(world.alice)
    response = edit(alice, world.carol, is_admin="yes")
    assert response.status_code == 302, errors_on(response)
    assert fresh_user(db_session, world.carol).mobile == "07700  900 982 "


def test_an_admin_of_all_her_schools_may_change_carols_details(sign_in, world, db_session):
    alice = fresh_user(db_session, world.alice)
    alice.memberships.append(Membership(school_id=world.school_b.id, is_admin=True))
    db_session.commit()
    portal = sign_in(world.alice)
    said = "only an administrator of all of them"
    assert said not in text_of(portal.get(f"/user-admin/{world.carol.id}").page)
    assert edit(portal, world.carol, first_name="Caroline", mobile="07700 900 982").status_code == (
        302
    )
    carol = fresh_user(db_session, world.carol)
    assert (carol.first_name, carol.mobile) == ("Caroline", "07700 900 982")


def test_everyone_changes_their_own_name_job_title_and_mobile(sign_in, world, db_session):
    carol = sign_in(world.carol)
    account = carol.get("/account").page
    link = account.find("a", href="/account/details")
    assert link and "Change" in link.get_text()
    page = carol.get("/account/details").page
    check_page(page)
    assert form_values(page)["first_name"] == "Carol"
    # Checked as an admin's answers are: what was typed is kept.
    response = send(carol, "/account/details", expect=200, first_name="", mobile="12345")
    assert errors_on(response) == [
        "Enter your first name",
        "Enter a UK mobile number, like 07700 900 982",
    ]
    assert form_values(response.page)["mobile"] == "12345"
    send(
        carol,
        "/account/details",
        first_name=" Caroline ",
        last_name="Smith",
        job_title="Headteacher",
        mobile="07700 900 982",
    )
    assert "Your details have been saved" in text_of(carol.get("/account").page)
    saved = fresh_user(db_session, world.carol)
    assert (saved.first_name, saved.last_name, saved.job_title, saved.mobile) == (
        "Caroline",
        "Smith",
        "Headteacher",
        "07700 900 982",
    )
    [row] = audit_rows(db_session, "user_updated")
    assert (row.actor_id, row.user_id) == (world.carol.id, world.carol.id)
    # The email address is not among them: it goes through its own way.
    assert "email" not in form_values(page)


def test_council_staff_change_their_own_details_too(council_admin, db_session):
    page = council_admin.get("/account/details").page
    check_page(page)
    send(council_admin, "/account/details", job_title="Inclusion manager", last_name="Smith")
    assert "Inclusion manager" in text_of(council_admin.get("/account").page)


def test_a_council_admin_changes_a_school_users_details(council_admin, world, db_session):
    path = f"/council/schools/{world.school_a.id}/users/{world.carol.id}"
    assert council_admin.get(path).page.find("a", href=f"{path}/details")
    page = council_admin.get(f"{path}/details").page
    check_page(page)
    landing = send(council_admin, f"{path}/details", last_name="Smith", mobile="07700 900 982")
    assert landing.headers["Location"] == path
    assert "Your changes to Carol Smith have been saved" in text_of(council_admin.get(path).page)
    carol = fresh_user(db_session, world.carol)
    assert (carol.last_name, carol.mobile) == ("Smith", "07700 900 982")
    [row] = audit_rows(db_session, "user_updated")
    assert row.user_id == world.carol.id
    # Council staff are not school users here.
    other = f"/council/schools/{world.school_b.id}/users/{world.alice.id}/details"
    assert council_admin.client.get(other).status_code == 404


def test_someone_made_an_administrator_in_user_admin_is_told(sign_in, world, db_session):
    alice = sign_in(world.alice)
    assert edit(alice, world.carol, is_admin="yes").status_code == 302
    [message] = mails(db_session, world.carol.email, "admin_granted")
    assert "You are now an administrator of Aylestone Primary School" in message.subject
    # Taking it away again is no such news.
    assert edit(alice, world.carol, is_admin="no").status_code == 302
    assert len(mails(db_session, world.carol.email, "admin_granted")) == 1


def test_a_name_cannot_carry_a_web_address_into_the_portals_mail(sign_in, world, db_session):
    """A name goes into mail to other people: an admin's own name into "Alice Tester has added
    you to …", sent to whoever uses an address the admin types. A name written as a link or
    a web address made the portal's mail carry the admin's link to a user of another school
    (found by attack5): names are refused with one."""
    alice = sign_in(world.alice)
    bait = {
        "first_name": "Council IT: check your account at https://evil.example/verify",
        "last_name": "evil.example",
    }
    response = send(alice, "/account/details", expect=200, **bait)
    assert errors_on(response) == [
        NO_WEB_ADDRESS.format("First name"),
        NO_WEB_ADDRESS.format("Last name"),
    ]
    for name in ("<a href=x>Al</a>", "alice@evil.example", "www.evil"):
        response = send(alice, "/account/details", expect=200, first_name=name)
        assert errors_on(response) == [NO_WEB_ADDRESS.format("First name")]
    assert fresh_user(db_session, world.alice).first_name == "Alice"
    # Real names with their dots, hyphens and apostrophes are names.
    send(alice, "/account/details", first_name="J.R. Anne-Marie", last_name="O’Brien St. John")
    assert fresh_user(db_session, world.alice).last_name == "O’Brien St. John"
    world.alice.last_name = "St.John"  # saved before names were checked: kept while unchanged
    db_session.commit()
    send(alice, "/account/details", mobile="07700 900 982")
    assert fresh_user(db_session, world.alice).mobile == "07700 900 982"
    added = send(
        alice,
        "/user-admin/add",
        expect=200,
        email="zoe@a.example.org",
        first_name="Zoe",
        last_name="see https://evil.example",
        job_title="SENCO",
    )
    assert errors_on(added) == [NO_WEB_ADDRESS.format("Last name")]


def test_a_web_address_written_in_wide_or_ideographic_letters_is_no_name(
    sign_in, world, db_session
):
    """Only an ASCII dot, colon, slash or @ was looked for, so "evil．example" (a full-width
    dot, which mail clients and browsers read as a dot) passed as a name (attack6)."""
    alice = sign_in(world.alice)
    for name in ("evil．example", "evil。example", "https：／／evil", "alice＠evil"):
        response = send(alice, "/account/details", expect=200, last_name=name)
        assert errors_on(response) == [NO_WEB_ADDRESS.format("Last name")], name
    assert fresh_user(db_session, world.alice).last_name == world.alice.last_name


def test_direction_overrides_are_taken_out_of_a_name(sign_in, world, db_session):
    """A right-to-left override in a name turned the words after it round wherever the name
    was shown, in the portal's mail to others too (attack6): such controls are taken out."""
    alice = sign_in(world.alice)
    send(alice, "/account/details", first_name="Al\u202eice", last_name="\u2066Tester\u2069")
    alice_now = fresh_user(db_session, world.alice)
    assert (alice_now.first_name, alice_now.last_name) == ("Alice", "Tester")
    # Joiners some scripts need in their names are kept (Persian: a zero-width non-joiner).
    send(alice, "/account/details", last_name="می\u200cخواهم")
    assert fresh_user(db_session, world.alice).last_name == "می\u200cخواهم"


def test_names_in_other_scripts_still_save(sign_in, world, db_session):
    """Reading a name as NFKC with ideographic dots as dots (attack6) must leave names in
    other scripts alone: Arabic, Chinese, Japanese with its middle dot (full and half width),
    Persian with its zero-width non-joiner, and a name typed in wide letters."""
    alice = sign_in(world.alice)
    for name in ("عبد الله", "王小明", "山田・太郎", "ﾔﾏﾀﾞ･ﾀﾛｳ", "مهر\u200cآور", "Ｏ’Ｂｒｉｅｎ"):
        send(alice, "/account/details", last_name=name)
        assert fresh_user(db_session, world.alice).last_name == name, name


NO_WEB_ADDRESS = "{} must be a name, without a web or email address"


def test_the_account_page_says_who_can_change_ones_email_address(sign_in, world):
    """The email address has no Change link (it is the username, changed for the user): the
    page says whom to ask, or a user whose address changes is at a dead end (h-newuser7)."""
    page = sign_in(world.bob).get("/account").page
    check_page(page)
    hint = page.find("p", class_="govuk-hint")
    assert hint and hint.get_text().startswith("This is your username.")
    bob = text_of(page)
    assert (
        "This is your username. An administrator of Beaumont Leys School can change it in "
        "User admin, or a council admin can." in bob
    )
    carol = text_of(sign_in(world.carol).get("/account").page)
    assert (
        "This is your username. A council admin can change it, or an administrator of all "
        "your schools and settings." in carol
    )
    # An admin cannot change her own address in User admin: someone else does.
    alice = text_of(sign_in(world.alice).get("/account").page)
    assert "This is your username. Another administrator of Aylestone Primary School" in alice
