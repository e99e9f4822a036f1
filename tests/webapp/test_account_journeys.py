"""First sign-in, forgotten password, one's own account and the authenticator app."""

import re
from urllib.parse import quote

import pyotp
from sqlalchemy import select

from tests.webapp.conftest import ANSWER, PASSWORD, latest_code, staff, text_of
from tests.webapp.helpers import CHILD, mails, start
from tests.webapp.test_concurrency import meeting, run_together
from webapp.areas.auth import own_account, questions, recovery
from webapp.domain import accounts, passwords
from webapp.infra import clock
from webapp.models import AuditEvent, Case, User

NEW_PASSWORD = "plum jam on warm toast"


def onboarded(app, db_session, world, email="dana@a.example.org"):
    """A user created as an admin would: a generated password, emailed; no question yet."""
    with app.app_context():
        user = accounts.create_user(
            db_session,
            email=email,
            first_name="Dana",
            last_name="Wells",
            job_title="SENCO",
            schools={world.school_a: False},
        )
    db_session.commit()
    body = mails(db_session, email, "sign_up")[-1].body
    return user, re.search(r"Password: (\S+)", body).group(1)


def test_first_sign_in_asks_for_a_security_question_then_offers_a_new_password(
    app, world, new_client, db_session
):
    user, sent_password = onboarded(app, db_session, world)
    portal = new_client()
    portal.sign_in(user.email, sent_password)
    # Nothing else is open until a security question is chosen.
    assert portal.client.get("/my-cases").headers["Location"].endswith("/account/security-question")
    page = portal.get("/account/security-question").page
    assert "Choose a security question" in text_of(page)
    response = portal.post("/account/security-question", {"question": "first_pet"}, expect=200)
    assert "Enter your answer" in text_of(response.page)
    response = portal.post(
        "/account/security-question", {"question": "first_pet", "answer": "  Biscuit "}, expect=302
    )
    assert response.headers["Location"].endswith("/account/choose-password")
    # A common password is refused; then one of their own.
    portal.get("/account/choose-password")
    response = portal.post(
        "/account/choose-password", {"password": "password1", "confirm": "password1"}, expect=200
    )
    assert "Password is too common" in text_of(response.page)
    portal.post(
        "/account/choose-password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, expect=302
    )
    assert portal.client.get("/my-cases").status_code == 200
    assert mails(db_session, user.email, "password_changed")
    new_client().sign_in(user.email, NEW_PASSWORD)


def test_the_password_that_was_sent_may_be_kept(app, world, new_client, db_session):
    user, sent_password = onboarded(app, db_session, world)
    portal = new_client()
    portal.sign_in(user.email, sent_password)
    portal.get("/account/security-question")
    portal.post(
        "/account/security-question", {"question": "birth_town", "answer": "Leeds"}, expect=302
    )
    portal.get("/account/choose-password")
    portal.post("/account/choose-password", {"keep-submit": "1"}, expect=302)
    assert portal.client.get("/my-cases").status_code == 200
    new_client().sign_in(user.email, sent_password)


def test_the_first_sign_in_still_leads_to_the_page_asked_for(app, world, new_client, db_session):
    """Found by trying it: a new user who opened a link to a portal page (My cases, a case)
    signed in, chose a security question and a password, and landed on Home, the page they
    asked for forgotten; it now opens once those first steps are done."""
    user, sent_password = onboarded(app, db_session, world)
    portal = new_client()
    wanted = "/my-cases?status=Draft"
    signing_in = f"/sign-in?next={quote(wanted)}"
    portal.get(signing_in)
    portal.post(signing_in, {"email": user.email, "password": sent_password}, expect=302)
    portal.get("/sign-in/code")
    portal.post("/sign-in/code", {"code": latest_code(app, user.email)}, expect=302)
    portal.get("/account/security-question")
    answered = {"question": "first_pet", "answer": "Biscuit"}
    response = portal.post("/account/security-question", answered, expect=302)
    assert response.headers["Location"].endswith("/account/choose-password")
    portal.get("/account/choose-password")
    chosen = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = portal.post("/account/choose-password", chosen, expect=302)
    assert response.headers["Location"] == wanted


