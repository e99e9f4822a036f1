"""Signing in with an emailed code, as SECURITY-CHECKLIST.md asks (items 4-6, 12-18, 23)."""

import hmac
import re
import secrets
import threading
import warnings
from types import SimpleNamespace
from urllib.parse import quote, unquote

import pyotp
import pytest
from sqlalchemy import select, text

from tests.webapp.conftest import PASSWORD, PortalClient, latest_code, text_of
from tests.webapp.helpers import fresh_user, mails
from tests.webapp.test_concurrency import meeting, run_together
from webapp.areas.auth import codes
from webapp.infra.database import db
from webapp.models import AuditEvent, LoginCode, Membership, OutboxMessage, User


def password_step(portal, email, password=PASSWORD, expect=302):
    portal.get("/sign-in")
    return portal.post("/sign-in", {"email": email, "password": password}, expect=expect)


def code_step(portal, code, expect=302):
    portal.get("/sign-in/code")
    return portal.post("/sign-in/code", {"code": code}, expect=expect)


def test_sign_in_sends_a_code_that_signs_in_once(app, world, new_client, db_session):
    portal = new_client()
    response = password_step(portal, world.alice.email)
    assert response.headers["Location"].endswith("/sign-in/code")
    page = text_of(portal.get("/sign-in/code").page)
    assert "Check your email" in page and world.alice.email in page
    code = latest_code(app, world.alice.email)
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "sign_in_code"))
    assert mail.to_address == world.alice.email and code in mail.body
    stored = db_session.scalar(select(LoginCode))
    assert code not in (stored.code_hash, stored.attempt_hash)  # kept hashed
    code_step(portal, code)
    assert portal.client.get("/").status_code == 200
    # The same code again, from a new sign-in attempt: refused.
    again = new_client()
    password_step(again, world.alice.email)
    response = code_step(again, code, expect=200)
    assert "The code is not correct" in text_of(response.page)


def test_a_code_from_one_browser_does_not_work_in_another(app, world, new_client):
    first, second = new_client(), new_client()
    password_step(first, world.alice.email)
    code = latest_code(app, world.alice.email)
    password_step(second, world.alice.email)  # a second attempt, a second code
    response = code_step(second, code, expect=200)
    assert "The code is not correct" in text_of(response.page)
    # A browser that never gave the password has no attempt at all.
    stranger = new_client()
    assert stranger.client.get("/sign-in/code").headers["Location"].endswith("/sign-in")


def test_a_code_expires_after_five_minutes(app, world, new_client, moving_clock):
    portal = new_client()
    password_step(portal, world.alice.email)
    code = latest_code(app, world.alice.email)
    moving_clock.advance(minutes=5, seconds=1)
    response = code_step(portal, code, expect=200)
    assert "The code has expired: send a new one" in text_of(response.page)


def test_a_code_dies_after_five_wrong_tries(app, world, new_client, moving_clock):
    portal = new_client()
    password_step(portal, world.alice.email)
    code = latest_code(app, world.alice.email)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert "The code is not correct" in text_of(code_step(portal, wrong, expect=200).page)
    assert "can no longer be used" in text_of(code_step(portal, wrong, expect=200).page)
    # Five failures in a row: the account waits a minute before anything is checked ...
    page = text_of(code_step(portal, code, expect=200).page)
    assert "too many wrong attempts. Wait 1 minute, then enter the code or send a new one" in page
    # ... and after it the code is still dead.
    moving_clock.advance(minutes=1, seconds=1)
    assert "can no longer be used" in text_of(code_step(portal, code, expect=200).page)


def test_wrong_codes_sent_at_the_same_moment_still_get_five_tries_in_all(
    app, world, new_client, db_session, monkeypatch
):
    """Attack: with the password, send ten guesses of the code at once from copies of the
    same cookie. Each guess read the code's tries before any was written, so all ten were
    compared (and the count ended at 1): a burst got a code as many guesses as it liked."""
    portal = new_client()
    password_step(portal, world.alice.email)
    code = latest_code(app, world.alice.email)
    wrong = [f"{n:06d}" for n in range(10) if f"{n:06d}" != code]
    portal.get("/sign-in/code")
    cookie, token = portal.client.get_cookie("session").value, portal.csrf_token
    compared = []
    compare_digest = meeting(len(wrong), hmac.compare_digest, compared)
    monkeypatch.setattr(codes, "hmac", SimpleNamespace(compare_digest=compare_digest))

    def guess(index):
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        return browser.post("/sign-in/code", data={"code": wrong[index], "csrf_token": token})

    responses = run_together(len(wrong), guess)
    assert all(r.status_code == 200 for r in responses)
    assert len(compared) == 5
    assert db_session.scalar(select(LoginCode.wrong_tries)) == 5


