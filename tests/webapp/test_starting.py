"""Start now stores nothing: a new case's first page is shown for an unsaved draft, and only
its first save (Continue, "Save and come back later", a background save) creates the case and
its reference. The same page sent twice makes one draft."""

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import CHILD, shown_values, start_unsaved
from webapp.models import Case, CaseEvent


def _cases(db_session) -> list[Case]:
    db_session.expire_all()
    return list(db_session.scalars(select(Case).order_by(Case.id)))


def _form(portal, path, answers=None, action="continue"):
    """The new page's form as shown (with its start token), with these answers; without the
    list of questions shown, as the page's script keeps it when it reveals questions."""
    values = {k: v for k, v in shown_values(portal.get(path).page) if k != "shown"}
    return {**values, **(answers or {}), "action": action}


def test_pressing_start_now_and_leaving_leaves_no_draft(sign_in, world, db_session):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    assert re.fullmatch(
        rf"/submit-case/part-time-timetable/new/child\?school={world.school_a.id}&start=[\w-]{{43}}",
        location,
    )
    page = portal.get(location).page
    assert page.find("h1").get_text(strip=True) == "About the child"
    assert not re.search(r"EDU-SENED-PTT\d+", text_of(page))  # no reference yet
    assert page.find("a", string="Abandon this draft") is None
    assert page.select_one(".govuk-back-link")["href"] == "/submit-case/part-time-timetable"
    portal.get(location)  # opened again: still nothing stored
    assert _cases(db_session) == []
    assert db_session.scalar(select(func.count()).select_from(CaseEvent)) == 0
    my_cases = portal.get("/my-cases").page
    assert my_cases.select_one("[role=status]").get_text(strip=True) == "0 cases"


def test_the_first_continue_creates_the_case_and_carries_on_at_its_next_page(
    sign_in, world, db_session
):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    response = portal.post(location, _form(portal, location, CHILD), expect=302)
    [case] = _cases(db_session)
    assert re.fullmatch(r"EDU-SENED-PTT\d{4}", case.reference)
    assert response.headers["Location"] == f"/cases/{case.reference}/pages/arrangement"
    assert case.answers["forename"] == CHILD["forename"] and case.school_id == world.school_a.id
    assert [e.kind for e in case.events] == ["created"]


def test_the_same_new_page_sent_twice_makes_one_draft(sign_in, world, db_session):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    form = _form(portal, location, {"forename": "Sam"}, action="save")
    portal.post(location, form, expect=302)
    # A second click finds the draft the first made; it sends the same answers, so it is the
    # same save (no "changed in another tab": nothing anyone typed is overwritten).
    again = portal.post(location, form, expect=302)
    assert again.headers["Location"] == "/my-cases"
    [case] = _cases(db_session)
    assert case.answers["forename"] == "Sam"


def test_back_to_a_new_page_sent_already_shows_the_case_it_made(sign_in, world, db_session):
    # The page's address carries its start token from Start now on, so Back (the page fetched
    # again, with JavaScript or without) leads to the draft made, not to a blank page for a
    # second case.
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    form = _form(portal, location, CHILD)
    assert location.endswith(f"&start={form['start_token']}")
    unsent = portal.get(location).page  # not sent yet: the page, keeping its token
    assert unsent.select_one("input[name=start_token]")["value"] == form["start_token"]
    portal.post(location, form, expect=302)
    [case] = _cases(db_session)
    shown = portal.get(location, expect=302).headers["Location"]
    assert shown == f"/cases/{case.reference}/pages/child"
    assert _cases(db_session) == [case]
    no_token = location.split("&start=")[0]  # an address typed or kept without one: a new one
    fresh = portal.get(no_token, expect=302).headers["Location"]
    assert fresh.startswith(f"{no_token}&start=") and fresh != location
    stranger = f"{no_token}&start={'x' * 43}"  # no draft of this user's made with it
    assert portal.get(stranger).page.find("h1").get_text(strip=True) == "About the child"
    assert _cases(db_session) == [case]


def test_a_new_page_kept_as_a_bookmark_starts_a_new_case_another_day(
    sign_in, world, db_session, moving_clock
):
    """Found in a review: the new case's first page, bookmarked to start cases from, carries
    the start token of the case it first made, so every later visit led to that case (sent
    long ago, or a draft) instead of a new one. Back reaches a page only within the session
    that sent it; a visit after the longest session ends is a bookmark, and starts afresh."""
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    portal.post(location, _form(portal, location, CHILD), expect=302)
    [case] = _cases(db_session)
    moving_clock.advance(hours=11)  # within a session's 12 hours: Back still finds the case
    later = sign_in(world.alice)
    back = later.get(location, expect=302).headers["Location"]
    assert back == f"/cases/{case.reference}/pages/child"
    moving_clock.advance(hours=2)  # past any session's 12 hours: the bookmark used next day
    later = sign_in(world.alice)
    fresh = later.get(location, expect=302).headers["Location"]
    assert fresh.startswith(location.split("&start=")[0] + "&start=") and fresh != location
    assert later.get(fresh).page.find("h1").get_text(strip=True) == "About the child"
    later.post(fresh, _form(later, fresh, CHILD), expect=302)
    assert len(_cases(db_session)) == 2


def test_save_and_come_back_later_keeps_the_new_draft_in_my_cases(sign_in, world, db_session):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    response = portal.post(location, _form(portal, location, {"forename": "Sam"}, "save"))
    assert response.headers["Location"] == "/my-cases"
    [case] = _cases(db_session)
    my_cases = portal.get("/my-cases").page
    assert f"You can come back to {case.reference} from My cases" in text_of(my_cases)
    assert case.reference in text_of(my_cases.select_one("tbody"))
    resumed = portal.get(f"/cases/{case.reference}", expect=302).headers["Location"]
    assert resumed == f"/cases/{case.reference}/pages/child"


