"""The one way to list (webapp/web/listing.py, templates/_listing.html): arguments read safely
from the query string, pages that neither repeat nor skip a row, and the same sort links,
aria-sort and pagination on every list page, each page sized by its own setting (issue 10)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import false, func, select

from tests.webapp.test_bad_input import staff
from tests.webapp.test_caseviewer import stored_case
from webapp.models import School, Team
from webapp.web import cursors
from webapp.web import listing as listing_module
from webapp.web.listing import Listing, ListingSpec, count_up_to, fetch_page
from webapp.web.whole_numbers import LAST_PAGE

SCHOOLS = ListingSpec(("name", "urn", "users"), "name")
NEWEST = ListingSpec(
    ("reference", "submitted"),
    "submitted",
    descending=True,
    search_param="reference",
    search_max=40,
)


# ---- reading a listing's arguments ----


def test_a_listing_starts_at_its_first_page_in_its_own_sort_and_order():
    args = SCHOOLS.read({}, 10)
    assert (args.sort, args.order, args.page, args.search) == ("name", "asc", 1, "")
    args = NEWEST.read({}, 25)
    assert (args.sort, args.order, args.page, args.page_size) == ("submitted", "desc", 1, 25)


@pytest.mark.parametrize(
    ("query", "sort", "order"),
    [
        ({"sort": "urn", "order": "desc"}, "urn", "desc"),
        ({"sort": " urn ", "order": " asc "}, "urn", "asc"),
        ({"sort": "password_hash"}, "name", "asc"),  # only a key the listing offers
        ({"sort": "submitted"}, "name", "asc"),  # another listing's key
        ({"sort": "URN", "order": "DESC"}, "name", "asc"),
        ({"order": "sideways"}, "name", "asc"),
    ],
)
def test_only_an_offered_sort_and_a_real_order_are_taken(query, sort, order):
    args = SCHOOLS.read(query, 10)
    assert (args.sort, args.order) == (sort, order)


def test_an_order_not_asked_for_is_the_listings_own():
    assert NEWEST.read({"sort": "reference", "order": "sideways"}, 10).order == "desc"
    assert NEWEST.read({"sort": "reference", "order": "asc"}, 10).order == "asc"


@pytest.mark.parametrize(
    ("page", "number"),
    [("3", 3), (" 2 ", 2), ("0", 1), ("-2", 1), ("²", 1), ("1e3", 1), ("9" * 5000, LAST_PAGE)],
)
def test_any_page_number_asks_for_a_page(page, number):
    assert SCHOOLS.read({"page": page}, 10).page == number


def test_the_search_text_is_bounded_and_read_from_the_listings_own_box():
    assert SCHOOLS.read({"q": "x" * 500}, 10).search == "x" * 100
    assert NEWEST.read({"reference": "EDU-" * 50}, 10).search == ("EDU-" * 50)[:40]
    assert NEWEST.read({"q": "EDU"}, 10).search == ""
    no_box = ListingSpec(("a",), "a", search_param=None)
    assert no_box.read({"q": "x"}, 10).search == ""
    assert SCHOOLS.read({"q": "  Aylestone   PRIMARY "}, 10).words == "aylestone primary"


def test_a_listing_must_start_in_a_sort_it_offers_and_show_a_row_a_page():
    with pytest.raises(ValueError, match="default sort 'age'"):
        ListingSpec(("name",), "age")
    with pytest.raises(ValueError, match="at least one row, not 0"):
        SCHOOLS.read({}, 0)


# ---- links ----


def test_the_sorted_columns_link_turns_it_round_and_the_others_start_in_the_listings_order():
    args = SCHOOLS.read({"sort": "urn", "order": "asc"}, 10)
    assert (args.order_for("urn"), args.aria_sort("urn")) == ("desc", "ascending")
    assert (args.order_for("name"), args.aria_sort("name")) == ("asc", "")
    args = NEWEST.read({}, 10)
    assert (args.order_for("submitted"), args.aria_sort("submitted")) == ("asc", "descending")
    assert args.order_for("reference") == "desc"


def test_links_keep_the_search_and_the_filters_that_are_set():
    args = NEWEST.read({"reference": "PTT", "sort": "reference", "order": "asc", "page": "2"}, 5)
    filters = {"status": "Draft", "case_type": "", "school": None}
    assert list(args.query(filters, page=3).items()) == [
        ("reference", "PTT"),
        ("status", "Draft"),
        ("sort", "reference"),
        ("order", "asc"),
        ("page", 3),
    ]
    # A sort link goes back to the first page.
    assert args.sort_query("submitted", filters) == {
        "reference": "PTT",
        "status": "Draft",
        "sort": "submitted",
        "order": "desc",
    }
    assert SCHOOLS.read({}, 5).query() == {"sort": "name", "order": "asc"}


# ---- one page of a query, on each database ----


@pytest.fixture
def seven_schools(db_session) -> list[int]:
    """Seven schools, most of them alike in setting type: their ids in (setting type, id)."""
    kinds = ["school", "early_years", "school", "school", "early_years", "school", "school"]
    schools = [
        School(name=f"School {n}", urn=f"10000{n}", setting_type=kind)
        for n, kind in enumerate(kinds)
    ]
    db_session.add_all(schools)
    db_session.commit()
    return [s.id for s in sorted(schools, key=lambda s: (s.setting_type, s.id))]


def _page(db_session, page, descending=False, **kwargs):
    args = SCHOOLS.args(3, page=page, descending=descending)
    return fetch_page(
        db_session,
        select(School),
        args,
        sort=[School.setting_type],
        tie_breaker=(School.id.desc() if descending else School.id,),
        **kwargs,
    )


def test_pages_neither_repeat_nor_skip_rows_that_sort_alike(db_session, seven_schools):
    pages = [_page(db_session, n) for n in (1, 2, 3)]
    assert [(p.total, p.page, p.pages) for p in pages] == [(7, 1, 3), (7, 2, 3), (7, 3, 3)]
    assert [school.id for p in pages for school in p.rows] == seven_schools
    backwards = [_page(db_session, n, descending=True) for n in (1, 2, 3)]
    assert [school.id for p in backwards for school in p.rows] == seven_schools[::-1]
    assert pages[0].page_numbers() == [1, 2, 3]


def test_a_page_out_of_range_gives_the_nearest_page(db_session, seven_schools):
    assert _page(db_session, 0).page == 1
    last = _page(db_session, LAST_PAGE)
    assert (last.page, [school.id for school in last.rows]) == (3, seven_schools[-1:])


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_a_sort_may_put_empty_values_last_whichever_the_order(db_session, seven_schools, order):
    spec = ListingSpec(("kind",), "kind", nulls_last=("kind",))
    listing = fetch_page(
        db_session,
        select(School),
        spec.read({"order": order}, 10),
        sort=[func.nullif(School.setting_type, "school")],  # schools sort as NULL
        tie_breaker=[School.id],
    )
    assert [school.setting_type for school in listing.rows] == ["early_years"] * 2 + ["school"] * 5


def test_added_columns_come_with_each_row(db_session, seven_schools):
    listing = _page(db_session, 1, columns=[func.length(School.urn)])
    assert [(school.id, length) for school, length in listing.rows] == [
        (school_id, 6) for school_id in seven_schools[:3]
    ]


def test_rows_can_become_what_the_page_shows(db_session, seven_schools):
    listing = _page(db_session, 2)
    shown = listing.with_rows([school.urn for school in listing.rows])
    assert (shown.rows, shown.total, shown.page) == (["100002", "100003", "100005"], 7, 2)


def test_nothing_to_list_is_page_1_of_1(db_session):
    listing = fetch_page(
        db_session,
        select(School).where(false()),
        SCHOOLS.args(3, page=4),
        sort=[],
        tie_breaker=[School.id],
    )
    assert (listing.rows, listing.total, listing.page, listing.pages) == ([], 0, 1, 1)


def test_a_listing_needs_a_tie_breaker(db_session):
    with pytest.raises(ValueError, match="tie-breaker"):
        fetch_page(db_session, select(School), SCHOOLS.args(3), sort=[], tie_breaker=[])


# ---- every list page ----


@pytest.fixture
def list_pages(sign_in, world, db_session):
    """Each list page as who sees it, with at least two rows: (setting, portal, path)."""
    officer = staff(db_session, "olivia@council.example.org", "officer")
    db_session.add(Team(name="SEND", case_type_ids=["part-time-timetable"], members=[officer]))
    db_session.commit()
    admin = staff(db_session, "cara@council.example.org", "admin")
    for _ in range(2):
        stored_case(db_session, world.school_a, world.alice)
    alice, olivia, cara = sign_in(world.alice), sign_in(officer), sign_in(admin)
    return {
        "MY_CASES_PAGE_SIZE": (alice, "/my-cases"),
        "USER_ADMIN_PAGE_SIZE": (alice, "/user-admin/"),
        "CASEVIEWER_PAGE_SIZE": (olivia, "/caseviewer/"),
        "COUNCIL_SCHOOLS_PAGE_SIZE": (cara, "/council/schools"),
        "COUNCIL_OFFICERS_PAGE_SIZE": (cara, "/council/officers"),
    }


def test_each_listing_takes_its_page_size_from_its_own_setting(app, list_pages):
    assert {setting: app.config[setting] for setting in list_pages} == {
        "MY_CASES_PAGE_SIZE": 25,
        "USER_ADMIN_PAGE_SIZE": 50,
        "CASEVIEWER_PAGE_SIZE": 25,
        "COUNCIL_SCHOOLS_PAGE_SIZE": 50,
        "COUNCIL_OFFICERS_PAGE_SIZE": 50,
    }
    for setting, (portal, path) in list_pages.items():
        page = portal.get(path).page
        assert page.select("tbody tr") and not page.select(".govuk-pagination"), path
        app.config[setting] = 1
        page = portal.get(path).page
        assert len(page.select("tbody tr")) == 1, path
        assert page.select_one(".govuk-pagination__next a"), path
        app.config[setting] = 25


def _query(link) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(link["href"]).query).items()}


# path: (query with a search or filter, the sorted column, another column and its first order)
SORTED = {
    "/my-cases": (
        {"reference": "EDU", "status": "Active"},
        "Service case ref",
        "Case type",
        "desc",
    ),
    "/user-admin/": ({"q": "example"}, "Email address", "First name", "asc"),
    "/caseviewer/": ({"status": "Active"}, "School", "Status", "desc"),
    "/council/schools": ({"q": "school"}, "URN", "Name", "asc"),
    "/council/officers": ({"q": "council"}, "Role", "Email address", "asc"),
}
KEYSET = ("/my-cases", "/caseviewer/")
SORT_KEYS = {
    "Service case ref": "reference",
    "Email address": "email",
    "School": "school",
    "URN": "urn",
    "Role": "role",
    "Case type": "case_type",
    "First name": "first_name",
    "Status": "status",
    "Name": "name",
}


def test_every_listing_marks_its_sorted_column_and_links_its_sorts_and_pages_alike(app, list_pages):
    for setting, (portal, path) in list_pages.items():
        kept, sorted_label, other_label, first_order = SORTED[path]
        key = SORT_KEYS[sorted_label]
        app.config[setting] = 1
        page = portal.get(path, query_string={**kept, "sort": key, "order": "asc"}).page
        marked = page.select("thead th[aria-sort]")
        assert [(th.get_text(strip=True), th["aria-sort"]) for th in marked] == [
            (sorted_label, "ascending")
        ], path
        assert _query(marked[0].a) == {**kept, "sort": key, "order": "desc"}, path
        assert marked[0].a["aria-label"] == f"{sorted_label}: sort descending", path
        other = page.find("a", class_="app-sort-link", string=other_label)
        assert _query(other) == {**kept, "sort": SORT_KEYS[other_label], "order": first_order}
        following = page.select_one(".govuk-pagination__next a")
        # Lists of cases go on from the last row shown (a cursor: keyset paging, issue 12).
        cursor = _query(following).pop("after", None)
        assert (cursor is not None) == (path in KEYSET), path
        assert _query(following) | {"after": cursor} == {
            **kept,
            "sort": key,
            "order": "asc",
            "page": "2",
            "after": cursor,
        }, path
        second = portal.get(following["href"]).page
        assert _query(second.select_one(".govuk-pagination__prev a"))["page"] == "1", path
        assert "page 2 of" in second.select_one("table caption").get_text(), path


# ---- lists that cost the same at any size (issue 12) ----


@pytest.mark.parametrize(
    ("page", "pages", "capped", "numbers"),
    [
        (1, 3, False, [1, 2, 3]),
        (1, 100, False, [1, 2, 3, None, 100]),
        (6, 100, False, [1, None, 4, 5, 6, 7, 8, None, 100]),
        (4, 100, False, [1, 2, 3, 4, 5, 6, None, 100]),  # one page left out: linked instead
        (100, 100, False, [1, None, 98, 99, 100]),
        (6, 400, True, [1, None, 4, 5, 6, 7, 8, None]),  # no "last" page when not all counted
        (400, 400, True, [1, None, 398, 399, 400, None]),
    ],
)
def test_a_window_of_page_links_never_one_link_a_page(page, pages, capped, numbers):
    listing = Listing(page=page, pages=pages, capped=capped)
    assert listing.page_numbers() == numbers


def test_past_the_pages_counted_a_page_links_the_first_and_itself():
    listing = Listing(page=450, pages=400, capped=True, has_next=True)
    assert listing.page_numbers() == [1, None, 450, None]
    assert listing.page_of == "page 450"
    assert Listing(page=2, pages=3).page_of == "page 2 of 3"


def test_a_count_stops_at_the_cap_and_says_more(db_session, seven_schools, monkeypatch):
    monkeypatch.setattr(listing_module, "COUNT_CAP", 4)
    first = _page(db_session, 1)
    assert (first.total, first.capped, first.pages, first.has_next) == (4, True, 2, True)
    assert count_up_to(db_session, select(School), 100) == 7
    assert count_up_to(db_session, select(School).where(School.setting_type == "x"), 3) == 0


def _walk(db_session, descending, spec=SCHOOLS):
    """Every page from the first, by Next's cursors; then back again by Previous's."""
    order = "desc" if descending else "asc"
    newest = School.id.desc() if descending else School.id

    def page(**cursor):
        args = spec.read({"order": order, **cursor}, 3)
        return fetch_page(
            db_session,
            select(School),
            args,
            sort=[School.setting_type],
            tie_breaker=[newest],
            keyset=School.id,
        )

    pages = [page()]
    while pages[-1].has_next:
        pages.append(page(page=str(pages[-1].page + 1), after=pages[-1].next_after))
    back = [pages[-1]]
    while back[-1].page > 1:
        back.append(page(page=str(back[-1].page - 1), before=back[-1].previous_before))
    return pages, back


@pytest.mark.parametrize("descending", [False, True])
def test_next_and_previous_by_cursor_neither_repeat_nor_skip_rows(
    db_session, seven_schools, descending
):
    pages, back = _walk(db_session, descending)
    expected = seven_schools[::-1] if descending else seven_schools
    assert [school.id for p in pages for school in p.rows] == expected
    assert [p.page for p in pages] == [1, 2, 3]
    assert [[s.id for s in p.rows] for p in back] == [[s.id for s in p.rows] for p in pages][::-1]
    assert not pages[-1].next_after and not pages[0].previous_before


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "W10",
        "WzEsMiwzXQ",
        "eyJhIjoxfQ",
        "x" * 700,
        cursors.write(["a"]),
        cursors.write([5, 5]),  # another sort's: a number where the sort has text
        cursors.write([dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 5]),
        cursors.write([None, 5]),  # an empty value where the sort keeps none last
        cursors.write(["primary", 2**40]),  # an id past an INTEGER column (review: a 500)
    ],
)
def test_a_cursor_that_does_not_read_back_is_no_cursor(db_session, seven_schools, cursor):
    args = SCHOOLS.read({"after": cursor, "page": "2"}, 3)
    listing = fetch_page(
        db_session,
        select(School),
        args,
        sort=[School.setting_type],
        tie_breaker=[School.id],
        keyset=School.id,
    )
    assert listing.page == 2  # the page by number, as if no cursor was given
    assert [s.id for s in listing.rows] == seven_schools[3:6]


def test_cursors_hold_sort_values_and_refuse_anything_else():
    at = dt.datetime(2026, 11, 30, 14, 5, tzinfo=dt.UTC)
    assert cursors.read(cursors.write([at, "Draft", 12]), 3) == [at, "Draft", 12]
    assert cursors.read(cursors.write([None, None, 7]), 3) == [None, None, 7]  # nobody's
    assert cursors.write([True]) == "" and cursors.write([1.5]) == ""
    for values in ([2**70], ["a\x00b"], ["\ud800"], [{"t": "not a date"}], [[1]], [1.5]):
        forged = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
        assert cursors.read(forged, 1) is None, values
    assert cursors.read(cursors.write([1, 2]), 3) is None  # another listing's cursor


def test_past_the_count_a_list_says_more_and_goes_on_by_next(app, list_pages, monkeypatch):
    monkeypatch.setattr(listing_module, "COUNT_CAP", 1)
    app.config["MY_CASES_PAGE_SIZE"] = 1
    portal, path = list_pages["MY_CASES_PAGE_SIZE"]
    first = portal.get(path).page
    assert "More than 1 cases" in first.select_one("[role=status]").get_text()
    assert [a.get_text(strip=True) for a in first.select(".govuk-pagination__item a")] == ["1"]
    following = first.select_one(".govuk-pagination__next a")
    assert _query(following)["page"] == "2" and _query(following)["after"]
    second = portal.get(following["href"]).page
    assert second.select_one("table caption").get_text(strip=True) == "Cases, page 2"
    assert not second.select(".govuk-pagination__next")  # two cases: none after the second
    previous = second.select_one(".govuk-pagination__prev a")
    assert _query(previous)["before"]
    again = portal.get(previous["href"]).page
    assert again.select("tbody tr a")[0]["href"] == first.select("tbody tr a")[0]["href"]
    assert again.select("tbody tr a")[0]["href"] != second.select("tbody tr a")[0]["href"]


def test_a_forged_cursor_that_no_database_can_read_shows_the_list_not_an_error(list_pages):
    """Found by review: a lone surrogate ("\\ud800" in the cursor's JSON) reached the driver."""
    forged = base64.urlsafe_b64encode(b'["\\ud800", 1]').decode()
    for setting in ("MY_CASES_PAGE_SIZE", "CASEVIEWER_PAGE_SIZE"):
        portal, path = list_pages[setting]
        for sort in ("case_type", "school"):
            portal.get(f"{path}?sort={sort}&after={forged}", expect=200)


def test_forged_cursors_of_each_sort_show_the_list_not_an_error(list_pages):
    """Found by review, on PostgreSQL: an id past an INTEGER in a cursor of nobody's cases (a
    sort that keeps empty values last), and text where the reference sort counts characters,
    were 500s."""

    def forged(values):
        return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()

    for setting, sorts in (
        ("MY_CASES_PAGE_SIZE", ("submitted", "reference")),
        ("CASEVIEWER_PAGE_SIZE", ("assigned", "reference")),
    ):
        portal, path = list_pages[setting]
        for sort in sorts:
            for values in ([None, 2**40], [None, None, 2**40], ["x", "y", 1], ["", "", 0]):
                for way in ("after", "before"):
                    portal.get(f"{path}?sort={sort}&{way}={forged(values)}&page=2", expect=200)


def test_a_count_in_thousands_is_written_with_commas_as_the_capped_one_is(app):
    """My cases, the queue and the admin lists said '2345 cases found' but 'More than 10,000
    cases' past the cap: a count is written 2,345 whether or not it is capped (review23)."""
    count = app.jinja_env.from_string(
        '{% from "_listing.html" import listing_count %}'
        '{{ listing_count(listing, "case", "cases", found, unsearched) }}'
    )
    with app.test_request_context():
        for found, unsearched, said in (
            (False, None, "2,345 cases"),
            (True, None, "2,345 cases found"),
            (False, "ab", "2,345 cases in all"),
        ):
            shown = count.render(listing=Listing(total=2345), found=found, unsearched=unsearched)
            assert shown.strip().removesuffix("</p>").endswith(said), shown
