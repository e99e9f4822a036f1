"""A school's message to the council with the case it sends back: the `note:` of its `by:
school` transition, asked on Check your changes, kept on both timelines and the PDF."""

import copy
import threading
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from engine import compile_definition
from tests.webapp.conftest import check_page, text_of
from tests.webapp.helpers import stored
from tests.webapp.test_case_pdf import pdf_text
from tests.webapp.test_submit import lands_first
from tests.webapp.test_workflow_school_side import asked_for_more
from webapp.domain import workflow
from webapp.models import CaseTypeVersion, OutboxMessage, User

BOX = "textarea[name=message]"


def school_note(app, monkeypatch, note: str, version: int = 90):
    """The part-time timetable with its school transition's `note:` set (`none` removes it),
    at `version`, as the catalogue's current one."""
    catalogue = app.extensions["catalogue"]
    definition = copy.deepcopy(catalogue.get("part-time-timetable").definition)
    definition["version"] = version
    for transition in definition["workflow"]["transitions"]:
        if transition["by"] == "school":
            transition.pop("note", None)
            if note != "none":
                transition["note"] = note
    compiled = compile_definition(definition)
    monkeypatch.setitem(catalogue.case_types, "part-time-timetable", compiled)
    return definition


def send(portal, reference, message=None, expect=302):
    data = {"declared": "y"} | ({} if message is None else {"message": message})
    return portal.post(f"/cases/{reference}/submit", data, expect=expect)


def test_a_required_message_is_asked_for_refused_when_empty_and_sent_when_given(
    app, world, sign_in, db_session, monkeypatch
):
    school_note(app, monkeypatch, "required")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    check = portal.get(f"/cases/{reference}/check-answers").page
    check_page(check)
    box = check.select_one(BOX)
    label = text_of(check.select_one(f"label[for={box['id']}]"))
    assert label == "Message to the council"
    assert "what you have changed" in text_of(check)
    # Sent without a message: told so, on the page, and nothing is sent.
    refused = send(portal, reference, "   ", expect=200).page
    check_page(refused)
    summary = text_of(refused.select_one(".govuk-error-summary"))
    assert "Enter a message to the council" in summary
    assert refused.select_one(".govuk-error-summary a")["href"] == f"#{box['id']}"
    assert "Enter a message to the council" in text_of(refused.select_one(".govuk-error-message"))
    assert refused.title.get_text().startswith("Error: ")
    case = stored(db_session, reference)
    assert case.activity == "more_information"
    # With one: sent back, the message on the school's timeline, its lines kept.
    send(portal, reference, "The review is on 28 September.\nThe family will attend.")
    case = stored(db_session, reference)
    assert case.activity == "review"
    moved = [e for e in case.events if e.kind == "transition"][-1]
    assert moved.note == "The review is on 28 September.\nThe family will attend."
    view = portal.get(f"/cases/{reference}/view").page
    shown = [p for p in view.select(".app-timeline p") if "28 September" in p.get_text()]
    assert len(shown) == 1 and shown[0].find("br") is not None


def test_the_message_is_on_the_caseviewer_timeline_and_the_pdf(
    app, world, sign_in, db_session, monkeypatch
):
    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    check = portal.get(f"/cases/{reference}/check-answers").page
    box = check.select_one(BOX)
    assert text_of(check.select_one(f"label[for={box['id']}]")) == (
        "Message to the council (optional)"
    )
    assert box["data-kept-as"] == "message"  # kept in the tab through an idle timeout
    send(portal, reference, "Nothing needed to change:\nthe date is already given.")
    # The officers are emailed a link, never the message.
    mail = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "officer@council.example.org")
    ).all()
    assert mail and all("already given" not in m.body + m.subject for m in mail)
    officer = sign_in(_officer(db_session))  # asked_for_more made them
    page = officer.get(f"/caseviewer/cases/{reference}").page
    entries = [li for li in page.select(".app-timeline li") if "Nothing needed" in li.get_text()]
    assert len(entries) == 1
    assert "Resubmit with more information" in text_of(entries[0])
    assert entries[0].find("br") is not None
    officers_pdf = pdf_text(officer.get(f"/caseviewer/cases/{reference}/pdf"))
    assert "the date is already given" in officers_pdf
    assert "the date is already given" in pdf_text(portal.get(f"/cases/{reference}/pdf"))


