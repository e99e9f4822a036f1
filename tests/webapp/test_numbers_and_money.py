"""Numbers and money as a school types them: absurd values, and answers saved long ago."""

from tests.webapp.conftest import text_of
from tests.webapp.helpers import ARRANGEMENT, CHILD, PROVIDER, answer, errors_on, start, stored


def test_absurd_numbers_get_the_bounds_message_and_nothing_typed_is_lost(
    sign_in, world, db_session
):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    pages = f"/cases/{reference}/pages"
    answer(portal, first_page, CHILD)
    answer(portal, f"{pages}/arrangement", ARRANGEMENT)
    absurd = {
        **PROVIDER,
        "providers-0-provider_hours": "1e9999999",  # minutes of work, were it expanded
        "providers-0-weekly_cost": "9" * 400,  # once stored as Infinity, which PostgreSQL refuses
    }
    response = answer(portal, f"{pages}/provision", absurd, expect=200)
    assert errors_on(response) == [
        "Provider 1: Hours each week must be 40 or less",
        "Provider 1: Cost each week must be £90,071,992,547,409.91 or less",
    ]
    again = portal.get(f"{pages}/provision").page  # saved: typed text shown again
    assert again.find("input", attrs={"name": "providers-0-weekly_cost"})["value"] == "9" * 400
    provider = stored(db_session, reference).answers["providers"][0]
    assert provider["provider_name"] == "Oak Tree Learning Centre"
    assert "weekly_cost" not in provider and "provider_hours" not in provider


def test_a_case_saved_with_amounts_as_floats_still_shows_them_exactly(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    pages = f"/cases/{reference}/pages"
    answer(portal, first_page, CHILD)
    answer(portal, f"{pages}/arrangement", ARRANGEMENT)
    answer(portal, f"{pages}/provision", PROVIDER)
    # Before amounts were kept exact, answers held JSON floats.
    case = stored(db_session, reference)
    providers = [{**case.answers["providers"][0], "weekly_cost": 250.1, "provider_hours": 6.5}]
    case.answers = {**case.answers, "normal_hours": 32.5, "providers": providers}
    db_session.commit()

    summary = text_of(portal.get(f"/cases/{reference}/check-answers").page)
    assert "£250.10" in summary and "6.5" in summary and "32.5 hours" in summary
    page = portal.get(f"{pages}/provision").page
    assert page.find("input", attrs={"name": "providers-0-weekly_cost"})["value"] == "250.10"
    assert page.find("input", attrs={"name": "providers-0-provider_hours"})["value"] == "6.5"
    # Sending the page again stores the exact forms.
    answer(portal, f"{pages}/provision", {**PROVIDER, "providers-0-weekly_cost": "250.10"})
    provider = stored(db_session, reference).answers["providers"][0]
    assert provider["weekly_cost"] == "250.10" and provider["provider_hours"] == 6


def test_a_decimal_comma_is_refused_with_how_to_write_it_never_read_as_thousands(
    sign_in, world, db_session
):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    pages = f"/cases/{reference}/pages"
    answer(portal, first_page, CHILD)
    # 32,5 was read as 325 hours, and £12,50 as £1,250, with no word to the user.
    response = answer(
        portal, f"{pages}/arrangement", {**ARRANGEMENT, "normal_hours": "32,5"}, expect=200
    )
    assert errors_on(response) == [
        "Normal hours in school each week must use a full stop for decimals, like 12.5"
    ]
    assert "normal_hours" not in stored(db_session, reference).answers
    answer(portal, f"{pages}/arrangement", {**ARRANGEMENT, "normal_hours": "32.5"})
    costly = {**PROVIDER, "providers-0-weekly_cost": "£12,50"}
    response = answer(portal, f"{pages}/provision", costly, expect=200)
    assert errors_on(response) == [
        "Provider 1: Cost each week must use a full stop for pence, like £12.50"
    ]
    # Commas between thousands are still fine.
    answer(portal, f"{pages}/provision", {**PROVIDER, "providers-0-weekly_cost": "£1,250.50"})
    assert stored(db_session, reference).answers["providers"][0]["weekly_cost"] == "1250.50"
