"""A repeating group whose items hold only a file: a file refused for a new item is told, not
dropped with the item unsaid, and the item reads "No file chosen" on Check your answers
rather than as a blank item."""

import textwrap

import pytest

from tests.webapp.conftest import shipped_casetypes_and, text_of, usual_app
from tests.webapp.helpers import PDF, answer, errors_on, start, stored

PAPERS = """\
id: papers
name: Papers
category: Test forms
reference: {prefix: EDU-TEST, code: PAP}
version: 1
raised_by: [school]
workflow: standard
pages:
  - id: papers
    title: Papers
    fields:
      - id: papers
        type: group
        label: Papers
        item_label: Paper
        required: false
        fields:
          - {id: paper, type: file, label: The paper, accept: [pdf]}
"""


@pytest.fixture(scope="module")
def casetypes_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("casetypes") / "casetypes"
    return shipped_casetypes_and(folder, {"papers": textwrap.dedent(PAPERS)})


@pytest.fixture
def app(database_url, casetypes_folder):
    with usual_app(database_url, PORTAL_CASETYPES=str(casetypes_folder)) as app:
        yield app


def _two_papers(portal) -> tuple[str, str]:
    """A draft whose first paper is a.pdf, with a second item added: reference and page."""
    reference, path = start(portal, "papers")
    answer(portal, path, {}, action="add:papers")
    answer(portal, path, {}, files={"papers-0-paper": ("a.pdf", PDF)}, action="add:papers")
    return reference, path


def test_a_file_refused_for_an_item_holding_nothing_else_is_told(sign_in, world, db_session):
    # The item looked blank (a file is never sent back), so it was dropped with its refused
    # file and the page moved on as if nothing had been chosen.
    portal = sign_in(world.alice)
    reference, path = _two_papers(portal)
    chosen = {"papers-0-paper": ("", b""), "papers-1-paper": ("minutes.txt", b"Minutes")}
    response = answer(portal, path, {}, files=chosen, expect=200)
    assert errors_on(response) == ["Paper 2: The selected file must be a PDF"]
    assert stored(db_session, reference).answers["papers"][0]["paper"]["name"] == "a.pdf"


def test_an_item_without_its_file_reads_no_file_chosen_not_blank(sign_in, world):
    portal = sign_in(world.alice)
    reference, path = _two_papers(portal)
    chosen = {"papers-0-paper": ("", b""), "papers-1-paper": ("minutes.txt", b"Minutes")}
    answer(portal, path, {}, files=chosen, action="save", expect=200)  # the file not kept
    check = portal.get(f"/cases/{reference}/check-answers").page
    items = [text_of(dl) for dl in check.select(".app-group-summary")]
    assert items == ["The paper a.pdf", "The paper No file chosen"]
