"""The warning before an idle sign-in ends, in a portal of its own whose sessions end after one
idle minute and warn 50 seconds before: the dialog takes the focus, is announced, passes axe,
works with the keyboard alone; "Stay signed in" keeps the session; and when the time runs out
on a case page, what was typed is kept for after signing in again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, portal_server
from tests.browser.helpers import ROOT, SECRET_KEY, axe, focused, person, shot, sign_in

EMAIL = "senco@quick.example.org"
WARN_SECONDS = 50  # the dialog opens about 10 s after the last request
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def quick(browser_available, tmp_path_factory) -> Iterator:
    """A portal with one-minute idle sessions, and a school's SENCO to sign in as."""
    with portal_server(
        tmp_path_factory.mktemp("quick"),
        PORTAL_SESSION_IDLE_MINUTES="1",
        PORTAL_SESSION_WARNING_SECONDS=str(WARN_SECONDS),
    ) as server:
        _add_senco(server)
        yield server


def _add_senco(server) -> None:
    from webapp import create_app
    from webapp.models import Membership, School

    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": server.database_url,
            "DEVELOPMENT": True,
            "PORTAL_BASE_URL": server.url,
            "PORTAL_CASETYPES": str(ROOT / "casetypes"),
        }
    )
    session = app.extensions["db_sessions"]()
    try:
        school = School(name="Quick Primary School", urn="130009", setting_type="school")
        session.add(person(EMAIL, "Dev", "Mistry", "SENCO", [Membership(school=school)]))
        session.commit()
    finally:
        session.close()
        app.extensions["db_engine"].dispose()


@pytest.fixture
def quick_page(browser, quick):
    context = browser.new_context(
        base_url=quick.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    try:
        yield page
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def seconds_left(page) -> int:
    return page.evaluate("async () => (await (await fetch('/session/status')).json()).seconds_left")


def test_the_warning_takes_the_focus_and_stay_signed_in_keeps_the_session(quick_page, quick):
    page = quick_page
    sign_in(page, quick, EMAIL)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    assert focused(page)["text"] == "Stay signed in"
    expect(page.locator("#timeout-warning-spoken")).to_have_text(
        "For your security, we will sign you out in less than a minute."
    )
    expect(dialog.locator(".app-timeout-dialog__countdown")).to_have_text(
        re.compile(r"^\d\d? seconds$")
    )
    axe(page, "timeout warning")
    shot(page, "timeout-warning")
    # The keyboard stays in the dialog: Tab reaches "Sign out", Shift+Tab comes back.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Sign out"
    page.keyboard.press("Shift+Tab")
    assert focused(page)["text"] == "Stay signed in"
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert seconds_left(page) > WARN_SECONDS  # the keep-alive reached the server
    # Escape means "stay signed in" too, as in the HMRC pattern.
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert seconds_left(page) > WARN_SECONDS


def test_when_the_time_runs_out_on_a_case_page_what_was_typed_is_kept(quick_page, quick):
    page = quick_page
    sign_in(page, quick, EMAIL)
    page.goto("/submit-case/planned-closure")
    page.get_by_role("button", name="Start now").click()
    reason = page.get_by_label("Tell us more about the reason for the closure")
    reason.fill("The boiler failed overnight")
    # The first background save made the case, and the page moved to its address.
    expect(page).to_have_url(re.compile(r"/cases/[^/]+/pages/closure$"), timeout=WAIT_MS)
    closure_page = page.url
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.url.endswith("/autosave") else None)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    # Nobody answers: a minute after the last request the page is sent and kept.
    page.wait_for_url("**/sign-in**", timeout=90_000)
    # The dialog took the focus from the box typed in, whose change event came late: no
    # background save of answers saved already, which kept the session going (found on trial).
    assert saves == []
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You have been signed out because you were inactive for 1 minute. What you typed has "
        "been kept: sign in to carry on."
    )
    sign_in(page, quick, EMAIL)
    page.goto(closure_page)
    expect(reason).to_have_value("The boiler failed overnight")
