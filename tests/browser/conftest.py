"""Real-browser tests: the portal in a server process of its own, Debian's Chromium driven by
Playwright, a real SMTP catcher, and axe-core on every page the journeys visit.

    live     the session's server: `python -m webapp.cli run` on a free port of 127.0.0.1, on a
             migrated SQLite file, its mail worker delivering to this process's SMTP catcher
    world    a school, its admin and SENCO, and a council officer in a team, seeded into that
             database through the portal's models
    page     a page in a new browser context (no cookies from another test)
    helpers.axe(page, name), helpers.shot(page, name), helpers.sign_in(page, live, email)

Needs /usr/bin/chromium (Debian's package `chromium`; CHROMIUM names another binary), the
Python package playwright (the `dev` extras) and node_modules/axe-core (`make assets`). Without
them the tests skip, saying what is missing; with REQUIRE_BROWSER=1 (CI) they fail instead.
Playwright never downloads a browser here.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import (
    AXE_JS,
    AXE_TAGS,
    CHECKED,
    CHROMIUM,
    CHROMIUM_ARGS,
    FAILED,
    ROOT,
    SCREENSHOTS,
    SECRET_KEY,
    LiveServer,
    World,
    person,
    shot,
)

TIMEOUT_MS = 10_000  # Playwright's longest wait for an element or a page


def _missing() -> str | None:
    """What the browser tests lack on this machine, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"no Chromium at {CHROMIUM} (on Debian: apt-get install chromium; or set "
            f"CHROMIUM to a Chromium binary)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    if not AXE_JS.exists():
        return f"no {AXE_JS.relative_to(ROOT)} (`make assets` installs it with npm ci)"
    return None


@pytest.fixture(scope="session", autouse=True)
def browser_available() -> None:
    """Skip the browser tests, with the reason, when something is missing; fail instead under
    REQUIRE_BROWSER=1 (CI installs Chromium and makes them mandatory)."""
    problem = _missing()
    if problem:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"browser tests are required here (REQUIRE_BROWSER=1): {problem}", pytrace=False
            )
        pytest.skip(f"browser tests: {problem}")
    for old in SCREENSHOTS.glob("failed-*.png"):  # from an earlier run
        old.unlink()


# ---- the server ----


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the portal stopped (exit {process.returncode}):\n"
                f"{log.read_text(errors='replace')[-4000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/sign-in", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"the portal did not answer within {timeout:g} s:\n"
        f"{log.read_text(errors='replace')[-4000:]}"
    )