def _officer(db_session):
    from webapp.models import User

    return db_session.query(User).filter_by(email="officer@council.example.org").one()


def test_a_message_too_long_is_refused_and_kept_on_the_page(
    app, world, sign_in, db_session, monkeypatch
):
    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    typed = "A line of what changed.\n" + "x" * workflow.NOTE_MAX
    refused = send(portal, reference, typed, expect=200).page
    assert "Message to the council must be 5,000 characters or fewer" in text_of(
        refused.select_one(".govuk-error-summary")
    )
    assert typed in refused.select_one(BOX).get_text()
    assert stored(db_session, reference).activity == "more_information"


def test_a_message_is_kept_when_pages_are_still_to_complete(
    app, world, sign_in, db_session, monkeypatch
):
    school_note(app, monkeypatch, "required")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    refused = portal.post(
        f"/cases/{reference}/submit", {"message": "Changed the date."}, expect=200
    ).page
    assert "Changed the date." in refused.select_one(BOX).get_text()


def test_without_a_note_the_school_transition_asks_nothing_and_ignores_a_message(
    app, world, sign_in, db_session, monkeypatch
):
    """A case sent with a version whose school transition has no `note:` keeps it: no box,
    and a message posted anyway is not stored."""
    current = app.extensions["catalogue"].get("part-time-timetable")
    older = school_note(app, monkeypatch, "none", version=current.version + 1)
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    assert stored(db_session, reference).case_type_version == older["version"]
    kept = db_session.get(CaseTypeVersion, (older["id"], older["version"]))
    assert kept is not None  # recorded when the case was sent
    # The current version asks for a message; this case keeps the workflow it was sent with.
    school_note(app, monkeypatch, "required", version=current.version + 2)
    check = portal.get(f"/cases/{reference}/check-answers").page
    assert check.select_one(BOX) is None and "Message to the council" not in text_of(check)
    send(portal, reference, "Typed by a crafted request.")
    case = stored(db_session, reference)
    assert case.activity == "review"
    assert [e for e in case.events if e.kind == "transition"][-1].note == ""


def test_a_message_of_many_lines_within_the_limit_is_sent_as_typed(
    app, world, sign_in, db_session, monkeypatch
):
    """Browsers send a new line as two characters (\\r\\n): a message of 4,500 characters typed
    over 900 lines is within 5,000 as the school counts it, and is kept with its lines."""
    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    lines = ["Line"] * 900
    send(portal, reference, "\r\n".join(lines))
    case = stored(db_session, reference)
    assert case.activity == "review"
    assert [e for e in case.events if e.kind == "transition"][-1].note == "\n".join(lines)


def test_a_message_sent_after_the_council_abandoned_the_case_is_given_back(
    app, world, sign_in, db_session, monkeypatch
):
    """The council abandons the case while the school's Check your changes is open: Send the
    changes says the case was abandoned and its message not sent, and gives the message back
    (the tab forgets it once the form is sent); before, the school was led to the case with
    not a word, its message gone."""
    from tests.webapp.test_workflow_school_side import officer_moves

    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    officer_moves(app, db_session, reference, "Abandon case", _officer(db_session), "Closed.")
    typed = "The review is on <b>28 September</b>.\nThe family will attend."
    page = send(portal, reference, typed.replace("\n", "\r\n"), expect=409).page
    check_page(page)
    assert text_of(page.select_one("h1")) == "Your message to the council has not been sent"
    assert f"{reference} has been abandoned, so it can no longer be changed." in text_of(page)
    given_back = page.select_one(".app-sent-message")
    assert "The review is on <b>28 September</b>." in given_back.get_text()  # as text
    assert given_back.find("b") is None and given_back.find("br") is not None
    assert page.select_one(f"a[href='/cases/{reference}/view']") is not None
    assert stored(db_session, reference).status == "Abandoned"
    # Without a message, Send the changes still just leads to the case.
    answer = send(portal, reference)
    assert answer.headers["Location"].endswith(f"/cases/{reference}/view")


