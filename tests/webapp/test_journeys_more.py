"""Two more whole journeys: an emergency school closure, and the Early Years Census."""

from engine import uk_date
from tests.webapp.conftest import text_of
from tests.webapp.helpers import answer, continue_anyway, date, errors_on, start, stored

CLOSURE = {
    "reason": "heating",
    "reason_details": "The boiler failed overnight; an engineer is coming.",
    "pupils_affected": "180",
    **date("start_date", 12, 1, 2026),
    "start_session": "am",
}
COMMUNICATION = {
    "parents_informed": "yes",
    "parents_informed_how": ["text", "website"],
    "uses_council_transport": "yes",
    "transport_informed": "yes",
}
PUPILS = {"vulnerable_pupils_plan": "Daily phone calls from the DSL to every vulnerable pupil."}
SUBMITTER = {
    "submitter_name": "Alice Tester",
    "submitter_role": "headteacher",
    "submitter_email": "alice@a.example.org",
    "submitter_phone": "0116 454 1000",
}

SETTING = {
    "setting_name": "Little Acorns Pre-School",
    "provider_type": "private",
    "ofsted_urn": "EY123456",
    "hours_open_per_week": "50",
    "weeks_open_per_year": "51",
}
EY_DETAILS = {
    "submitter_name": "Nina Tester",
    "submitter_role": "setting_manager",
    "submitter_email": "nina@nursery.example.org",
    "submitter_phone": "0116 454 2000",
}


def child(index, **answers):
    """One funded child's answers as the form names them (funded_children-<i>-<field>)."""
    return {f"funded_children-{index}-{key}": value for key, value in answers.items()}


MAYA = dict(
    child_forename="Maya",
    child_surname="Patel",
    child_sex="F",
    **date("child_date_of_birth", 3, 3, uk_date.today().year - 4),  # a census child is under 6
    child_postcode="le2 1ab",
    universal_hours="15",
    extended_hours="0",
    expanded_hours="0",
    entitlement_weeks="38",
    early_years_pupil_premium="no",
    disability_access_fund="no",
    child_sen_provision="N",
)
OSCAR = dict(
    child_forename="Oscar",
    child_surname="Bennett",
    child_sex="M",
    **date("child_date_of_birth", 20, 11, uk_date.today().year - 5),
    child_postcode="LE3 9QP",
    universal_hours="15",
    extended_hours="15",
    expanded_hours="0",
    entitlement_weeks="38",
    early_years_pupil_premium="yes",
    disability_access_fund="no",
    child_sen_provision="K",
)


def my_cases_row(portal, reference):
    listing = portal.get("/my-cases").page
    return next(r for r in listing.select("tbody tr") if reference in r.get_text())


