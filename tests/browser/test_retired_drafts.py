"""A draft of a retired case type after its last day for drafts, in Chromium: My cases says it
can no longer be sent and links to its read-only page, which says why and shows what was typed;
both pass axe at full width and at 320 px. A portal of its own, whose case types are the shipped
ones and a retired form whose drafts could be sent until a day already past."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import portal_server
from tests.browser.helpers import (
    ROOT,
    SECRET_KEY,
    at_320_pixels,
    axe,
    page_at,
    person,
    shot,
    sign_in,
)

EMAIL = "office@oldforms.example.org"  # not the shared SENCO: a portal and a school of its own
CLOSED = "Draft – can no longer be sent"
RETIRED = """\
id: old-notification
name: Old notification of a pupil's needs
category: SEND forms
reference: {prefix: EDU-TEST, code: OLD}
version: 1
raised_by: [school]
status: retired
retired_drafts_until: 2025-07-31
workflow: standard
pages:
  - id: about
    title: About the pupil
    fields:
      - {id: pupil_name, type: text, label: Pupil's name}
      - {id: needs, type: textarea, label: What are the pupil's needs?}
"""


@pytest.fixture(scope="module")
def old_forms(browser_available, tmp_path_factory) -> Iterator:
    """The portal with the retired form, and a school's draft of it (its reference)."""
    folder = tmp_path_factory.mktemp("old-forms")
    casetypes = folder / "casetypes"
    shutil.copytree(ROOT / "casetypes", casetypes)
    (casetypes / "tests").mkdir()
    (casetypes / "tests" / "old-notification.yaml").write_text(RETIRED)
    with portal_server(folder, PORTAL_CASETYPES=str(casetypes)) as server:
        yield server, _draft(server, casetypes)


def _draft(server, casetypes) -> str:
    """A school, its user and a draft of the retired form, started (through the services) while
    the form was live; its reference."""
    from engine.case_settings import Lifecycle
    from webapp import create_app
    from webapp.areas.cases import starting
    from webapp.models import Membership, School

    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": server.database_url,
            "DEVELOPMENT": True,
            "PORTAL_BASE_URL": server.url,
            "PORTAL_CASETYPES": str(casetypes),
        }
    )
    session = app.extensions["db_sessions"]()
    try:
        school = School(name="Old Forms Primary School", urn="130077", setting_type="school")
        user = person(EMAIL, "Jo", "Ward", "School office", [Membership(school=school)])
        session.add(user)
        session.commit()
        retired = app.extensions["catalogue"].get("old-notification")
        while_live = dataclasses.replace(retired, lifecycle=Lifecycle())
        case = starting.start_case(session, user, school, while_live)
        case.answers = {"pupil_name": "Ann Example", "needs": "Reading support."}
        case.page_versions = {"about": 1}
        session.commit()
        return case.reference
    finally:
        session.close()
        app.extensions["db_engine"].dispose()


@pytest.fixture
def old_forms_page(browser, old_forms):
    server, _reference = old_forms
    with page_at(browser, server.url) as page:
        yield page


def test_a_draft_past_its_sending_date_is_read_only_and_passes_axe(old_forms_page, old_forms):
    page = old_forms_page
    server, reference = old_forms
    sign_in(page, server, EMAIL)
    page.goto("/my-cases")
    row = page.locator("tbody tr", has_text=reference)
    expect(row.locator(".app-case-tag")).to_have_text(CLOSED)
    axe(page, "My cases: a draft that can no longer be sent")
    at_320_pixels(page, "My cases: a draft that can no longer be sent", open_menu=True)

    with page.expect_navigation():
        row.get_by_role("link", name=reference).click()
    assert page.url.endswith(f"/cases/{reference}/view")  # straight to the read-only page
    expect(page.get_by_role("heading", level=1, name=reference)).to_be_visible()
    expect(page.locator(".govuk-tag", has_text=CLOSED)).to_be_visible()
    expect(page.locator(".app-draft-closed")).to_contain_text("could be sent until 31 July 2025")
    status = page.locator(".govuk-summary-list__row", has_text="Case status")
    expect(status.locator(".govuk-summary-list__value")).to_have_text(CLOSED)  # as in My cases
    expect(page.get_by_text("Ann Example")).to_be_visible()  # what was typed, still readable
    expect(page.locator("form.app-case-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Send case")).to_have_count(0)
    axe(page, "A draft that can no longer be sent (read only)")
    at_320_pixels(page, "A draft that can no longer be sent (read only)")
    shot(page, "draft-can-no-longer-be-sent")
