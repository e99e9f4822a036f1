"""The warning before an idle sign-in ends: each signed-in page carries the dialog and its
settings; asking how long is left does not extend the session; "Stay signed in" does, and only
with the CSRF token; once the session has ended, neither brings it back."""

from __future__ import annotations

import pytest

from tests.webapp.conftest import text_of


def dialog_of(page):
    return page.select_one("dialog#timeout-warning")


def stay_signed_in(portal, token):
    """What the dialog's button sends: a POST with the page's CSRF token in a header."""
    return portal.client.post("/session/keep-alive", headers={"X-CSRFToken": token})


def test_signed_in_pages_carry_the_warning_and_others_do_not(app, world, client, sign_in):
    assert dialog_of(client.get("/sign-in").page) is None
    alice = sign_in(world.alice)
    dialog = dialog_of(alice.get("/").page)
    assert dialog["data-warning-seconds"] == "120"
    assert 1790 <= int(dialog["data-seconds-left"]) <= 1800
    assert dialog["aria-labelledby"] == "timeout-warning-title"
    assert "You’re about to be signed out" in text_of(dialog)
    assert dialog.find("button").get_text(strip=True) == "Stay signed in"
    assert dialog["data-csrf-token"]


def test_asking_does_not_extend_the_session_but_staying_signed_in_does(
    world, sign_in, moving_clock
):
    alice = sign_in(world.alice)
    token = dialog_of(alice.get("/").page)["data-csrf-token"]
    moving_clock.advance(minutes=20)
    assert alice.get("/session/status").json == {"signed_in": True, "seconds_left": 600}
    moving_clock.advance(minutes=9)
    assert alice.get("/session/status").json == {"signed_in": True, "seconds_left": 60}

    assert stay_signed_in(alice, token).json == {"signed_in": True, "seconds_left": 1800}
    moving_clock.advance(minutes=29)
    alice.get("/", expect=200)  # 58 minutes after the last page: still signed in


def test_staying_signed_in_needs_the_csrf_token(world, sign_in, moving_clock):
    alice = sign_in(world.alice)
    alice.get("/")
    assert alice.client.post("/session/keep-alive").status_code == 400
    assert stay_signed_in(alice, "not-the-token").status_code == 400
    moving_clock.advance(minutes=29)
    assert alice.get("/session/status").json["seconds_left"] == 60  # not extended


@pytest.mark.parametrize("ask", ["status", "keep-alive"])
def test_an_ended_session_stays_ended(world, sign_in, moving_clock, ask):
    alice = sign_in(world.alice)
    token = dialog_of(alice.get("/").page)["data-csrf-token"]
    moving_clock.advance(minutes=30, seconds=1)
    if ask == "status":
        response = alice.client.get("/session/status")
        assert (response.status_code, response.json) == (
            401,
            {"signed_in": False, "seconds_left": 0},
        )
    else:
        response = stay_signed_in(alice, token)
        assert response.status_code == 401 and response.json["signed_in"] is False
        assert "inactive for 30 minutes" in response.json["message"]
    assert alice.client.get("/").headers["Location"].startswith("/sign-in")


def test_the_warning_follows_the_settings(app, world, sign_in):
    app.config["SESSION_WARNING_SECONDS"] = 300
    alice = sign_in(world.alice)
    dialog = dialog_of(alice.get("/").page)
    assert dialog["data-warning-seconds"] == "300"
    assert "5 minutes" in text_of(dialog)


def test_a_first_sign_in_can_stay_signed_in_before_choosing_a_question(
    app, world, sign_in, db_session
):
    """The keep-alive is not sent to the security-question page like other requests."""
    from webapp.models import User

    db_session.get(User, world.bob.id).security_question = ""
    db_session.commit()
    bob = sign_in(world.bob)
    token = dialog_of(bob.get("/account/security-question").page)["data-csrf-token"]
    assert stay_signed_in(bob, token).json["signed_in"] is True
