"""Starting a case, moving through its pages, and what is kept when input is wrong."""

import re

from sqlalchemy import select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import errors_on, start
from webapp.models import Case


def test_submit_case_lists_the_types_the_setting_may_raise_by_category(sign_in, world):
    school_user = sign_in(world.alice)
    page = text_of(school_user.get("/submit-case").page)
    assert "SEND forms" in page and "School changes" in page
    assert "Part-time timetable alternative provision notification to LA" in page
    assert "Early Years Census" not in page  # early-years settings only
    assert "Remote service" in page
    nursery = text_of(sign_in(world.nina).get("/submit-case").page)
    assert "Early Years Census" in nursery
    assert "Physical Intervention Record" not in nursery


def test_starting_a_case_creates_a_draft_with_its_reference(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, location = start(portal, "part-time-timetable")
    assert re.fullmatch(r"EDU-SENED-PTT\d{4}", reference)
    assert location.endswith(f"/cases/{reference}/pages/child")
    case = db_session.scalar(select(Case).where(Case.reference == reference))
    assert case.status == "Draft" and case.school_id == world.school_a.id
    page = portal.get(location).page
    assert page.find("h1").get_text(strip=True) == "About the child"


def test_a_user_of_two_schools_chooses_the_school(sign_in, world, db_session):
    portal = sign_in(world.carol)
    page = portal.get("/submit-case/part-time-timetable").page
    assert "Which school or setting is this case for?" in text_of(page)
    response = portal.post("/submit-case/part-time-timetable", {}, expect=200)
    assert "Select the school or setting this case is for" in text_of(response.page)
    reference, _ = start(portal, "part-time-timetable", school=world.school_b)
    case = db_session.scalar(select(Case).where(Case.reference == reference))
    assert case.school_id == world.school_b.id


def test_a_school_the_user_does_not_belong_to_cannot_be_chosen(sign_in, world, db_session):
    portal = sign_in(world.alice)  # school A only
    portal.get("/submit-case/part-time-timetable")
    response = portal.post(
        "/submit-case/part-time-timetable", {"school": str(world.school_b.id)}, expect=200
    )
    assert errors_on(response) == ["Select the school or setting this case is for"]
    assert response.page.find("title").get_text(strip=True).startswith("Error:")
    assert db_session.scalars(select(Case)).all() == []  # no draft, at school B or anywhere
    my_cases = portal.get("/my-cases").page
    assert my_cases.select_one("[role=status]").get_text(strip=True) == "0 cases"
    assert my_cases.select("tbody tr") == []


def test_an_untouched_text_box_is_empty_not_none(sign_in, world):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    page = portal.get(f"/cases/{reference}/pages/agreement").page
    assert page.find("textarea", attrs={"name": "pupil_views"}).get_text() == ""