def test_codes_asked_for_at_the_same_moment_are_still_five_in_15_minutes(
    world, new_client, db_session, monkeypatch
):
    """Attack: with the password, sign in from ten browsers at once. Each counted the codes
    of the last 15 minutes before any was written, so all ten were emailed where five may
    be. Now the requests for one account take turns."""
    randbelow = meeting(10, secrets.randbelow)
    monkeypatch.setattr(
        codes, "secrets", SimpleNamespace(randbelow=randbelow, token_urlsafe=secrets.token_urlsafe)
    )
    portals = [new_client() for _ in range(10)]
    for portal in portals:
        portal.get("/sign-in")
    data = {"email": world.alice.email, "password": PASSWORD}
    run_together(10, lambda i: portals[i].post("/sign-in", data, expect=302))
    assert len(mails(db_session, world.alice.email, "sign_in_code")) == 5


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: one writer
def test_a_code_sent_while_a_new_one_is_asked_for_is_answered_not_deadlocked(
    app, world, new_client, monkeypatch
):
    """Found in a review: a code being checked had taken a try on the code's row, when "Send
    the code again" from the same page locked the account's row and waited for the code's.
    The check then wrote its audit row (or the sign-in), which waits on the account's row:
    each waited for the other, and PostgreSQL failed one of them (a 500). Both touch the
    account's row first now."""
    portal = new_client()
    password_step(portal, world.alice.email)
    portal.get("/sign-in/code")
    cookie, token = portal.client.get_cookie("session").value, portal.csrf_token
    wrong = "000000" if latest_code(app, world.alice.email) != "000000" else "111111"
    try_taken, user_locked = threading.Event(), threading.Event()
    now = codes.clock.now

    def compare_digest(a, b):  # the check has taken its try: let the new code be asked for
        try_taken.set()
        user_locked.wait(timeout=2)
        return hmac.compare_digest(a, b)

    def clock_now():
        if threading.current_thread().name == "resend":  # issue_code, past its lock
            user_locked.set()
        return now()

    monkeypatch.setattr(codes, "hmac", SimpleNamespace(compare_digest=compare_digest))
    monkeypatch.setattr(codes, "clock", SimpleNamespace(now=clock_now, aware=codes.clock.aware))
    responses = {}

    def browser(name, path, data):
        def send():
            client = app.test_client()
            client.set_cookie("session", cookie)
            responses[name] = client.post(path, data={**data, "csrf_token": token})

        return threading.Thread(target=send, name=name)

    check = browser("check", "/sign-in/code", {"code": wrong})
    resend = browser("resend", "/sign-in/code/resend", {})
    check.start()
    assert try_taken.wait(timeout=10)
    resend.start()
    for thread in (check, resend):
        thread.join(timeout=30)
    assert responses["check"].status_code == 200
    assert "The code is not correct" in responses["check"].get_data(as_text=True)
    assert responses["resend"].status_code == 302


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: one writer
@pytest.mark.parametrize("step", ["issue", "check"])
def test_a_code_being_sent_or_checked_does_not_hold_up_rows_that_name_the_account(
    app, world, db_session, step
):
    """Sending or checking a code locks the account's row until it ends. Locked FOR UPDATE, it
    also held up every row written meanwhile that names the account (its membership of a
    school added by an admin, a stranger's failure in the audit trail): FOR NO KEY UPDATE, as
    accounts.hold, lets them through; only the account's own changes take turns."""
    with app.app_context():
        session = db()
        user = session.get(User, world.alice.id)
        attempt = codes.new_attempt_token()
        code = codes.issue_code(session, user, attempt)
        session.commit()
        if step == "issue":
            codes.issue_code(session, user, attempt)  # under way, its lock held
        else:
            codes.check_code(session, user, attempt, code)
        try:
            db_session.execute(text("set lock_timeout = '2s'"))
            db_session.add(Membership(user_id=world.alice.id, school_id=world.school_b.id))
            db_session.commit()  # not kept waiting for the code to be sent or checked
        finally:
            session.rollback()
    assert world.school_b.id in fresh_user(db_session, world.alice).school_ids


