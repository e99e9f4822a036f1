"""Submission is all or nothing: a failure part-way leaves the draft exactly as it was."""

import threading

import pytest
from sqlalchemy import select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import AGREEMENT, ARRANGEMENT, CHILD, PDF, PROVIDER, answer, start
from webapp.domain import workflow
from webapp.models import Case, CaseEvent


def finished_draft(portal):
    reference, first = start(portal, "part-time-timetable")
    pages = f"/cases/{reference}/pages"
    answer(portal, first, CHILD)
    answer(portal, f"{pages}/arrangement", ARRANGEMENT)
    answer(portal, f"{pages}/provision", PROVIDER)
    answer(portal, f"{pages}/agreement", AGREEMENT, files={"signed_plan": ("p.pdf", PDF)})
    portal.get(f"/cases/{reference}/check-answers")
    return reference


def test_a_database_failure_while_submitting_leaves_the_draft_untouched(
    app, sign_in, world, db_session, monkeypatch
):
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    before = db_session.scalar(select(Case).where(Case.reference == reference))
    answers_before = dict(before.answers)

    def broken_event(**fields):
        return CaseEvent(**{**fields, "kind": None})  # NOT NULL: the insert fails at commit

    monkeypatch.setattr(workflow, "CaseEvent", broken_event)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=500)
    assert "Sorry, there is a problem with the service" in text_of(response.page)
    assert "Traceback" not in response.get_data(as_text=True)

    after = db_session.scalar(
        select(Case).where(Case.reference == reference).execution_options(populate_existing=True)
    )
    assert after.status == "Draft" and after.submitted_at is None
    assert after.answers == answers_before
    assert after.raw_input == before.raw_input

    # Once the fault is gone the same draft goes through.
    monkeypatch.undo()
    portal.get(f"/cases/{reference}/check-answers")
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)


def test_an_unfinished_draft_cannot_be_submitted_and_says_what_is_missing(sign_in, world):
    portal = sign_in(world.alice)
    reference, first = start(portal, "part-time-timetable")
    answer(portal, first, CHILD)
    check = portal.get(f"/cases/{reference}/check-answers").page
    problems = [a.get_text(strip=True) for a in check.select(".govuk-error-summary__list a")]
    assert problems[0].startswith("The arrangement:")
    assert any(p.startswith("Agreement and safeguarding:") for p in problems)
    response = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=200)
    assert "You need to finish these before you can send the case" in text_of(response.page)


def test_sending_without_ticking_the_declaration_shows_the_form_with_its_error_summary(
    sign_in, world
):
    """A missing declaration came back as a 400, a failed request to the browser (which logs
    it as one) and to anything between it and the portal: it is Check your answers again,
    with the error summary linking to the box, as a case page's errors are (200)."""
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    response = portal.post(f"/cases/{reference}/submit", {}, expect=200)
    page = response.page
    assert text_of(page.find("title")).startswith("Error: Check your answers")
    summary = page.select_one(".govuk-error-summary")
    links = [(a["href"], text_of(a)) for a in summary.select(".govuk-error-summary__list a")]
    assert links == [("#declared", "Tick the box to confirm the declaration")]
    assert page.find("input", attrs={"name": "declared", "id": "declared"})
    assert "Tick the box to confirm the declaration" in text_of(
        page.select_one(".govuk-checkboxes").find_parent(class_="govuk-form-group")
    )
    assert "Draft" in text_of(portal.get("/my-cases").page)  # not sent


def test_a_ticked_declaration_stays_ticked_when_sending_is_refused_for_something_else(
    sign_in, world
):
    """Found by trying it: refused for an unfinished page, Check your answers came back with
    the declaration unticked, so the user had to tick it again."""
    portal = sign_in(world.alice)
    reference, first = start(portal, "part-time-timetable")
    answer(portal, first, CHILD)
    page = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=200).page
    assert page.find("input", attrs={"name": "declared"}).has_attr("checked")
    assert not portal.get(f"/cases/{reference}/check-answers").page.find(
        "input", attrs={"name": "declared", "checked": True}
    )


