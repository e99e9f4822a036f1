"""The workflow as the school meets it: more information asked and given, emails, timeline,
and case types that change while cases are in flight."""

import copy

from sqlalchemy import select

from engine import compile_definition
from tests.webapp.conftest import staff, text_of
from tests.webapp.helpers import ARRANGEMENT, CHILD, answer, date, stored
from tests.webapp.test_submit import finished_draft
from webapp.areas.cases import parking
from webapp.domain import workflow
from webapp.models import CaseEvent, Membership, OutboxMessage, Team


def officer(db_session, world):
    """A SEND officer in a team that works part-time timetables."""
    person = staff(
        db_session, "officer@council.example.org", "officer", first_name="Olu", last_name="Officer"
    )
    db_session.add(Team(name="SEND", case_type_ids=["part-time-timetable"], members=[person]))
    db_session.commit()
    return person


def officer_moves(app, db_session, reference, action, person, note=""):
    with app.test_request_context():
        case = stored(db_session, reference)
        case_type = workflow.definition_for(db_session, case)
        workflow.take_transition(db_session, case, case_type, action, person, "officer", note)
        db_session.commit()


def test_submission_runs_the_system_transition_and_tells_the_officers(
    app, world, sign_in, db_session
):
    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    case = stored(db_session, reference)
    assert (case.activity, case.activity_label) == ("notified", "Case Officers Notification")
    moves = [(e.kind, e.to_activity) for e in case.events]
    assert moves[-2:] == [("submitted", "submitted"), ("transition", "notified")]
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == person.email))
    assert reference in mail.body and "/caseviewer/cases/" in mail.body
    assert CHILD["forename"] not in mail.body and CHILD["surname"] not in mail.body


def asked_for_more(app, world, sign_in, db_session, note: str):
    """Alice's case sent, then an officer asking for more information with `note`: her
    portal and the case's reference."""
    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    officer_moves(app, db_session, reference, "Start review", person)
    officer_moves(app, db_session, reference, "Request more information", person, note)
    return portal, reference


def test_more_information_round_trip(app, world, sign_in, db_session):
    portal, reference = asked_for_more(
        app,
        world,
        sign_in,
        db_session,
        "Please give the date of the first review meeting with the family.",
    )
    # The school is told by email (a link, no case content) ...
    mail = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.to_address == world.alice.email, OutboxMessage.kind == "case_update"
        )
    ).all()
    assert mail and "More information requested" in mail[-1].subject
    assert "first review meeting" not in mail[-1].body
    # ... sees the request and that the case is editable again ...
    row = next(
        r for r in portal.get("/my-cases").page.select("tbody tr") if reference in r.get_text()
    )
    assert "More information requested – editable" in row.get_text()
    view = text_of(portal.get(f"/cases/{reference}/view").page)
    assert "The council has asked for more information" in view
    assert "first review meeting with the family" in view
    # ... changes an answer and sends the case back.
    change_link = next(
        a["href"]
        for a in portal.get(f"/cases/{reference}/check-answers").page.select(
            ".govuk-summary-list__actions a"
        )
        if "first_review_date" in a["href"]
    )
    response = answer(
        portal, change_link.split("#")[0], {**ARRANGEMENT, **date("first_review_date", 28, 9, 2026)}
    )
    assert response.headers["Location"].endswith(f"/cases/{reference}/check-answers")
    check = portal.get(f"/cases/{reference}/check-answers").page
    assert "Check your changes before sending them" in text_of(check)
    # What the council asked for is beside the changes (only My cases' view of the case said
    # it), and the page is named as its heading (its title said "Check your answers").
    asked = text_of(check.select_one(".app-request-note"))
    assert asked == "Please give the date of the first review meeting with the family."
    assert check.title.get_text().startswith("Check your changes before sending them – ")
    # Until the school sends them, officers still see the answers as last sent.
    from webapp.domain.sent_case import sent

    assert sent(stored(db_session, reference))["first_review_date"] == "2026-09-21"
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert response.headers["Location"].endswith(f"/cases/{reference}/view")
    case = stored(db_session, reference)
    assert case.activity == "review" and case.answers["first_review_date"] == "2026-09-28"
    assert sent(case)["first_review_date"] == "2026-09-28"
    timeline = text_of(portal.get(f"/cases/{reference}/view").page)
    assert "More information requested" in timeline
    assert "Review details on the case in caseviewer" in timeline
    # Read-only again.
    assert portal.client.get(f"/cases/{reference}/pages/child").status_code == 302


