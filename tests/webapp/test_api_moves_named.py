"""A move a council system took through the API read '(automatic)' on the case's timeline, in
caseviewer, the school's page and both PDFs, as the workflow's own steps do: an officer could
not tell that the SEND system had asked the school for more information (its note under
"Request more information (automatic)"), nor which system, without the audit trail. It now
names the client, as a council system, to the council; the school reads "by a council system";
the workflow's own steps after it stay automatic."""

from __future__ import annotations

from tests.webapp.conftest import text_of
from tests.webapp.test_api import Api
from tests.webapp.test_case_pdf import pdf_text
from tests.webapp.test_caseviewer import council, stored_case  # noqa: F401 (a fixture)
from webapp.domain.api_clients import create_client
from webapp.models import AuditEvent

BY = "Start review by SEND system (a council system)"


def test_a_move_through_the_api_names_its_client(
    app,
    db_session,
    world,
    sign_in,
    council,  # noqa: F811 (the fixture imported)
):
    catalogue = app.extensions["catalogue"]
    _client, key = create_client(
        db_session, catalogue, "SEND system", ["part-time-timetable"], ["Start review"]
    )
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    Api(app.test_client(), key).move(reference, "Start review")
    officer = sign_in(council.olivia)
    said = text_of(officer.get(f"/caseviewer/cases/{reference}").page)
    assert BY in said and "Start review (automatic)" not in said
    assert BY in pdf_text(officer.get(f"/caseviewer/cases/{reference}/pdf"))
    # The school is told a council system moved it, not which: a client's name was chosen
    # for council admins' eyes (it cannot be changed), and may be a vendor's or an internal one
    school = sign_in(world.alice)
    said = text_of(school.get(f"/cases/{reference}/view").page)
    assert "by a council system" in said, said
    assert "SEND system" not in said and "(automatic)" not in said
    printed = pdf_text(school.get(f"/cases/{reference}/pdf"))
    assert "Start review by a council system" in printed and "SEND system" not in printed
    [moved] = [e for e in db_session.query(AuditEvent).all() if e.action == "case_transition"]
    assert moved.detail["client"] == "SEND system"
