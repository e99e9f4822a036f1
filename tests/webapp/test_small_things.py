"""Small things users noticed (issue 11): the upload hint says the kinds of file once, worked-out
values have no "Change" link, pages name a favicon, people read option labels (never codes),
and the sign-in page names the council's mailbox."""

from __future__ import annotations

import re

import pytest

from tests.webapp.conftest import text_of
from tests.webapp.helpers import ARRANGEMENT, CHILD, answer, send_officer, start


def test_the_upload_hint_says_the_kinds_of_file_once(sign_in, world):
    alice = sign_in(world.alice)
    reference, _ = start(alice, "part-time-timetable")
    page = alice.get(f"/cases/{reference}/pages/agreement").page
    hint = page.find(id="signed_plan-hint")
    assert text_of(hint) == (
        "The plan signed by the parent or carer. PDF, Word document or photo, 10MB at most."
    )


def test_an_optional_question_whose_label_says_so_says_it_once(sign_in, world):
    """Found by trying it as a new user: the SEND referral asked "BERA reference (optional)
    (optional)", its label saying so and the page adding it again."""
    alice = sign_in(world.alice)
    reference, _ = start(alice, "send-referral")
    page = alice.get(f"/cases/{reference}/pages/additional_information").page
    assert text_of(page.find("label", attrs={"for": "bera_reference"})) == (
        "BERA reference (optional)"
    )


def test_check_answers_offers_no_change_link_for_a_worked_out_value(sign_in, world):
    alice = sign_in(world.alice)
    reference, first = start(alice, "part-time-timetable")
    answer(alice, first, CHILD)
    answer(alice, f"/cases/{reference}/pages/arrangement", ARRANGEMENT)
    page = alice.get(f"/cases/{reference}/check-answers").page
    rows = {
        text_of(row.select_one(".govuk-summary-list__key")): row
        for row in page.select(".govuk-summary-list__row")
    }
    assert text_of(rows["Length of the arrangement"].select_one("dd")) == "5.6 weeks"
    assert not rows["Length of the arrangement"].select_one(".govuk-summary-list__actions a")
    change = rows["Planned end date"].select_one(".govuk-summary-list__actions a")
    assert text_of(change) == "Change Planned end date"


def test_pages_name_the_portal_favicon(client):
    icon = client.get("/sign-in").page.find("link", rel="icon")
    response = client.client.get(icon["href"])
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    response.close()


def test_people_read_option_labels_never_codes(sign_in, world, db_session):
    """Check answers, the school's view, caseviewer and the CSV all say what the options mean."""
    from tests.webapp.test_acknowledged_warnings import exported, finish_and_send

    officer = send_officer(db_session)
    alice = sign_in(world.alice)
    reference, first = start(alice, "part-time-timetable")
    answer(alice, first, CHILD)
    answer(alice, f"/cases/{reference}/pages/arrangement", ARRANGEMENT)
    codes = ["reintegration", "mon_am", "tue_am"]
    labels = ["Monday morning", "Reintegration"]
    check = text_of(alice.get(f"/cases/{reference}/check-answers").page)
    finish_and_send(alice, reference)
    view = text_of(alice.get(f"/cases/{reference}/view").page)
    olivia = sign_in(officer)
    caseviewer = text_of(olivia.get(f"/caseviewer/cases/{reference}").page)
    csv_row = " ".join(exported(olivia)[reference].values())
    for name, text in {
        "check answers": check,
        "view": view,
        "caseviewer": caseviewer,
        "CSV": csv_row,
    }.items():
        found = [code for code in codes if re.search(rf"\b{code}\b", text)]
        assert not found, f"{name} shows option codes {found}"
        assert all(label.lower() in text.lower() for label in labels), name


def test_the_sign_in_page_names_the_councils_mailbox_when_there_is_one(app, client):
    assert "mailto:" not in str(client.get("/sign-in").page.find("main"))
    app.config["PORTAL_SUPPORT_EMAIL"] = "inclusion@leicester.example.org"
    link = client.get("/sign-in").page.find("a", href="mailto:inclusion@leicester.example.org")
    assert "If your school has no account yet" in text_of(link.parent)


def test_the_mailbox_setting_is_an_address_and_the_demo_shows_one(monkeypatch):
    from webapp.infra.config import DEMO_SUPPORT_EMAIL, SettingsError, settings

    fixed = {"SECRET_KEY": "k" * 64, "DATABASE_URL": "sqlite://"}
    monkeypatch.delenv("PORTAL_SUPPORT_EMAIL", raising=False)
    assert settings({**fixed, "DEVELOPMENT": True})["PORTAL_SUPPORT_EMAIL"] == DEMO_SUPPORT_EMAIL
    monkeypatch.setenv("PORTAL_SUPPORT_EMAIL", "the inclusion team")
    with pytest.raises(SettingsError, match="PORTAL_SUPPORT_EMAIL must be an email address"):
        settings({**fixed, "DEVELOPMENT": True})