def test_partial_school_closure_from_submit_case_to_my_cases(sign_in, world, db_session):
    portal = sign_in(world.alice)
    offer = portal.get("/submit-case").page
    heading = next(h for h in offer.select("h2") if h.get_text(strip=True) == "School changes")
    link = heading.find_next("ul").find("a", string="Emergency or unplanned school closure")
    assert link["href"] == "/submit-case/school-closure"
    reference, first_page = start(portal, "school-closure")
    assert reference.startswith("EDU-SCHCL-ESC")
    pages = f"/cases/{reference}/pages"
    assert first_page.endswith(f"{pages}/closure")

    # Year groups and the reopening questions are asked only when they apply.
    page = portal.get(first_page).page
    for question in ("year_groups", "reopening_date"):  # on the page, hidden until they apply
        assert page.find(attrs={"data-question": question}).has_attr("hidden")

    # Only some year groups closed, reopening known: now those questions must be answered.
    partial = {**CLOSURE, "extent": "partial", "reopening_known": "yes"}
    response = answer(portal, first_page, partial, expect=200)
    assert errors_on(response) == [
        "Select which year groups are closed",
        "Enter expected reopening date",
        "Select which session the school will reopen for",
    ]
    assert response.page.find("input", attrs={"name": "year_groups", "value": "5"})
    assert response.page.find("input", attrs={"name": "pupils_affected"})["value"] == "180"
    assert (
        response.page.find("textarea", attrs={"name": "reason_details"}).get_text()
        == (CLOSURE["reason_details"])
    )

    # Reopening for the morning of the day the morning was lost breaks a rule: an error.
    partial.update(
        {
            "year_groups": ["5", "6"],
            "reopening_session": "am",
            **date("reopening_date", 12, 1, 2026),
        }
    )
    response = answer(portal, first_page, partial, expect=200)
    assert errors_on(response) == [
        "If the school reopens on the day the closure starts, the morning session must be the "
        "one lost and the school must reopen for the afternoon"
    ]
    ticked = response.page.select("input[name=year_groups][checked]")
    assert [box["value"] for box in ticked] == ["5", "6"]

    # Three weeks away: allowed, but the page warns and asks for Continue once more.
    partial.update(date("reopening_date", 2, 2, 2026))
    response = answer(portal, first_page, partial, expect=200)
    assert errors_on(response) == []
    warning = response.page.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "Check the expected reopening date - the closure would last more than 2 weeks" in (
        warning
    )
    assert response.page.find("input", attrs={"name": "acknowledged"})["value"]
    # The sessions lost are worked out from the dates: 15 weekdays, two sessions each.
    assert "30 sessions" in text_of(response.page)
    response = continue_anyway(portal, first_page, response.page, partial)
    assert response.headers["Location"].endswith(f"{pages}/communication")

    # Whether the transport team was told is asked only when council transport is used.
    page = portal.get(f"{pages}/communication").page
    assert page.find(attrs={"data-question": "transport_informed"}).has_attr("hidden")
    response = answer(portal, f"{pages}/communication", COMMUNICATION)
    assert response.headers["Location"].endswith(f"{pages}/pupils")
    answer(portal, f"{pages}/pupils", PUPILS)
    response = answer(portal, f"{pages}/submitter", SUBMITTER)
    assert response.headers["Location"].endswith(f"/cases/{reference}/check-answers")

    check = portal.get(f"/cases/{reference}/check-answers").page
    summary = text_of(check)
    assert "No, only some year groups are closed" in summary
    assert "Year 5" in summary and "Year 6" in summary
    assert "Sessions lost (worked out from the dates) 30 sessions" in summary
    assert "Heating or hot water failure" in summary
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert response.headers["Location"].endswith(f"/cases/{reference}/confirmation")

    case = stored(db_session, reference)
    assert case.status == "Active" and case.submitted_at is not None
    assert case.answers["year_groups"] == ["5", "6"] and case.answers["sessions_lost"] == 30
    row = my_cases_row(portal, reference)
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert "Submitted – read only" in cells[0] and cells[3] != "Not submitted"
    assert cells[1:3] == ["Emergency or unplanned school closure", "School closures"]
    assert cells[4:] == ["Case Officers Notification", "Active"]
    assert (
        portal.client.get(f"/cases/{reference}")
        .headers["Location"]
        .endswith(f"/cases/{reference}/view")
    )


