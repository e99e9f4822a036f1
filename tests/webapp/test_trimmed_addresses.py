"""An address a user reaches by shortening one they know (/cases from /cases/REF, /caseviewer/
cases, a case's …/pages) or by adding a slash (/my-cases/) opens the nearest page above it,
not "Page not found" (h-newuser7). The redirect is decided on the address alone, so another
school's case trimmed ends on the same "Page not found" as an unknown one; an address nothing
is above but Home (a typo) is still "Page not found", and the API's addresses are left alone."""

from bs4 import BeautifulSoup

from tests.webapp.conftest import text_of
from tests.webapp.test_caseviewer import council, submit_ptt  # noqa: F401 - a fixture

UNKNOWN = "EDU-SENED-PTT999999"


def _ends(portal, path):
    response = portal.client.get(path, follow_redirects=True)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return response.status_code, response.request.path, text_of(page)


def test_a_school_user_shortening_an_address_finds_the_page_above_it(world, sign_in):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    for path in ("/cases", "/cases/", "/my-cases/"):
        status, where, _ = _ends(alice, path)
        assert (status, where) == (200, "/my-cases"), path
    response = alice.client.get("/my-cases/?status=Draft")
    assert response.headers["Location"] == "/my-cases?status=Draft"  # the search kept
    case = _ends(alice, f"/cases/{reference}")
    assert case[0] == 200
    for path in (f"/cases/{reference}/", f"/cases/{reference}/pages", f"/cases/{reference}/files"):
        assert _ends(alice, path) == case, path
    assert _ends(alice, "/submit-case/part-time-timetable/new")[:2] == (
        200,
        "/submit-case/part-time-timetable",
    )
    assert _ends(alice, "/account/")[:2] == (200, "/account")


def test_another_schools_case_trimmed_is_not_found_as_an_unknown_one(world, sign_in):
    reference = submit_ptt(sign_in(world.alice))
    bob = sign_in(world.bob)
    theirs = _ends(bob, f"/cases/{reference}/pages")
    assert theirs[0] == 404
    assert theirs[0::2] == _ends(bob, f"/cases/{UNKNOWN}/pages")[0::2]


def test_an_officer_shortening_a_case_address_finds_the_queue(
    world,
    sign_in,
    council,  # noqa: F811 - the fixture imported
):
    olivia = sign_in(council.olivia)
    for path in ("/caseviewer/cases", "/caseviewer/cases/"):
        assert _ends(olivia, path)[:2] == (200, "/caseviewer/"), path


def test_a_mistyped_address_is_still_not_found(world, sign_in):
    alice = sign_in(world.alice)
    status, where, text = _ends(alice, "/my-casess")
    assert (status, where) == (404, "/my-casess")
    assert "Page not found" in text
    response = alice.client.get("/api/v1/cases/nothing/here")
    assert response.status_code in (401, 404)
    assert response.headers.get("Location") is None


def test_an_address_of_doubled_slashes_never_leads_off_the_portal_or_home(world, sign_in):
    alice = sign_in(world.alice)
    for path in ("//evil.example/my-cases", "//evil.example", "///my-cases/x", "//", "//api/v1/x"):
        # As sent on the wire: the test client would read //host as a host.
        response = alice.client.get("/", environ_overrides={"PATH_INFO": path})
        location = response.headers.get("Location") or ""
        assert not location.startswith("//") and "evil" not in location, path
        assert location not in ("/", "http://localhost/"), path


def test_a_very_long_address_costs_no_more_than_the_deepest_page(world, sign_in, monkeypatch):
    """An address of thousands of segments (/cases/a/a/…, 4 KB, any visitor) was tried
    segment by segment against every route, each a longer string: half a second of the
    server's time for one request (review23). Only as many segments as the deepest page has
    are tried, so it costs what a short address does, and still leads to the page above."""
    from werkzeug.routing import MapAdapter

    tried = []
    match = MapAdapter.match
    monkeypatch.setattr(
        MapAdapter, "match", lambda self, *a, **k: tried.append(a) or match(self, *a, **k)
    )
    alice = sign_in(world.alice)
    del tried[:]
    response = alice.client.get("/cases/EDU-SENED-PTT1/" + "a/" * 2000)
    assert response.headers["Location"] == "/cases/EDU-SENED-PTT1"
    assert len(tried) < 40, len(tried)