def test_send_the_code_again_replaces_the_code_and_is_limited(app, world, new_client):
    portal = new_client()
    password_step(portal, world.alice.email)
    first = latest_code(app, world.alice.email)
    portal.get("/sign-in/code")
    portal.post("/sign-in/code/resend", {}, expect=302)
    second = latest_code(app, world.alice.email)
    if first != second:
        assert "from an earlier email" in text_of(code_step(portal, first, expect=200).page) or (
            "can no longer" in text_of(portal.get("/sign-in/code").page)
        )
    for _ in range(3):
        portal.get("/sign-in/code")
        portal.post("/sign-in/code/resend", {}, expect=302)
    portal.get("/sign-in/code")
    portal.post("/sign-in/code/resend", {}, expect=302)  # the 6th in 15 minutes
    page = text_of(portal.get("/sign-in/code").page)
    assert "We have not sent a new code: you have asked for too many codes" in page
    code_step(portal, latest_code(app, world.alice.email))  # the last code still works


def test_a_code_from_an_earlier_email_says_to_use_the_latest(app, world, new_client, db_session):
    """Found by trying it as a new user: the first email came late, "Send the code again"
    sent another, and the code of the first one (both in the inbox) was "not correct: check
    the email", when the email held exactly that code. It now says which email to read; it
    is still a wrong try, counted as one."""
    portal = new_client()
    password_step(portal, world.alice.email)
    first = latest_code(app, world.alice.email)
    portal.get("/sign-in/code")
    portal.post("/sign-in/code/resend", {}, expect=302)
    second = latest_code(app, world.alice.email)
    if first == second:  # one chance in a million: the new code is the old one
        return
    said = text_of(code_step(portal, first, expect=200).page)
    assert (
        "That code is from an earlier email and no longer works: enter the code from the "
        "latest email we sent" in said
    )
    wrong = f"{(int(second) + 1) % 1_000_000:06d}"
    if wrong != first:
        assert "The code is not correct" in text_of(code_step(portal, wrong, expect=200).page)
    tries = db_session.scalars(
        select(LoginCode.wrong_tries).where(LoginCode.user_id == world.alice.id)
    ).all()
    assert max(tries) == (2 if wrong != first else 1)  # on the live code, as any wrong try
    code_step(portal, second)  # the latest still signs in


def test_a_sign_in_past_the_code_limit_says_no_code_was_sent(app, world, new_client, db_session):
    """A reviewer's 6th right password in 15 minutes landed on "We have sent a code" though
    none was sent: the page now says that no code was sent, why, and when to try again."""
    for _ in range(5):
        password_step(new_client(), world.alice.email)
    sent = len(mails(db_session, world.alice.email, "sign_in_code"))
    assert sent == 5
    portal = new_client()
    response = password_step(portal, world.alice.email)
    assert response.headers["Location"] == "/sign-in"
    page = text_of(portal.get("/sign-in").page)
    assert (
        "We have not sent a new code: you have asked for too many codes. Wait 15 minutes, then "
        "sign in again." in page
    )
    assert len(mails(db_session, world.alice.email, "sign_in_code")) == sent
    # Nothing waits for a code in this browser: the code page sends it back to sign in.
    assert portal.get("/sign-in/code", expect=302).headers["Location"] == "/sign-in"
    # A wrong password still gets the page everyone gets: the limit is not told to strangers.
    stranger = new_client()
    page = text_of(password_step(stranger, world.alice.email, "not the password", 200).page)
    assert "too many codes" not in page


def page_without_token(response) -> str:
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def test_unknown_locked_and_wrong_password_sign_ins_look_the_same(world, new_client, db_session):
    bob = fresh_user(db_session, world.bob)
    bob.is_locked = True
    db_session.commit()
    answers = [
        password_step(new_client(), email, password, expect=200)
        for email, password in (
            ("nobody@nowhere.example.org", PASSWORD),
            (world.carol.email, "not the password"),
            (world.bob.email, "not the password either"),  # locked: only the right one tells
        )
    ]
    bodies = {
        page_without_token(r)
        .replace("nobody@nowhere.example.org", "EMAIL")
        .replace(world.carol.email, "EMAIL")
        .replace(world.bob.email, "EMAIL")
        for r in answers
    }
    assert len(bodies) == 1
    assert {r.status_code for r in answers} == {200}