def test_early_years_census_with_two_children_from_submit_case_to_my_cases(
    sign_in, world, db_session
):
    portal = sign_in(world.nina)
    offer = portal.get("/submit-case").page
    heading = next(h for h in offer.select("h2") if h.get_text(strip=True) == "Early Years")
    assert heading.find_next("ul").find("a", string="Early Years Census")
    reference, first_page = start(portal, "early-years-census")
    assert reference.startswith("EDU-EYS-EYC")
    pages = f"/cases/{reference}/pages"

    # The LAESTAB is asked only of a nursery class in an independent school.
    setting = portal.get(first_page).page
    assert setting.find(attrs={"data-question": "laestab"}).has_attr("hidden")
    response = answer(portal, first_page, SETTING)
    assert response.headers["Location"].endswith(f"{pages}/children")

    # No children yet: Continue says at least one must be added.
    children = f"{pages}/children"
    response = answer(portal, children, {}, expect=200)
    assert errors_on(response) == ["Add at least one child"]

    # Add a child, fill it in, add another.
    response = answer(portal, children, {}, action="add:funded_children")
    assert response.headers["Location"].endswith(f"{children}#funded_children-0")
    page = portal.get(children).page
    assert page.find("input", attrs={"name": "funded_children-0-child_forename"})
    response = answer(portal, children, child(0, **MAYA), action="add:funded_children")
    assert response.headers["Location"].endswith(f"{children}#funded_children-1")
    page = portal.get(children).page
    assert page.find("input", attrs={"name": "funded_children-0-child_forename"})["value"] == "Maya"
    assert page.find("input", attrs={"name": "funded_children-1-child_forename"})

    # The second child takes extended hours, so the eligibility code is needed for that child.
    without_code = {**child(0, **MAYA), **child(1, **OSCAR)}
    response = answer(portal, children, without_code, expect=200)
    assert errors_on(response) == ["Child 2: Enter eligibility code for working parents"]
    link = response.page.select_one(".govuk-error-summary__list a")
    assert link["href"] == "#funded_children-1-eligibility_code"
    assert (
        response.page.find("input", attrs={"name": "funded_children-1-child_forename"})["value"]
        == "Oscar"
    )
    assert (
        "Enter eligibility code for working parents"
        in response.page.select_one("#funded_children-1-eligibility_code-error").get_text()
    )
    assert not response.page.select("#funded_children-0-eligibility_code-error")

    # A code that is not 11 digits is refused; the right one is accepted.
    response = answer(
        portal, children, {**without_code, **child(1, eligibility_code="5001")}, expect=200
    )
    eleven_digits = "Child 2: Enter the eligibility code as 11 digits, like 50012345678"
    assert errors_on(response) == [eleven_digits]
    fixed = {**without_code, **child(1, eligibility_code="50012345678")}
    response = answer(portal, children, fixed)
    assert response.headers["Location"].endswith(f"{pages}/your_details")
    page = text_of(portal.get(children).page)
    assert "Number of funded children 2 children" in page
    assert "Total funded hours a week 45 hours" in page

    response = answer(portal, f"{pages}/your_details", EY_DETAILS)
    assert response.headers["Location"].endswith(f"/cases/{reference}/check-answers")
    summary = text_of(portal.get(f"/cases/{reference}/check-answers").page)
    assert "Maya" in summary and "Patel" in summary
    assert "Oscar" in summary and "Bennett" in summary and "50012345678" in summary
    assert "LE2 1AB" in summary and "2 children" in summary
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert response.headers["Location"].endswith(f"/cases/{reference}/confirmation")

    case = stored(db_session, reference)
    assert case.status == "Active"
    assert [c["child_forename"] for c in case.answers["funded_children"]] == ["Maya", "Oscar"]
    assert "eligibility_code" not in case.answers["funded_children"][0]
    row = my_cases_row(portal, reference)
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert "Submitted – read only" in cells[0]
    assert cells[1:3] == ["Early Years Census", "Early years funding"]
    assert cells[4:] == ["Case Officers Notification", "Active"]


def test_a_finished_child_keeps_all_its_answers_on_screen_when_another_is_added(sign_in, world):
    portal = sign_in(world.nina)
    reference, first_page = start(portal, "early-years-census")
    answer(portal, first_page, SETTING)
    children = f"/cases/{reference}/pages/children"
    answer(portal, children, {}, action="add:funded_children")
    answer(portal, children, child(0, **MAYA), action="add:funded_children")
    page = portal.get(children).page

    def shown(name):
        return page.find("input", attrs={"name": f"funded_children-0-{name}"})["value"]

    def ticked(name):
        box = page.select_one(f"input[name=funded_children-0-{name}][checked]")
        return box and box["value"]

    assert shown("child_forename") == "Maya"
    assert [shown(f"child_date_of_birth-{part}") for part in ("day", "month", "year")] == [
        "3",
        "3",
        str(uk_date.today().year - 4),
    ]
    assert ticked("early_years_pupil_premium") == "no"
    assert ticked("disability_access_fund") == "no"
    assert shown("universal_hours") == "15"
