"""A colleague who did not sign in within the 7 days their emailed password works.

Dev is added by Alice; he first tries to sign in eight days later. With the password he was
sent he was told "Enter a correct email address and password", as if he had mistyped it, and
Forgotten password could not help (he has no security question yet); Alice's User admin said
only "Unlocked". Now he is told the password has expired and whom to ask, and Alice sees it
and is pointed to Reset password, which sends a new one.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import audit_rows, errors_on, fresh, mails, password_in
from webapp.models import User

DEV = {
    "email": "dev.patel@a.example.org",
    "first_name": "Dev",
    "last_name": "Patel",
    "job_title": "SENCO",
    "mobile": "",
    "is_admin": "no",
}


def _add_dev(portal, world, db_session) -> tuple[User, str]:
    portal.get("/user-admin/add")
    portal.post("/user-admin/add", {**DEV, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.email == DEV["email"]))
    [mail] = mails(db_session, DEV["email"], "sign_up")
    return dev, password_in(mail)


def test_signing_in_with_an_expired_sent_password_says_so_and_whom_to_ask(
    sign_in, world, db_session, moving_clock, new_client
):
    _dev, password = _add_dev(sign_in(world.alice), world, db_session)
    moving_clock.advance(days=8)
    dev = new_client()
    dev.get("/sign-in")
    response = dev.post("/sign-in", {"email": DEV["email"], "password": password}, expect=403)
    page = text_of(response.page)
    assert response.page.h1.get_text(strip=True) == "The password we sent you has expired"
    assert "Enter a correct email address and password" not in page
    assert "worked for 7 days" in page
    assert "To reset your password, ask an administrator of your school: Alice Tester." in page
    assert not mails(db_session, DEV["email"], "sign_in_code")  # no code: not signed in
    [refused] = audit_rows(db_session, "sign_in_refused")
    assert refused.detail["why"] == "generated password expired"


def test_a_wrong_password_for_an_expired_account_is_just_wrong(
    sign_in, world, db_session, moving_clock, new_client
):
    """Only the right password learns of the expiry: a guess learns nothing more."""
    _add_dev(sign_in(world.alice), world, db_session)
    moving_clock.advance(days=8)
    dev = new_client()
    dev.get("/sign-in")
    response = dev.post("/sign-in", {"email": DEV["email"], "password": "a wrong one"}, expect=200)
    assert errors_on(response) == ["Enter a correct email address and password"]


def test_the_admin_sees_the_sent_password_expired_and_can_send_a_new_one(
    sign_in, world, db_session, moving_clock, new_client
):
    dev_user, _password = _add_dev(sign_in(world.alice), world, db_session)
    alice = sign_in(world.alice)
    listing = alice.get("/user-admin/")
    row = next(r for r in listing.page.select("tbody tr") if DEV["email"] in r.get_text())
    assert "Sent password expired" not in row.get_text()  # within its 7 days
    moving_clock.advance(days=8)
    alice = sign_in(world.alice)
    listing = alice.get("/user-admin/")
    row = next(r for r in listing.page.select("tbody tr") if DEV["email"] in r.get_text())
    assert "Sent password expired" in row.get_text()
    edit_page = alice.get(f"/user-admin/{dev_user.id}")
    notice = text_of(edit_page.page)
    assert "Dev Patel has not signed in with the password we emailed them on" in notice
    link = edit_page.page.find("a", string="Reset their password")
    assert link["href"] == f"/user-admin/{dev_user.id}/reset-password"
    alice.get(link["href"])
    alice.post(link["href"], expect=302)
    [reset] = mails(db_session, DEV["email"], "password_reset_by_admin")
    assert "works for 7 days" in reset.body
    dev = new_client()
    new_password = password_in(reset)
    dev.get("/sign-in")
    dev.post("/sign-in", {"email": DEV["email"], "password": new_password}, expect=302)
    listing = alice.get("/user-admin/")
    row = next(r for r in listing.page.select("tbody tr") if DEV["email"] in r.get_text())
    assert "Sent password expired" not in row.get_text()


def test_the_council_sees_a_first_admins_sent_password_expired(
    sign_in, world, db_session, moving_clock
):
    """A new school's first administrator has nobody at the school to send a new password:
    the council does, from the school's page."""
    from tests.webapp.conftest import staff
    from tests.webapp.test_council_admin import add_school

    cara_user = staff(db_session, "cara@council.example.org", "admin")
    add_school(sign_in(cara_user))
    sam = fresh(db_session).scalar(select(User).where(User.email == "head@rusheymead.example.org"))
    school_id = sam.memberships[0].school_id
    moving_clock.advance(days=8)
    cara = sign_in(cara_user)
    page = cara.get(f"/council/schools/{school_id}").page
    row = next(r for r in page.select("tbody tr") if sam.email in r.get_text())
    assert "Sent password expired" in row.get_text()
    account = cara.get(f"/council/schools/{school_id}/users/{sam.id}").page
    assert "Sam Okafor has not signed in with the password we emailed them on" in text_of(account)
    link = account.find("a", string="Reset their password")
    assert link["href"] == f"/council/schools/{school_id}/users/{sam.id}/reset-password"


def test_the_admin_sees_a_colleague_has_not_signed_in_yet_and_can_send_it_again(
    sign_in, world, db_session, new_client
):
    """The sign-up email did not arrive (a typo, a junk folder): User admin said nothing of it,
    and "Reset password" did not read as the way to send it again."""
    from tests.webapp.conftest import latest_code

    alice = sign_in(world.alice)
    dev_user, password = _add_dev(alice, world, db_session)
    page = alice.get(f"/user-admin/{dev_user.id}").page
    said = text_of(page)
    assert "Dev Patel has not signed in yet with the password we emailed them on" in said
    # The notice is above the form: it sent the admin looking above it for the address.
    assert "check their email address below" in said
    notice = page.find(string=lambda t: t and "has not signed in yet" in t).find_parent()
    assert notice.find_next("input", attrs={"name": "email"}) is not None
    link = page.find("a", string="reset their password to send a new one")
    assert link["href"] == f"/user-admin/{dev_user.id}/reset-password"
    dev = new_client()
    dev.get("/sign-in")
    dev.post("/sign-in", {"email": DEV["email"], "password": password}, expect=302)
    dev.get("/sign-in/code")
    dev.post("/sign-in/code", {"code": latest_code(dev.app, DEV["email"])}, expect=302)
    assert "has not signed in yet" not in text_of(alice.get(f"/user-admin/{dev_user.id}").page)