def test_internal_notes_never_reach_the_school(app, world, sign_in, db_session):
    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    with app.test_request_context():
        workflow.add_note(
            db_session,
            stored(db_session, reference),
            person,
            "Spoke to the SENCO; the family is worried.",
        )
        db_session.commit()
    assert "the family is worried" not in text_of(portal.get(f"/cases/{reference}/view").page)
    assert db_session.scalar(select(CaseEvent).where(CaseEvent.kind == "note")).for_school is False


def changed_ptt(app):
    """The next version of the part-time timetable: pupil views removed, a required question
    added."""
    current = app.extensions["catalogue"].get("part-time-timetable")
    definition = copy.deepcopy(current.definition)
    definition["version"] = current.version + 1
    agreement = next(p for p in definition["pages"] if p["id"] == "agreement")
    agreement["fields"] = [f for f in agreement["fields"] if f["id"] != "pupil_views"]
    agreement["fields"].append(
        {"id": "review_owner", "type": "text", "label": "Who will lead the reviews?"}
    )
    return compile_definition(definition)


def test_a_case_type_changed_mid_draft_keeps_the_draft_working(
    app, world, sign_in, db_session, monkeypatch
):
    portal = sign_in(world.alice)
    reference = finished_draft(portal)  # filled in against the shipped version, pupil views given
    submitted_v1 = finished_draft(portal)
    portal.post(f"/cases/{submitted_v1}/submit", {"declared": "y"}, expect=302)
    shipped = app.extensions["catalogue"].get("part-time-timetable").version
    monkeypatch.setitem(
        app.extensions["catalogue"].case_types, "part-time-timetable", changed_ptt(app)
    )
    # The draft: the removed answer is kept but not shown; the new question is asked.
    check = portal.get(f"/cases/{reference}/check-answers").page
    assert "Happy with mornings" not in text_of(check)
    assert "Agreement and safeguarding: 1 answer to complete" in text_of(check)
    assert stored(db_session, reference).answers["pupil_views"] == "Happy with mornings."
    answer(
        portal,
        f"/cases/{reference}/pages/agreement",
        {"dsl_aware": "yes", "parent_agrees": "yes", "review_owner": "Mrs Patel (SENCO)"},
    )
    portal.get(f"/cases/{reference}/check-answers")
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert stored(db_session, reference).case_type_version == shipped + 1
    # The case sent with the shipped version still shows against it.
    view = text_of(portal.get(f"/cases/{submitted_v1}/view").page)
    assert "Happy with mornings" in view and "Who will lead the reviews" not in view
    assert stored(db_session, submitted_v1).case_type_version == shipped


def test_a_case_asked_for_more_under_a_kept_definition_refused_today_can_be_corrected(
    app, world, sign_in, db_session
):
    """A version deployed before patterns were RE2's (here a look-ahead, E104 today) is built
    for the cases sent with it; when the council asks for more, the school corrects and sends
    the case again: the pattern RE2 cannot run is not checked, rather than every save a 500."""
    from webapp.models import CaseTypeVersion

    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    older = copy.deepcopy(app.extensions["catalogue"].get("part-time-timetable").definition)
    older["version"] = 7
    older["pages"][0]["fields"][0]["pattern"] = "(?=[A-Z])[A-Za-z' -]+"  # E104 today
    stored(db_session, reference).case_type_version = 7
    db_session.add(CaseTypeVersion(case_type_id=older["id"], version=7, definition=older))
    db_session.commit()
    officer_moves(app, db_session, reference, "Start review", person)
    officer_moves(app, db_session, reference, "Request more information", person, "The date?")

    assert "Check your" in text_of(portal.get(f"/cases/{reference}/check-answers").page)
    answer(portal, f"/cases/{reference}/pages/child", {**CHILD, "forename": "Jordan-Lee"})
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    case = stored(db_session, reference)
    assert (case.case_type_version, case.answers["forename"]) == (7, "Jordan-Lee")


