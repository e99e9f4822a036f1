"""Failures slow an account down instead of locking it (NIST SP 800-63B 5.2.2; SECURITY-CHECKLIST
5 and 6): growing waits after 5 failures in a row of any kind, a hard lock of untrusted
browsers only after 50, the same from outside for unknown addresses; only the right password
learns of a lock; the tries of an authenticator code are kept on the server. Browsers trusted
with an account (device cookies) are not held back by any of it: test_device_cookies.py."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
from sqlalchemy import event as sa_event
from sqlalchemy import select

from tests.webapp.conftest import PASSWORD, latest_code, text_of
from tests.webapp.helpers import fresh_user
from tests.webapp.test_concurrency import meeting, run_together
from webapp.areas.auth import services
from webapp.domain import accounts, passwords, retention
from webapp.infra import clock
from webapp.models import AuditEvent, Membership, OutboxMessage, SignInFailures, User

UNKNOWN = "nobody@nowhere.example.org"


def password_step(portal, email, password=PASSWORD, expect=None):
    portal.get("/sign-in")
    return portal.post("/sign-in", {"email": email, "password": password}, expect=expect)


def code_step(portal, code, expect=None):
    portal.get("/sign-in/code")
    return portal.post("/sign-in/code", {"code": code}, expect=expect)


def wrong_code(app, email) -> str:
    return "000000" if latest_code(app, email) != "000000" else "111111"


def as_seen_from_outside(response, *emails) -> str:
    """The page without what differs by design: the CSRF token and the email typed."""
    body = re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", response.get_data(as_text=True))
    for email in emails:
        body = body.replace(email, "EMAIL")
    return f"{response.status_code} {body}"


def test_five_failures_of_any_kind_start_a_wait_that_grows(app, world, new_client, moving_clock):
    portal = new_client()
    for _ in range(2):
        assert "Enter a correct email address and password" in text_of(
            password_step(portal, world.bob.email, "wrong", expect=200).page
        )
    password_step(portal, world.bob.email, expect=302)  # the right password forgives nothing
    wrong = wrong_code(app, world.bob.email)
    code_step(portal, wrong, expect=200)
    code_step(portal, wrong, expect=200)
    response = code_step(portal, wrong, expect=200)  # the fifth failure in a row
    assert "The code is not correct" in text_of(response.page)
    # Now nothing is checked for a minute, not even the right password.
    response = password_step(new_client(), world.bob.email, expect=200)
    assert (
        "There have been too many attempts to sign in with this email address. "
        "Wait 1 minute, then try again" in text_of(response.page)
    )
    moving_clock.advance(seconds=61)
    response = password_step(new_client(), world.bob.email, "wrong again", expect=200)
    assert "Wait 2 minutes, then try again" in text_of(response.page)  # told at once
    moving_clock.advance(minutes=1)
    assert "Wait 1 minute" in text_of(password_step(new_client(), world.bob.email).page)
    moving_clock.advance(minutes=1, seconds=1)
    # Not locked: once the wait is over, the right password and code sign in ...
    new_client().sign_in(world.bob)
    # ... which forgives the failures: the next wrong password is just wrong.
    response = password_step(new_client(), world.bob.email, "wrong", expect=200)
    assert "Enter a correct email address and password" in text_of(response.page)


def test_guesses_sent_at_the_same_moment_wait_like_guesses_sent_one_by_one(
    world, new_client, monkeypatch
):
    """Attack: send ten password guesses for one address at once. Each read "no wait" before
    any failure was written, so all ten were checked where five start the wait, and bursts
    reached the hard lock at 100 in hours, not days. Now the attempts under one address take
    turns: the five after the fifth failure wait, unchecked."""
    checked = []
    monkeypatch.setattr(services, "check_password", meeting(10, passwords.check_password, checked))
    portals = [new_client() for _ in range(10)]
    for portal in portals:
        portal.get("/sign-in")

    def guess(index):
        data = {"email": world.bob.email, "password": f"guess {index}"}
        return portals[index].post("/sign-in", data, expect=200)

    pages = [text_of(r.page) for r in run_together(10, guess)]
    assert len(checked) == 5
    assert sum("Wait 1 minute, then try again" in page for page in pages) >= 5


def test_the_waits_double_up_to_an_hour():
    from webapp.domain.throttle import wait_after

    assert [wait_after(n) for n in range(1, 5)] == [None] * 4
    minutes = [wait_after(n).total_seconds() / 60 for n in range(5, 13)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60]
    assert wait_after(99).total_seconds() == 3600


def test_every_spelling_of_an_address_counts_its_failures_in_one_place(app, world, db_session):
    """Guesses under `Head@Bücher.example` and `head@xn--bcher-kva.example` are guesses at one
    account (the lookup finds it by either), so they wait together: a second spelling does not
    give a guesser a second run of tries. Asked of the service itself, as any caller (not
    only the sign-in form, which stores the address's checked form first) would ask it."""
    fresh_user(db_session, world.bob).email = "head@xn--bcher-kva.example"
    db_session.commit()
    with app.app_context():
        session = app.extensions["db_sessions"]()
        try:
            outcomes = [
                services.sign_in_check(session, spelling, "a guess").outcome
                for spelling in ["Head@Bücher.example"] * 5 + ["head@xn--bcher-kva.example"]
            ]
        finally:
            session.close()
    assert outcomes[-2:] == [services.Outcome.WAIT] * 2


def test_a_waiting_unknown_address_looks_the_same_as_a_waiting_account(
    world, new_client, db_session
):
    locked = fresh_user(db_session, world.carol)
    locked.is_locked = True
    db_session.commit()
    seen = {}
    for email in (UNKNOWN, world.bob.email, world.carol.email):
        answers = [password_step(new_client(), email, "a guess", expect=200) for _ in range(6)]
        seen[email] = [as_seen_from_outside(a, email) for a in answers]
        assert "Wait 1 minute, then try again" in text_of(answers[-1].page)
        seen[email].append(
            as_seen_from_outside(password_step(new_client(), email, expect=200), email)
        )
    assert seen[UNKNOWN] == seen[world.bob.email] == seen[world.carol.email]


def test_fifty_failures_in_a_row_lock_untrusted_browsers_and_the_user_is_emailed(
    app, world, new_client, db_session, moving_clock
):
    """NIST SP 800-63B 5.2.2: at most 100 failures in a row. Untrusted clients get 50 of them
    (the 5 trusted browsers an account keeps get 10 each: test_device_cookies.py); the 50th
    locks sign-in on every browser the user has not signed in on, until the password changes."""
    portal = new_client()
    for failure in range(1, 51):
        response = password_step(portal, world.bob.email, f"guess {failure}", expect=200)
        assert "Enter a correct" in text_of(response.page) or "Wait" in text_of(response.page)
        moving_clock.advance(hours=1, seconds=1)  # the longest wait
    assert not fresh_user(db_session, world.bob).is_locked  # the account itself is not
    [mail] = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "account_locked")
    ).all()
    assert mail.to_address == world.bob.email
    assert "entered wrongly 50 times in a row from browsers you have not signed in" in mail.body
    assert (
        "To reset your password, ask the council: a council admin of the portal can reset it"
        in (mail.body)
    )
    [event] = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "untrusted_sign_in_locked")
    )
    assert event.user_id == world.bob.id and event.detail["reason"] == "50 failures in a row"
    # From now on a browser that is not trusted has its password looked at no more: the right
    # one, a wrong one and an unknown address's all get one answer, hour after hour (a right
    # one told apart, as it once was, let guessing go on at one guess an hour), and nothing
    # more counts. The lock outlasts the 30 days after which quiet failures are forgotten.
    for _ in range(2):
        right = password_step(new_client(), world.bob.email, expect=200)
        wrong = password_step(new_client(), world.bob.email, "not it", expect=200)
        assert as_seen_from_outside(right, world.bob.email) == as_seen_from_outside(
            wrong, world.bob.email
        )
        assert "It cannot be used on this browser until its password is changed" in text_of(
            right.page
        )
        moving_clock.advance(hours=1, seconds=1)
    for failure in range(51, 101):  # an unknown address, hard-locked the same way
        password_step(new_client(), UNKNOWN, f"guess {failure}", expect=200)
        moving_clock.advance(hours=1, seconds=1)
    unknown = password_step(new_client(), UNKNOWN, "not it", expect=200)
    assert as_seen_from_outside(unknown, UNKNOWN) == as_seen_from_outside(right, world.bob.email)
    moving_clock.advance(days=31)
    with app.app_context():
        retention.purge(db_session)
    assert as_seen_from_outside(
        password_step(new_client(), world.bob.email, expect=200), world.bob.email
    ) == as_seen_from_outside(right, world.bob.email)
    # An admin's new password lifts it (stamped with the real time, not the test's clock).
    moving_clock.offset = dt.timedelta(0)
    with app.test_request_context():
        accounts.reset_password(
            db_session, fresh_user(db_session, world.bob), actor=fresh_user(db_session, world.alice)
        )
    db_session.commit()
    sent = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "password_reset_by_admin")
    ).one()
    new_password = re.search(r"New password: (\S+)", sent.body).group(1)
    new_client().sign_in(world.bob, new_password)


