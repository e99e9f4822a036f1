"""One check of an email address wherever the portal takes one: the address stored is the one
the mail goes to, and an address a mail server would read differently is refused (a reviewer
added `x<spy@evil.example>`, whose sign-up email, password and all, went to spy@evil.example)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.webapp.conftest import PASSWORD
from tests.webapp.helpers import errors_on, mails
from tests.webapp.test_user_admin import NEW_USER
from webapp.domain.email_addresses import InvalidEmail, checked_email
from webapp.models import User

FORMAT = "Enter an email address in the correct format, like name@example.org"

# Addresses a mail server would deliver somewhere else than they seem to say, or not at all.
MISLEADING = [
    "x<spy@evil.example>",  # a display name: mail went to spy@evil.example
    'odd"<>@example.org',  # mail went to `odd`
    '"quoted"@example.org',
    "two@ats@example.org",
    "jo@localhost",
    "jo@[127.0.0.1]",
    "jo @example.org",
    "jo@example.org\nBcc: spy@evil.example",
    "jö@example.org",  # needs SMTPUTF8, which the outbox does not speak
]


@pytest.mark.parametrize("address", MISLEADING)
def test_the_check_refuses_addresses_mail_would_not_reach_as_written(address):
    with pytest.raises(InvalidEmail):
        checked_email(address)


def test_the_stored_form_is_lower_case_with_an_ascii_domain():
    assert checked_email(" Dev.Patel@A.Example.ORG ") == "dev.patel@a.example.org"
    assert checked_email("jo@Schoöl.example.org") == "jo@xn--schol-mua.example.org"
    assert checked_email("zoe.100%+x@a.example.org") == "zoe.100%+x@a.example.org"


@pytest.mark.parametrize("address", MISLEADING[:2])
def test_user_admin_refuses_a_misleading_address_and_nothing_is_mailed(
    address, sign_in, world, db_session
):
    alice = sign_in(world.alice)
    alice.get("/user-admin/add")
    data = {**NEW_USER, "email": address, "schools": str(world.school_a.id)}
    response = alice.post("/user-admin/add", data, expect=200)
    assert errors_on(response) == [FORMAT]
    assert mails(db_session, None, "sign_up") == []
    assert db_session.scalar(select(User).where(User.first_name == "Dev")) is None


def test_user_admin_stores_the_address_the_mail_goes_to(sign_in, world, db_session):
    alice = sign_in(world.alice)
    alice.get("/user-admin/add")
    data = {**NEW_USER, "email": "Dev@Schoöl.example.org", "schools": str(world.school_a.id)}
    alice.post("/user-admin/add", data, expect=302)
    [mail] = mails(db_session, None, "sign_up")
    assert mail.to_address == "dev@xn--schol-mua.example.org"
    user = db_session.scalar(select(User).where(User.first_name == "Dev"))
    assert user.email == mail.to_address


def test_council_admin_refuses_a_misleading_address(council_admin, db_session):
    council_admin.get("/council/officers/add")
    response = council_admin.post(
        "/council/officers/add",
        {"email": "x<spy@evil.example>", "first_name": "S", "last_name": "P", "role": "officer"},
        expect=200,
    )
    assert FORMAT in errors_on(response)
    assert mails(db_session, None, "sign_up") == []


def test_the_onboarding_commands_refuse_a_misleading_address(portal_env, db_session):
    from webapp.areas.council_admin.commands import add_council_user

    result = CliRunner().invoke(
        add_council_user,
        ["--email", "x<spy@evil.example>", "--first-name", "S", "--last-name", "P"]
        + ["--role", "officer"],
    )
    assert result.exit_code == 2
    assert "not an email address: 'x<spy@evil.example>'" in result.output
    assert "angle brackets" in result.output


def test_sign_in_finds_an_account_by_its_stored_form_and_refuses_a_misleading_one(
    client, new_client, world, db_session
):
    world.alice.email = "alice@xn--schol-mua.example.org"
    db_session.commit()
    client.get("/sign-in")
    response = client.post(
        "/sign-in", {"email": " Alice@Schoöl.example.org ", "password": PASSWORD}, expect=302
    )
    assert response.headers["Location"] == "/sign-in/code"
    [code] = mails(db_session, "alice@xn--schol-mua.example.org", "sign_in_code")
    client = new_client()
    client.get("/sign-in")
    response = client.post(
        "/sign-in", {"email": "x<alice@a.example.org>", "password": "whatever"}, expect=200
    )
    assert errors_on(response) == [FORMAT]
    assert mails(db_session, None, "sign_in_code") == [code]
