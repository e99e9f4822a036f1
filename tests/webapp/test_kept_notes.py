"""A note an officer sent from a case's page as their session timed out for idleness is kept
on the server for them, put back in its box on the case's page once they have signed in again,
and never given to anyone else (webapp/areas/caseviewer/kept_notes.py). The browser's side, the
tab's typing through the timeout, is tests/browser/test_typing_through_timeout.py."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.webapp.conftest import PASSWORD, text_of
from tests.webapp.test_caseviewer import case_row, council, submit_ptt  # noqa: F401 (a fixture)
from webapp.areas.caseviewer.kept_notes import GIVEN_BACK, KEEP_MAX
from webapp.domain.passwords import hash_password
from webapp.models import ParkedPage

KEPT = "What you typed has been kept: sign in to carry on."


def _sent_as_it_timed_out(portal, moving_clock, reference, path, form) -> tuple[str, str]:
    """The case's form sent 45 minutes after the page was shown: what the sign-in page says."""
    page = portal.get(f"/caseviewer/cases/{reference}").page
    seen = page.find("input", attrs={"name": "from_activity"})["value"]
    moving_clock.advance(minutes=45)
    sent = portal.post(f"/caseviewer/cases/{reference}/{path}", {**form, "from_activity": seen})
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/sign-in")
    moving_clock.advance(seconds=1)
    return sent.headers["Location"], text_of(portal.get("/sign-in").page)


def _boxes(page) -> dict[str, str]:
    return {box["id"]: box.get_text().strip() for box in page.select("textarea")}


def test_a_transitions_note_comes_back_in_its_box_for_that_officer_only(
    sign_in,
    world,
    council,  # noqa: F811
    db_session,
    moving_clock,
):
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    note = "Sent twice:\nsee the other case."
    form = {"action": "Abandon case", "note": note}
    where, said = _sent_as_it_timed_out(olivia, moving_clock, reference, "transition", form)
    assert KEPT in said
    assert where == f"/sign-in?next=/caseviewer/cases/{reference}"
    assert case_row(db_session, reference).activity == "notified"  # nothing taken

    sam = sign_in(council.sam)  # the next officer at the computer, of the same team
    page = sam.get(f"/caseviewer/cases/{reference}").page
    assert note not in str(page) and GIVEN_BACK not in text_of(page)

    olivia.sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert GIVEN_BACK in text_of(page)
    [box] = [
        f.find("textarea")
        for f in page.select("form")
        if f.find("input", attrs={"name": "action", "value": "Abandon case"})
    ]
    assert box.get_text().strip() == note
    assert db_session.scalar(select(func.count()).select_from(ParkedPage)) == 0  # given once
    assert GIVEN_BACK not in text_of(olivia.get(f"/caseviewer/cases/{reference}").page)


def test_a_note_is_not_given_back_after_the_password_changed_or_signing_out(
    sign_in,
    world,
    council,  # noqa: F811
    db_session,
    moving_clock,
):
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    form = {"note": "Rang the SENCO."}
    _sent_as_it_timed_out(olivia, moving_clock, reference, "notes", form)
    council.olivia.password_hash = hash_password(PASSWORD)  # set again, as after a break-in
    db_session.commit()
    olivia.sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    assert _boxes(page)["internal-note"] == "" and GIVEN_BACK not in text_of(page)

    _sent_as_it_timed_out(olivia, moving_clock, reference, "notes", form)
    olivia.sign_in(council.olivia)
    olivia.get("/sign-out")
    olivia.post("/sign-out", {}, expect=302)  # Sign out pressed forgets it
    assert db_session.scalar(select(func.count()).select_from(ParkedPage)) == 0


