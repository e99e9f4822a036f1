"""Drafts: saved as you go, resumed where left, safe from two tabs, abandoned on request."""

import json

import pytest

from tests.webapp.conftest import text_of
from tests.webapp.helpers import (
    ARRANGEMENT,
    CHILD,
    answer,
    start,
    start_unsaved,
    stored,
    up_to_provision,
)
from webapp.areas.cases import services


def test_continue_notes_the_next_page_without_a_new_version_of_the_draft(
    sign_in, world, db_session
):
    """Continue saves the page (a new version of the draft), then notes the page it leads to
    for My cases. That note took a second versioned write of its own: the row's version moved
    twice for one save. It is one UPDATE of the note now, the answers' version untouched."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    before = stored(db_session, reference).row_version
    answer(portal, first_page, CHILD)
    draft = stored(db_session, reference)
    assert draft.last_page == "arrangement"
    assert draft.row_version == before + 1  # the save's alone
    opened = portal.client.get(f"/cases/{reference}")
    assert opened.headers["Location"].endswith(f"/cases/{reference}/pages/arrangement")


def test_save_and_come_back_later_resumes_at_the_last_page(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    answer(portal, first_page, CHILD)
    half = {"arrangement_type": "ptt", "reason_details": "Half typed"}
    response = answer(portal, f"/cases/{reference}/pages/arrangement", half, action="save")
    assert response.headers["Location"].endswith("/my-cases")
    listing = portal.get("/my-cases").page
    assert "Your answers have been saved" in text_of(listing)
    row = next(r for r in listing.select("tbody tr") if reference in r.get_text())
    assert "Draft – editable" in row.get_text()

    # Later, in a new session: My cases -> the draft opens at the page last worked on.
    later = sign_in(world.alice)
    opened = later.client.get(f"/cases/{reference}")
    assert opened.headers["Location"].endswith(f"/cases/{reference}/pages/arrangement")
    page = later.get(opened.headers["Location"]).page
    assert page.find("textarea", attrs={"name": "reason_details"}).get_text() == "Half typed"
    # Every earlier page can be revisited with its answers.
    child = later.get(f"/cases/{reference}/pages/child").page
    assert child.find("input", attrs={"name": "forename"})["value"] == "Jordan"
    assert child.select_one(".govuk-back-link")["href"].endswith("/my-cases")


def test_a_draft_left_after_continue_resumes_at_the_page_continue_led_to(sign_in, world):
    """Continue on About the child, the next page shown, the tab closed before typing there:
    My cases opened the draft at About the child again, answered in full, as if Continue had
    not been pressed."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    response = answer(portal, first_page, CHILD)
    assert response.headers["Location"].endswith(f"/cases/{reference}/pages/arrangement")
    later = sign_in(world.alice)
    opened = later.client.get(f"/cases/{reference}")
    assert opened.headers["Location"].endswith(f"/cases/{reference}/pages/arrangement")
    # A page left with what is wrong on it is still where the draft opens.
    answer(later, f"/cases/{reference}/pages/arrangement", {"reason_details": "Half"}, expect=200)
    again = sign_in(world.alice).client.get(f"/cases/{reference}")
    assert again.headers["Location"].endswith(f"/cases/{reference}/pages/arrangement")


