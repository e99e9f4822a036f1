"""A page that came back with its errors from a form sent to an address of its own (Accept and
send, a transition, an internal note, an assignment) is reloaded by the address alone when the
idle timeout signs its user out (timeout-warning.js), by a restored tab or a link copied from
it: the address then leads back to the page the form is on, not to "Page not found"."""

import pytest

from tests.webapp.test_submit import finished_draft
from tests.webapp.test_workflow_school_side import officer


def test_the_school_after_an_error_on_accept_and_send(app, world, sign_in):
    """Found by trying it: Accept and send without ticking the declaration leaves the tab at
    /cases/REF/submit; the idle timeout then reloads that address, and after signing in again
    the school read "Page not found" for its own case."""
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {}, expect=200)  # the declaration left unticked
    response = portal.get(f"/cases/{reference}/submit", expect=302)
    assert response.headers["Location"].endswith(f"/cases/{reference}/check-answers")
    # Signed out meanwhile: the address goes to sign in, and from there back to the page.
    signed_out = app.test_client().get(f"/cases/{reference}/submit")
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["Location"]


@pytest.mark.parametrize("action", ["transition", "notes", "assign"])
def test_an_officer_after_an_error_on_a_case_form(db_session, world, sign_in, action):
    person = officer(db_session, world)
    school = sign_in(world.alice)
    reference = finished_draft(school)
    school.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    portal = sign_in(person)
    response = portal.get(f"/caseviewer/cases/{reference}/{action}", expect=302)
    assert response.headers["Location"].endswith(f"/caseviewer/cases/{reference}")
