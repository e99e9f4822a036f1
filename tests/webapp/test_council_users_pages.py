"""What council staff see of the school staff's side: a reviewer found officers could open
Submit case (an empty list) and My cases ("Every case of your school…"), and that the email
telling an officer their password changed said to contact "your school administrator"."""

from __future__ import annotations

import pytest

from tests.webapp.conftest import PASSWORD, text_of
from tests.webapp.helpers import mails, send_officer
from tests.webapp.test_account_journeys import NEW_PASSWORD


@pytest.mark.parametrize("path", ["/submit-case", "/my-cases"])
def test_school_staffs_pages_are_not_found_for_council_staff(path, sign_in, db_session, world):
    officer = sign_in(send_officer(db_session))
    home = officer.get("/").page
    offered = {a.get_text(strip=True) for a in home.select(".govuk-service-navigation__link")}
    assert offered >= {"Home", "Caseviewer"} and not offered & {"Submit case", "My cases"}
    assert "Submit case" not in text_of(home.select_one("main"))
    officer.get(path, expect=404)
    sign_in(world.alice).get(path)  # school staff still find them


def test_an_officers_account_emails_point_to_a_council_admin(sign_in, db_session, world):
    officer = sign_in(send_officer(db_session))
    officer.get("/account/password")
    officer.post(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        expect=302,
    )
    [mail] = mails(db_session, "olivia@council.example.org", "password_changed")
    assert mail.subject == "Your School Portal password was changed"
    assert "contact a council admin of the portal straight away" in mail.body
    assert "school" not in mail.body
    [code] = mails(db_session, "olivia@council.example.org", "sign_in_code")
    assert "tell a council admin of the portal" in code.body

    school = sign_in(world.alice)
    school.get("/account/password")
    school.post(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        expect=302,
    )
    [mail] = mails(db_session, world.alice.email, "password_changed")
    assert "contact your school administrator straight away" in mail.body