def lands_first(monkeypatch, other_press, step=None):
    """The next submission's `other_press` runs whole (in its own thread and session, as a
    second request would) just after that submission has read the case: when it calls
    `step`, (module, function name), sending.unchecked_files unless given."""
    from webapp.areas.cases import sending

    module, name = step or (sending, "unchecked_files")
    then, ran = getattr(module, name), []

    def after_the_other(*args):
        if not ran:
            ran.append(True)
            runner = threading.Thread(target=other_press)
            runner.start()
            runner.join()
        return then(*args)

    monkeypatch.setattr(module, name, after_the_other)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_accept_and_send_pressed_twice_at_once_sends_once_without_an_error(
    app, sign_in, world, db_session, monkeypatch
):
    """Two presses of Accept and send racing on a slow server (or two tabs): the second had
    read the draft before the first committed, found the row changed under it and answered
    'Something went wrong' (500) for a case that had been sent (found by attack7)."""
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    lands_first(monkeypatch, lambda: portal.post(f"/cases/{reference}/submit", {"declared": "y"}))
    second = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert second.headers["Location"].endswith(f"/cases/{reference}/view")
    case = db_session.scalars(select(Case).where(Case.reference == reference)).one()
    assert case.submitted_at is not None
    events = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert [e.kind for e in events].count("submitted") == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_answers_saved_in_another_tab_while_sending_are_checked_before_sending(
    app, sign_in, world, db_session, monkeypatch
):
    """A page saved in another tab just as Send the changes was pressed: nothing is sent
    (what the school checked is no longer what it would send), the school is told and sees
    the check page again with its message kept; before, a 500."""
    from tests.webapp.test_school_reply import BOX, school_note
    from tests.webapp.test_workflow_school_side import asked_for_more

    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    pages = f"/cases/{reference}/pages"
    changed = {**AGREEMENT, "pupil_views": "Happier with afternoons."}
    lands_first(monkeypatch, lambda: answer(portal, f"{pages}/agreement", changed))
    sent = {"declared": "y", "message": "Changed the review date."}
    page = portal.post(f"/cases/{reference}/submit", sent, expect=200).page
    assert "changed (in another tab, or by a colleague) while you were sending" in text_of(page)
    assert page.select_one(BOX).get_text().strip() == "Changed the review date."
    case = db_session.scalars(select(Case).where(Case.reference == reference)).one()
    assert case.activity == "more_information"
    assert case.answers["pupil_views"] == "Happier with afternoons."


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_a_case_assigned_by_an_officer_while_the_school_sends_it_is_sent(
    app, sign_in, world, db_session, monkeypatch
):
    """An officer assigning the case just as the school pressed Send the changes changes its
    row, not its answers: the changes and the message are sent, not refused."""
    from tests.webapp.test_school_reply import school_note
    from tests.webapp.test_workflow_school_side import asked_for_more
    from webapp.models import User

    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    person = db_session.scalars(select(User).where(User.council_role == "officer")).first()

    def assign():
        with app.test_request_context():
            session = app.extensions["db_sessions"]()
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            workflow.assign(session, case, session.get(User, person.id), person)
            session.commit()
            session.close()

    lands_first(monkeypatch, assign)
    sent = {"declared": "y", "message": "Changed the review date."}
    answer = portal.post(f"/cases/{reference}/submit", sent, expect=302)
    assert answer.headers["Location"].endswith(f"/cases/{reference}/view")
    case = db_session.scalars(select(Case).where(Case.reference == reference)).one()
    assert case.activity == "review" and case.assigned_to_id == person.id
    moves = [e for e in case.events if e.kind == "transition"]
    assert moves[-1].note == "Changed the review date."


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: one writer
def test_a_draft_saved_in_another_tab_as_it_is_sent_is_not_sent_unchecked(
    app, sign_in, world, db_session, monkeypatch
):
    """Another tab saves an answer of the draft in the moment between Accept and send reading
    it and sending it: nothing is sent (the school checked answers the draft no longer holds),
    and Check your answers says so, to be sent again; never a server error."""
    from webapp.areas.cases import sending

    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    read_files, saved = sending.unchecked_files, []

    def saved_meanwhile(*args):
        found = read_files(*args)
        if not saved:  # the other tab's save: the draft's row moves on
            with app.extensions["db_sessions"]() as session, session.begin():
                case = session.scalar(select(Case).where(Case.reference == reference))
                case.answers = {**case.answers, "forename": "Sam"}
            saved.append(True)
        return found

    monkeypatch.setattr(sending, "unchecked_files", saved_meanwhile)
    page = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=200).page
    case = db_session.scalar(select(Case).where(Case.reference == reference))
    assert case.status == "Draft" and case.submitted_at is None
    assert "changed (in another tab, or by a colleague) while you were sending" in text_of(page)
    assert "Sam" in text_of(page)  # the answers as they are now, to be checked
    monkeypatch.undo()
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert db_session.scalar(select(Case.status).where(Case.reference == reference)) != "Draft"