def ask_for_reset(portal, email):
    portal.get("/forgotten-password")
    return portal.post("/forgotten-password", {"email": email}, expect=200)


def reset_link(db_session, email):
    body = mails(db_session, email, "password_reset_link")[-1].body
    return re.search(r"(/reset-password/\S+)", body).group(1)


def at_the_question(portal, db_session, email) -> None:
    """Ask for a reset, follow the emailed link and open the security question."""
    ask_for_reset(portal, email)
    link = reset_link(db_session, email)
    portal.get(link)
    portal.post(link, {}, expect=302)
    portal.get("/reset-password/question")


def test_forgotten_password_by_link_and_question_then_a_normal_sign_in(
    app, world, new_client, db_session
):
    portal = new_client()
    known = ask_for_reset(portal, world.alice.email)
    unknown = ask_for_reset(new_client(), "nobody@nowhere.example.org")
    assert text_of(known.page) == text_of(unknown.page)
    assert "If the email address has an account" in text_of(known.page)
    link = reset_link(db_session, world.alice.email)
    # Opening the link (a mail scanner may) only shows a button; pressing it uses the link.
    assert "Reset your password" in text_of(portal.get(link).page)
    assert "Reset your password" in text_of(new_client().get(link).page)
    response = portal.post(link, {}, expect=302)
    assert response.headers["Location"].endswith("/reset-password/question")
    page = portal.get("/reset-password/question").page
    assert "What was the name of your first pet?" in text_of(page)
    response = portal.post("/reset-password/question", {"answer": "Fido"}, expect=200)
    assert "The answer is not correct" in text_of(response.page)
    assert "What was the name of your first pet?" in text_of(response.page)  # same question
    portal.post("/reset-password/question", {"answer": f"  {ANSWER.upper()} "}, expect=302)
    portal.get("/reset-password/new-password")
    response = portal.post(
        "/reset-password/new-password",
        {"password": NEW_PASSWORD, "confirm": "something else"},
        expect=200,
    )
    assert "The passwords do not match" in text_of(response.page)
    response = portal.post(
        "/reset-password/new-password",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        expect=302,
    )
    assert response.headers["Location"].endswith("/sign-in")
    # Not signed in by the reset: a normal sign-in, with a code, and the new password.
    assert "/sign-in" in portal.client.get("/my-cases").headers["Location"]
    portal.sign_in(world.alice.email, NEW_PASSWORD)
    assert mails(db_session, world.alice.email, "password_changed")
    # The link worked once.
    again = new_client().client.get(link)
    assert again.status_code == 404 and "The link does not work" in again.get_data(as_text=True)


def test_the_security_question_says_who_resets_a_password_when_the_answer_is_forgotten(
    world, new_client, db_session
):
    """A user who had forgotten their answer as well as their password was told only "The
    answer is not correct", five times, then to wait: nothing said there was another way.
    The question says who can email them a new password: their school administrator, or for
    council staff a council administrator."""
    portal = new_client()
    at_the_question(portal, db_session, world.alice.email)
    for page in (
        portal.get("/reset-password/question").page,
        portal.post("/reset-password/question", {"answer": "Fido"}, expect=200).page,
    ):
        assert (
            "If you cannot remember the answer, ask your school administrator to reset your "
            "password: we will email you a new one." in text_of(page)
        )
    officer = staff(db_session, "forgetful@council.example.org", "officer")
    council = new_client()
    at_the_question(council, db_session, officer.email)
    said = text_of(council.get("/reset-password/question").page)
    assert "ask a council administrator to reset your password" in said
    assert "school administrator" not in said


def test_a_reset_link_expires_after_an_hour(world, new_client, db_session, moving_clock):
    portal = new_client()
    ask_for_reset(portal, world.alice.email)
    link = reset_link(db_session, world.alice.email)
    moving_clock.advance(hours=1, seconds=1)
    assert portal.client.get(link).status_code == 404


