"""Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"; SECURITY-
CHECKLIST 5 and 6): a stranger's wrong guesses at a head teacher's address no longer keep
the head teacher out. A browser that completed a sign-in is trusted with the account: the
waits and the hard lock that strangers cause do not hold it back, its own failures count on
it alone (10 end its trust), and a password change or reset, or an admin's lock, ends it."""

from __future__ import annotations

import contextlib
import re
import threading

import pytest
from sqlalchemy import func, select

from tests.webapp.conftest import (
    ANSWER,
    BASE_URL,
    PASSWORD,
    RELAXED_LIMITS,
    PortalClient,
    latest_code,
    portal_app,
    text_of,
)
from tests.webapp.helpers import fresh, fresh_user
from tests.webapp.test_account_journeys import NEW_PASSWORD, at_the_question, mails
from tests.webapp.test_concurrency import meeting, run_together
from tests.webapp.test_throttling import (
    UNKNOWN,
    as_seen_from_outside,
    code_step,
    password_step,
    wrong_code,
)
from webapp.areas.auth import codes, device_cookie, services
from webapp.domain import accounts, passwords, trusted_devices
from webapp.models import AuditEvent, TrustedDevice, User

WAIT = "There have been too many attempts to sign in with this email address. Wait"
HARD_LOCKED = "It cannot be used on this browser until its password is changed"


def trusted_browser(new_client, user) -> PortalClient:
    """A browser on which the user signed in (password and code), then signed out."""
    portal = new_client()
    portal.sign_in(user)
    portal.get("/sign-out")
    portal.post("/sign-out", expect=302)
    return portal


def strangers_guess(new_client, email, times=5) -> None:
    """Wrong passwords from browsers of a stranger: after 5 the address waits."""
    for guess in range(times):
        password_step(new_client(), email, f"a guess {guess}", expect=200)


def devices(db_session, user) -> int:
    return fresh(db_session).scalar(
        select(func.count()).select_from(TrustedDevice).where(TrustedDevice.user_id == user.id)
    )


def test_a_strangers_guesses_do_not_keep_a_head_teacher_out(
    world, new_client, db_session, moving_clock
):
    """The trial's attack: guesses at the address, an hour apart, made every attempt there
    wait and reached the hard lock: even the right password was not looked at. Now the
    browser the head teacher signs in on is not held back by them."""
    own = trusted_browser(new_client, world.alice)
    for guess in range(50):  # to the hard lock of untrusted browsers, waiting out each wait
        password_step(new_client(), world.alice.email, f"guess {guess}", expect=200)
        moving_clock.advance(hours=1, seconds=1)
    page = text_of(password_step(new_client(), world.alice.email, expect=200).page)
    assert HARD_LOCKED in page

    own.sign_in(world.alice)
    assert own.client.get("/my-cases").status_code == 200
    # The password confirming a change is checked too, not refused for the strangers' wait.
    own.get("/account/security-question/change")
    own.post(
        "/account/security-question/change",
        {"question": "birth_town", "answer": "Market Harborough", "current": PASSWORD},
        expect=302,
    )
    # Signing in there forgave none of the strangers' failures: another browser is still out.
    assert HARD_LOCKED in text_of(password_step(new_client(), world.alice.email).page)


def test_a_trusted_browser_answers_its_security_question_while_strangers_wait(
    world, new_client, db_session
):
    own = trusted_browser(new_client, world.bob)
    strangers_guess(new_client, world.bob.email)
    at_the_question(own, db_session, world.bob.email)
    own.post("/reset-password/question", {"answer": ANSWER}, expect=302)
    # A browser that never signed in is refused unchecked, as before.
    other = new_client()
    at_the_question(other, db_session, world.bob.email)
    response = other.post("/reset-password/question", {"answer": ANSWER}, expect=200)
    assert "too many wrong attempts. Wait 1 minute, then answer" in text_of(response.page)


