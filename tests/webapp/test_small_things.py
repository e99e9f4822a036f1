"""Small things users noticed (issue 11): the upload hint says the kinds of file once, worked-out
values have no "Change" link, and every page names its favicon."""

from __future__ import annotations

from tests.webapp.conftest import text_of
from tests.webapp.helpers import ARRANGEMENT, CHILD, answer, start


def test_the_upload_hint_says_the_kinds_of_file_once(sign_in, world):
    alice = sign_in(world.alice)
    reference, _ = start(alice, "part-time-timetable")
    page = alice.get(f"/cases/{reference}/pages/agreement").page
    hint = page.find(id="signed_plan-hint")
    assert text_of(hint) == (
        "The plan signed by the parent or carer. PDF, Word document or photo, 10MB at most."
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
