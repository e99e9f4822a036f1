"""Whole journeys through the council's case types, as a school user makes them."""

from sqlalchemy import select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import (
    AGREEMENT,
    ARRANGEMENT,
    CHILD,
    PDF,
    PROVIDER,
    answer,
    date,
    errors_on,
    start,
)
from webapp.models import Attachment, Case


def test_part_time_timetable_from_start_to_my_cases(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    pages = f"/cases/{reference}/pages"

    # An invalid page keeps what was typed and says what is wrong.
    bad_child = {**CHILD, "upn": "Q207000016049", **date("date_of_birth", 31, 2, 2015)}
    response = answer(portal, first_page, bad_child, expect=200)
    assert errors_on(response) == [
        "Date of birth must be a real date",
        "UPN check letter does not match: check the UPN has been typed correctly",
    ]
    assert response.page.find("input", attrs={"name": "upn"})["value"] == "Q207000016049"
    assert response.page.find("input", attrs={"name": "date_of_birth-day"})["value"] == "31"
    assert response.page.find("title").get_text().startswith("Error:")
    # ... and leaving and coming back shows it again: nothing typed is lost.
    again = portal.get(first_page).page
    assert again.find("input", attrs={"name": "upn"})["value"] == "Q207000016049"

    response = answer(portal, first_page, CHILD)
    assert response.headers["Location"].endswith(f"{pages}/arrangement")
    response = answer(portal, f"{pages}/arrangement", ARRANGEMENT)
    # The alternative provision page appears because the arrangement includes AP.
    assert response.headers["Location"].endswith(f"{pages}/provision")

    # A repeating group: add a provider, then another, then remove the second.
    answer(portal, f"{pages}/provision", {}, action="add:providers")
    page = portal.get(f"{pages}/provision").page
    assert page.find("input", attrs={"name": "providers-0-provider_name"})
    answer(portal, f"{pages}/provision", PROVIDER, action="add:providers")
    answer(portal, f"{pages}/provision", PROVIDER, action="remove:providers:1")  # blank: at once
    page = portal.get(f"{pages}/provision").page
    assert page.find("input", attrs={"name": "providers-0-provider_name"})["value"] == (
        "Oak Tree Learning Centre"
    )
    assert not page.find("input", attrs={"name": "providers-1-provider_name"})
    response = answer(portal, f"{pages}/provision", PROVIDER)
    assert response.headers["Location"].endswith(f"{pages}/agreement")

    # A file upload: checked from its content, kept in the database.
    response = answer(
        portal, f"{pages}/agreement", AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)}
    )
    assert response.headers["Location"].endswith(f"/cases/{reference}/check-answers")
    attachment = db_session.scalar(select(Attachment))
    assert attachment.filename == "plan.pdf" and attachment.kind == "pdf"

    # Check your answers, then send.
    check = portal.get(f"/cases/{reference}/check-answers").page
    summary = text_of(check)
    assert "Oak Tree Learning Centre" in summary and "LE1 6ZG" in summary
    assert "plan.pdf" in summary
    response = portal.post(f"/cases/{reference}/submit", {}, expect=200)
    assert "Tick the box to confirm the declaration" in text_of(response.page)
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert response.headers["Location"].endswith(f"/cases/{reference}/confirmation")
    confirmation = text_of(portal.get(f"/cases/{reference}/confirmation").page)
    assert reference in confirmation and "Case Officers Notification" in confirmation
    assert "<strong>" not in confirmation  # the panel renders its HTML, not tags as text

    case = db_session.scalar(select(Case).where(Case.reference == reference))
    assert case.status == "Active" and case.activity_label == "Case Officers Notification"
    assert case.submitted_at is not None and case.answers["home_postcode"] == "LE1 6ZG"

    # In My cases: submitted, read-only, in words as well as colour.
    listing = portal.get("/my-cases").page
    row = next(r for r in listing.select("tbody tr") if reference in r.get_text())
    assert "Submitted – read only" in row.get_text()
    assert "Case Officers Notification" in row.get_text() and "Active" in row.get_text()
    # Opening it shows it read-only; its pages can no longer be changed.
    opened = portal.client.get(f"/cases/{reference}")
    assert opened.headers["Location"].endswith(f"/cases/{reference}/view")
    view = portal.get(f"/cases/{reference}/view").page
    assert not view.find("form", attrs={"method": "post"}) or not view.select(
        "input[name=forename]"
    )
    response = portal.post(
        f"{pages}/child", {"forename": "Changed", "page_version": "1"}, expect=302
    )
    assert response.headers["Location"].endswith(f"/cases/{reference}/view")
    case = db_session.scalar(
        select(Case).where(Case.reference == reference).execution_options(populate_existing=True)
    )
    assert case.answers["forename"] == "Jordan"
