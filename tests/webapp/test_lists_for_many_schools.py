"""Lists for people of several schools, and the caseviewer's dates in GOV.UK's date input
(issue 11): a School column and a school filter that only ever offers, and only ever takes,
the reader's own schools; "Is admin?" says for which school; impossible dates are told in
GOV.UK's words with what was typed kept, and older links' 2026-11-01 still work."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.webapp.conftest import text_of
from tests.webapp.helpers import errors_on, send_officer
from tests.webapp.test_caseviewer import stored_case
from webapp.models import Membership, User
from webapp.web.listing import ListingSpec


def references(page) -> list[str]:
    return [row.select_one("td a").get_text(strip=True) for row in page.select("tbody tr")]


def column(page, name) -> list[str]:
    """The text of one column's cells, by its heading."""
    headings = [th.get_text(strip=True) for th in page.select("thead th")]
    index = headings.index(name)
    return [row.select("td")[index].get_text(" ", strip=True) for row in page.select("tbody tr")]


def choices(page, select_id) -> list[str]:
    return [option.get_text(strip=True) for option in page.select(f"#{select_id} option")]


# ---- a listing's filters ----


def test_a_listing_filter_takes_only_a_value_offered_and_its_links_keep_it():
    spec = ListingSpec(("name",), "name", filters=("school",))
    offered = {"school": ["3", "7"]}
    assert spec.read({"school": " 7 "}, 10, offered).filter("school") == "7"
    for asked in ("8", "", "7 OR 1=1", "07"):
        assert spec.read({"school": asked}, 10, offered).filters == (), asked
    assert spec.read({"school": "7"}, 10).filters == ()  # nothing offered, nothing taken
    assert spec.read({"team": "7"}, 10, {"team": ["7"]}).filters == ()  # not its filter
    args = spec.read({"school": "3", "q": "ley"}, 10, offered)
    assert args.query(page=2) == {
        "q": "ley",
        "school": "3",
        "sort": "name",
        "order": "asc",
        "page": 2,
    }
    assert args.sort_query("name")["school"] == "3"


# ---- My cases ----


def test_my_cases_shows_which_school_and_filters_by_the_users_own_schools(
    sign_in, world, db_session
):
    at_a = stored_case(db_session, world.school_a, world.alice)
    at_b = stored_case(db_session, world.school_b, world.bob)
    at_nursery = stored_case(db_session, world.nursery, world.nina)
    carol = sign_in(world.carol)  # schools A and B

    page = carol.get("/my-cases").page
    assert sorted(references(page)) == sorted([at_a, at_b])
    assert choices(page, "school") == [
        "All your schools and settings",
        "Aylestone Primary School",
        "Beaumont Leys School",
    ]
    by_reference = dict(zip(references(page), column(page, "School"), strict=True))
    assert by_reference == {at_a: "Aylestone Primary School", at_b: "Beaumont Leys School"}
    assert (
        carol.get("/my-cases", query_string={"sort": "school", "order": "desc"})
        .page.select_one("th[aria-sort]")
        .get_text(strip=True)
        == "School"
    )

    page = carol.get("/my-cases", query_string={"school": world.school_b.id}).page
    assert references(page) == [at_b]
    assert page.select_one("#school option[selected]").get_text(strip=True) == (
        "Beaumont Leys School"
    )
    assert "1 case found" in text_of(page)
    sort_link = page.select_one("thead th a")["href"]
    assert parse_qs(urlsplit(sort_link).query)["school"] == [str(world.school_b.id)]

    # Another school's id is no filter: carol sees her own schools' cases, never the nursery's.
    for school in (world.nursery.id, "999999", "1 OR 1=1", ""):
        page = carol.get("/my-cases", query_string={"school": school}).page
        assert sorted(references(page)) == sorted([at_a, at_b]), school
        assert at_nursery not in text_of(page)
        assert not page.select("#school option[selected]")


def test_users_of_one_school_see_no_school_column_or_filter(sign_in, world, db_session):
    stored_case(db_session, world.school_a, world.alice)
    page = sign_in(world.alice).get("/my-cases").page
    assert "School" not in [th.get_text(strip=True) for th in page.select("thead th")]
    assert page.select_one("#school") is None


# ---- User admin ----


def admin_of_both(world, db_session):
    """Alice, admin of school A, made admin of school B as well."""
    db_session.add(Membership(user_id=world.alice.id, school_id=world.school_b.id, is_admin=True))
    db_session.commit()


def test_an_admin_of_two_schools_sees_each_users_schools_and_filters_by_one(
    sign_in, world, db_session
):
    admin_of_both(world, db_session)
    alice = sign_in(world.alice)

    page = alice.get("/user-admin/").page
    headings = [th.get_text(strip=True) for th in page.select("thead th")]
    assert headings[:2] == ["Email address", "School"]
    emails = [row.select_one("td a").contents[0].strip() for row in page.select("tbody tr")]
    schools = dict(zip(emails, column(page, "School"), strict=True))
    assert schools == {
        "alice@a.example.org": "Aylestone Primary School, Beaumont Leys School",
        "bob@b.example.org": "Beaumont Leys School",
        "carol@ab.example.org": "Aylestone Primary School, Beaumont Leys School",
    }  # never Nina, of the nursery
    admin = dict(zip(emails, column(page, "Is admin?"), strict=True))
    assert admin == {
        "alice@a.example.org": "Yes: Aylestone Primary School, Beaumont Leys School",
        "bob@b.example.org": "No",
        "carol@ab.example.org": "No",
    }
    assert choices(page, "school") == [
        "All your schools and settings",
        "Aylestone Primary School",
        "Beaumont Leys School",
    ]

    page = alice.get("/user-admin/", query_string={"school": world.school_a.id}).page
    emails = [row.select_one("td a").contents[0].strip() for row in page.select("tbody tr")]
    assert sorted(emails) == ["alice@a.example.org", "carol@ab.example.org"]
    assert "2 users found" in text_of(page)

    # The nursery's id, which Alice does not administer, shows her own users, never Nina.
    page = alice.get("/user-admin/", query_string={"school": world.nursery.id}).page
    assert "nina@nursery.example.org" not in text_of(page)
    assert len(page.select("tbody tr")) == 3