def test_a_trusted_browsers_own_failures_end_its_trust(
    app, world, new_client, db_session, moving_clock
):
    """A cookie stolen from the head teacher's browser gives 10 guesses (passwords and codes
    together), counted on that browser alone; then it is a stranger's again."""
    own = trusted_browser(new_client, world.bob)
    strangers_guess(new_client, world.bob.email)  # the address waits
    for guess in range(9):
        response = password_step(own, world.bob.email, f"guess {guess}", expect=200)
        assert "Enter a correct email address and password" in text_of(response.page)
    password_step(own, world.bob.email, expect=302)
    assert "The code is not correct" in text_of(
        code_step(own, wrong_code(app, world.bob.email), expect=200).page
    )  # the 10th failure on this browser
    assert devices(db_session, world.bob) == 0
    [ended] = fresh(db_session).scalars(
        select(AuditEvent).where(AuditEvent.action == "trusted_device_ended")
    )
    assert ended.user_id == world.bob.id and ended.detail["why"] == "10 failures"
    # Now it waits with the strangers, even with the right password ...
    assert WAIT in text_of(password_step(own, world.bob.email, expect=200).page)
    # ... and its 10 failures were not the strangers': the address's sixth failure waits 2
    # minutes, as the sixth of its own.
    moving_clock.advance(minutes=1, seconds=1)
    response = password_step(new_client(), world.bob.email, "a sixth guess", expect=200)
    assert "Wait 2 minutes, then try again" in text_of(response.page)


def test_a_forged_replaced_or_other_accounts_cookie_gives_no_relief(world, new_client, db_session):
    own = trusted_browser(new_client, world.bob)
    stolen = own.client.get_cookie(device_cookie.NAME).value
    own.sign_in(world.bob)  # signing in again gives the browser a new token
    assert own.client.get_cookie(device_cookie.NAME).value != stolen
    alices = trusted_browser(new_client, world.alice).client.get_cookie(device_cookie.NAME).value
    strangers_guess(new_client, world.bob.email)
    strangers_guess(new_client, UNKNOWN)
    forged = "A" * 43
    for value in (stolen, alices, forged, f"{alices}.{forged}"):
        thief = new_client()
        thief.client.set_cookie(device_cookie.NAME, value)
        assert WAIT in text_of(password_step(thief, world.bob.email, expect=200).page)
        # Nothing tells an unknown address from a known one, whatever the cookie says.
        with_cookie = password_step(thief, UNKNOWN, "a guess", expect=200)
        without = password_step(new_client(), UNKNOWN, "a guess", expect=200)
        assert as_seen_from_outside(with_cookie, UNKNOWN) == as_seen_from_outside(without, UNKNOWN)
    # Alice's own cookie is still hers: her account's attempts from it are not held back.
    strangers_guess(new_client, world.alice.email)
    hers = new_client()
    hers.client.set_cookie(device_cookie.NAME, alices)
    hers.sign_in(world.alice)


