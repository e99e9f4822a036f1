"""A school's LAESTAB and phase, given when the council onboards it.

The portal stores both (forms prefill `school.laestab` and `school.phase`, the API sends the
LAESTAB), but Add a school or setting never asked for them: only the demo schools had them, so
every form a newly onboarded school started asked its staff to type them again, and the council
systems reading the API got `"laestab": null`.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.webapp.conftest import staff, text_of
from tests.webapp.helpers import audit_rows, errors_on, fresh
from tests.webapp.test_council_admin import NEW_SCHOOL, add_school
from webapp.models import School


@pytest.fixture
def cara(sign_in, db_session, world):
    return sign_in(staff(db_session, "cara@council.example.org", "admin"))


def test_a_new_school_is_given_its_laestab_and_phase(cara, db_session):
    form = cara.get("/council/schools/add").page
    assert form.find("label", attrs={"for": "laestab"}).get_text(strip=True) == "LAESTAB (optional)"
    assert form.find("input", attrs={"name": "phase", "value": "Primary"})
    add_school(cara, laestab=" 856 2999 ", phase="Primary")
    school = fresh(db_session).scalar(select(School).where(School.urn == "120999"))
    assert (school.laestab, school.phase) == ("8562999", "Primary")
    page = text_of(cara.get(f"/council/schools/{school.id}").page)
    assert "LAESTAB 8562999" in page and "Phase Primary" in page
    [onboarded] = audit_rows(db_session, "school_onboarded")
    assert onboarded.detail["laestab"] == "8562999"
    found = text_of(cara.get("/council/schools?q=856+2999").page)
    assert "Rushey Mead Primary School" in found and "Aylestone" not in found


def test_both_are_optional(cara, db_session):
    add_school(cara)
    school = fresh(db_session).scalar(select(School).where(School.urn == "120999"))
    assert (school.laestab, school.phase) == ("", "")
    assert "LAESTAB Not known" in text_of(cara.get(f"/council/schools/{school.id}").page)


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"laestab": "856200"}, "Enter a LAESTAB of 7 digits, like 8562001"),
        ({"laestab": "85620011"}, "Enter a LAESTAB of 7 digits, like 8562001"),
        ({"laestab": "856-ABCD"}, "Enter a LAESTAB of 7 digits, like 8562001"),
        ({"phase": "Sixth form college"}, "Select the phase from the list"),
    ],
)
def test_a_wrong_laestab_or_phase_is_refused_on_its_question(cara, db_session, changes, error):
    response = add_school(cara, expect=200, **changes)
    assert errors_on(response) == [error]
    field = next(iter(changes))
    assert response.page.select_one(".govuk-error-summary a")["href"] == f"#{field}"
    assert response.page.find("input", id="name")["value"] == "Rushey Mead Primary School"
    if field == "laestab":
        assert response.page.find("input", id="laestab")["value"] == changes["laestab"]
    assert fresh(db_session).scalar(select(School).where(School.urn == "120999")) is None


def test_a_schools_name_laestab_and_phase_are_changed_later(cara, world, db_session):
    """Schools onboarded before LAESTAB and phase were asked have neither, and a name typed
    wrong stayed wrong: no page changed a school."""
    school_page = cara.get(f"/council/schools/{world.school_a.id}").page
    link = next(a for a in school_page.find_all("a") if a.get_text().startswith("Change details"))
    assert link["href"] == f"/council/schools/{world.school_a.id}/change"
    form = cara.get(link["href"]).page
    assert form.find("input", id="name")["value"] == "Aylestone Primary School"
    response = cara.post(
        link["href"], {"name": "Aylestone  Primary School ", "laestab": "856 1234", "phase": "x"}
    )
    assert errors_on(response) == ["Select the phase from the list"]
    assert response.page.find("input", id="laestab")["value"] == "856 1234"
    response = cara.post(
        link["href"],
        {"name": "Aylestone Junior School", "laestab": "856 1234", "phase": "Primary"},
        expect=302,
    )
    assert response.headers["Location"] == f"/council/schools/{world.school_a.id}"
    school = fresh(db_session).get(School, world.school_a.id)
    assert (school.name, school.laestab, school.phase, school.urn) == (
        "Aylestone Junior School",
        "8561234",
        "Primary",
        "111111",
    )
    page = text_of(cara.get(f"/council/schools/{world.school_a.id}").page)
    assert "Your changes to Aylestone Junior School have been saved" in page
    [changed] = audit_rows(db_session, "school_changed")
    assert changed.school_id == world.school_a.id
    assert changed.detail["fields"] == ["laestab", "name", "phase"]


def test_school_users_cannot_change_a_school(sign_in, world):
    alice = sign_in(world.alice)
    alice.get(f"/council/schools/{world.school_a.id}/change", expect=404)


def test_the_schools_list_finds_a_users_schools_by_their_email_address(cara, world):
    """Someone locked out is told to ask the council, and gives their email address: the
    council found their account only by knowing, or asking, which school it was in."""
    found = text_of(cara.get("/council/schools?q=Carol@AB.example").page)
    assert "Aylestone Primary School" in found and "Beaumont Leys School" in found
    assert "Little Acorns" not in found
    assert "2 schools and settings" in found


def test_a_laestab_another_school_has_is_refused_on_its_question(cara, world, db_session):
    """A LAESTAB names one establishment: a second school given it (a digit typed wrong, or the
    same school onboarded under a mistyped URN) had every form it started prefilled with the
    first school's number, and the API sent both schools' cases with it."""
    world.school_a.laestab = "8562001"
    db_session.commit()
    response = add_school(cara, expect=200, laestab="856 2001")
    assert errors_on(response) == ["LAESTAB 8562001 is already used by Aylestone Primary School"]
    assert response.page.select_one(".govuk-error-summary a")["href"] == "#laestab"
    assert fresh(db_session).scalar(select(School).where(School.urn == "120999")) is None

    change = f"/council/schools/{world.school_b.id}/change"
    cara.get(change)
    response = cara.post(change, {"name": "Beaumont Leys School", "laestab": "8562001"})
    assert errors_on(response) == ["LAESTAB 8562001 is already used by Aylestone Primary School"]
    assert fresh(db_session).get(School, world.school_b.id).laestab == ""

    # Its own LAESTAB, kept while its name changes, is no clash.
    change = f"/council/schools/{world.school_a.id}/change"
    cara.get(change)
    data = {"name": "Aylestone Junior School", "laestab": "8562001", "phase": "Primary"}
    cara.post(change, data, expect=302)


def test_a_laestab_two_schools_shared_already_does_not_block_other_changes(cara, world, db_session):
    """Two schools were given one LAESTAB before it was checked: correcting the name or phase
    of either was refused ('already used by …') though its LAESTAB was left as it was, so the
    council could not change the school that had the number rightly."""
    world.school_a.laestab = world.school_b.laestab = "8562002"
    db_session.commit()
    change = f"/council/schools/{world.school_a.id}/change"
    cara.get(change)
    data = {"name": "Aylestone Junior School", "laestab": "856 2002", "phase": "Primary"}
    cara.post(change, data, expect=302)
    school = fresh(db_session).get(School, world.school_a.id)
    assert (school.name, school.laestab, school.phase) == (
        "Aylestone Junior School",
        "8562002",
        "Primary",
    )


def test_two_schools_added_at_once_with_one_laestab_are_not_both_given_it(
    cara, sign_in, db_session
):
    """Two council admins add two schools with the same LAESTAB at the same moment: each
    checked that no school had it before either was saved, and both were given it."""
    dana = sign_in(staff(db_session, "dana@council.example.org", "admin"))
    start, answers = threading.Barrier(2), []

    def add(portal, urn, email):
        portal.get("/council/schools/add")
        start.wait()
        data = {**NEW_SCHOOL, "urn": urn, "email": email, "laestab": "8562003"}
        answers.append(portal.post("/council/schools/add", data, expect=None).status_code)

    threads = [
        threading.Thread(target=add, args=(cara, "120997", "head@one.example.org")),
        threading.Thread(target=add, args=(dana, "120998", "head@two.example.org")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    given = fresh(db_session).scalars(select(School).where(School.laestab == "8562003")).all()
    assert len(given) == 1
    assert sorted(answers) == [200, 302]
