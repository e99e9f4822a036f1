"""Questions prefilled from what the portal knows: the school's record and the signed-in user."""

from sqlalchemy import select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import answer, start
from webapp.models import Case

# What the browser sends back: the filled-in answers as they were shown, and the rest typed.
DETAILS = {
    "submitter_name": "Alice Tester",
    "submitter_email": "alice@a.example.org",
    "submitter_role": "senco",
    "submitter_phone": "0116 454 1000",
}


def _details_page(portal, case_type="physical-intervention"):
    reference, _ = start(portal, case_type)
    return reference, f"/cases/{reference}/pages/your_details"


def _value(page, name):
    box = page.find("input", attrs={"name": name})
    return None if box is None else box.get("value", "")


def test_your_details_show_the_school_locked_and_the_user_filled_in(sign_in, world):
    portal = sign_in(world.alice)
    _, path = _details_page(portal)
    page = portal.get(path).page
    assert _value(page, "setting_name") is None and _value(page, "school_urn") is None
    shown = text_of(page.find(id="setting_name")) + text_of(page.find(id="school_urn"))
    assert "Aylestone Primary School" in shown and "111111" in shown
    assert _value(page, "submitter_name") == "Alice Tester"
    assert _value(page, "submitter_email") == "alice@a.example.org"
    assert _value(page, "submitter_phone") == ""  # Alice gave no mobile number


def test_a_value_posted_for_a_locked_question_is_ignored(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, path = _details_page(portal)
    forged = {"setting_name": "Beaumont Leys School", "school_urn": "222222"}
    answer(portal, path, {**DETAILS, **forged})
    case = db_session.scalar(select(Case).where(Case.reference == reference))
    assert case.answers["setting_name"] == "Aylestone Primary School"
    assert case.answers["school_urn"] == "111111"


def test_an_answer_the_user_typed_replaces_what_was_filled_in(sign_in, world):
    portal = sign_in(world.alice)
    _, path = _details_page(portal)
    answer(portal, path, {**DETAILS, "submitter_name": "Dr Alice Tester"})
    assert _value(portal.get(path).page, "submitter_name") == "Dr Alice Tester"


def test_each_school_of_a_user_of_two_fills_in_its_own_details(sign_in, world):
    portal = sign_in(world.carol)
    reference, _ = start(portal, "physical-intervention", school=world.school_b)
    page = portal.get(f"/cases/{reference}/pages/your_details").page
    assert "Beaumont Leys School" in text_of(page.find(id="setting_name"))


def test_check_your_answers_offers_no_change_for_a_locked_answer(sign_in, world):
    portal = sign_in(world.alice)
    reference, path = _details_page(portal)
    answer(portal, path, DETAILS)
    page = portal.get(f"/cases/{reference}/check-answers").page
    changes = {a["href"].split("#")[-1] for a in page.select(".govuk-summary-list__actions a")}
    assert "submitter_name" in changes  # prefilled but editable: still changeable
    assert not changes & {"setting_name", "school_urn"}  # the portal's record: nothing to change
    assert "Aylestone Primary School" in text_of(page)