def test_a_background_save_creates_the_case_and_says_where_its_page_now_is(
    sign_in, world, db_session
):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    form = _form(portal, location, {"forename": "Jo"})
    autosave = portal.get(location).page.select_one("form.app-case-form")["data-autosave-url"]
    new_page = "/submit-case/part-time-timetable/new/child"
    assert autosave == f"{new_page}/autosave?school={world.school_a.id}"
    saved = portal.post(autosave, form, expect=200).get_json()
    [case] = _cases(db_session)
    assert saved == {
        "saved": True,
        "page_version": 1,
        "reference": case.reference,
        "page_url": f"/cases/{case.reference}/pages/child",
        "autosave_url": f"/cases/{case.reference}/pages/child/autosave",
    }
    # Continue from the same page (the script has given it the new version): the same draft.
    portal.post(location, {**form, **CHILD, "page_version": "1"}, expect=302)
    [case] = _cases(db_session)
    assert case.answers["surname"] == CHILD["surname"]


def test_a_new_page_is_only_for_the_users_schools_and_the_pages_a_case_starts_at(
    sign_in, world, db_session
):
    portal = sign_in(world.alice)  # school A only
    location = start_unsaved(portal, "part-time-timetable")
    form = _form(portal, location, CHILD)
    other_school = location.replace(f"school={world.school_a.id}", f"school={world.school_b.id}")
    portal.get(other_school, expect=404)
    portal.post(other_school, form, expect=404)
    portal.get(location.replace("school=", "school=x"), expect=404)
    portal.get(location.split("?")[0], expect=404)  # no school at all
    portal.get(location.replace("/child", "/arrangement"), expect=404)  # not a first page
    nursery_type = "/submit-case/early-years-census/new/setting?school={}"
    portal.get(nursery_type.format(world.school_a.id), expect=404)  # not raised by schools
    portal.post(location, {**form, "start_token": "short"}, expect=400)
    portal.post(location, {k: v for k, v in form.items() if k != "start_token"}, expect=400)
    assert _cases(db_session) == []


def test_a_start_token_of_another_case_type_finds_nothing(sign_in, world, db_session):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    form = _form(portal, location, {"forename": "Sam"}, action="save")
    portal.post(location, form, expect=302)
    other = start_unsaved(portal, "physical-intervention")
    other_form = {**_form(portal, other, action="save"), "start_token": form["start_token"]}
    portal.post(other, other_form, expect=404)
    assert len(_cases(db_session)) == 1


def test_what_was_typed_on_a_new_page_when_the_session_timed_out_is_kept(
    world, sign_in, db_session, moving_clock
):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    form = _form(portal, location, CHILD)
    moving_clock.advance(minutes=45)  # typing slowly, with JavaScript off
    response = portal.post(location, form, expect=302)
    [case] = _cases(db_session)  # the first save, even signed out, creates the case
    assert f"next=/cases/{case.reference}/pages/child" in unquote(response.headers["Location"])
    assert "What you typed has been kept" in text_of(portal.get("/sign-in").page)
    moving_clock.advance(seconds=1)
    portal.sign_in(world.alice)
    page = portal.get(f"/cases/{case.reference}/pages/child").page
    assert page.find("input", attrs={"name": "upn"})["value"] == CHILD["upn"]


@pytest.mark.parametrize("case_type", ["part-time-timetable", "early-years-census"])
def test_a_new_page_left_untouched_until_the_session_timed_out_makes_no_draft(
    world, sign_in, db_session, moving_clock, case_type
):
    """Found by trying it as a busy new user: Start now, then called away. When the time ran
    out the page's timeout script sent the untouched page (as it sends any case page), and
    that made an empty draft in My cases, with "What you typed has been kept" said of nothing
    typed. Nothing typed (a prefilled answer as it was prefilled) now makes nothing; after
    signing in again the user is back on the same new page."""
    user = world.alice if case_type == "part-time-timetable" else world.nina
    portal = sign_in(user)
    location = start_unsaved(portal, case_type)
    form = _form(portal, location)  # as shown: the census's setting name prefilled
    moving_clock.advance(minutes=45)
    response = portal.post(location, form, expect=302)
    assert _cases(db_session) == []
    assert unquote(response.headers["Location"]).endswith(f"next={location}")
    said = text_of(portal.get("/sign-in").page)
    assert "You have been signed out because you were inactive" in said
    assert "What you typed has been kept" not in said


def test_a_background_save_of_a_new_page_after_the_time_ran_out_says_where_the_draft_is(
    world, sign_in, db_session, moving_clock
):
    """Found by review: without the case's address the page went on sending to the new-case
    address, and after signing in again the user met an empty page and typed it all twice."""
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "part-time-timetable")
    form = _form(portal, location, {"forename": "Sam"})
    autosave = portal.get(location).page.select_one("form.app-case-form")["data-autosave-url"]
    moving_clock.advance(minutes=45)
    answer = portal.post(autosave, form, expect=401).get_json()
    [case] = _cases(db_session)
    assert answer["saved"] is True and answer["signed_out"] is True
    assert answer["reference"] == case.reference
    assert answer["page_url"] == f"/cases/{case.reference}/pages/child"
    assert answer["autosave_url"] == f"/cases/{case.reference}/pages/child/autosave"
    assert case.raw_input["child"]["forename"] == "Sam"