def test_only_the_right_password_learns_that_the_account_is_locked(
    app, world, new_client, db_session
):
    dana = User(
        email="dana@a.example.org",
        first_name="Dana",
        last_name="Wells",
        password_hash=fresh_user(db_session, world.bob).password_hash,
        security_question="first_pet",
        is_locked=True,
    )
    dana.memberships = [Membership(school_id=world.school_a.id)]
    db_session.add(dana)
    db_session.commit()
    wrong = password_step(new_client(), dana.email, "not it", expect=200)
    unknown = password_step(new_client(), UNKNOWN, "not it", expect=200)
    assert as_seen_from_outside(wrong, dana.email) == as_seen_from_outside(unknown, UNKNOWN)

    response = password_step(new_client(), dana.email, expect=403)
    page = text_of(response.page)
    assert "Your account is locked" in page
    assert "ask an administrator of your school: Alice Tester" in page
    # A council user is sent to a council admin; one of several schools with no admin of
    # them all, to the council.
    for user, whom in (
        (world.carol, "ask the council: a council admin of the portal can unlock it"),
        (world.nina, "ask the council"),
    ):
        person = fresh_user(db_session, user)
        person.is_locked = True
        db_session.commit()
        assert whom in text_of(password_step(new_client(), user.email, expect=403).page)
    officer = fresh_user(db_session, world.nina)
    officer.memberships = []
    officer.council_role = "officer"
    db_session.commit()
    page = text_of(password_step(new_client(), world.nina.email, expect=403).page)
    assert "ask a council admin of the portal" in page
    refusals = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "sign_in_refused", AuditEvent.user_id == dana.id
        )
    ).all()
    assert [event.detail["why"] for event in refusals] == ["locked"]