def test_saves_of_different_pages_from_two_tabs_both_survive(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    answer(portal, first_page, CHILD)
    # Two tabs open the two pages, then save one after the other.
    tab_one = portal.get(first_page).page
    tab_two = portal.get(f"/cases/{reference}/pages/arrangement").page
    version_one = tab_one.find("input", attrs={"name": "page_version"})["value"]
    version_two = tab_two.find("input", attrs={"name": "page_version"})["value"]
    portal.post(
        first_page,
        {**CHILD, "forename": "Jo", "page_version": version_one, "action": "continue"},
        expect=302,
    )
    portal.post(
        f"/cases/{reference}/pages/arrangement",
        {**ARRANGEMENT, "page_version": version_two, "action": "continue"},
        expect=302,
    )
    case = stored(db_session, reference)
    assert case.answers["forename"] == "Jo"
    assert case.answers["part_time_hours"] == 15


def test_a_stale_save_of_the_same_page_is_refused_and_keeps_what_was_typed(
    sign_in, world, db_session
):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    old_tab = portal.get(first_page).page
    old_version = old_tab.find("input", attrs={"name": "page_version"})["value"]
    answer(portal, first_page, CHILD)  # the other tab saves first
    response = portal.post(
        first_page,
        {**CHILD, "forename": "Stale", "action": "continue", "page_version": old_version},
        expect=409,
    )
    assert "changed in another tab" in text_of(response.page)
    assert response.page.find("input", attrs={"name": "forename"})["value"] == "Stale"
    assert stored(db_session, reference).answers["forename"] == "Jordan"
    # Saving again from the warned page is a deliberate choice and goes through.
    version = response.page.find("input", attrs={"name": "page_version"})["value"]
    portal.post(
        first_page,
        {**CHILD, "forename": "Stale", "action": "continue", "page_version": version},
        expect=302,
    )
    assert stored(db_session, reference).answers["forename"] == "Stale"


def test_a_stale_save_shows_no_error_without_its_summary(sign_in, world):
    """A tab's page sent after another tab saved it is not saved, and so not checked: it showed
    some of its answers' errors beside them ("Date of birth must be a real date") with no
    "There is a problem" summary, so a screen reader user heard only "Not saved", and the
    errors the page's rules find were missing. Press Continue and the page is checked."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    old_tab = portal.get(first_page).page
    old_version = old_tab.find("input", attrs={"name": "page_version"})["value"]
    answer(portal, first_page, CHILD)  # the other tab saves first
    wrong = {**CHILD, "date_of_birth-day": "31", "date_of_birth-month": "2", "upn": "A1"}
    response = portal.post(
        first_page, {**wrong, "action": "continue", "page_version": old_version}, expect=409
    )
    page = response.page
    assert "changed in another tab" in text_of(page)
    assert page.find("input", attrs={"name": "upn"})["value"] == "A1"  # kept to check
    assert not page.select(".govuk-error-message, .govuk-form-group--error, .govuk-input--error")
    assert not page.select(".govuk-error-summary")
    assert not page.title.get_text().startswith("Error")
    # Continue from the warned page saves it, and then says what is wrong, with the summary.
    version = page.find("input", attrs={"name": "page_version"})["value"]
    checked = portal.post(
        first_page, {**wrong, "action": "continue", "page_version": version}, expect=200
    ).page
    summary = checked.select_one(".govuk-error-summary").get_text()
    assert "Date of birth must be a real date" in summary
    assert "UPN must be 13 characters" in summary


def test_a_page_sent_again_by_going_back_to_its_errors_shows_the_answers_as_saved(
    sign_in, world, db_session
):
    """One tab only: a page sent with a mistake came back with its error (the browser keeps
    that POST in its history); the school put it right and went on; Back made the browser
    send the first form again ("Confirm Form Resubmission"). The school was told the page
    "was changed in another tab or window", shown the old wrong answers, and invited to press
    Continue to save them over the right ones. It is shown the page as saved now, and why."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    version = portal.get(first_page).page.find("input", attrs={"name": "page_version"})["value"]
    wrong = {**CHILD, "upn": "A1", "page_version": version, "action": "continue"}
    portal.post(first_page, wrong, expect=200)  # "UPN must be 13 characters"
    answer(portal, first_page, CHILD)  # put right: on to the next page
    again = portal.post(first_page, wrong, expect=303)  # Back: the same form sent again
    assert again.headers["Location"].endswith(first_page)
    page = portal.get(first_page).page
    said = text_of(page)
    assert "changed in another tab" not in said
    assert "You went back to a page you had already sent" in said
    assert page.find("input", attrs={"name": "upn"})["value"] == CHILD["upn"]
    assert stored(db_session, reference).answers["upn"] == CHILD["upn"]
    # Another tab's copy of the page, with other answers, is still told of and kept.
    other = {**wrong, "forename": "Other"}
    assert "changed in another tab" in text_of(portal.post(first_page, other, expect=409).page)


def test_autosave_keeps_typing_without_continue_and_needs_csrf(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    portal.get(first_page)
    autosave = f"/cases/{reference}/pages/child/autosave"
    response = portal.post(autosave, {"forename": "Jord", "page_version": "1"}, expect=200)
    assert json.loads(response.get_data()) == {"saved": True, "page_version": 2}
    case = stored(db_session, reference)
    assert case.answers["forename"] == "Jord"
    assert case.raw_input["child"]["forename"] == "Jord"  # the rest is unanswered: kept raw
    assert portal.post(autosave, {"forename": "X", "page_version": "2"}, csrf=False, expect=400)
    stale = portal.post(autosave, {"forename": "Y", "page_version": "1"}, expect=409)
    assert json.loads(stale.get_data())["saved"] is False
    # The page shows what autosave kept.
    page = portal.get(first_page).page
    assert page.find("input", attrs={"name": "forename"})["value"] == "Jord"


def test_a_draft_can_be_abandoned(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    page = portal.get(f"/cases/{reference}/abandon").page
    assert "Are you sure" in text_of(page)
    portal.post(f"/cases/{reference}/abandon", {}, expect=302)
    case = stored(db_session, reference)
    assert case.status == "Abandoned"
    row = next(
        r for r in portal.get("/my-cases").page.select("tbody tr") if reference in r.get_text()
    )
    assert "Abandoned" in row.get_text()
    # An abandoned draft is no longer editable.
    assert portal.client.get(f"/cases/{reference}/pages/child").status_code == 302


@pytest.mark.parametrize("meanwhile", ["abandoned", "sent"])
def test_a_page_of_a_case_abandoned_or_sent_in_another_tab_says_its_typing_was_not_saved(
    sign_in, world, db_session, meanwhile
):
    """Found in a review: the case's page was still open in one tab when the draft was
    abandoned (or sent) in another. The background save met the redirect to the case, so the
    page said "your answers will be saved when you press Continue"; Continue then led to the
    case without a word, and what was typed was gone. Both now say why nothing was saved."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    version = portal.get(first_page).page.find("input", attrs={"name": "page_version"})["value"]
    case = stored(db_session, reference)
    case.status = "Abandoned" if meanwhile == "abandoned" else "Active"
    db_session.commit()
    why = {"abandoned": "has been abandoned", "sent": "has been sent"}[meanwhile]

    saved = portal.post(f"{first_page}/autosave", {"forename": "Typed", "page_version": version})
    assert saved.status_code == 409 and saved.json["saved"] is False
    assert f"{reference} {why}" in saved.json["message"]
    assert "not been saved" in saved.json["message"]

    sent = portal.post(first_page, {"forename": "Typed", "page_version": version}, expect=302)
    assert sent.headers["Location"].endswith(f"/cases/{reference}/view")
    banner = portal.get(sent.headers["Location"]).page.select_one(".govuk-notification-banner")
    assert f"{reference} {why}" in banner.get_text() and "not been saved" in banner.get_text()
    assert stored(db_session, reference).answers.get("forename") != "Typed"
    # Opening the page (a link, a bookmark) leads to the case, which says its status: no banner.
    opened = portal.get(first_page, expect=302)
    view = portal.get(opened.headers["Location"]).page
    assert view.select_one(".govuk-notification-banner") is None


def test_a_page_an_answer_in_another_tab_took_away_says_its_typing_was_not_saved(
    sign_in, world, db_session
):
    """Found in a review: the providers page was open in one tab when, in another, the
    arrangement was changed to one without providers. The page's background save met "Page not
    found", so the page said its answers would be saved on Continue; Continue met "Page not
    found" too, and the typing was lost. Both now say why, and lead to where the case goes on."""
    portal = sign_in(world.alice)
    reference, provision = up_to_provision(portal)
    version = portal.get(provision).page.find("input", attrs={"name": "page_version"})["value"]
    arrangement = f"/cases/{reference}/pages/arrangement"
    answer(portal, arrangement, {**ARRANGEMENT, "arrangement_type": "ptt"})  # the other tab
    typed = {"page_version": version, "providers-0-name": "Riverside Tuition"}

    saved = portal.post(f"{provision}/autosave", typed)
    assert saved.status_code == 409 and saved.json["saved"] is False
    why = "‘Alternative provision’ is no longer asked, because an answer was changed"
    assert why in saved.json["message"] and "not been saved" in saved.json["message"]

    sent = portal.post(provision, typed, expect=302)
    assert sent.headers["Location"] == f"/cases/{reference}"
    carried_on = portal.get(portal.get(sent.headers["Location"], expect=302).headers["Location"])
    banner = carried_on.page.select_one(".govuk-notification-banner").get_text()
    assert why in banner and "not been saved" in banner
    assert "providers" not in stored(db_session, reference).answers
    # Opened again (Back, a bookmark): the page the case carries on at, without a word.
    assert portal.get(provision, expect=302).headers["Location"] == f"/cases/{reference}"
    assert portal.client.get(f"/cases/{reference}/pages/no-such-page").status_code == 404


def test_a_new_cases_page_whose_draft_was_abandoned_says_so(sign_in, world, db_session):
    """The same token's first save made a draft, since abandoned (in another tab): a second
    background save from the new case's page said the case had been sent."""
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    token = location.split("start=")[1]
    data = {"start_token": token, "forename": "Jordan", "page_version": "0"}
    made = portal.post(location.replace("?", "/autosave?"), data)
    reference = made.json["reference"]
    portal.post(f"/cases/{reference}/abandon", {}, expect=302)
    again = portal.post(location.replace("?", "/autosave?"), {**data, "forename": "Jo"})
    assert again.status_code == 409
    assert f"{reference} has been abandoned" in again.json["message"]
    assert "sent" not in again.json["message"]


def test_only_the_pages_own_groups_can_gain_or_lose_items(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    page = portal.get(first_page).page
    version = page.find("input", attrs={"name": "page_version"})["value"]
    for action in ("remove:forename:0", "add:providers", "remove:nothing_here:1"):
        response = portal.post(first_page, {"page_version": version, "action": action})
        assert response.status_code == 400, action
        version = str(stored(db_session, reference).page_versions.get("child", 0))
    assert portal.client.get(first_page).status_code == 200


def test_an_older_copy_sending_the_answers_saved_already_is_not_refused(sign_in, world, db_session):
    # A page reloaded straight after typing comes back before its save on the way out lands;
    # that copy then sends the same answers again (static/js/autosave.js): nothing would be
    # overwritten, so it is no conflict. Different answers from it still are.
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    portal.get(first_page)
    autosave = f"/cases/{reference}/pages/child/autosave"
    portal.post(autosave, {"forename": "Jord", "page_version": "1"}, expect=200)
    again = portal.post(autosave, {"forename": "Jord", "page_version": "1"}, expect=200)
    assert json.loads(again.get_data()) == {"saved": True, "page_version": 2}
    portal.post(autosave, {"forename": "Jordan", "page_version": "2"}, expect=200)
    portal.post(autosave, {"forename": "Jord", "page_version": "2"}, expect=409)
    assert stored(db_session, reference).answers["forename"] == "Jordan"
    portal.post(
        first_page,
        {**CHILD, "action": "continue", "page_version": "3"},
        expect=302,
    )
    # Continue pressed twice from the same copy (a slow answer): the second is the same save.
    portal.post(first_page, {**CHILD, "action": "continue", "page_version": "3"}, expect=302)
    assert stored(db_session, reference).answers["forename"] == "Jordan"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
@pytest.mark.parametrize("other", ["abandon", "send"])
def test_abandon_racing_another_tab_is_told_not_a_500(
    app, sign_in, world, db_session, monkeypatch, other
):
    """Abandon pressed as the draft was abandoned or sent in another tab (or pressed twice on
    a slow server): the second request had read the draft before the first committed and
    answered 'Something went wrong' (500). Now it is answered as a later press is: the case,
    as it is (found by attack7)."""
    from tests.webapp.test_submit import finished_draft, lands_first

    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    other_press = {
        "abandon": lambda: portal.post(f"/cases/{reference}/abandon", {}),
        "send": lambda: portal.post(f"/cases/{reference}/submit", {"declared": "y"}),
    }[other]

    lands_first(monkeypatch, other_press, (services, "abandon_draft"))  # this has read it
    answer = portal.post(f"/cases/{reference}/abandon", {}, expect=302)
    assert answer.headers["Location"].endswith(f"/cases/{reference}/view")
    case = stored(db_session, reference)
    assert (case.status == "Abandoned") == (other == "abandon")
    assert (case.submitted_at is not None) == (other == "send")