def _change_password_on_the_page(app, db_session, world, portal) -> str:
    portal.sign_in(world.bob)
    portal.get("/account/password")
    data = {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    portal.post("/account/password", data, expect=302)
    return NEW_PASSWORD


def _reset_forgotten_password(app, db_session, world, portal) -> str:
    at_the_question(portal, db_session, world.bob.email)
    portal.post("/reset-password/question", {"answer": ANSWER}, expect=302)
    portal.get("/reset-password/new-password")
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    portal.post("/reset-password/new-password", data, expect=302)
    return NEW_PASSWORD


def _locked_and_unlocked_by_an_admin(app, db_session, world, portal) -> str:
    with app.test_request_context():
        bob, alice = fresh_user(db_session, world.bob), fresh_user(db_session, world.alice)
        accounts.lock(db_session, bob, actor=alice)
        accounts.unlock(db_session, bob, actor=alice)
        db_session.commit()
    return PASSWORD


def _reset_by_an_admin(app, db_session, world, portal) -> str:
    with app.test_request_context():
        bob, alice = fresh_user(db_session, world.bob), fresh_user(db_session, world.alice)
        accounts.reset_password(db_session, bob, actor=alice)
        db_session.commit()
    body = mails(db_session, world.bob.email, "password_reset_by_admin")[-1].body
    return re.search(r"New password: (\S+)", body).group(1)


@pytest.mark.parametrize(
    "revoke",
    [
        _change_password_on_the_page,
        _reset_forgotten_password,
        _locked_and_unlocked_by_an_admin,
        _reset_by_an_admin,
    ],
)
def test_a_new_password_or_an_admins_lock_ends_the_accounts_trust(
    app, world, new_client, db_session, revoke
):
    own = trusted_browser(new_client, world.bob)
    other = trusted_browser(new_client, world.bob)
    assert devices(db_session, world.bob) == 2
    password = revoke(app, db_session, world, own)
    # Only a browser that changes the password while signed in stays trusted.
    changed_here = revoke is _change_password_on_the_page
    assert devices(db_session, world.bob) == (1 if changed_here else 0)
    own.client.delete_cookie("session")
    strangers_guess(new_client, world.bob.email)
    assert WAIT in text_of(password_step(other, world.bob.email, password).page)
    if changed_here:
        own.sign_in(world.bob, password)
    else:
        assert WAIT in text_of(password_step(own, world.bob.email, password).page)


def test_a_password_chosen_at_the_first_sign_in_keeps_the_browser_trusted(
    app, world, new_client, db_session
):
    dana = User(
        email="dana@a.example.org",
        first_name="Dana",
        last_name="Wells",
        password_hash=fresh_user(db_session, world.bob).password_hash,
        security_question="first_pet",
        password_generated_at=fresh_user(db_session, world.bob).created_at,
    )
    db_session.add(dana)
    db_session.commit()
    portal = new_client()
    response = portal.sign_in(dana.email)
    assert response.headers["Location"].endswith("/account/choose-password")
    portal.get("/account/choose-password")
    chosen = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    portal.post("/account/choose-password", chosen, expect=302)
    assert devices(db_session, dana) == 1
    portal.client.delete_cookie("session")
    strangers_guess(new_client, dana.email)
    portal.sign_in(dana.email, NEW_PASSWORD)


def test_an_account_keeps_its_five_newest_trusted_browsers(
    world, new_client, db_session, moving_clock
):
    browsers = []
    for _ in range(6):
        browsers.append(trusted_browser(new_client, world.carol))
        moving_clock.advance(minutes=15, seconds=1)  # at most 5 codes in 15 minutes
    assert devices(db_session, world.carol) == trusted_devices.DEVICES_KEPT == 5
    strangers_guess(new_client, world.carol.email)
    assert WAIT in text_of(password_step(browsers[0], world.carol.email).page)
    for browser in browsers[1:]:
        password_step(browser, world.carol.email, expect=302)


def test_people_sharing_a_browser_each_stay_trusted(world, new_client, db_session):
    shared = new_client()
    for user in (world.alice, world.bob):
        shared.sign_in(user)
        shared.get("/sign-out")
        shared.post("/sign-out", expect=302)
    assert len(shared.client.get_cookie(device_cookie.NAME).value.split(".")) == 2
    for user in (world.alice, world.bob):
        strangers_guess(new_client, user.email)
        shared.sign_in(user)
        shared.get("/sign-out")
        shared.post("/sign-out", expect=302)


def test_old_tokens_on_a_shared_browser_never_push_out_a_colleagues_trust(
    world, new_client, db_session, moving_clock
):
    """Bob signs in on the office computer; Alice signs in there five times, her trust ended
    in between each time (a password changed on her laptop). Her dead tokens used to fill the
    cookie's five places and push Bob's out: strangers' guesses then kept him out there."""
    shared = new_client()
    for round_ in range(6):
        shared.sign_in(world.bob if round_ == 0 else world.alice)
        shared.get("/sign-out")
        shared.post("/sign-out", expect=302)
        trusted_devices.revoke_all(db_session, fresh_user(db_session, world.alice))
        db_session.commit()
        moving_clock.advance(minutes=15, seconds=1)  # at most 5 codes in 15 minutes
    assert len(shared.client.get_cookie(device_cookie.NAME).value.split(".")) == 2
    strangers_guess(new_client, world.bob.email)
    password_step(shared, world.bob.email, expect=302)


@pytest.mark.parametrize("development", [False, True])
def test_the_device_cookie_is_http_only_lax_long_lived_and_secure_outside_development(
    database_url, world, db_session, development
):
    with portal_app(
        database_url, PORTAL_BASE_URL=BASE_URL, DEVELOPMENT=development, **RELAXED_LIMITS
    ) as app:
        portal = PortalClient(app.test_client(), app)
        # Over HTTPS, where a Secure session cookie comes back (and CSRF checks the referrer).
        https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/"}}
        portal.get("/sign-in", **https)
        data = {"email": world.nina.email, "password": PASSWORD}
        portal.post("/sign-in", data, expect=302, **https)
        portal.get("/sign-in/code", **https)
        code = {"code": latest_code(app, world.nina.email)}
        response = portal.post("/sign-in/code", code, expect=302, **https)
    [cookie] = [
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith(device_cookie.NAME + "=")
    ]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert f"Max-Age={365 * 24 * 3600}" in cookie
    assert ("Secure" in cookie) is not development
    # The cookie holds a random token; the server keeps only its keyed hash.
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 43
    stored = fresh(db_session).scalars(select(TrustedDevice.token_hash)).all()
    assert token not in stored and len(stored) == 1


def test_signing_in_on_a_trusted_browser_does_not_unlock_a_locked_account(
    world, new_client, db_session
):
    own = trusted_browser(new_client, world.bob)
    bob = fresh_user(db_session, world.bob)
    bob.is_locked = True  # an admin's lock, as before device cookies (nothing revoked)
    db_session.commit()
    assert "Your account is locked" in text_of(password_step(own, bob.email, expect=403).page)
    assert fresh(db_session).get(User, bob.id).is_locked


def test_guesses_sent_at_once_with_a_stolen_cookie_get_the_browsers_ten_and_no_more(
    world, new_client, monkeypatch
):
    """Attack: a stolen cookie, and twenty password guesses sent at once. Each takes its turn
    at the browser's row: ten are checked and end its trust, and the rest are a stranger's,
    who waits after five."""
    own = trusted_browser(new_client, world.bob)
    stolen = own.client.get_cookie(device_cookie.NAME).value
    checked = []
    monkeypatch.setattr(services, "check_password", meeting(20, passwords.check_password, checked))
    thieves = [new_client() for _ in range(20)]
    for thief in thieves:
        thief.client.set_cookie(device_cookie.NAME, stolen)
        thief.get("/sign-in")

    def guess(index):
        data = {"email": world.bob.email, "password": f"guess {index}"}
        return thieves[index].post("/sign-in", data, expect=200)

    pages = [text_of(response.page) for response in run_together(20, guess)]
    assert len(checked) == 10 + 5
    assert sum(WAIT in page for page in pages) == 20 - 10 - 4  # told at once from the fifth


def test_the_cookies_page_names_the_device_cookie(client):
    rows = [text_of(row) for row in client.get("/cookies").page.select("tbody tr")]
    assert len(rows) == 2
    assert rows[1].startswith(device_cookie.NAME) and "1 year after you last sign in" in rows[1]


def test_a_trusted_browser_and_strangers_sending_at_once_all_get_answers(
    world, new_client, monkeypatch
):
    """The trusted browser's attempts lock the account's row, and a stranger's failure writes
    an audit row naming the account while holding the address's row: had a cookie that trusts
    no one (forged here) locked the account's row too before waiting for the address's,
    PostgreSQL would have ended one of them as a deadlock (a 500)."""
    cookie = trusted_browser(new_client, world.bob).client.get_cookie(device_cookie.NAME).value
    browsers = [new_client() for _ in range(12)]
    for index, browser in enumerate(browsers):
        if index % 3:
            browser.client.set_cookie(device_cookie.NAME, cookie if index % 3 == 1 else "A" * 43)
        browser.get("/sign-in")
    monkeypatch.setattr(services, "check_password", meeting(12, passwords.check_password))

    def guess(index):
        data = {"email": world.bob.email, "password": f"guess {index}"}
        return browsers[index].post("/sign-in", data, expect=200)

    pages = [text_of(response.page) for response in run_together(12, guess)]
    trusted = pages[1::3]
    assert all("Enter a correct email address and password" in page for page in trusted)


def test_a_password_changed_while_a_code_is_entered_elsewhere_gives_both_an_answer(
    world, new_client, monkeypatch
):
    """Found by review: a code entered on a browser not trusted holds the address's row (its
    wait) and then locks the account's; a new password updated the account's row and then
    forgave the address's failures (its row): each waited for the other, and PostgreSQL ended
    one as a deadlock (a 500). A code entered now takes the account's row first, as a new
    password does."""
    own = new_client()
    own.sign_in(world.bob)  # about to change the password
    elsewhere = new_client()
    password_step(elsewhere, world.bob.email, expect=302)  # at the code step, not trusted
    gate = threading.Barrier(2, timeout=1)

    def meet():
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait()

    check_code, revoke_all = codes.check_code, trusted_devices.revoke_all

    def check_code_at_the_meeting(*args):
        meet()  # the address's row held
        return check_code(*args)

    def revoke_all_then_meet(session, user):
        revoke_all(session, user)
        meet()  # the account's row held, had the new password been written before

    monkeypatch.setattr(codes, "check_code", check_code_at_the_meeting)
    monkeypatch.setattr(trusted_devices, "revoke_all", revoke_all_then_meet)
    own.get("/account/password")
    elsewhere.get("/sign-in/code")

    def act(index):
        if index == 0:
            return elsewhere.post("/sign-in/code", {"code": "000000"}, expect=200)
        data = {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        return own.post("/account/password", data, expect=302)

    run_together(2, act)
    own.get("/account")  # still signed in, with the new password