def test_the_officer_reads_which_answers_the_school_changed_when_it_sends_the_case_back(
    app, world, sign_in, db_session
):
    """The officer asked for more information: when the school sends the case back, the
    timeline says which questions it changed (or that it changed none), not just 'Resubmit'."""
    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    officer_moves(app, db_session, reference, "Start review", person)

    def asked_and_sent_back(changes):
        officer_moves(app, db_session, reference, "Request more information", person, "Check")
        if changes:
            answer(portal, f"/cases/{reference}/pages/arrangement", {**ARRANGEMENT, **changes})
        portal.get(f"/cases/{reference}/check-answers")
        portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
        page = sign_in(person).get(f"/caseviewer/cases/{reference}").page
        newest = page.select(".app-timeline__item")[:2]
        return [[p.get_text(" ", strip=True) for p in item.select("p")] for item in newest]

    resent, changed = asked_and_sent_back(date("first_review_date", 28, 9, 2026))
    assert resent[0].startswith("Resubmit with more information by")
    assert changed[0].startswith("Answers changed by")
    assert changed[-1] == "Date of the first review"
    _resent, changed = asked_and_sent_back({})
    assert changed[-1] == "No answers were changed"
    view = text_of(portal.get(f"/cases/{reference}/view").page)
    assert "Date of the first review" in view


def test_what_the_school_types_in_a_case_asked_more_about_is_kept_when_its_session_ends(
    app, world, sign_in, db_session, moving_clock
):
    """Asked for more information, the school changes a date and presses Continue after its
    session timed out: what it typed is kept, as on a draft, for when it signs in again (it
    was lost: only drafts kept it), and the officer still has the answers as sent."""
    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    officer_moves(app, db_session, reference, "Start review", person)
    officer_moves(app, db_session, reference, "Request more information", person, "The date?")
    arrangement = f"/cases/{reference}/pages/arrangement"
    version = portal.get(arrangement).page.find("input", attrs={"name": "page_version"})["value"]

    moving_clock.advance(minutes=45)  # away from the desk, then Continue
    changed = {**ARRANGEMENT, **date("first_review_date", 28, 9, 2026)}
    response = portal.post(arrangement, {**changed, "page_version": version}, expect=302)
    assert "/sign-in" in response.headers["Location"]
    assert "What you typed has been kept" in text_of(portal.get("/sign-in").page)
    moving_clock.advance(seconds=1)
    portal.sign_in(world.alice)
    page = portal.get(arrangement).page
    assert page.find("input", attrs={"name": "first_review_date-day"})["value"] == "28"
    assert stored(db_session, reference).sent_answers["first_review_date"] == "2026-09-21"


def test_what_the_school_types_in_a_case_asked_more_about_is_kept_after_signing_out_elsewhere(
    app, world, sign_in, db_session
):
    """Found by review: a page sent after its session ended in another tab is kept for its
    user (cases/parking.py), but only a draft's was: the school changing its answers after a
    'Request more information' was told the page 'could not be saved', and what it typed was
    gone, where a timeout keeps it (the test above)."""
    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    officer_moves(app, db_session, reference, "Start review", person)
    officer_moves(app, db_session, reference, "Request more information", person, "The date?")
    arrangement = f"/cases/{reference}/pages/arrangement"
    page = portal.get(arrangement).page
    hidden = {
        name: page.find("input", attrs={"name": name})["value"]
        for name in ("page_version", "typist")
    }
    portal.post("/sign-out", {}, expect=302)  # in another tab

    changed = {**ARRANGEMENT, **date("first_review_date", 28, 9, 2026), **hidden}
    response = portal.post(arrangement, changed, expect=302)
    assert "/sign-in" in response.headers["Location"]
    assert parking.KEPT in text_of(portal.get("/sign-in").page)
    portal.sign_in(world.alice)
    page = portal.get(arrangement).page
    assert page.find("input", attrs={"name": "first_review_date-day"})["value"] == "28"
    assert stored(db_session, reference).sent_answers["first_review_date"] == "2026-09-21"


