"""`portal preview` and Council admin's preview: the case types shown with the pages schools
see, answers kept in memory per browser, nothing written to any database; a broken file shows
its located problems; a changed file is picked up; council admins preview stored versions."""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest

from engine import load_catalogue
from tests.webapp.conftest import PortalClient, staff, text_of
from webapp.cli import main
from webapp.models import CaseTypeVersion
from webapp.preview import create_preview_app

ROOT = Path(__file__).resolve().parents[2]
BANNER = "Preview — nothing is saved."

INCIDENT = """\
id: incident
name: Incident report
category: Safety
summary: Tell the council about an incident.
reference: {prefix: EDU-SAFE, code: INC}
version: 1
raised_by: [school]
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
  - id: what
    title: What happened
    fields:
      - {id: pupil_name, type: text, label: Pupil name}
      - {id: injured, type: yes_no, label: Was the pupil injured?}
      - {id: injury, type: textarea, label: Describe the injury, show_if: injured}
  - id: treatment
    title: Treatment
    show_if: injured
    fields:
      - {id: hospital, type: yes_no, label: Did the pupil go to hospital?}
"""


SECTIONED = """\
id: visit
name: Visit request
category: Safety
reference: {prefix: EDU-SAFE, code: VIS}
version: 1
raised_by: [school]
workflow:
  start: received
  activities:
    received: {label: Received, status: Active}
    closed: {label: Closed, status: Completed}
    withdrawn: {label: Withdrawn, status: Abandoned}
  transitions:
    - {from: received, to: closed, action: Close, by: officer}
    - {from: received, to: withdrawn, action: Withdraw, by: officer}
sections:
  - {id: pupil, title: The pupil, pages: [pupil]}
  - {id: needs, title: Their needs, pages: [needs, support]}
pages:
  - id: pupil
    title: About the pupil
    fields:
      - {id: pupil_name, type: text, label: Pupil name}
      - {id: has_needs, type: yes_no, label: Does the pupil have additional needs?}
  - id: needs
    title: Needs
    fields:
      - {id: needs_summary, type: textarea, label: Describe the needs}
  - id: support
    title: Support
    show_if: has_needs
    fields:
      - {id: support_plan, type: textarea, label: Describe the support}
"""


class PreviewClient(PortalClient):
    """A browser of the preview: the portal client's checks on every page, no sign-in."""


def _preview(folder: Path) -> tuple:
    app = create_preview_app([str(folder)], {"TESTING": True})
    return app, PreviewClient(app.test_client(), app)


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "incident.yaml").write_text(INCIDENT, encoding="utf-8")
    return tmp_path


@pytest.fixture(autouse=True)
def no_database(request, monkeypatch, tmp_path):
    """For the standalone preview: any connection to any database fails the test, and the file
    DATABASE_URL names never appears (the Council admin tests use the portal's database)."""
    if "app" in request.fixturenames:
        yield
        return
    from sqlalchemy.engine import Engine

    def refused(*args, **kwargs):
        raise AssertionError("the preview connected to a database")

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.sqlite3'}")
    monkeypatch.setattr(Engine, "connect", refused)
    yield
    assert not (tmp_path / "never.sqlite3").exists()


def test_every_page_of_every_shipped_case_type_renders_as_schools_see_it():
    app, browser = _preview(ROOT / "casetypes")
    index = browser.get("/", expect=200)
    assert BANNER in text_of(index.page)
    assert "Content-Security-Policy" in index.headers
    catalogue = load_catalogue(str(ROOT / "casetypes"))
    for case_type in catalogue.case_types.values():
        assert index.page.find("a", href=f"/{case_type.id}/", string=case_type.name)
        overview = browser.get(f"/{case_type.id}/", expect=200).page
        for page in case_type.pages:  # every page opens directly, answers or not
            assert overview.find("a", href=f"/{case_type.id}/pages/{page.id}")
            shown = browser.get(f"/{case_type.id}/pages/{page.id}", expect=200).page
            assert shown.find("h1").get_text(strip=True) == page.title
            assert BANNER in text_of(shown)
            assert shown.find("form", class_="app-case-form")  # the cases template itself
            assert shown.find("h2", id="preview-conditions")
        browser.get(f"/{case_type.id}/check", expect=200)
        if case_type.sections:  # the task list schools start on
            assert overview.find("a", href=f"/{case_type.id}/tasks")
            tasks = browser.get(f"/{case_type.id}/tasks", expect=200).page
            assert len(tasks.select(".govuk-task-list__item")) == len(case_type.sections)