def test_a_generated_password_unused_for_seven_days_no_longer_works(
    world, new_client, db_session, moving_clock
):
    from webapp.infra import clock

    carol = fresh_user(db_session, world.carol)
    carol.password_generated_at = clock.now()
    db_session.commit()
    moving_clock.advance(days=7, minutes=1)
    response = password_step(new_client(), world.carol.email, expect=403)
    assert "The password we sent you has expired" in text_of(response.page)  # no code sent


def test_next_only_ever_leads_to_a_page_of_the_portal(app, world, new_client):
    for target, lands in (
        ("https://elsewhere.example.com/", "/"),
        ("//elsewhere.example.com", "/"),
        ("/\\elsewhere.example.com", "/"),
        # A new line in it broke the redirect after the code (a 500, the code used up and
        # nobody signed in): a link that stopped every sign-in through it.
        ("/my-cases%0D%0ASet-Cookie:%20x=y", "/"),
        ("/my-cases", "/my-cases"),
    ):
        portal = new_client()
        portal.get("/sign-in")
        portal.post(
            f"/sign-in?next={target}",
            {"email": world.alice.email, "password": PASSWORD},
            expect=302,
        )
        response = code_step(portal, latest_code(app, world.alice.email))
        assert response.headers["Location"] == lands, target


BROWSERS_KEEP = 4093  # bytes of a cookie (Werkzeug's max_cookie_size): browsers drop longer


def test_a_next_too_long_for_the_session_cookie_still_signs_in(app, world, new_client):
    """A sign-in link whose `next` is a few thousand characters (a link anyone can send)
    made the session cookie that carries the half-finished sign-in 4.5 KB: a browser drops
    it, so after the password the code page said "Sign in again: the time to enter a code
    ran out", every time, with a code emailed and spent each time (found by attack6)."""
    target = "/my-cases?q=" + secrets.token_urlsafe(3200)
    landed = _signed_in_by_link(app, world, new_client, f"/sign-in?next={target}")
    assert landed.headers["Location"] == "/"  # too long to be a page of the portal's


def _signed_in_by_link(app, world, new_client, link: str):
    """Alice signs in from `link`: the session cookie stays one browsers keep; the response
    to her code."""
    portal = new_client()
    portal.get("/sign-in")
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        response = portal.post(link, {"email": world.alice.email, "password": PASSWORD}, expect=302)
    cookies = response.headers.getlist("Set-Cookie")
    assert max(len(cookie) for cookie in cookies) <= BROWSERS_KEEP
    assert not [str(w.message) for w in warned if "too large" in str(w.message)]
    return code_step(portal, latest_code(app, world.alice.email))


def test_a_next_of_other_alphabets_too_long_for_the_session_cookie_still_signs_in(
    app, world, new_client
):
    """The bound on `next` counted characters, and the cookie's JSON writes each letter
    outside ASCII as \\uXXXX, two of them past U+FFFF: 988 Chinese characters (a link anyone
    can send, percent-encoded as any browser sends it) passed it and made the cookie 5 KB, so
    sign-in was again impossible, a code emailed and spent each try (found by review20)."""
    letters = "".join(chr(0x20000 + (n * 7919) % 0xA6DF) for n in range(988))
    link = "/sign-in?next=" + quote(f"/my-cases?q={letters}")
    assert _signed_in_by_link(app, world, new_client, link).headers["Location"] == "/"


def test_a_next_with_a_few_letters_outside_ascii_is_kept(app, world, new_client):
    target = "/caseviewer?q=Zoë+Łukasz"
    portal = new_client()
    portal.get("/sign-in")
    portal.post(
        "/sign-in?next=" + quote(target, safe="/?="),
        {"email": world.alice.email, "password": PASSWORD},
        expect=302,
    )
    landed = code_step(portal, latest_code(app, world.alice.email))
    assert unquote(landed.headers["Location"]) == target