def test_sending_a_case_and_abandoning_a_draft_are_in_the_audit_trail(world, sign_in, db_session):
    """Who sent a case (and who abandoned a draft), when and from where: the audit trail had
    the system's transitions after a submission, but not the person who submitted it."""
    from webapp.models import AuditEvent

    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    draft = finished_draft(portal)
    portal.get(f"/cases/{draft}/abandon")
    portal.post(f"/cases/{draft}/abandon", {}, expect=302)
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("case_submitted", "draft_abandoned")))
    ).all()
    assert [(e.action, e.actor_id, e.school_id, e.detail["reference"]) for e in events] == [
        ("case_submitted", world.alice.id, world.school_a.id, reference),
        ("draft_abandoned", world.alice.id, world.school_a.id, draft),
    ]
    assert all(e.ip for e in events)
    assert events[0].detail == {"reference": reference, "case_type": "part-time-timetable"}


def _sent_by_bob_asked_more(world, sign_in, db_session, admin_locked: bool):
    """Bob (school B) sends a case and then leaves (locked); school B's admin is Dora (locked
    too, when `admin_locked`); an officer asks for more information on the case page: the
    page's banner and the case_update emails sent."""
    person = officer(db_session, world)
    dora = staff(db_session, "dora@b.example.org", "", first_name="Dora", last_name="Admin")
    db_session.add(Membership(user=dora, school=world.school_b, is_admin=True))
    db_session.commit()
    portal = sign_in(world.bob)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    world.bob.is_locked = True  # Bob has left the school
    dora.is_locked = admin_locked
    db_session.commit()
    council = sign_in(person)
    for action, note in [("Start review", None), ("Request more information", "Which days?")]:
        form = next(
            f
            for f in council.get(f"/caseviewer/cases/{reference}").page.select("form")
            if f.find("input", attrs={"name": "action", "value": action})
        )
        data = {
            "action": action,
            "from_activity": form.find(attrs={"name": "from_activity"})["value"],
        }
        council.post(
            f"/caseviewer/cases/{reference}/transition",
            data | ({"note": note} if note else {}),
            expect=302,
        )
    banner = text_of(
        council.get(f"/caseviewer/cases/{reference}").page.select_one(".govuk-notification-banner")
    )
    told = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "case_update", OutboxMessage.to_address.like("%b.example.org")
        )
    ).all()
    return reference, council.get(f"/caseviewer/cases/{reference}").page, banner, told


def test_a_case_whose_sender_left_is_told_to_the_schools_administrators(world, sign_in, db_session):
    """The school hears that the council asked for more information though the person who
    sent the case has left: its administrators are emailed, as the officer is told."""
    reference, _page, banner, told = _sent_by_bob_asked_more(world, sign_in, db_session, False)
    assert "The school has been emailed" in banner
    [mail] = told
    assert mail.to_address == "dora@b.example.org"
    assert reference in mail.subject and "More information requested" in mail.subject
    assert "Which days?" not in mail.body
    assert "Dear Dora," in mail.body
    assert "as an administrator of Beaumont Leys School" in mail.body
    assert f"/cases/{reference}/view" in mail.body


def test_the_officer_is_not_told_the_school_was_emailed_when_nobody_there_could_be(
    world, sign_in, db_session
):
    reference, page, banner, told = _sent_by_bob_asked_more(world, sign_in, db_session, True)
    assert told == []
    assert "The school has been emailed" not in banner
    assert "Nobody at the school could be emailed" in banner
    # The case page says so before anything is pressed.
    hints = [p.get_text(" ", strip=True) for p in page.select("#what-next ~ form p")]
    assert hints[-1] == (
        "The case will move to ‘Case abandoned’: nobody at the school can be emailed about it."
    )
