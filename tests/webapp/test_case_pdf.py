"""A PDF of a sent case (issue 14): schools and officers download it from the read-only views;
it holds what those views show (reference, school, answers, files by name, the form's version),
is tagged for accessibility, and the school's never holds an internal note."""

from __future__ import annotations

import http.server
import io
import re
import threading

from pypdf import PdfReader
from sqlalchemy import select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import AGREEMENT, answer, audit_rows, start
from tests.webapp.test_caseviewer import (  # noqa: F401 (council: a fixture)
    PTT,
    council,
    submit_ptt,
    take,
)
from webapp.domain import workflow
from webapp.domain.case_pdf import case_pdf
from webapp.models import Case

INTERNAL = "Rang the SENCO: the plan is fine."


def pdf_text(response) -> str:
    """The PDF's text as a reader extracts it, its spacing evened out."""
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_school_downloads_the_case_as_sent_with_every_answer_of_its_view(
    sign_in,
    world,
    council,  # noqa: F811
):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    view = alice.get(f"/cases/{reference}/view").page
    link = view.find("a", string="Download a PDF of this case")
    assert link["href"] == f"/cases/{reference}/pdf"

    response = alice.get(link["href"])
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={reference}.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response)
    for expected in (
        reference,
        "Aylestone Primary School",
        "Part-time timetable alternative provision notification to LA",
        "Version 2 of the form",
        "Case submitted",
        "signed plan.pdf",  # uploads are listed by name
        "Oak Tree Learning Centre",
    ):
        assert expected in text
    # Every question and answer the read-only view shows is in the PDF.
    for row in view.select(".govuk-summary-list__row"):
        label = flat(row.select_one(".govuk-summary-list__key").get_text())
        assert label in text, label
    for value in ("Jordan", "Miles", "Y856200124123", "Happy with mornings."):
        assert value in text


def test_the_officers_pdf_has_the_timeline_and_the_schools_never_an_internal_note(
    sign_in,
    world,
    council,  # noqa: F811
    db_session,
):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    olivia = sign_in(council.olivia)
    olivia.get(f"/caseviewer/cases/{reference}")
    olivia.post(f"/caseviewer/cases/{reference}/notes", {"note": INTERNAL}, expect=302)
    take(olivia, reference, "Start review")
    take(olivia, reference, "Complete case", note="All in order.")

    page = olivia.get(f"/caseviewer/cases/{reference}").page
    link = page.find("a", string="Download a PDF of this case")
    officers = pdf_text(olivia.get(link["href"]))
    assert "Timeline" in officers
    assert INTERNAL in officers
    assert "Internal note – not shown to the school" in officers
    assert "All in order." in officers
    assert "Version 2 of the form" in officers and "Aylestone Primary School" in officers

    schools = pdf_text(alice.get(f"/cases/{reference}/pdf"))
    assert "All in order." in schools  # the note for the school is theirs to see
    assert "Rang the SENCO" not in schools
    assert "Internal" not in schools

    downloads = audit_rows(db_session, "case_pdf_downloaded")
    assert [(row.actor_id, row.detail["reference"]) for row in downloads] == [
        (council.olivia.id, reference),
        (world.alice.id, reference),
    ]
    assert all(set(row.detail) == {"reference"} for row in downloads)  # no case content


def test_a_pdf_is_only_for_those_who_may_see_the_case(sign_in, world, council):  # noqa: F811
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    draft, _page = start(alice, PTT)
    assert alice.client.get(f"/cases/{draft}/pdf").status_code == 404  # drafts have none
    sent_view = alice.get(f"/cases/{reference}/view").page
    assert "Download a PDF" in text_of(sent_view)

    bob = sign_in(world.bob)  # another school
    assert bob.client.get(f"/cases/{reference}/pdf").status_code == 404
    eve = sign_in(council.eve)  # a team that does not work part-time timetables
    assert eve.client.get(f"/caseviewer/cases/{reference}/pdf").status_code == 404
    olivia = sign_in(council.olivia)
    assert olivia.client.get(f"/caseviewer/cases/{draft}/pdf").status_code == 404
    # A school user is not an officer, whatever the case.
    assert alice.client.get(f"/caseviewer/cases/{reference}/pdf").status_code == 404
    assert olivia.client.get(f"/cases/{reference}/pdf").status_code == 404


def test_the_pdf_is_tagged_for_accessibility(sign_in, world, council):  # noqa: F811
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    reader = PdfReader(io.BytesIO(alice.get(f"/cases/{reference}/pdf").data))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    tree = catalog["/StructTreeRoot"].get_object()
    kinds = set(re.findall(r"/(Table|TH|TD|H1|H2|L|LI)\b", str(_structure(tree))))
    assert {"Table", "TH", "TD", "H1", "H2"} <= kinds
    assert reader.metadata.title.startswith(reference)


def _structure(element, depth=0) -> list[str]:
    """The structure types below `element`, depth first (a few levels are enough)."""
    found = []
    kids = element.get("/K")
    if kids is None or depth > 12:
        return found
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            found.append(str(kid["/S"]))
            found.extend(_structure(kid, depth + 1))
    return found


def test_what_a_school_types_is_text_in_the_pdf_and_nothing_is_fetched(
    sign_in,
    world,
    council,  # noqa: F811
):
    asked = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        typed = f'<img src="{url}/img"> <link rel="stylesheet" href="{url}/css"> url({url}/x)'
        alice = sign_in(world.alice)
        reference = submit_ptt(alice, agreement={"pupil_views": typed})
        text = pdf_text(alice.get(f"/cases/{reference}/pdf"))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert f'<img src="{url}/img">' in text  # shown as the school typed it
    assert asked == []


def test_case_pdf_needs_no_request_for_the_api(app, sign_in, world, council, db_session):  # noqa: F811
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    with app.app_context():
        case = db_session.scalar(select(Case).where(Case.reference == reference))
        case_type = workflow.definition_for(db_session, case)
        for reader in ("school", "officer"):
            data = case_pdf(case, case_type, reader)
            text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
            assert reference in text and "Aylestone Primary School" in text


def test_the_pdf_is_the_case_as_sent_not_changes_the_school_is_making(
    sign_in,
    world,
    council,  # noqa: F811
):
    alice = sign_in(world.alice)
    reference = submit_ptt(alice, agreement={"pupil_views": "Happy with mornings."})
    olivia = sign_in(council.olivia)
    take(olivia, reference, "Start review")
    take(olivia, reference, "Request more information", note="Ask the pupil again.")
    changed = {**AGREEMENT, "pupil_views": "Would rather do afternoons."}
    answer(alice, f"/cases/{reference}/pages/agreement", changed)  # saved, not sent again
    check = alice.get(f"/cases/{reference}/check-answers").page
    assert "Would rather do afternoons." in text_of(check)

    for text in (
        pdf_text(alice.get(f"/cases/{reference}/pdf")),
        pdf_text(olivia.get(f"/caseviewer/cases/{reference}/pdf")),
    ):
        assert "Happy with mornings." in text
        assert "afternoons" not in text
        assert "Ask the pupil again." in text
