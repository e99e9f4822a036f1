"""`portal preview` in a real browser: started as an author starts it (a process of its own on
a free port of 127.0.0.1, a copy of the shipped case types), its index, a case type's pages, a
page with questions that appear as they are answered, its error state, Check your answers and
the problems of a broken file, and the task list of a case type with sections, all pass axe
(WCAG 2.2 A and AA), with no JavaScript error."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import engine.uk_date as uk_date
from tests.browser.helpers import at_320_pixels, axe, page_at, preview_of

ROOT = Path(__file__).resolve().parents[2]
PTT = "part-time-timetable"


@pytest.fixture(scope="module")
def preview_server(browser_available, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`portal preview FOLDER` with PORT set, on a copy of casetypes/ the test may break."""
    folder = tmp_path_factory.mktemp("preview") / "casetypes"
    shutil.copytree(ROOT / "casetypes", folder)
    with preview_of(folder) as url:
        yield url, folder


@pytest.fixture
def preview_page(browser, preview_server):
    url, _folder = preview_server
    with page_at(browser, url) as page:
        yield page


def test_a_form_previewed_page_by_page_passes_axe(preview_page):
    page = preview_page
    page.goto("/")
    expect(page.get_by_text("Preview — nothing is saved.")).to_be_visible()
    axe(page, "preview: index")
    with page.expect_navigation():
        page.get_by_role("link", name="Part-time timetable alternative provision").click()
    axe(page, "preview: a case type's pages")
    with page.expect_navigation():
        page.get_by_role("link", name="About the child").click()
    expect(page.get_by_role("heading", level=1, name="About the child")).to_be_visible()
    primary_need = page.get_by_label("Primary type of need")
    expect(primary_need).to_be_hidden()
    page.get_by_label("Education, health and care (EHC) plan").check()
    expect(primary_need).to_be_visible()  # the portal's own script, as schools have it
    expect(page.get_by_role("heading", name="Conditions on this page")).to_be_visible()
    axe(page, "preview: a page with its conditions")
    page.get_by_label("First name").fill("Jordan")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Jordan")
    axe(page, "preview: a page with errors")
    page.goto(f"/{PTT}/check")
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page, "preview: check your answers")


def test_a_case_type_with_sections_is_previewed_from_its_task_list(preview_page):
    page = preview_page
    page.goto("/send-referral/")
    with page.expect_navigation():
        page.get_by_role("link", name="task list").click()
    expect(page.get_by_role("heading", level=1, name="SEND services referral")).to_be_visible()
    expect(page.get_by_text("Preview — nothing is saved.")).to_be_visible()
    statuses = page.locator(".govuk-task-list__status")
    expect(statuses).to_have_text(["Not yet started"] * 4)
    axe(page, "preview: a task list")
    at_320_pixels(page, "preview: a task list")
    with page.expect_navigation():
        page.get_by_role("link", name="Permissions").click()
    page.get_by_role("group", name="Has a parent or carer").get_by_label("Yes").check()
    page.get_by_role("group", name="Have they agreed").get_by_label("Yes").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(statuses.first).to_have_text("Completed")  # back on the task list, as schools are
    expect(page.get_by_text("You have completed 1 of 4 sections")).to_be_visible()
    axe(page, "preview: a task list with a section completed")


def test_a_previewed_page_fits_a_narrow_screen(preview_page):
    page = preview_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/{PTT}/pages/child")
    expect(page.get_by_role("heading", name="Conditions on this page")).to_be_visible()
    axe(page, "preview: a page with its conditions, 320px wide")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 320px"


def test_a_broken_file_shows_its_problems_then_the_fixed_form(preview_page, preview_server):
    page = preview_page
    _url, folder = preview_server
    path = folder / "send" / "part-time-timetable.yaml"
    text = path.read_text(encoding="utf-8")
    try:
        path.write_text(text.replace("show_if: looked_after", "show_if: looked_afer"), "utf-8")
        page.goto(f"/{PTT}/pages/child")
        problem = page.locator(".app-preview-problems li").first
        expect(problem).to_contain_text("part-time-timetable.yaml:")
        expect(problem).to_contain_text("looked_afer")
        axe(page, "preview: a broken file's problems")
    finally:
        path.write_text(text, "utf-8")
        later = time.time_ns() + 10**9
        os.utime(path, ns=(later, later))
    page.reload()
    expect(page.get_by_role("heading", level=1, name="About the child")).to_be_visible()