def test_is_admin_names_the_school_for_an_admin_of_two(sign_in, world, db_session):
    admin_of_both(world, db_session)
    db_session.get(Membership, (world.carol.id, world.school_b.id)).is_admin = True
    db_session.commit()
    page = sign_in(world.alice).get("/user-admin/", query_string={"q": "carol"}).page
    assert column(page, "Is admin?") == ["Yes: Beaumont Leys School"]


# ---- caseviewer's dates ----


@pytest.fixture
def officer(db_session) -> User:
    """An officer in a team that works part-time timetables (stored_case's case type)."""
    return send_officer(db_session)


def date_boxes(page, name) -> dict[str, str]:
    return {
        part: page.select_one(f"#{name}-{part}").get("value", "")
        for part in ("day", "month", "year")
    }


def boxes_in_error(page, name) -> list[str]:
    return [
        part
        for part in ("day", "month", "year")
        if "govuk-input--error" in page.select_one(f"#{name}-{part}")["class"]
    ]


def test_caseviewer_dates_are_typed_as_day_month_and_year(sign_in, world, officer, db_session):
    early = stored_case(
        db_session,
        world.school_a,
        world.alice,
        submitted_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    )
    late = stored_case(
        db_session, world.school_b, world.bob, submitted_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    )
    olivia = sign_in(officer)

    page = olivia.get("/caseviewer/").page
    legends = [legend.get_text(strip=True) for legend in page.select(".app-filter legend")]
    assert legends == ["Submitted from", "Submitted to"]
    assert not page.select("input[name=submitted_from]")  # no box for 2026-11-01 any more

    typed = {
        "submitted_from-day": "10",
        "submitted_from-month": "11",
        "submitted_from-year": "2026",
    }
    page = olivia.get("/caseviewer/", query_string=typed).page
    assert references(page) == [late]
    assert date_boxes(page, "submitted_from") == {"day": "10", "month": "11", "year": "2026"}

    # An older link, and the queue's own sort links, give the day as 2026-11-10.
    page = olivia.get("/caseviewer/", query_string={"submitted_to": "2026-11-10"}).page
    assert references(page) == [early]
    assert date_boxes(page, "submitted_to") == {"day": "10", "month": "11", "year": "2026"}
    sort_link = page.select_one("thead th a")["href"]
    assert parse_qs(urlsplit(sort_link).query)["submitted_to"] == ["2026-11-10"]


def test_an_impossible_or_unfinished_date_is_told_and_kept_as_typed(
    sign_in, world, officer, db_session
):
    stored_case(db_session, world.school_a, world.alice)
    olivia = sign_in(officer)

    def typed(day, month, year, name="submitted_from", **more):
        query = {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year, **more}
        return olivia.get("/caseviewer/", query_string=query)

    response = typed("31", "2", "2026", status="Active")
    assert errors_on(response) == ["Submitted from must be a real date"]
    assert response.page.title.get_text().startswith("Error: ")
    assert date_boxes(response.page, "submitted_from") == {
        "day": "31",
        "month": "2",
        "year": "2026",
    }
    assert boxes_in_error(response.page, "submitted_from") == ["day", "month", "year"]
    summary_link = response.page.select_one(".govuk-error-summary__list a")["href"]
    assert summary_link == "#submitted_from-day"
    assert response.page.select_one(summary_link)  # the link leads to the day box
    assert len(response.page.select("tbody tr")) == 1  # the date is ignored, the rest applies

    response = typed("12", "", "2026")
    assert errors_on(response) == ["Submitted from must include a month"]
    assert boxes_in_error(response.page, "submitted_from") == ["month"]
    assert response.page.select_one(".govuk-error-summary__list a")["href"] == (
        "#submitted_from-month"
    )

    response = typed("12", "11", "26", name="submitted_to")
    assert errors_on(response) == ["Submitted to must include a year with 4 numbers, like 2026"]
    response = typed("twelve", "11", "2026")
    assert errors_on(response) == ["Submitted from must be a real date"]
    assert date_boxes(response.page, "submitted_from")["day"] == "twelve"

    response = olivia.get(
        "/caseviewer/",
        query_string={
            **{"submitted_from-day": "20", "submitted_from-month": "11"},
            **{"submitted_from-year": "2026", "submitted_to-day": "1"},
            **{"submitted_to-month": "11", "submitted_to-year": "2026"},
        },
    )
    assert errors_on(response) == ["Submitted to must be the same as or after submitted from"]

    # An older link's text that is no date at all.
    response = olivia.get("/caseviewer/", query_string={"submitted_from": "yesterday"})
    assert errors_on(response) == ["Submitted from must be a real date"]
    assert date_boxes(response.page, "submitted_from") == {"day": "", "month": "", "year": ""}