def test_answers_lead_through_the_form_and_stay_in_this_browser_only(folder):
    app, browser = _preview(folder)
    browser.get("/incident/pages/what", expect=200)
    sent = browser.post(
        "/incident/pages/what", {"pupil_name": "Sam", "injured": "yes", "injury": "A graze"}
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith(
        "/incident/pages/treatment"
    )
    page = browser.get("/incident/pages/what", expect=200).page
    assert page.find("input", attrs={"name": "pupil_name"})["value"] == "Sam"
    browser.get("/incident/pages/treatment")
    browser.post("/incident/pages/treatment", {"hospital": "no"}, expect=302)
    check = text_of(browser.get("/incident/check", expect=200).page)
    assert "Pupil name Sam" in check and "Describe the injury A graze" in check
    sent = text_of(browser.post("/incident/check", {}, expect=200).page)
    assert "With these answers the case could be sent" in sent
    assert "nothing was sent or saved" in sent

    stranger = PreviewClient(app.test_client(), app)  # another browser sees none of it
    page = stranger.get("/incident/pages/what", expect=200).page
    assert not page.find("input", attrs={"name": "pupil_name"}).get("value")


def task_list(page) -> list[tuple[str, str, str]]:
    """(section, status, link or "") for each task of a task list page."""
    return [
        (
            item.select_one(".govuk-task-list__name-and-hint").get_text(strip=True),
            item.select_one(".govuk-task-list__status").get_text(strip=True),
            link["href"] if (link := item.select_one("a")) else "",
        )
        for item in page.select(".govuk-task-list__item")
    ]


def test_a_case_type_with_sections_is_previewed_from_its_task_list(tmp_path):
    """The task list schools start on (the portal's own template), its links opening the
    preview's pages; finishing a section comes back to it, as on a school's draft."""
    (tmp_path / "visit.yaml").write_text(SECTIONED, encoding="utf-8")
    _app, browser = _preview(tmp_path)
    overview = browser.get("/visit/", expect=200).page
    assert overview.select_one(".app-preview-tasks a")["href"] == "/visit/tasks"
    tasks = browser.get("/visit/tasks", expect=200).page
    assert BANNER in text_of(tasks)
    assert tasks.find("h1").get_text(strip=True) == "Visit request"
    assert "You have completed 0 of 2 sections" in text_of(tasks)
    assert task_list(tasks) == [
        ("The pupil", "Not yet started", "/visit/pages/pupil"),
        ("Their needs", "Cannot start yet", ""),  # Support depends on the first section
    ]
    assert not tasks.select(".govuk-button")  # nothing to check yet
    assert tasks.select_one(".govuk-back-link")["href"] == "/visit/"
    page = browser.get("/visit/pages/pupil", expect=200).page
    assert page.select_one(".govuk-back-link")["href"] == "/visit/tasks"
    assert page.select_one(".app-progress").get_text(strip=True) == "The pupil"

    sent = browser.post("/visit/pages/pupil", {"pupil_name": "Sam", "has_needs": "yes"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/visit/tasks")
    tasks = browser.get("/visit/tasks", expect=200).page
    assert task_list(tasks) == [
        ("The pupil", "Completed", "/visit/pages/pupil"),
        ("Their needs", "Not yet started", "/visit/pages/needs"),
    ]
    browser.get("/visit/pages/needs")
    sent = browser.post("/visit/pages/needs", {"needs_summary": "Dyslexia"}, expect=302)
    assert sent.headers["Location"].endswith("/visit/pages/support")  # same section: on
    assert "In progress" in text_of(browser.get("/visit/tasks", expect=200).page)
    browser.get("/visit/pages/support")
    sent = browser.post("/visit/pages/support", {"support_plan": "A reader"}, expect=302)
    assert sent.headers["Location"].endswith("/visit/tasks")
    tasks = browser.get("/visit/tasks", expect=200).page
    assert "You have completed 2 of 2 sections" in text_of(tasks)
    assert tasks.select_one("a.govuk-button")["href"] == "/visit/check"
    check = browser.get("/visit/check", expect=200).page
    assert check.select_one(".govuk-back-link")["href"] == "/visit/tasks"


def test_a_case_type_without_sections_has_no_task_list(folder):
    _app, browser = _preview(folder)
    assert not browser.get("/incident/", expect=200).page.select(".app-preview-tasks")
    assert browser.get("/incident/tasks", expect=302).headers["Location"].endswith("/incident/")
    back = browser.get("/incident/check", expect=200).page.select_one(".govuk-back-link")
    assert back["href"] == "/incident/"


def test_the_conditions_panel_says_what_decides_each_question_and_whether_it_holds(folder):
    _app, browser = _preview(folder)
    panel = browser.get("/incident/pages/treatment", expect=200).page.find(
        class_="app-preview-conditions"
    )
    text = text_of(panel)
    assert "schools would not be asked this page" in text
    assert "This page ‘Was the pupil injured?’ is Yes injured Does not hold" in text
    browser.get("/incident/pages/what")
    browser.post("/incident/pages/what", {"pupil_name": "Sam", "injured": "yes", "injury": "x"})
    page = browser.get("/incident/pages/what", expect=200).page
    text = text_of(page.find(class_="app-preview-conditions"))
    assert "‘Describe the injury’ ‘Was the pupil injured?’ is Yes injured Holds" in text
    overview = text_of(browser.get("/incident/", expect=200).page)
    assert "Treatment Only when ‘Was the pupil injured?’ is Yes" in overview


def test_the_background_save_keeps_answers_for_this_browser(folder):
    _app, browser = _preview(folder)
    browser.get("/incident/pages/what")
    saved = browser.client.post(
        "/incident/pages/what/autosave",
        data={"csrf_token": browser.csrf_token, "pupil_name": "Ali", "page_version": "0"},
    )
    assert saved.status_code == 200 and saved.json == {"saved": True, "page_version": 1}
    page = browser.get("/incident/pages/what", expect=200).page
    assert page.find("input", attrs={"name": "pupil_name"})["value"] == "Ali"


GROUPED = INCIDENT.replace(
    "      - {id: injured, type: yes_no, label: Was the pupil injured?}",
    """      - id: witnesses
        type: group
        label: Witnesses
        item_label: Witness
        max_items: 2
        fields:
          - {id: witness_name, type: text, label: Name}
      - {id: injured, type: yes_no, label: Was the pupil injured?}""",
)


def test_repeating_group_items_are_added_and_removed(tmp_path):
    (tmp_path / "incident.yaml").write_text(GROUPED, encoding="utf-8")
    _app, browser = _preview(tmp_path)
    browser.get("/incident/pages/what")
    added = browser.post("/incident/pages/what", {"action": "add:witnesses"}, expect=302)
    assert added.headers["Location"].endswith("#witnesses-0")
    page = browser.get("/incident/pages/what", expect=200).page
    assert page.find("input", attrs={"name": "witnesses-0-witness_name"})
    browser.post("/incident/pages/what", {"action": "remove:witnesses:0"}, expect=302)
    page = browser.get("/incident/pages/what", expect=200).page
    assert not page.find("input", attrs={"name": "witnesses-0-witness_name"})


def test_removing_an_item_that_holds_answers_asks_first_as_schools_are_asked(tmp_path):
    # the preview removed it at once while the portal asks: authors saw another form
    (tmp_path / "incident.yaml").write_text(GROUPED, encoding="utf-8")
    _app, browser = _preview(tmp_path)
    browser.get("/incident/pages/what")
    browser.post("/incident/pages/what", {"action": "add:witnesses"}, expect=302)
    browser.get("/incident/pages/what")
    typed = {"witnesses-0-witness_name": "Mia Khan", "pupil_name": "Sam"}
    sent = browser.post("/incident/pages/what", {**typed, "action": "remove:witnesses:0"})
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/incident/pages/what/remove/witnesses/0")
    asked = browser.get(sent.headers["Location"], expect=200).page
    assert text_of(asked.find("h1")) == "Are you sure you want to remove witness 1?"
    assert "Mia Khan" in text_of(asked.find(class_="govuk-inset-text"))
    assert BANNER in text_of(asked)
    keep = asked.find("a", string=re.compile("No, keep witness 1"))
    page = browser.get(keep["href"].split("#")[0], expect=200).page  # No: kept, as typed
    assert page.find("input", attrs={"name": "witnesses-0-witness_name"})["value"] == "Mia Khan"
    yes = {"item": asked.find("input", attrs={"name": "item"})["value"]}
    browser.post(sent.headers["Location"], yes, expect=302)
    page = browser.get("/incident/pages/what", expect=200).page
    assert not page.find("input", attrs={"name": "witnesses-0-witness_name"})


@pytest.mark.parametrize(
    ("item_label", "first", "another", "remove"),
    [
        ("Incident", "Add an incident", "Add another incident", "Remove incident 1"),
        ("EHC plan", "Add an EHC plan", "Add another EHC plan", "Remove EHC plan 1"),
        ("Unit", "Add a unit", "Add another unit", "Remove unit 1"),
        (None, "Add an item", "Add another item", "Remove item 1"),  # the default item_label
    ],
)
def test_a_groups_buttons_name_its_items_as_people_write_them(
    tmp_path, item_label, first, another, remove
):
    # an author's trial: "Add a incident", "Add a item" (no item_label), "Add another ehc plan"
    label = f"        item_label: {item_label}\n" if item_label else ""
    grouped = GROUPED.replace("        item_label: Witness\n", label)
    (tmp_path / "incident.yaml").write_text(grouped, encoding="utf-8")
    _app, browser = _preview(tmp_path)
    buttons = [text_of(b) for b in browser.get("/incident/pages/what").page.select("button")]
    assert first in buttons
    browser.post("/incident/pages/what", {"action": "add:witnesses"}, expect=302)
    buttons = [text_of(b) for b in browser.get("/incident/pages/what").page.select("button")]
    assert another in buttons and remove in buttons


def test_a_page_with_errors_is_shown_with_the_portals_error_summary(folder):
    _app, browser = _preview(folder)
    browser.get("/incident/pages/what")
    page = browser.post("/incident/pages/what", {"pupil_name": "", "injured": ""}, expect=200).page
    summary = page.find(class_="govuk-error-summary")
    assert summary and "Enter pupil name" in text_of(summary)


def test_a_broken_file_shows_the_validators_located_problems_on_every_page(folder):
    broken = INCIDENT.replace("show_if: injured}", "show_if: injurd}")
    (folder / "incident.yaml").write_text(broken, encoding="utf-8")
    _app, browser = _preview(folder)
    for url in ("/", "/incident/", "/incident/pages/what"):
        page = browser.get(url, expect=200).page
        problems = [li.get_text(strip=True) for li in page.select(".app-preview-problems li")]
        assert problems, url
        line = broken.splitlines().index(next(s for s in broken.splitlines() if "injurd" in s)) + 1
        assert any(
            re.match(rf".*incident\.yaml:{line}:\d+: error E\d+: .*'injurd'", p) for p in problems
        ), problems


def test_a_changed_file_is_picked_up_and_a_fixed_one_shown_again(folder):
    app, browser = _preview(folder)
    assert "Pupil name" in text_of(browser.get("/incident/pages/what", expect=200).page)
    path = folder / "incident.yaml"
    path.write_text(INCIDENT.replace("label: Pupil name", "label: Child's name"), "utf-8")
    later = os.stat(path).st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))
    assert "Child's name" in text_of(browser.get("/incident/pages/what", expect=200).page)
    path.write_text("id: [", "utf-8")  # broken: the problems, then fixed again: the page
    assert browser.get("/incident/pages/what").page.select(".app-preview-problems li")
    path.write_text(INCIDENT, "utf-8")
    os.utime(path, ns=(later + 10**9, later + 10**9))
    assert "Pupil name" in text_of(browser.get("/incident/pages/what", expect=200).page)
    loads = app.extensions["preview_catalogue"].loads
    browser.get("/incident/pages/what", expect=200)  # unchanged: not read again
    assert app.extensions["preview_catalogue"].loads == loads


def test_posts_need_the_pages_csrf_token_and_unknown_pages_are_404(folder):
    _app, browser = _preview(folder)
    browser.get("/incident/pages/what")
    browser.post("/incident/pages/what", {"pupil_name": "Sam"}, csrf=False, expect=400)
    browser.get("/incident/pages/nowhere", expect=404)
    browser.get("/nothing/", expect=404)


def test_the_command_refuses_a_missing_folder(capsys):
    assert main(["preview", "no/such/folder"]) == 2
    assert "no such file or folder: no/such/folder" in capsys.readouterr().err


# ---- Council admin: deployed case types and their stored versions ----

PTT = "part-time-timetable"


def test_council_admins_preview_a_stored_version_as_schools_saw_it(app, db_session, council_admin):
    older = copy.deepcopy(app.extensions["catalogue"].get(PTT).definition)
    older["version"] = 3
    older["pages"][0]["fields"][0]["label"] = "Child's first name (version 3)"
    db_session.add(CaseTypeVersion(case_type_id=PTT, version=3, definition=older))
    db_session.commit()

    listing = council_admin.get("/council/case-types", expect=200).page
    assert listing.find("a", href=f"/council/case-types/{PTT}/v3/")
    assert listing.find("a", href=f"/council/case-types/{PTT}/v2/")
    old = council_admin.get(f"/council/case-types/{PTT}/v3/pages/child", expect=200).page
    assert "Child's first name (version 3)" in text_of(old) and BANNER in text_of(old)
    now = council_admin.get(f"/council/case-types/{PTT}/v2/pages/child", expect=200).page
    assert "Child's first name (version 3)" not in text_of(now)
    # Answers typed are kept for the preview only: no case, no version changed.
    council_admin.post(
        f"/council/case-types/{PTT}/v3/pages/child", {"forename": "Jo", "action": "save"}
    )
    again = council_admin.get(f"/council/case-types/{PTT}/v3/pages/child", expect=200).page
    assert again.find("input", attrs={"name": "forename"})["value"] == "Jo"
    from sqlalchemy import func, select

    from webapp.models import Case

    assert db_session.scalar(select(func.count()).select_from(Case)) == 0
    council_admin.get(f"/council/case-types/{PTT}/v5/", expect=404)  # never stored
    council_admin.get("/council/case-types/no-such-type/v1/", expect=404)
    huge = "99999999999999999999999"  # beyond an INTEGER column: was a 500 (found by review)
    council_admin.get(f"/council/case-types/{PTT}/v{huge}/tasks", expect=404)
    council_admin.get(f"/council/case-types/{PTT}/v{huge}/pages/child", expect=404)


def test_council_admins_preview_a_case_type_with_sections_from_its_task_list(app, council_admin):
    base = "/council/case-types/send-referral/v3"
    overview = council_admin.get(f"{base}/", expect=200).page
    assert overview.select_one(".app-preview-tasks a")["href"] == f"{base}/tasks"
    tasks = council_admin.get(f"{base}/tasks", expect=200).page
    assert BANNER in text_of(tasks) and "version 3 (current)" in tasks.title.get_text()
    assert task_list(tasks)[0] == ("Permissions", "Not yet started", f"{base}/pages/permissions")
    answers = {"consent_to_referral": "yes", "consent_to_share": "yes"}
    sent = council_admin.post(f"{base}/pages/permissions", answers, expect=302)
    assert sent.headers["Location"].endswith(f"{base}/tasks")
    tasks = council_admin.get(f"{base}/tasks", expect=200).page
    assert task_list(tasks)[0] == ("Permissions", "Completed", f"{base}/pages/permissions")


def test_only_council_admins_reach_the_preview(app, db_session, world, sign_in):
    officer = sign_in(staff(db_session, "olly@council.example.org", "officer"))
    school = sign_in(world.alice)
    for person in (officer, school):
        person.get("/council/case-types", expect=404)
        person.get(f"/council/case-types/{PTT}/v1/pages/child", expect=404)
        person.get("/council/case-types/send-referral/v1/tasks", expect=404)
    signed_out = PortalClient(app.test_client(), app)
    response = signed_out.get(f"/council/case-types/{PTT}/v1/", expect=302)
    assert "/sign-in" in response.headers["Location"]


def test_a_case_type_named_as_the_previews_own_addresses_is_refused_not_404(folder):
    # `id: static` validated, and every page of it was 'Page not found' under /static/
    (folder / "incident.yaml").write_text(INCIDENT.replace("id: incident", "id: static"), "utf-8")
    _app, browser = _preview(folder)
    page = browser.get("/", expect=200).page  # /static/tasks is, and stays, a stylesheet 404
    problems = [li.get_text(strip=True) for li in page.select(".app-preview-problems li")]
    assert any(
        "error E104: 'id': 'static' is a word the portal's own addresses" in p for p in problems
    )


def _words_beside_a_case_type_id(flask_app) -> set[str]:
    """The fixed first parts of addresses that stand where a case type's id stands."""
    rules = [str(rule) for rule in flask_app.url_map.iter_rules()]
    words = set()
    for rule in (r for r in rules if "<case_type_id>" in r):
        before = rule.split("<case_type_id>")[0]
        for other in rules:
            if other.startswith(before) and not other[len(before) :].startswith("<"):
                words.add(other[len(before) :].split("/")[0].split(".")[0])
    return words - {""}


def test_every_word_the_apps_use_beside_a_case_type_id_is_refused_as_an_id(app, folder):
    # a new route beside /<case_type_id>/ (or /submit-case/<case_type_id>) needs its word in
    # ADDRESS_WORDS, or a case type of that id validates and has no pages
    from engine.compile_words import ADDRESS_WORDS

    preview_app, _browser = _preview(folder)
    assert _words_beside_a_case_type_id(app) | _words_beside_a_case_type_id(preview_app) <= set(
        ADDRESS_WORDS
    )


def test_council_admins_preview_asks_before_removing_an_item_that_holds_answers(app, council_admin):
    base = "/council/case-types/early-years-census/v3"  # its current version
    council_admin.get(f"{base}/pages/children", expect=200)
    council_admin.post(f"{base}/pages/children", {"action": "add:funded_children"}, expect=302)
    council_admin.get(f"{base}/pages/children", expect=200)
    typed = {"funded_children-0-child_forename": "Mia", "action": "remove:funded_children:0"}
    sent = council_admin.post(f"{base}/pages/children", typed, expect=302)
    assert sent.headers["Location"].endswith(f"{base}/pages/children/remove/funded_children/0")
    asked = council_admin.get(sent.headers["Location"], expect=200).page
    assert text_of(asked.find("h1")) == "Are you sure you want to remove child 1?"
    yes = {"item": asked.find("input", attrs={"name": "item"})["value"]}
    council_admin.post(sent.headers["Location"], yes, expect=302)
    page = council_admin.get(f"{base}/pages/children", expect=200).page  # min_items: 1
    assert not page.find("input", attrs={"name": "funded_children-0-child_forename"}).get("value")


def test_a_question_named_conditions_keeps_its_id_to_itself_in_the_preview(folder):
    """`conditions` (a pupil's medical conditions) gave its first tick box the id of the
    conditions panel's heading: two elements with one id, where the error summary's link and
    the label lead by id (an author's trial)."""
    medical = INCIDENT.replace(
        "{id: pupil_name, type: text, label: Pupil name}",
        "{id: conditions, type: checkboxes, label: Medical conditions, options: [Asthma, Other]}",
    )
    (folder / "incident.yaml").write_text(medical, encoding="utf-8")
    _app, browser = _preview(folder)
    page = browser.get("/incident/pages/what", expect=200).page
    ids = [element["id"] for element in page.find_all(id=True)]
    assert [i for i in ids if ids.count(i) > 1] == []
    assert page.find("input", id="conditions")["type"] == "checkbox"