def test_a_council_admin_previews_a_deployed_case_type_in_the_portal(page, live, world):
    """The same preview inside the portal, for a council admin (the portal's own page,
    signed in, its banner and conditions panel), axe clean."""
    from tests.browser.helpers import person, sign_in

    email = "preview-admin@council.example.org"
    session = world.session()
    try:
        session.add(person(email, "Priya", "Shah", "Portal administrator", role="admin"))
        session.commit()
    finally:
        session.close()
    sign_in(page, live, email)
    page.goto("/council/")
    with page.expect_navigation():
        page.get_by_role("link", name="Case types").click()
    axe(page, "council admin: case types to preview")
    with page.expect_navigation():
        page.get_by_role(
            "link", name="Version 2 (current) of Part-time timetable alternative provision"
        ).click()
    with page.expect_navigation():
        page.get_by_role("link", name="About the child").click()
    expect(page.get_by_text("Preview — nothing is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Conditions on this page")).to_be_visible()
    axe(page, "council admin: a previewed page")


def test_a_date_of_birth_of_today_is_no_answer_to_the_pages_own_conditions(
    preview_page, preview_server
):
    # `max: yesterday` (written into the copy here: the shipped date of birth allows today): the
    # browser's script reads today as the server does, a date refused ("Date of birth must be in
    # the past"), so a question shown once it is answered stays hidden.
    page = preview_page
    _url, folder = preview_server
    path = folder / "send" / "part-time-timetable.yaml"
    text = path.read_text(encoding="utf-8")
    note = (
        "      - {id: upn, type: upn,",
        "      - {id: born_note, type: content, text: A date of birth was given,"
        " show_if: answered(date_of_birth)}\n      - {id: upn, type: upn,",
    )
    born = ("        hint: For example, 27 3 2015\n        max: today\n",)
    born += (born[0].replace("max: today", "max: yesterday"),)
    assert born[0] in text and note[0] in text
    try:
        path.write_text(text.replace(*note, 1).replace(*born, 1), "utf-8")
        page.goto(f"/{PTT}/pages/child")
        given = page.get_by_text("A date of birth was given")
        today, yesterday = uk_date.today(), uk_date.today() - dt.timedelta(days=1)
        for day, shown in ((yesterday, True), (today, False), (yesterday, True)):
            for part in ("day", "month", "year"):
                page.locator(f"#date_of_birth-{part}").fill(str(getattr(day, part)))
            expect(given).to_be_visible() if shown else expect(given).to_be_hidden()
    finally:
        path.write_text(text, "utf-8")
        later = time.time_ns() + 10**9
        os.utime(path, ns=(later, later))


BARRIERS = """\
id: attendance-barriers
name: Attendance barriers
category: Tests
reference: {prefix: EDU-TEST, code: BAR}
version: 1
workflow:
  start: received
  activities:
    received: {label: Received, status: Active}
    closed: {label: Closed, status: Completed}
    withdrawn: {label: Withdrawn, status: Abandoned}
  transitions:
    - {from: received, to: closed, action: Close, by: officer}
    - {from: received, to: withdrawn, action: Withdraw, by: officer}
pages:
  - id: barriers
    title: Barriers
    fields:
      - id: barriers
        type: checkboxes
        label: What makes it hard for the pupil to attend?
        min_choices: 2
        options:
          - {value: health, label: Health}
          - {value: transport, label: Transport}
          - {value: none_known, label: No barriers known, exclusive: true}
      - id: checked_with
        type: text
        label: Who confirmed it?
        show_if: "'none_known' in barriers"
"""


def test_an_option_ticked_on_its_own_is_an_answer_with_min_choices(browser, tmp_path):
    # min_choices: 2 refused "No barriers known" ticked alone, on the page and in its script
    # (its follow-up never appeared): the answer the form offers could not be given
    (tmp_path / "casetypes").mkdir()
    (tmp_path / "casetypes" / "barriers.yaml").write_text(BARRIERS, encoding="utf-8")
    with preview_of(tmp_path / "casetypes") as url, page_at(browser, url) as page:
        page.goto("/attendance-barriers/pages/barriers")
        follow_up = page.get_by_label("Who confirmed it?")
        expect(follow_up).to_be_hidden()
        page.get_by_label("No barriers known").check()
        expect(follow_up).to_be_visible()
        follow_up.fill("The parent")
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1, name="Check your answers")).to_be_visible()