def test_wrong_security_answers_count_with_the_other_failures(
    world, new_client, db_session, moving_clock
):
    for _ in range(3):  # wrong passwords first: they count together
        portal = new_client()
        portal.get("/sign-in")
        portal.post("/sign-in", {"email": world.bob.email, "password": "wrong"}, expect=200)
    portal = new_client()
    at_the_question(portal, db_session, world.bob.email)
    response = portal.post("/reset-password/question", {"answer": "wrong"}, expect=200)
    assert "The answer is not correct" in text_of(response.page)
    response = portal.post("/reset-password/question", {"answer": "wrong"}, expect=200)
    assert "The answer is not correct" in text_of(response.page)  # the fifth failure
    # The account now waits: even the right answer is not looked at for a minute.
    response = portal.post("/reset-password/question", {"answer": ANSWER}, expect=200)
    page = text_of(response.page)
    assert "too many wrong attempts. Wait 1 minute, then answer the question" in page
    moving_clock.advance(minutes=1, seconds=1)
    portal.post("/reset-password/question", {"answer": ANSWER}, expect=302)
    assert not db_session.get(User, world.bob.id, populate_existing=True).is_locked


def test_security_answers_sent_at_the_same_moment_take_turns(
    app, world, new_client, db_session, monkeypatch
):
    """Attack: with the emailed link, send ten guesses of the security answer (a pet's name:
    few to try) at once from copies of the reset cookie. Each read "no wait" before any
    failure was written, so all ten were checked where the fifth failure starts a wait. Now
    they take turns: five are checked, the others are told to wait."""
    portal = new_client()
    at_the_question(portal, db_session, world.bob.email)
    cookie, token = portal.client.get_cookie("session").value, portal.csrf_token
    checked = []
    monkeypatch.setattr(recovery, "answer_matches", meeting(10, questions.answer_matches, checked))

    def guess(index):
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        data = {"answer": f"Pet {index}", "csrf_token": token}
        return browser.post("/reset-password/question", data=data)

    pages = [r.get_data(as_text=True) for r in run_together(10, guess)]
    assert len(checked) == 5
    assert sum("Wait 1 minute, then answer the question" in page for page in pages) == 5


