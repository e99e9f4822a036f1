"""A school sent "Change your answers and send them again" is told, before and after sending,
when it has changed nothing: the council's timeline says "No answers were changed"."""

from tests.webapp.conftest import text_of
from tests.webapp.helpers import ARRANGEMENT, answer, date
from tests.webapp.test_workflow_school_side import asked_for_more

NOTHING = "You have not changed any answers"


def test_sending_back_nothing_changed_says_so(app, world, sign_in, db_session):
    """Found by trying it: pressing "Send the changes" without changing anything said "Your
    changes to … have been sent to the council", while the council read "No answers were
    changed"; nothing on Check your changes had said so."""
    portal, reference = asked_for_more(app, world, sign_in, db_session, "When is the review?")
    check = text_of(portal.get(f"/cases/{reference}/check-answers").page)
    assert NOTHING in check
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    view = text_of(portal.get(response.headers["Location"]).page)
    assert f"{reference} has been sent back to the council with no answers changed" in view
    assert "Your changes" not in view


def test_a_change_sent_back_is_told_as_changes(app, world, sign_in, db_session):
    portal, reference = asked_for_more(app, world, sign_in, db_session, "When is the review?")
    page = f"/cases/{reference}/pages/arrangement?change=1"
    answer(portal, page, {**ARRANGEMENT, **date("first_review_date", 28, 9, 2026)})
    assert NOTHING not in text_of(portal.get(f"/cases/{reference}/check-answers").page)
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    view = text_of(portal.get(response.headers["Location"]).page)
    assert f"Your changes to {reference} have been sent to the council" in view