def test_every_post_needs_the_csrf_token(world, new_client, sign_in):
    portal = new_client()
    portal.get("/sign-in")
    response = portal.post(
        "/sign-in", {"email": world.alice.email, "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    signed_in = sign_in(world.alice)
    for path in ("/sign-out", "/account/password", "/submit-case/part-time-timetable", "/feedback"):
        assert signed_in.post(path, {}, csrf=False).status_code == 400, path


def test_nothing_from_before_sign_in_survives(app, world, new_client):
    portal = new_client()
    with portal.client.session_transaction() as before:
        before["planted"] = "by someone else"
    portal.sign_in(world.alice)
    with portal.client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"].startswith(f"{world.alice.id}:")


def test_sign_out_ends_the_users_other_sessions(world, sign_in):
    laptop, phone = sign_in(world.alice), sign_in(world.alice)
    laptop.get("/sign-out")
    laptop.post("/sign-out", {}, expect=302)
    assert "/sign-in" in phone.client.get("/my-cases").headers["Location"]


def test_the_session_ends_after_30_idle_minutes_and_after_12_hours(world, sign_in, moving_clock):
    portal = sign_in(world.alice)
    moving_clock.advance(minutes=29)
    assert portal.client.get("/my-cases").status_code == 200
    moving_clock.advance(minutes=29)  # active 29 minutes ago: still in
    assert portal.client.get("/my-cases").status_code == 200
    moving_clock.advance(minutes=31)
    response = portal.client.get("/my-cases")
    assert "/sign-in" in response.headers["Location"]
    assert "inactive for 30 minutes" in text_of(portal.get("/sign-in").page)

    busy = sign_in(world.alice)
    for _ in range(25):  # active every half hour, for 12.5 hours
        moving_clock.advance(minutes=29, seconds=59)
        response = busy.client.get("/my-cases")
    assert "/sign-in" in response.headers["Location"]
    assert "signed in for 12 hours" in text_of(busy.get("/sign-in").page)


def test_the_session_limits_and_the_words_for_them_follow_the_settings(
    app, world, sign_in, moving_clock
):
    app.config.update(SESSION_IDLE_SECONDS=10 * 60, SESSION_ABSOLUTE_SECONDS=2 * 60 * 60)
    portal = sign_in(world.alice)
    moving_clock.advance(minutes=9)
    assert portal.client.get("/my-cases").status_code == 200
    moving_clock.advance(minutes=11)
    assert "/sign-in" in portal.client.get("/my-cases").headers["Location"]
    assert "inactive for 10 minutes" in text_of(portal.get("/sign-in").page)

    busy = sign_in(world.alice)
    for _ in range(13):  # active every 10 minutes, for a little over 2 hours
        moving_clock.advance(minutes=9, seconds=59)
        response = busy.client.get("/my-cases")
    assert "/sign-in" in response.headers["Location"]
    assert "signed in for 2 hours" in text_of(busy.get("/sign-in").page)


def test_cookies_are_secure_http_only_and_same_site(app, world, new_client):
    app.config["SESSION_COOKIE_SECURE"] = True
    portal = new_client()
    response = portal.client.get("/sign-in", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_password_code_or_answer_reaches_the_logs_or_the_audit_trail(
    app, world, new_client, db_session, caplog
):
    caplog.set_level("DEBUG")
    portal = new_client()
    password_step(portal, world.alice.email, "a wrong password here", expect=200)
    password_step(portal, world.alice.email)
    code = latest_code(app, world.alice.email)
    code_step(portal, "999999" if code != "999999" else "888888", expect=200)
    code_step(portal, code)
    portal.get("/account/security-question/change")
    portal.post(
        "/account/security-question/change",
        {"question": "birth_town", "answer": "Market Harborough", "current": PASSWORD},
        expect=302,
    )
    details = " ".join(str(e.detail) for e in db_session.scalars(select(AuditEvent)))
    for secret in (
        PASSWORD,
        "a wrong password here",
        code,
        "Market Harborough",
        "market harborough",
    ):
        assert secret not in caplog.text, secret
        assert secret not in details, secret
    actions = {e.action for e in db_session.scalars(select(AuditEvent))}
    assert {
        "sign_in_failed",
        "sign_in_code_sent",
        "signed_in",
        "security_question_changed",
    } <= actions


def test_with_the_mail_server_down_the_code_waits_and_arrives_when_it_is_back(
    app, world, new_client, smtp_server, moving_clock
):
    smtp_server.stop()
    portal = new_client()
    password_step(portal, world.alice.email)  # the user's action succeeds all the same
    assert smtp_server.deliver().failed == 1
    smtp_server.start()
    moving_clock.advance(seconds=31)  # the first retry is due after 30 seconds
    assert smtp_server.deliver().sent == 1
    mail = smtp_server.to(world.alice.email)[-1]
    code = re.search(r"\b(\d{6})\b", mail.subject).group(1)
    code_step(portal, code)
    assert portal.client.get("/my-cases").status_code == 200


def test_a_change_rolled_back_sends_nothing(app, world, smtp_server, db_session):
    from webapp.infra.mail import queue_mail

    with app.test_request_context():
        queue_mail(
            db_session, "password_changed", world.alice.email, "password_changed", user=world.alice
        )
        db_session.rollback()
    assert smtp_server.deliver().attempted == 0
    assert smtp_server.messages == []


def test_behind_a_trusted_proxy_the_audit_trail_records_the_clients_address(
    app, world, database_url, db_session
):
    from webapp import create_app

    proxied = create_app({**app.config, "PORTAL_TRUSTED_PROXIES": 1})
    portal = PortalClient(proxied.test_client(), proxied)
    headers = {"X-Forwarded-For": "203.0.113.7"}
    portal.client.get("/sign-in", headers=headers)
    portal.get("/sign-in")
    portal.client.post(
        "/sign-in",
        headers=headers,
        data={"email": world.alice.email, "password": "wrong one", "csrf_token": portal.csrf_token},
    )
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
    assert event.ip == "203.0.113.7"
    proxied.extensions["db_engine"].dispose()


def test_the_code_page_after_signing_in_leads_home_without_saying_time_ran_out(world, sign_in):
    """Back (or a bookmark) to the code page once signed in showed Home under "Sign in again:
    the time to enter a code ran out", to someone signed in with nothing to do again."""
    portal = sign_in(world.alice)
    response = portal.client.get("/sign-in/code")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = text_of(portal.get("/").page)
    assert "ran out" not in home and "Sign in again" not in home


@pytest.mark.parametrize(
    "typed",
    ["{0}-{1}", "{0} {1}", " {0} - {1} ", "{0}\u00a0{1}", "{0}\u2013{1}"],
    ids=["dash", "space", "spaced dash", "non-breaking space", "en dash"],
)
def test_a_code_typed_with_spaces_or_a_dash_signs_in(app, world, new_client, typed):
    # GOV.UK's guidance: let people type a code as it reads to them ("123 456", "123-456").
    portal = new_client()
    password_step(portal, world.alice.email)
    code = latest_code(app, world.alice.email)
    code_step(portal, typed.format(code[:3], code[3:]))
    assert portal.client.get("/my-cases").status_code == 200


def test_the_code_checks_themselves_ignore_spaces_and_dashes(app, world, db_session):
    # Where codes are checked, not only in the web form: any caller gets the same answer.
    user = db_session.get(User, world.alice.id)
    attempt = codes.new_attempt_token()
    with app.app_context():  # the keyed hash's key
        code = codes.issue_code(db_session, user, attempt)
        accepted = codes.check_code(db_session, user, attempt, f"{code[:3]}-{code[3:]}")
    assert accepted is codes.CodeCheck.ACCEPTED
    user.totp_secret = pyotp.random_base32()
    app_code = pyotp.TOTP(user.totp_secret).now()
    assert codes.app_code_step(user, f"{app_code[:3]} - {app_code[3:]}") is not None
    assert codes.app_code_step(user, f"{app_code[:3]}+{app_code[3:]}") is None  # not a separator


def test_an_authenticator_code_typed_with_a_dash_signs_in(world, new_client, db_session):
    secret = pyotp.random_base32()
    db_session.get(User, world.alice.id).totp_secret = secret
    db_session.commit()
    portal = new_client()
    password_step(portal, world.alice.email)
    code = pyotp.TOTP(secret).now()
    code_step(portal, f"{code[:3]}-{code[3:]}")
    assert portal.client.get("/my-cases").status_code == 200
