"""What authors asked the format for, through the web app: transitions offered only when their
`when:` holds over the case's answers, a retired case type (off Submit case, its drafts sent
until a day, then read-only, its cases still readable), and the CSV export's `export:` options.

The case types are the shipped ones plus three written here (tests/): a retired form, a form
with a system transition that depends on the answers, and a form with export options."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import textwrap

import pytest
from sqlalchemy import select

from tests.webapp.conftest import (
    shipped_casetypes_and,
    staff,
    text_of,
    usual_app,
)
from webapp.models import Case, Team

_NUMBERS = itertools.count(7001)
PIR = "physical-intervention"
RETIRED_UNTIL = dt.date(2027, 3, 31)

RETIRED = f"""
id: retired-form
name: Old notification
category: SEND forms
reference: {{prefix: EDU-TEST, code: OLD}}
version: 1
raised_by: [school]
status: retired
retired_drafts_until: {RETIRED_UNTIL.isoformat()}
workflow: standard
pages:
  - id: about
    title: About the pupil
    fields:
      - {{id: pupil_name, type: text, label: Pupil's name}}
"""

URGENT = """
id: urgent-form
name: Urgent notification
category: SEND forms
reference: {prefix: EDU-TEST, code: URG}
version: 1
raised_by: [school]
workflow:
  start: submitted
  activities:
    submitted: {label: Form Submitted, status: Active}
    urgent: {label: Urgent review, status: Active}
    review: {label: Review, status: Active}
    completed: {label: Case completed, status: Completed}
    abandoned: {label: Case abandoned, status: Abandoned}
  transitions:
    - {from: submitted, to: urgent, action: Flag as urgent, by: system, when: at_risk}
    - {from: submitted, to: review, action: Start review, by: officer}
    - {from: urgent, to: completed, action: Complete case, by: officer}
    - {from: review, to: completed, action: Complete case, by: officer}
    - {from: submitted, to: abandoned, action: Abandon case, by: officer}
pages:
  - id: about
    title: About the pupil
    fields:
      - {id: pupil_name, type: text, label: Pupil's name}
      - {id: at_risk, type: yes_no, label: Is the pupil at risk of harm?}
"""

EXPORTED = """
id: export-form
name: Exported notification
category: SEND forms
reference: {prefix: EDU-TEST, code: EXP}
version: 1
raised_by: [school]
workflow: standard
export:
  options: codes
  dates: uk
  headings: {pupil_name: Name, needs: Need codes}
pages:
  - id: about
    title: About the pupil
    fields:
      - {id: pupil_name, type: text, label: Pupil's name}
      - id: needs
        type: checkboxes
        label: Needs
        options: [{value: SLCN, label: Speech}, {value: ASD, label: Autism}]
      - id: phase
        type: radios
        label: Phase
        options: [{value: P, label: Primary}, {value: S, label: Secondary}]
      - {id: start_date, type: date, label: Start date}
      - {id: ehcp, type: yes_no, label: Has an EHC plan?}
      - id: sessions
        type: group
        label: Sessions
        fields:
          - {id: session_date, type: date, label: Date}
          - id: session_kind
            type: radios
            label: Kind
            options: [{value: AM, label: Morning}, {value: PM, label: Afternoon}]
"""


@pytest.fixture(scope="session")
def casetypes_folder(tmp_path_factory):
    """The shipped case types and the three of this module, in one folder (loaded once)."""
    extra = {"retired": RETIRED, "urgent": URGENT, "exported": EXPORTED}
    folder = tmp_path_factory.mktemp("casetypes") / "casetypes"
    return shipped_casetypes_and(folder, {k: textwrap.dedent(v) for k, v in extra.items()})


@pytest.fixture
def app(database_url, casetypes_folder):
    with usual_app(database_url, PORTAL_CASETYPES=str(casetypes_folder)) as app:
        yield app


@pytest.fixture
def officer(db_session, world):
    """Olivia, an officer whose team works this module's case types and physical
    interventions (signed in by each test, after it has moved the clock)."""
    olivia = staff(db_session, "olivia@council.example.org", "officer")
    types = [PIR, "retired-form", "urgent-form", "export-form"]
    db_session.add(Team(name="SEND", case_type_ids=types, members=[olivia]))
    db_session.commit()
    return olivia


def stored(db_session, world, case_type_id, answers, *, version=1, draft=False, **where) -> str:
    """A case of school A written straight to the database: sent (at `activity`) or a draft."""
    case = Case(
        reference=f"EDU-TEST-X{next(_NUMBERS)}",
        school_id=world.school_a.id,
        created_by_id=world.alice.id,
        case_type_id=case_type_id,
        case_type_version=version,
        case_type_name=case_type_id,
        service_name="Test service",
        status="Draft" if draft else "Active",
        activity=None if draft else where.get("activity", "review"),
        activity_label="Not yet submitted" if draft else where.get("label", "Review"),
        answers=answers,
        sent_answers=None if draft else answers,
        last_page="about" if draft else None,
        submitted_at=None if draft else dt.datetime.now(dt.UTC),
    )
    db_session.add(case)
    db_session.commit()
    return case.reference


def row(db_session, reference) -> Case:
    return db_session.scalar(
        select(Case).where(Case.reference == reference).execution_options(populate_existing=True)
    )


def offered(portal, reference) -> list[str]:
    page = portal.get(f"/caseviewer/cases/{reference}").page
    return [i["value"] for i in page.select("input[name=action]")]


def take(portal, reference, action, activity="review", expect=302):
    data = {"action": action, "from_activity": activity, "note": ""}
    return portal.post(f"/caseviewer/cases/{reference}/transition", data, expect=expect)


# ---- when: ----

REFER = "Refer injuries to health and safety"


def test_officers_are_offered_the_injury_referral_only_when_someone_was_injured(
    db_session, world, officer, sign_in
):
    olivia = sign_in(officer)
    injured = stored(
        db_session, world, PIR, {"pupil_injured": True, "staff_injured": False}, version=3
    )
    unhurt = stored(
        db_session, world, PIR, {"pupil_injured": False, "staff_injured": False}, version=3
    )
    assert REFER in offered(olivia, injured)
    assert REFER not in offered(olivia, unhurt)
    assert "Complete case" in offered(olivia, unhurt)

    refused = take(olivia, unhurt, REFER, expect=400)
    assert f"You cannot ‘{REFER}’ now" in text_of(refused.page.select_one(".govuk-error-summary"))
    assert row(db_session, unhurt).activity == "review"

    take(olivia, injured, REFER)
    moved = row(db_session, injured)
    assert (moved.activity, moved.activity_label) == (
        "injury_review",
        "Injuries referred to health and safety",
    )
    assert offered(olivia, injured) == ["Complete case"]


def test_a_system_transition_runs_on_submission_only_when_its_condition_holds(
    db_session, world, sign_in
):
    school = sign_in(world.alice)
    at_risk = stored(
        db_session, world, "urgent-form", {"pupil_name": "Ann", "at_risk": True}, draft=True
    )
    safe = stored(
        db_session, world, "urgent-form", {"pupil_name": "Ben", "at_risk": False}, draft=True
    )
    for reference in (at_risk, safe):
        school.get(f"/cases/{reference}/check-answers")
        school.post(f"/cases/{reference}/submit", {}, expect=302)
    assert row(db_session, at_risk).activity_label == "Urgent review"
    assert row(db_session, safe).activity_label == "Form Submitted"


# ---- status: retired ----


def test_a_retired_case_type_is_not_on_submit_case_and_cannot_be_started(world, sign_in):
    school = sign_in(world.alice)
    page = school.get("/submit-case").page
    names = [a.get_text(strip=True) for a in page.select(".app-case-types a")]
    assert "Urgent notification" in names and "Old notification" not in names
    school.get("/submit-case/retired-form", expect=404)
    new_page = f"/submit-case/retired-form/new/about?school={world.school_a.id}"
    school.get(new_page, expect=404)


def test_a_retired_case_types_draft_can_be_sent_until_its_last_day(
    db_session, world, sign_in, moving_clock
):
    moving_clock.to_uk_day(RETIRED_UNTIL)  # its last day
    school = sign_in(world.alice)
    draft = stored(db_session, world, "retired-form", {"pupil_name": "Ann"}, draft=True)
    assert school.get(f"/cases/{draft}", expect=302).headers["Location"].endswith("/pages/about")
    check = school.get(f"/cases/{draft}/check-answers").page
    assert "send this draft by 31 March 2027" in text_of(check.select_one(".app-send-by"))
    school.post(f"/cases/{draft}/submit", {}, expect=302)
    assert row(db_session, draft).status == "Active"


def test_after_its_last_day_a_retired_case_types_draft_is_read_only(
    db_session, world, sign_in, moving_clock
):
    moving_clock.to_uk_day(RETIRED_UNTIL + dt.timedelta(days=2))
    school = sign_in(world.alice)
    draft = stored(db_session, world, "retired-form", {"pupil_name": "Ann"}, draft=True)
    view = f"/cases/{draft}/view"
    for path in (f"/cases/{draft}", f"/cases/{draft}/pages/about", f"/cases/{draft}/check-answers"):
        assert school.get(path, expect=302).headers["Location"].endswith(view)
    page = school.get(view).page
    said = text_of(page)
    assert "Draft – can no longer be sent" in said
    assert "could be sent until 31 March 2027" in said
    assert "Ann" in said  # what was typed can still be read
    assert not page.select("form.app-case-form")
    school.get("/submit-case/urgent-form")  # a page with a form: a CSRF token to send
    sent = school.post(f"/cases/{draft}/submit", {"declared": "y"}, expect=302)
    assert sent.headers["Location"].endswith(view)
    saved = school.post(f"/cases/{draft}/pages/about", {"pupil_name": "Changed"}, expect=302)
    assert saved.headers["Location"].endswith(view)
    assert (row(db_session, draft).status, row(db_session, draft).answers) == (
        "Draft",
        {"pupil_name": "Ann"},
    )


def test_a_retired_case_types_cases_stay_readable_to_the_school_and_officers(
    db_session, world, sign_in, officer, moving_clock
):
    moving_clock.to_uk_day(RETIRED_UNTIL + dt.timedelta(days=2))
    olivia = sign_in(officer)
    sent = stored(db_session, world, "retired-form", {"pupil_name": "Ann"})
    school = sign_in(world.alice)
    assert "Ann" in text_of(school.get(f"/cases/{sent}/view").page)
    assert sent in text_of(school.get("/my-cases").page)
    assert "Ann" in text_of(olivia.get(f"/caseviewer/cases/{sent}").page)
    assert "Complete case" in offered(olivia, sent)


# ---- export: ----


def exported_rows(officer, case_type_id) -> list[dict[str, str]]:
    response = officer.client.get(f"/caseviewer/export/{case_type_id}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_export_writes_option_codes_uk_dates_and_the_authors_headings(
    db_session, world, officer, sign_in
):
    olivia = sign_in(officer)
    answers = {
        "pupil_name": "Ann",
        "needs": ["SLCN", "ASD"],
        "phase": "P",
        "start_date": "2026-09-01",
        "ehcp": True,
        "sessions": [{"session_date": "2026-09-02", "session_kind": "AM"}],
    }
    stored(db_session, world, "export-form", answers)
    (exported,) = exported_rows(olivia, "export-form")
    assert exported["Name"] == "Ann"
    assert exported["Need codes"] == "SLCN; ASD"
    assert exported["Phase"] == "P"
    assert exported["Start date"] == "01/09/2026"
    assert exported["Has an EHC plan?"] == "Yes"
    assert exported["Sessions"] == "1) Date: 02/09/2026; Kind: AM"


def test_without_export_options_the_export_is_as_check_your_answers_shows(
    db_session, world, officer, sign_in
):
    olivia = sign_in(officer)
    answers = {"pupil_injured": True, "sex": "F", "incident_date": "2026-09-01"}
    stored(db_session, world, PIR, answers, version=3)
    (exported,) = exported_rows(olivia, PIR)
    assert exported["Was the pupil injured?"] == "Yes"
    assert exported["Date of the incident"] == "1 September 2026"
    assert exported["Sex"] == "Female"