def test_changing_password_needs_the_current_one_and_ends_other_sessions(
    world, sign_in, db_session
):
    laptop, phone = sign_in(world.alice), sign_in(world.alice)
    laptop.get("/account/password")
    response = laptop.post(
        "/account/password",
        {"current": "not it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        expect=200,
    )
    assert "Your current password is not correct" in text_of(response.page)
    laptop.post(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        expect=302,
    )
    assert laptop.client.get("/my-cases").status_code == 200  # this session goes on
    assert "/sign-in" in phone.client.get("/my-cases").headers["Location"]
    mail = mails(db_session, world.alice.email, "password_changed")[-1]
    assert NEW_PASSWORD not in mail.body and PASSWORD not in mail.body


def problems_shown(response):
    """The error summary's (link, message) and the (input id, message) beside each question."""
    summary = [
        (a["href"], a.get_text(strip=True))
        for a in response.page.select(".govuk-error-summary__list a")
    ]
    beside = [
        (group.select_one("input")["id"], group.select_one(".govuk-error-message").get_text())
        for group in response.page.select(".govuk-form-group--error")
    ]
    return summary, [(at, " ".join(text.split())) for at, text in beside]


def test_changing_password_puts_each_problem_on_its_question_in_the_pages_order(world, sign_in):
    """The summary listed Current password last, below the new ones; a wrong current password
    had no message beside its box; a new password too short (or typed differently twice) was
    linked to the current password's box, and shown beside none."""
    portal = sign_in(world.alice)
    portal.get("/account/password")
    response = portal.post("/account/password", {}, expect=200)
    summary, _beside = problems_shown(response)
    assert [href for href, _text in summary] == ["#current", "#password", "#confirm"]
    wrong = {"current": "not it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = portal.post("/account/password", wrong, expect=200)
    assert problems_shown(response) == (
        [("#current", "Your current password is not correct")],
        [("current", "Error: Your current password is not correct")],
    )
    short = {"current": PASSWORD, "password": "short", "confirm": "short"}
    summary, beside = problems_shown(portal.post("/account/password", short, expect=200))
    assert [href for href, _text in summary] == ["#password"]
    assert [at for at, _text in beside] == ["password"] and beside[0][1] == (
        f"Error: {summary[0][1]}"
    )


def test_passwords_confirming_a_change_sent_at_the_same_moment_take_turns(
    app, world, sign_in, monkeypatch
):
    """Attack: in a session left open, guess the password that changing the password asks
    for, ten guesses at once. Each read "no wait" before any failure was written, so all
    ten were checked; now five are, and the others are told to wait."""
    portal = sign_in(world.bob)
    portal.get("/account/password")
    checked = []
    monkeypatch.setattr(
        own_account, "check_password", meeting(10, passwords.check_password, checked)
    )
    cookie, token = portal.client.get_cookie("session").value, portal.csrf_token

    def guess(index):
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        data = {"current": f"guess {index}", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        return browser.post("/account/password", data={**data, "csrf_token": token})

    pages = [r.get_data(as_text=True) for r in run_together(10, guess)]
    assert len(checked) == 5
    assert sum("Wait 1 minute, then try again" in page for page in pages) == 5


def test_changing_the_security_question_needs_the_password_and_is_emailed(
    world, sign_in, db_session
):
    portal = sign_in(world.alice)
    portal.get("/account/security-question/change")
    response = portal.post(
        "/account/security-question/change",
        {"question": "birth_town", "answer": "York", "current": "nope"},
        expect=200,
    )
    assert "Your password is not correct" in text_of(response.page)
    portal.post(
        "/account/security-question/change",
        {"question": "birth_town", "answer": "York", "current": PASSWORD},
        expect=302,
    )
    alice = db_session.get(User, world.alice.id, populate_existing=True)
    assert alice.security_question == "birth_town"
    mail = mails(db_session, world.alice.email, "security_question_changed")[-1]
    assert "York" not in mail.body


def test_the_account_pages_and_forgotten_password_have_a_back_link(world, sign_in, new_client):
    """Change password and Use an authenticator app had a Back link to Your account; Change
    your security question had none, nor Forgotten your password back to Sign in, though the
    first-time security question (no page to go back to) rightly has none."""
    assert new_client().get("/forgotten-password").page.select_one(".govuk-back-link")["href"] == (
        "/sign-in"
    )
    portal = sign_in(world.alice)
    for path in ("/account/password", "/account/security-question/change"):
        assert portal.get(path).page.select_one(".govuk-back-link")["href"] == "/account"


def test_setting_up_an_authenticator_puts_a_wrong_password_on_the_password(world, sign_in):
    """ "Your password is not correct" was linked to the code's box and shown beside it, as if
    the code were wrong; the user typed a new code and was told the same again."""
    portal = sign_in(world.alice)
    page = portal.get("/account/authenticator").page
    secret = page.select_one(".app-secret-key").get_text(strip=True)
    wrong = {"code": pyotp.TOTP(secret).now(), "current": "not it"}
    response = portal.post("/account/authenticator", wrong, expect=200)
    assert problems_shown(response) == (
        [("#current", "Your password is not correct")],
        [("current", "Error: Your password is not correct")],
    )
    response = portal.post(
        "/account/authenticator", {"code": "000000", "current": PASSWORD}, expect=200
    )
    summary, beside = problems_shown(response)
    assert [href for href, _text in summary] == ["#code"] and [at for at, _ in beside] == ["code"]


def test_the_session_cookie_never_holds_the_authenticator_secret(world, sign_in):
    """Attack: copy the session cookie while its user is setting up an authenticator app (a
    shared computer, a browser backup) and read it: Flask's session is signed, not hidden.
    It held the secret being set up, the account's second factor for good once confirmed,
    long after that session had ended. Now it holds only a seed the secret is worked out
    from with the portal's key."""
    portal = sign_in(world.alice)
    page = portal.get("/account/authenticator").page
    secret = page.select_one(".app-secret-key").get_text(strip=True)
    with portal.client.session_transaction() as cookie:
        assert secret not in repr(dict(cookie))
    again = portal.get("/account/authenticator").page  # the same secret all through the setup
    assert again.select_one(".app-secret-key").get_text(strip=True) == secret


def test_an_authenticator_app_can_replace_emailed_codes(
    app, world, sign_in, new_client, db_session
):
    portal = sign_in(world.alice)
    page = portal.get("/account/authenticator").page
    assert page.select_one("img.app-qr-code")["src"].startswith("data:image/svg+xml;base64,")
    secret = page.select_one(".app-secret-key").get_text(strip=True)
    response = portal.post(
        "/account/authenticator", {"code": "000000", "current": PASSWORD}, expect=200
    )
    assert "The code is not correct" in text_of(response.page)
    # A session alone is not enough to tie the account to an app: the password is needed.
    response = portal.post(
        "/account/authenticator",
        {"code": pyotp.TOTP(secret).now(), "current": "not it"},
        expect=200,
    )
    assert "Your password is not correct" in text_of(response.page)
    portal.post(
        "/account/authenticator",
        {"code": pyotp.TOTP(secret).now(), "current": PASSWORD},
        expect=302,
    )
    assert mails(db_session, world.alice.email, "authenticator_added")

    later = new_client()
    codes_before = len(mails(db_session, None, "sign_in_code"))
    later.get("/sign-in")
    later.post("/sign-in", {"email": world.alice.email, "password": PASSWORD}, expect=302)
    page = text_of(later.get("/sign-in/code").page)
    assert "Enter the code from your app" in page
    assert len(mails(db_session, None, "sign_in_code")) == codes_before  # no email sent
    code = pyotp.TOTP(secret).now()
    later.post("/sign-in/code", {"code": code}, expect=302)
    assert later.client.get("/my-cases").status_code == 200
    # The same code a second time, in another browser: refused (each code works once).
    replay = new_client()
    replay.get("/sign-in")
    replay.post("/sign-in", {"email": world.alice.email, "password": PASSWORD}, expect=302)
    replay.get("/sign-in/code")
    response = replay.post("/sign-in/code", {"code": code}, expect=200)
    assert "The code is not correct" in text_of(response.page)
    # An admin's password reset also removes the app (the way back from a lost phone).
    with app.test_request_context():
        accounts.reset_password(
            db_session,
            db_session.get(User, world.alice.id, populate_existing=True),
            actor=db_session.get(User, world.carol.id),
        )
    db_session.commit()
    assert db_session.get(User, world.alice.id, populate_existing=True).totp_secret is None


def test_what_was_typed_when_the_session_timed_out_is_kept(
    world, sign_in, db_session, moving_clock
):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    portal.get(first_page)
    moving_clock.advance(minutes=45)  # typing slowly, with JavaScript off
    response = portal.post(
        first_page, {**CHILD, "page_version": "1", "action": "continue"}, expect=302
    )
    assert "/sign-in" in response.headers["Location"]
    assert "next=" in response.headers["Location"]
    assert "What you typed has been kept" in text_of(portal.get("/sign-in").page)
    moving_clock.advance(seconds=1)
    portal.sign_in(world.alice)
    page = portal.get(first_page).page
    assert page.find("input", attrs={"name": "upn"})["value"] == CHILD["upn"]


def _told_signed_out_and_nothing_saved(portal, reference, first_page, db_session):
    """The case page's background save, its keep-alive and its Continue, sent by a session
    that has ended: each says so, and nothing is saved (whose draft it is cannot be known)."""
    autosave = f"/cases/{reference}/pages/child/autosave"
    answer = portal.post(autosave, {"forename": "Late", "page_version": "1"}, expect=401).json
    assert answer["saved"] is False and answer["signed_out"] is True
    assert "signed out" in answer["message"] and "no longer being saved" in answer["message"]
    stay = portal.client.post("/session/keep-alive", headers={"X-CSRFToken": portal.csrf_token})
    assert (stay.status_code, stay.json["signed_in"]) == (401, False)
    sent = portal.post(first_page, {**CHILD, "page_version": "1", "action": "continue"})
    assert sent.status_code == 302
    assert sent.headers["Location"].startswith("/sign-in?next=")
    assert "the page you sent could not be saved" in text_of(portal.get("/sign-in").page)
    stored = db_session.scalar(select(Case).where(Case.reference == reference))
    assert stored.answers.get("forename") != "Late"


def test_a_case_page_sent_after_signing_out_elsewhere_says_so(world, sign_in, db_session):
    """Signed out in another tab, the page's CSRF token went with the session: its background
    save said "not saved automatically, your answers will be saved when you press Continue",
    and Continue then met "Sorry, there is a problem with your request" and lost the page."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    portal.get(first_page)  # the page, with its CSRF token
    portal.post("/sign-out", {}, expect=302)  # in another tab
    _told_signed_out_and_nothing_saved(portal, reference, first_page, db_session)
    portal.sign_in(world.alice)
    portal.get(first_page, expect=200)


def test_a_case_page_sent_after_signing_out_in_another_browser_says_so(world, sign_in, db_session):
    """Signing out ends every session of the user on the server, but this browser's session,
    and so its CSRF token, lives on: login_required sent the background save to the sign-in
    page, which the script read as "not saved automatically, your answers will be saved when
    you press Continue", and Continue then lost the page with a bare "Sign in to continue"."""
    laptop = sign_in(world.alice)
    reference, first_page = start(laptop, "part-time-timetable")
    laptop.get(first_page)  # the page, with its CSRF token
    phone = sign_in(world.alice)
    phone.get("/sign-out")
    phone.post("/sign-out", {}, expect=302)  # every session of hers ends
    _told_signed_out_and_nothing_saved(laptop, reference, first_page, db_session)


def test_a_case_page_opened_before_signing_in_again_says_it_cannot_be_saved(
    world, sign_in, db_session
):
    """Signed out in another tab and in again there, the page's CSRF token is not the new
    session's: still refused, but its background save said "your answers will be saved when
    you press Continue", and Continue then met "there is a problem with your request"."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    portal.get(first_page)
    old_token = portal.csrf_token  # the page's
    portal.get("/sign-out")
    portal.post("/sign-out", {}, expect=302)  # in another tab, and signing in again there
    portal.sign_in(world.alice)
    autosave = f"/cases/{reference}/pages/child/autosave"
    late = {"forename": "Late", "page_version": "1", "csrf_token": old_token}
    answer = portal.post(autosave, late, expect=400).json
    assert answer["saved"] is False and answer["reload"] is True
    assert "opened before you last signed in" in answer["message"]
    sent = portal.post(first_page, {**CHILD, **late, "action": "continue"}, expect=400)
    assert "opened before you last signed in, so what you sent could not be saved" in text_of(
        sent.page
    )
    stored = db_session.scalar(select(Case).where(Case.reference == reference))
    assert stored.answers.get("forename") != "Late"


def test_a_signed_in_users_case_page_with_a_wrong_csrf_token_is_still_refused(world, sign_in):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    portal.get(first_page)
    sent = portal.post(first_page, {**CHILD, "page_version": "1", "csrf_token": "forged"})
    assert sent.status_code == 400
    assert "problem with your request" in text_of(sent.page)


def test_autosave_counts_as_activity(world, sign_in, moving_clock):
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    portal.get(first_page)
    autosave = f"/cases/{reference}/pages/child/autosave"
    version = 1  # the first page was saved when the case was started
    for minute in range(3):
        moving_clock.advance(minutes=20)
        response = portal.post(
            autosave, {"forename": f"J{minute}", "page_version": str(version)}, expect=200
        )
        version = response.get_json()["page_version"]
    assert portal.client.get("/my-cases").status_code == 200  # 60 minutes, never idle for 30


def test_audit_trail_records_sign_ins_and_resets_with_who_when_and_where(
    app, world, new_client, db_session
):
    portal = new_client()
    portal.sign_in(world.alice)
    ask_for_reset(new_client(), world.alice.email)
    events = list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == world.alice.id).order_by(AuditEvent.id)
        )
    )
    actions = [e.action for e in events]
    assert "signed_in" in actions and "password_reset_link_sent" in actions
    signed_in = events[actions.index("signed_in")]
    assert signed_in.actor_id == world.alice.id and signed_in.ip == "127.0.0.1"
    assert clock.aware(signed_in.at) <= clock.now()


def test_a_copied_reset_session_stops_working_once_the_password_is_changed(
    world, new_client, db_session
):
    portal = new_client()
    at_the_question(portal, db_session, world.alice.email)
    portal.post("/reset-password/question", {"answer": ANSWER}, expect=302)
    with portal.client.session_transaction() as saved:
        copied = dict(saved)
    portal.get("/reset-password/new-password")
    portal.post(
        "/reset-password/new-password",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        expect=302,
    )
    thief = new_client()
    with thief.client.session_transaction() as planted:
        planted.update(copied)
    assert thief.client.get("/reset-password/new-password").status_code == 404


def test_reset_emails_asked_for_at_the_same_moment_are_still_three_an_hour(
    world, new_client, db_session, monkeypatch
):
    """Attack: anyone may ask for a reset of any address. Ten requests sent at once each
    counted the account's recent emails before any was written, so all ten were sent where
    three an hour may be (a stranger flooding a head teacher's inbox). Now they take turns."""
    monkeypatch.setattr(recovery, "_send_reset_mail", meeting(10, recovery._send_reset_mail))
    portals = [new_client() for _ in range(10)]
    for portal in portals:
        portal.get("/forgotten-password")
    run_together(10, lambda i: portals[i].post("/forgotten-password", {"email": world.bob.email}))
    assert len(mails(db_session, world.bob.email, "password_reset_link")) == 3


def test_reset_links_are_limited_and_a_new_one_replaces_the_old(world, new_client, db_session):
    portal = new_client()
    ask_for_reset(portal, world.alice.email)
    first = reset_link(db_session, world.alice.email)
    ask_for_reset(portal, world.alice.email)
    assert new_client().client.get(first).status_code == 404  # replaced by the second
    for _ in range(3):
        ask_for_reset(portal, world.alice.email)
    assert len(mails(db_session, world.alice.email, "password_reset_link")) == 3  # per hour


def without_token(response) -> str:
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def test_reset_emails_are_limited_for_every_account_and_the_page_never_says_which(
    app, world, new_client, db_session, moving_clock
):
    dana, _password = onboarded(app, db_session, world)  # no security question yet
    bob = db_session.get(User, world.bob.id)
    bob.is_locked = True
    db_session.commit()
    answers = [ask_for_reset(new_client(), dana.email) for _ in range(5)]
    sent = mails(db_session, dana.email, "password_reset_link")
    assert len(sent) == 3  # 3 an hour, as for accounts with a question
    assert "You have not chosen a security question yet" in sent[0].body
    for _ in range(4):
        answers.append(ask_for_reset(new_client(), world.alice.email))
    assert len(mails(db_session, world.alice.email, "password_reset_link")) == 3
    answers.append(ask_for_reset(new_client(), world.bob.email))  # locked: nothing sent
    answers.append(ask_for_reset(new_client(), "nobody@nowhere.example.org"))
    assert mails(db_session, world.bob.email, "password_reset_link") == []
    # Sent, refused for the limit, locked or unknown: the same status and the same page.
    assert {(r.status_code, without_token(r)) for r in answers} == {
        (answers[0].status_code, without_token(answers[0]))
    }
    # An hour later the account may have another.
    moving_clock.advance(hours=1, seconds=1)
    ask_for_reset(new_client(), dana.email)
    assert len(mails(db_session, dana.email, "password_reset_link")) == 4