def test_replaying_an_older_cookie_does_not_give_authenticator_codes_more_tries(
    app, world, new_client, db_session, moving_clock
):
    alice = fresh_user(db_session, world.alice)
    alice.totp_secret = pyotp.random_base32()
    db_session.commit()
    portal = new_client()
    password_step(portal, world.alice.email, expect=302)
    before_the_tries = portal.client.get_cookie("session").value
    for _ in range(4):
        page = text_of(code_step(portal, "000000", expect=200).page)
        assert "The code is not correct" in page
    assert "Too many wrong codes: sign in again" in text_of(
        code_step(portal, "000000", expect=200).page
    )
    moving_clock.advance(minutes=1, seconds=1)  # past the account's wait
    portal.client.set_cookie("session", before_the_tries)
    right = pyotp.TOTP(alice.totp_secret).at(clock.now())
    response = code_step(portal, right, expect=200)
    assert "Too many wrong codes: sign in again" in text_of(response.page)
    assert portal.client.get("/my-cases").status_code == 302  # not signed in
    # A new sign-in attempt gets its own 5 tries.
    moving_clock.advance(minutes=2, seconds=1)
    again = new_client()
    password_step(again, world.alice.email, expect=302)
    code_step(again, pyotp.TOTP(alice.totp_secret).at(clock.now()), expect=302)


def test_an_untrusted_sign_in_reads_the_addresss_failures_once(app, world, new_client):
    """An untrusted client's password step read the address's row of failures for its wait,
    then again for its hard lock: one locked read gives both (throttle.standing_in_turn)."""
    reads = []

    def failures_read(state):
        if state.is_select and SignInFailures.__table__ in state.statement.get_final_froms():
            reads.append(state.statement)

    portal = new_client()
    portal.get("/sign-in")
    sessions = app.extensions["db_sessions"]
    sa_event.listen(sessions, "do_orm_execute", failures_read)
    try:
        portal.post("/sign-in", {"email": world.alice.email, "password": PASSWORD}, expect=302)
    finally:
        sa_event.remove(sessions, "do_orm_execute", failures_read)
    assert len(reads) == 1