@contextlib.contextmanager
def portal_server(folder: Path, **settings: str) -> Iterator[LiveServer]:
    """`portal run` on a free port and a migrated SQLite file in `folder`, delivering mail to
    an SMTP catcher of this process; `settings` add to its environment."""
    from webapp.infra.mail.catcher import start_catcher

    database_url = f"sqlite:///{folder / 'portal.sqlite3'}"
    catcher = start_catcher("127.0.0.1", 0)  # listening first, so `portal run` starts none
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(catcher.port),
        "PORT": str(port),
        "PORTAL_BASE_URL": url,
        "PORTAL_CASETYPES": str(ROOT / "casetypes"),
        "PYTHONUNBUFFERED": "1",
        **settings,
    }
    log = folder / "server.log"
    process = None
    try:
        subprocess.run(
            [sys.executable, "-m", "webapp.cli", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "webapp.cli", "run"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(url, process, log)
        started = log.read_text(errors="replace")
        assert f"already on 127.0.0.1:{catcher.port}" in started, (
            f"`portal run` should deliver to the test's catcher, not start its own:\n{started}"
        )
        yield LiveServer(url, database_url, catcher, process, log)
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        catcher.stop()


@pytest.fixture(scope="session")
def live(browser_available, tmp_path_factory) -> Iterator[LiveServer]:
    """`portal run` as a user would meet it, on a free port, with a real SMTP catcher. Every
    test signs in from 127.0.0.1: the limits of sign-ins per network address (20 a minute)
    refused one (429) on a quiet machine where the suite signs in faster than that; each email
    address's own limit of codes, which the tests' users keep to, stays."""
    relaxed = dict.fromkeys(("PORTAL_LIMIT_SIGN_IN", "PORTAL_LIMIT_CODES"), "600 per minute")
    with portal_server(tmp_path_factory.mktemp("live"), **relaxed) as server:
        yield server


# ---- the data the journeys start from ----


@pytest.fixture(scope="session")
def world(live) -> Iterator[World]:
    """A school, its admin and SENCO, and a council officer in the SEND team, written into
    the server's database through the portal's models (security questions already chosen, so
    that only journey 1 meets a first sign-in)."""
    from webapp import create_app
    from webapp.models import Membership, School, Team

    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": live.database_url,
            "DEVELOPMENT": True,
            "PORTAL_BASE_URL": live.url,
            "PORTAL_CASETYPES": str(ROOT / "casetypes"),
        }
    )
    world = World(
        app,
        "Westcotes Primary School",
        "130001",
        "head@westcotes.example.org",
        "senco@westcotes.example.org",
        "officer@council.example.org",
        "SEND team",
    )
    session = world.session()
    try:
        school = School(name=world.school_name, urn=world.school_urn, setting_type="school")
        officer = person(world.officer, "Olivia", "Grant", role="officer")
        session.add_all(
            [
                person(
                    world.admin,
                    "Amara",
                    "Okafor",
                    "Headteacher",
                    [Membership(school=school, is_admin=True)],
                ),
                person(world.senco, "Dev", "Mistry", "SENCO", [Membership(school=school)]),
                officer,
                Team(
                    name=world.team,
                    members=[officer],
                    case_type_ids=["part-time-timetable", "planned-closure"],
                ),
            ]
        )
        session.commit()
    finally:
        session.close()
    try:
        yield world
    finally:
        app.extensions["db_engine"].dispose()


# ---- the browser ----


@pytest.fixture(scope="session")
def browser(browser_available):
    """Debian's Chromium, headless, started once for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _new_context(browser, live, **options):
    context = browser.new_context(
        base_url=live.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, live):
    """A fresh browser profile for each test."""
    context = _new_context(browser, live)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page_without_javascript(browser, live):
    """A page in a browser profile with JavaScript turned off."""
    context = _new_context(browser, live, java_script_enabled=False)
    page = context.new_page()
    try:
        yield page
    finally:
        page.close()
        context.close()


@pytest.fixture
def page(context):
    """A page; any JavaScript error on it (a blocked script, a CSP violation, an exception)
    fails the test."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def console(message):
        if message.type == "error" and not _expected(message.text):
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("console", console)
    yield page
    assert not problems, "\n".join(problems)


def _expected(text: str) -> bool:
    # Pages answered 4xx on purpose (an error state the test asked for) make Chromium log the
    # status; that is not a fault of the page.
    return bool(
        re.match(
            r"Failed to load resource: the server responded with a status of "
            r"4\d\d",
            text,
        )
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed journey shows the end of the server's log, and leaves a screenshot of the
    page where it stopped (screenshots/failed-<test>.png)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or item.get_closest_marker("xfail"):
        return
    live = item.funcargs.get("live")
    if live is not None:
        report.sections.append(("portal server log (last lines)", live.log_tail()))
    page = item.funcargs.get("page")
    if page is not None and not page.is_closed():
        try:
            path = shot(page, f"failed-{item.name}")
            report.sections.append(("screenshot", f"{path} ({page.url})"))
        except Exception as error:  # the browser itself may be what failed
            report.sections.append(("screenshot", f"none: {error}"))


def pytest_terminal_summary(terminalreporter):
    """The pages axe-core checked (run with -s or without: this is pytest's own summary)."""
    if not CHECKED:
        return
    verdict = f"{len(FAILED)} with violations" if FAILED else "no violations"
    terminalreporter.section(
        f"axe-core ({', '.join(AXE_TAGS)}): {len(CHECKED)} pages checked, {verdict}"
    )
    for name, path in CHECKED.items():
        mark = f"  <- {FAILED[name]} violation(s)" if name in FAILED else ""
        terminalreporter.write_line(f"  {name:<58} {path}{mark}")
    if SCREENSHOTS.exists():
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"screenshots: {count} PNG files in {SCREENSHOTS}")