def test_a_case_abandoned_while_its_changes_are_being_sent_gives_the_message_back(
    app, world, sign_in, db_session, monkeypatch, database_url
):
    """An officer abandons the case in the moment between Send the changes reading the case
    and saving it (here: while its files' scan results are read). PostgreSQL lets the abandon
    land there: the school is told the case was abandoned and given its message back (409),
    as when it was abandoned before the send, where it met a server error, and nothing of
    the send is kept. SQLite holds the send's write lock from its first read, so there the
    abandon waits, and lands after the case was sent back."""
    from tests.webapp.test_workflow_school_side import officer_moves
    from webapp.areas.cases import sending

    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    events_before = len(stored(db_session, reference).events)
    officer_id = _officer(db_session).id
    db_session.rollback()  # holds no snapshot of SQLite's while the others write

    def abandon():  # on a connection of the portal's own: on SQLite, BEGIN IMMEDIATE first
        with app.extensions["db_sessions"]() as session:
            person = session.get(User, officer_id)
            officer_moves(app, session, reference, "Abandon case", person, "Closed.")

    officer = threading.Thread(target=abandon)
    read_files = sending.unchecked_files

    def abandoned_meanwhile(*args):
        found = read_files(*args)
        if not officer.is_alive() and officer.ident is None:  # the case is read: abandon it
            officer.start()
            if not database_url.startswith("sqlite"):  # SQLite: it waits for the send
                officer.join()
        return found

    monkeypatch.setattr(sending, "unchecked_files", abandoned_meanwhile)
    answer = send(portal, reference, "The review is on 28 September.", expect=None)
    officer.join()
    case = stored(db_session, reference)
    assert case.status == "Abandoned"
    kinds = [e.kind for e in case.events[events_before:]]
    if database_url.startswith("sqlite"):
        assert answer.status_code == 302 and kinds == ["changed", "transition", "transition"]
        return
    assert answer.status_code == 409
    page = answer.page
    check_page(page)
    assert text_of(page.select_one("h1")) == "Your message to the council has not been sent"
    assert f"{reference} has been abandoned, so it can no longer be changed." in text_of(page)
    assert "The review is on 28 September." in page.select_one(".app-sent-message").get_text()
    assert kinds == ["transition"]  # the abandon only: no "changed", no reply


def test_send_the_changes_pressed_twice_says_the_message_was_sent(
    app, world, sign_in, db_session, monkeypatch
):
    """Send the changes pressed again while the first press was on its way (a slow server,
    more than the button's second of protection), or in a second tab: the second
    press found the case sent and answered 'Your message to the council has not been sent',
    giving the message back to copy, when it had been sent once. Caseviewer's officers are
    told 'already pressed' in the same case (workflow.repeats_last_move)."""
    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    typed = "The review is on 28 September.\r\nThe family will attend."
    send(portal, reference, typed)
    again = send(portal, reference, typed)
    assert again.headers["Location"].endswith(f"/cases/{reference}/view")
    view = portal.get(f"/cases/{reference}/view").page
    assert "has not been sent" not in text_of(view)
    banners = [text_of(b) for b in view.select(".govuk-notification-banner")]
    assert any("already pressed ‘Send the changes’" in b for b in banners), banners
    moves = [e for e in stored(db_session, reference).events if e.kind == "transition"]
    sent = "The review is on 28 September.\nThe family will attend."
    assert [m.note for m in moves].count(sent) == 1
    # Another message from a second tab was not sent: it is still given back.
    other = send(portal, reference, "Something else entirely.", expect=409).page
    assert text_of(other.select_one("h1")) == "Your message to the council has not been sent"


