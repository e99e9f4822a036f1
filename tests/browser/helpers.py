"""What the browser journeys share: the live server's handle, axe-core, screenshots, signing in,
and moving through a page with the keyboard alone."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCREENSHOTS = ROOT / "screenshots"
SECRET_KEY = "browser-tests-secret-key-not-for-production"
PASSWORD = "correct horse battery staple"
ANSWER = "Rex"  # the seeded users' security answer (What was the name of your first pet?)
MAIL_TIMEOUT = 15.0  # seconds to wait for the server's worker (every 2 s) to deliver a mail


@dataclass
class LiveServer:
    """The portal in its own process (`portal run`), and the SMTP catcher it delivers to."""

    url: str
    database_url: str
    catcher: object  # webapp.infra.mail.catcher.Catcher
    process: object  # subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def mail_count(self, address: str) -> int:
        return len(self.catcher.to(address))

    def wait_for_mail(
        self, address: str, subject: str, after: int = 0, timeout: float = MAIL_TIMEOUT
    ):
        """The first message to `address`, beyond the first `after`, whose subject contains
        `subject`; fails (showing the server's log) if none arrives in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.catcher.to(address)[after:]:
                if subject.lower() in message.subject.lower():
                    return message
            time.sleep(0.1)
        arrived = [m.subject for m in self.catcher.to(address)]
        pytest.fail(
            f"no mail to {address} with '{subject}' within {timeout:g} s "
            f"(received: {arrived})\nserver log:\n{self.log_tail()}"
        )


@dataclass
class World:
    """What the journeys start from (email addresses are the usernames)."""

    app: object  # a Flask app in the test process, on the server's database
    school_name: str
    school_urn: str
    admin: str  # the school's admin; security question set
    senco: str  # a user of the school; security question set
    officer: str  # a council officer in the SEND team, which works part-time timetables
    team: str

    def session(self):
        """A database session of the test's own (close it after use)."""
        return self.app.extensions["db_sessions"]()


# ---- axe-core ----

CHECKED: dict[str, str] = {}  # page name -> the address it was checked at, in order
FAILED: dict[str, int] = {}  # page name -> how many violations axe found there


@functools.cache
@functools.cache
def _hashes() -> tuple[str, str]:
    from webapp.areas.auth.questions import hash_answer
    from webapp.domain.passwords import hash_password

    return hash_password(PASSWORD), hash_answer(ANSWER)


def person(email, first_name, last_name, job="", memberships=(), role=""):
    """A user (not yet added to a session) who signs in with PASSWORD and has chosen their
    security question already; `role` is a council role."""
    from webapp.models import User

    password_hash, answer_hash = _hashes()
    return User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job,
        password_hash=password_hash,
        security_question="first_pet",
        security_answer_hash=answer_hash,
        council_role=role,
        memberships=list(memberships),
    )


def _axe_source() -> str:
    return AXE_JS.read_text()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now.

    axe goes in through the DevTools protocol (page.evaluate), not a <script> tag, so the
    portal's Content-Security-Policy stays as it is."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
             const result = await window.axe.run(document, {
               runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
             return result.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               tags: v.tags.filter(t => t.startsWith('wcag')),
               nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                         summary: n.failureSummary}))}));
           }""",
        AXE_TAGS,
    )


def axe(page, name: str) -> None:
    """Check the page with axe-core, naming it for the session's list of pages checked; any
    WCAG 2.0/2.1/2.2 A or AA violation fails the test, each one listed with where it is."""
    violations = axe_violations(page)
    parts = urlsplit(page.url)
    CHECKED.setdefault(name, parts.path + (f"?{parts.query}" if parts.query else ""))
    if violations:
        FAILED[name] = len(violations)
        lines = [f"axe: {len(violations)} violation(s) on '{name}' ({page.url}):"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} ({violation['impact']}; "
                f"{', '.join(violation['tags'])}): {violation['help']}"
            )
            for node in violation["nodes"][:5]:
                lines.append(f"    at {node['target']}: {node['html'][:300]}")
                lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
        pytest.fail("\n".join(lines), pytrace=False)


def shot(page, name: str) -> Path:
    """A full-page screenshot, screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# ---- signing in and out ----