def test_an_empty_or_overlong_note_keeps_nothing(sign_in, world, council, db_session, moving_clock):  # noqa: F811
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    for note in ("  ", "x" * (KEEP_MAX + 1)):
        where, said = _sent_as_it_timed_out(
            olivia, moving_clock, reference, "notes", {"note": note}
        )
        assert KEPT not in said
        assert where == "/sign-in"  # nothing kept: home after signing in, as any page sent
        olivia.sign_in(council.olivia)
    assert db_session.scalar(select(func.count()).select_from(ParkedPage)) == 0


def _forgets_the_tabs_typing(portal) -> bool:
    """Whether the sign-in page now shown tells its script to forget the tab's typing."""
    return portal.get("/sign-in").page.body.has_attr("data-signed-out")


def test_only_sign_out_asked_for_forgets_the_tabs_typing(world, sign_in, moving_clock):
    portal = sign_in(world.alice)
    portal.get("/")
    moving_clock.advance(minutes=45)
    portal.get("/", expect=302)  # timed out: the same user signing in again gets it back
    assert not _forgets_the_tabs_typing(portal)

    portal.sign_in(world.alice)
    portal.get("/sign-out")
    portal.post("/sign-out", {}, expect=302)
    assert _forgets_the_tabs_typing(portal)

    portal.sign_in(world.alice)
    moving_clock.advance(minutes=45)  # the warning's "Sign out" followed too late
    portal.get("/sign-out", expect=302)
    assert _forgets_the_tabs_typing(portal)


def test_sign_out_followed_after_the_timeout_forgets_the_kept_note_and_other_sessions(
    sign_in,
    world,
    council,  # noqa: F811
    db_session,
    moving_clock,
    new_client,
):
    """The timeout warning's Sign out link, followed once the session has ended, is Sign out
    asked for (the tab's typing is forgotten): so is the note kept on the server at the
    timeout, and the officer's other sessions end, as Sign out pressed in time does (found by
    attack5: the note came back at the next sign-in, and the other browser stayed in)."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    _sent_as_it_timed_out(olivia, moving_clock, reference, "notes", {"note": "Rang the SENCO."})
    olivia.sign_in(council.olivia)
    moving_clock.advance(minutes=45)  # timed out again, with the warning's link left to follow
    elsewhere = new_client()
    elsewhere.sign_in(council.olivia)  # another browser of hers, in use
    elsewhere.get("/caseviewer/")
    signed_out = olivia.get("/sign-out", expect=302)
    assert signed_out.headers["Location"] == "/sign-in"  # not back to "Sign out?" after
    assert _forgets_the_tabs_typing(olivia)
    assert db_session.scalar(select(func.count()).select_from(ParkedPage)) == 0
    elsewhere.get("/caseviewer/", expect=302)  # signed out there too


def test_a_timed_out_request_sent_again_and_again_keeps_no_more_than_the_case_offers(
    sign_in,
    world,
    council,  # noqa: F811
    db_session,
    moving_clock,
):
    """The cookie of a timed-out session still says who the officer is, and sent again it
    times out again: each time it kept a note under whatever action the form named, in the one
    row, which grew without bound (found by attack5). Only the case type's own transitions'
    notes are kept."""
    reference = submit_ptt(sign_in(world.alice))
    olivia = sign_in(council.olivia)
    page = olivia.get(f"/caseviewer/cases/{reference}").page
    seen = page.find("input", attrs={"name": "from_activity"})["value"]
    token = olivia.csrf_token
    moving_clock.advance(minutes=45)
    cookie = olivia.client.get_cookie("session").value
    actions = [f"made up {number}" for number in range(12)] + ["Abandon case"] * 2
    for action in actions:
        olivia.client.set_cookie("session", cookie)  # the timed-out session's, sent again
        form = {"action": action, "note": "x" * 9000, "from_activity": seen}
        olivia.post(f"/caseviewer/cases/{reference}/transition", {**form, "csrf_token": token})
    [row] = db_session.scalars(select(ParkedPage)).all()
    assert [name for name, _text in row.form] == ["note-for:Abandon case"]