def test_a_message_pasted_with_a_null_character_is_sent_without_it(
    app, world, sign_in, db_session, monkeypatch
):
    """Text pasted from a PDF can carry U+0000: the case's answers and the officers' notes
    lose it (answers_posted); Send the changes answered 400 'Bad request', the message and
    the changes unsent."""
    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    send(portal, reference, "The review is on\x00 28 September.")
    case = stored(db_session, reference)
    assert case.activity == "review"
    assert [e for e in case.events if e.kind == "transition"][-1].note == (
        "The review is on 28 September."
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_two_presses_racing_send_the_changes_once_and_say_so(
    app, world, sign_in, db_session, monkeypatch
):
    """Send the changes pressed twice on a slow server, the second press read the case
    before the first had committed: its save found the case changed under it (the row's
    version) and the school got 'Something went wrong' (500) for changes that were sent.
    Here the first press runs whole just after the second has read the case."""
    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    typed = "The review is on 28 September."
    lands_first(monkeypatch, lambda: send(portal, reference, typed))
    second = send(portal, reference, typed)
    assert second.headers["Location"].endswith(f"/cases/{reference}/view")
    view = portal.get(f"/cases/{reference}/view").page
    banners = [text_of(b) for b in view.select(".govuk-notification-banner")]
    assert any("already pressed ‘Send the changes’" in b for b in banners), banners
    moves = [e for e in stored(db_session, reference).events if e.kind == "transition"]
    assert [m.note for m in moves].count(typed) == 1


def _send_as_shown(portal, page, message, expect):
    """Send the changes from Check your changes as `page` showed it: its hidden fields too."""
    form = page.select_one("form[action$='/submit']")
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    data |= {"declared": "y", "message": message}
    return portal.post(form["action"], data, expect=expect)


def test_a_page_older_than_the_councils_new_request_sends_nothing(
    app, world, sign_in, db_session, monkeypatch
):
    """Check your changes left open (or Send pressed again on a slow server) while the case
    was sent back and the council asked again: sending from that page answered a request
    the school had not read, with the message meant for the one before (the same message
    twice on the council's timeline). Nothing is sent; the page shows the new request, the
    message kept, and sends from there."""
    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    stale = portal.get(f"/cases/{reference}/check-answers").page
    send(portal, reference, "The review is on 28 September.")  # a colleague's tab, say
    from tests.webapp.test_workflow_school_side import officer_moves

    asked_again = "And the family's views?"
    officer_moves(
        app, db_session, reference, "Request more information", _officer(db_session), asked_again
    )
    page = _send_as_shown(portal, stale, "The review is on 28 September.", expect=200).page
    check_page(page)
    assert "asked again since this page was opened, so nothing was sent" in text_of(page)
    assert asked_again in text_of(page.select_one(".app-request-note"))
    assert page.select_one(BOX).get_text().strip() == "The review is on 28 September."
    case = stored(db_session, reference)
    assert case.activity == "more_information"
    notes = [e.note for e in case.events if e.kind == "transition"]
    assert notes.count("The review is on 28 September.") == 1
    _send_as_shown(portal, page, "Their views are attached.", expect=302)
    assert stored(db_session, reference).activity == "review"


def test_sending_after_being_signed_out_elsewhere_says_nothing_was_sent(
    app, world, sign_in, db_session, monkeypatch
):
    """Signed out on another device while Check your changes was open (the session ends on
    the server; the page's token still matches): Send the changes was taken for a page to be
    signed in to see. It says the case was not sent, and signing in leads back to Check your
    changes, where the tab puts the message back (browser test_kept_typing)."""
    school_note(app, monkeypatch, "optional")
    laptop, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    laptop.get(f"/cases/{reference}/check-answers")
    phone = sign_in(world.alice)
    phone.get("/sign-out")
    phone.post("/sign-out", {}, expect=302)  # every session of hers ends
    answer = send(laptop, reference, "The review is on 28 September.")
    where = answer.headers["Location"]
    assert where.startswith("/sign-in")
    told = text_of(laptop.get(where).page)
    assert f"so {reference} was not sent" in told, told
    assert stored(db_session, reference).activity == "more_information"
    assert f"next=/cases/{reference}/submit" in unquote(where)
    laptop.sign_in(world.alice)
    back = laptop.get(f"/cases/{reference}/submit", expect=302)  # where signing in leads
    assert back.headers["Location"].endswith(f"/cases/{reference}/check-answers")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_a_second_press_does_not_answer_a_request_the_council_made_since_the_first(
    app, world, sign_in, db_session, monkeypatch
):
    """Send the changes pressed twice on a slow server, and between the presses' reads and the
    second's save, the first press sent the message and the officer asked for more again:
    the second press's retry found the answers as the school checked them and sent the same
    message again, as the school's answer to a request it had never seen (review23)."""
    from tests.webapp.test_workflow_school_side import officer_moves

    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    officer_id = _officer(db_session).id
    typed = "The review is on 28 September."

    def first_press_then_asked_again():
        send(portal, reference, typed)
        with app.extensions["db_sessions"]() as session:
            person = session.get(User, officer_id)
            officer_moves(app, session, reference, "Request more information", person, "When?")

    lands_first(monkeypatch, first_press_then_asked_again)
    second = send(portal, reference, typed)
    assert second.headers["Location"].endswith(f"/cases/{reference}/view")
    case = stored(db_session, reference)
    assert case.activity == "more_information"  # the new request waits for the school
    moves = [e for e in case.events if e.kind == "transition"]
    assert [m.note for m in moves].count(typed) == 1
    assert moves[-1].note == "When?"
    view = portal.get(f"/cases/{reference}/view").page
    banners = [text_of(b) for b in view.select(".govuk-notification-banner")]
    assert any("already pressed ‘Send the changes’" in b for b in banners), banners


def test_a_second_press_after_the_council_closed_the_case_says_the_message_went(
    app, world, sign_in, db_session, monkeypatch
):
    """Send the changes pressed again (a second tab, a slow server) after the first press sent
    the message and an officer then abandoned the case: the second press was told 'Your
    message to the council has not been sent' and given it back to copy, though it had been
    sent (review23). A message from an earlier round, asked again since, is still given back."""
    from tests.webapp.test_workflow_school_side import officer_moves

    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    typed = "The review is on 28 September."
    send(portal, reference, typed)
    officer_moves(app, db_session, reference, "Abandon case", _officer(db_session), "Closed.")
    again = send(portal, reference, typed)
    assert again.headers["Location"].endswith(f"/cases/{reference}/view")
    view = portal.get(f"/cases/{reference}/view").page
    banners = [text_of(b) for b in view.select(".govuk-notification-banner")]
    assert any("already pressed ‘Send the changes’" in b for b in banners), banners


def test_a_message_sent_in_an_earlier_round_is_given_back_when_the_case_closed(
    app, world, sign_in, db_session, monkeypatch
):
    """The same words sent in answer to the council's first request, then typed again for its
    second, which the council closed before they were sent: not sent, so given back."""
    from tests.webapp.test_workflow_school_side import officer_moves

    school_note(app, monkeypatch, "optional")
    portal, reference = asked_for_more(app, world, sign_in, db_session, "The review date?")
    portal.get(f"/cases/{reference}/check-answers")
    typed = "The review is on 28 September."
    send(portal, reference, typed)
    person = _officer(db_session)
    officer_moves(app, db_session, reference, "Request more information", person, "Which?")
    officer_moves(app, db_session, reference, "Abandon case", person, "Closed.")
    page = send(portal, reference, typed, expect=409).page
    assert text_of(page.select_one("h1")) == "Your message to the council has not been sent"


def test_a_forged_send_cannot_put_its_own_words_on_the_sign_in_page(client):
    """A page elsewhere posting to /cases/<words>/submit, for a visitor signed out, is refused
    (no token) as a send whose session ended: the sign-in page must not repeat the address's
    words as the portal's own ('so Call 0800 000 000 now was not sent'), a phishing line."""
    forged = "Your account is suspended. Call 0800 000 000 now"
    answer = client.post(f"/cases/{forged}/submit", {"message": "x"}, csrf=False, expect=302)
    told = text_of(client.get(answer.headers["Location"]).page)
    assert "0800" not in told, told
    assert "was not sent" in told  # still said, without the address's words