def sign_in(page, live: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Email and password, then the code from the email the catcher received."""
    page.goto("/sign-in")
    sign_in_here(page, live, email, password)


def sign_in_here(page, live: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Sign in on the sign-in page the page is at (one a timeout or a send led to, its
    `next` kept)."""
    before = live.mail_count(email)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    enter_code(page, live, email, before)


def enter_code(page, live: LiveServer, email: str, before: int) -> None:
    message = live.wait_for_mail(email, "sign-in code", after=before)
    code = re.search(r"\b(\d{6})\b", message.subject).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


# ---- the keyboard ----


def focused(page) -> dict:
    """What has the focus: tag, type, name, id, value, its text and whether it is checked."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
                id: e.id || '', value: e.value || '', checked: !!e.checked,
                text: (e.innerText || e.textContent || '').trim().slice(0, 80)};
      }""")


def tab_to(page, selector: str, limit: int = 120, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus, checking
    at each stop that the focus can be seen (WCAG 2.4.7)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            assert_focus_visible(page)
            return focused(page)
    pytest.fail(f"Tab never reached {selector} in {limit} presses (last: {focused(page)})")


def assert_focus_visible(page) -> None:
    """The focused element shows the GOV.UK focus style: an outline, a box shadow or the
    yellow focus colour behind it."""
    style = page.evaluate("""() => {
        const e = document.activeElement;
        const s = getComputedStyle(e);
        return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                shadow: s.boxShadow !== 'none', background: s.backgroundColor,
                what: e.outerHTML.slice(0, 160)};
      }""")
    assert style["outline"] or style["shadow"] or style["background"] == "rgb(255, 221, 0)", (
        f"no visible focus on {style['what']}"
    )


def at_320_pixels(page, name: str, open_menu: bool = False) -> None:
    """WCAG 1.4.10 reflow: at 320 CSS pixels wide the page needs no sideways scrolling, and
    axe finds nothing there either (the navigation becomes a Menu button)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 320, f"{name}: {wide} px wide at a 320 px viewport"
        if open_menu:
            menu = page.get_by_role("button", name="Menu")
            expect(menu).to_have_attribute("aria-expanded", "false")
            menu.click()
            expect(menu).to_have_attribute("aria-expanded", "true")
            expect(page.get_by_role("link", name="My cases").first).to_be_visible()
        axe(page, f"{name} at 320 px wide{' (menu open)' if open_menu else ''}")
    finally:
        page.set_viewport_size(size)


@contextlib.contextmanager
def page_at(browser, base_url: str):
    """A page in a fresh browser profile at `base_url` (a server other than the portal's live
    one: the docs site, the preview); any JavaScript error on it fails the test."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors


def school_user(world: World, email: str) -> str:
    """Another user of the world's school, added once (each user may be sent only a few
    sign-in codes in 15 minutes, so tests that sign in often share them out)."""
    from sqlalchemy import select

    from webapp.models import Membership, School, User

    session = world.session()
    try:
        if session.scalar(select(User).where(User.email == email)) is None:
            school = session.scalar(select(School).where(School.urn == world.school_urn))
            session.add(person(email, "Sam", "Lee", "Teacher", [Membership(school=school)]))
            session.commit()
    finally:
        session.close()
    return email


def saved_draft(page, case_type_id: str) -> str:
    """Start a case of this type (the page's user has one school) and save its first page as
    it stands ("Save and come back later"): the reference the first save gave it."""
    page.goto(f"/submit-case/{case_type_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    with page.expect_navigation():  # the case is stored from its first save
        page.get_by_role("button", name="Save and come back later").click()
    saved = page.locator(".govuk-notification-banner").inner_text()
    return re.search(r"come back to (\S+) from My cases", saved).group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def preview_of(folder: Path):
    """`portal preview FOLDER` as an author starts it: a process of its own on a free port of
    127.0.0.1 (PORT), no database; yields its address and stops it afterwards."""
    port = _free_port()
    log = folder.parent / "preview.log"
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 -- this Python, the project's own command
            [sys.executable, "-m", "webapp.cli", "preview", str(folder)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal preview stopped:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/", timeout=2) as response:  # noqa: S310 -- our own 127.0.0.1
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"portal preview did not answer:\n{log.read_text(errors='replace')}")
