"""Steps of a user's journey, written as a browser would send them, and what a test reads back:
the error summary, the forms as shown, the rows the app committed, the mail it queued."""

from __future__ import annotations

import io
import re
import subprocess
import sys

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

import engine.uk_date as uk_date
from tests.webapp.conftest import ROOT, _hashes
from webapp.models import AuditEvent, Case, OutboxMessage, Team, User

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def start(portal, case_type_id, school=None):
    """Start a case and save its first page as it is shown (Start now alone stores nothing):
    its reference and the first page's path."""
    location = start_unsaved(portal, case_type_id, school)
    page = portal.get(location).page
    data = MultiDict(shown_values(page))
    data["action"] = "save"
    saved = portal.post(location, data, expect=302).headers["Location"]
    banner = portal.get(saved).page.select_one(".govuk-notification-banner").get_text()
    reference = re.search(r"come back to (\S+) from My cases", banner).group(1)
    page_id = location.split("/new/")[1].split("?")[0]
    return reference, f"/cases/{reference}/pages/{page_id}"


def start_unsaved(portal, case_type_id, school=None, tasks=False) -> str:
    """Press Start now: the path of the first page of the new case, not saved yet (with
    `tasks`, of the task list of a case type with sections)."""
    page = portal.get(f"/submit-case/{case_type_id}").page
    only_school = page.find("input", attrs={"name": "school", "type": "hidden"})
    data = {"school": str(school.id) if school else only_school["value"]}
    location = portal.post(f"/submit-case/{case_type_id}", data, expect=302).headers["Location"]
    if "/tasks" in location and not tasks:  # a case type with sections: its first section's link
        location = portal.get(location).page.select_one("a.govuk-task-list__link")["href"]
    return location


def shown_values(page) -> list[tuple[str, str]]:
    """What a browser would send for the page's form as it is shown (no button pressed)."""
    form = page.select_one("form.app-case-form")
    values = []
    for field in form.select("input, textarea, select"):
        name, kind = field.get("name"), field.get("type", "")
        if not name or kind in ("submit", "file") or field.name == "button":
            continue
        if kind in ("radio", "checkbox") and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            values.append((name, field.text))
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values.append((name, chosen.get("value", chosen.text) if chosen else ""))
        else:
            values.append((name, field.get("value", "")))
    return values


def up_to_provision(portal) -> tuple[str, str]:
    """A new part-time timetable answered up to its provision page (a repeating group of
    providers); the reference and the page's path."""
    reference, first = start(portal, "part-time-timetable")
    answer(portal, first, CHILD)
    answer(portal, f"/cases/{reference}/pages/arrangement", ARRANGEMENT)
    return reference, f"/cases/{reference}/pages/provision"


def date(name, day, month, year):
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


def answer(portal, path, answers, action="continue", files=None, expect=302):
    """Open a page, then send it with these answers (and files) as the form would."""
    page = portal.get(path).page
    version = page.find("input", attrs={"name": "page_version"})["value"]
    data = _with_answers(MultiDict([("page_version", version), ("action", action)]), answers)
    data.add("csrf_token", portal.csrf_token)
    for key, (name, content) in (files or {}).items():
        data.add(key, FileStorage(io.BytesIO(content), filename=name))
    # Encoded here, in memory: Werkzeug's test builder spools big bodies to a temporary file
    # it never closes, which the warnings-as-errors setting rightly reports.
    boundary, body = encode_multipart(data)
    return portal.post(
        path,
        body,
        expect=expect,
        csrf=False,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def remove_item(portal, path, answers, action):
    """Press "Remove provider 2" (`action`: "remove:providers:1") on a page sent with these
    answers, then "Yes, remove provider 2" on the page asking to be sure: the final response."""
    asked = answer(portal, path, answers, action=action)
    confirm = asked.headers["Location"]
    return portal.post(confirm, confirm_data(portal.get(confirm).page), expect=302)


def confirm_data(page) -> dict:
    """What "Yes, remove ..." sends: the hidden inputs of the page asking to be sure."""
    return {i["name"]: i.get("value", "") for i in page.select("form input[type=hidden]")}


def continue_anyway(portal, path, warned_page, answers):
    """Press Continue again on a page showing warnings, as its form would send it."""
    data = MultiDict([("action", "continue")])
    for name in ("page_version", "acknowledged"):
        data.add(name, warned_page.find("input", attrs={"name": name})["value"])
    data = _with_answers(data, answers)
    return portal.post(path, data, expect=302, content_type="multipart/form-data")


def _with_answers(data: MultiDict, answers) -> MultiDict:
    """The form data with the answers added as a form sends them (a list: one value each)."""
    for key, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(key, item)
    return data


def send_officer(db_session, **details) -> User:
    """Olivia, a case officer in the SEND team, which works part-time timetables."""
    password_hash, answer_hash = _hashes()
    officer = User(
        email="olivia@council.example.org",
        first_name="Olivia",
        last_name="Okoro",
        password_hash=password_hash,
        security_question="first_pet",
        security_answer_hash=answer_hash,
        council_role="officer",
        **details,
    )
    team = Team(name="SEND", case_type_ids=["part-time-timetable"], members=[officer])
    db_session.add_all([officer, team])
    db_session.commit()
    return officer


def errors_on(response) -> list[str]:
    """The messages of the page's error summary, in order (with or without a link)."""
    return [li.get_text(strip=True) for li in response.page.select(".govuk-error-summary__list li")]


def form_values(page) -> MultiDict:
    """What the page's POST form would send as shown: its inputs, selects, checked boxes."""
    form = page.find("form", attrs={"method": "post"})
    data = MultiDict()
    for field in form.find_all(["input", "select"]):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            option = field.find("option", selected=True) or field.find("option")
            data.add(name, option.get("value", option.get_text()))
        elif field.get("type") in ("radio", "checkbox"):
            if field.has_attr("checked"):
                data.add(name, field["value"])
        else:
            data.add(name, field.get("value", ""))
    return data


def send(portal, path, expect=302, **changes):
    """Open a form page, change some answers (lists for several values), submit it."""
    data = form_values(portal.get(path).page)
    for name, value in changes.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return portal.post(path, data, expect=expect)


def fresh(db_session):
    """Forget what this session has read, so the next query sees the app's commits."""
    db_session.rollback()  # ends a read transaction (and its snapshot), if one is open
    db_session.expire_all()
    return db_session


def fresh_user(db_session, user) -> User:
    """The user as the app last committed them."""
    return fresh(db_session).get(User, user.id, populate_existing=True)


def stored(db_session, reference) -> Case:
    """The case as the app last committed it."""
    return fresh(db_session).scalar(select(Case).where(Case.reference == reference))


def audit_rows(db_session, action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first."""
    return list(
        fresh(db_session).scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def mails(db_session, email: str | None, kind: str) -> list[OutboxMessage]:
    """The outbox's messages of one kind (to one address, unless None), oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if email is not None:
        query = query.where(OutboxMessage.to_address == email)
    return list(fresh(db_session).scalars(query.order_by(OutboxMessage.id)))


def password_in(message: OutboxMessage) -> str:
    """The password a sign-up or reset email gives."""
    return re.search(r"^(?:New password|Password): (\S+)$", message.body, re.M).group(1)


BORN = uk_date.today().year - 11  # a pupil's age, which case types check, stays right
CHILD = {
    "forename": "Jordan",
    "surname": "Miles",
    **date("date_of_birth", 14, 5, BORN),
    "upn": "Y856200124123",
    "year_group": "5",
    "home_postcode": "le1 6zg",
    "sen_provision": "K",
    "primary_need": "SEMH",
    "looked_after": "no",
    "has_social_worker": "no",
}

ARRANGEMENT = {
    "arrangement_type": "both",
    "reason": "reintegration",
    "reason_details": "Jordan is returning after a long illness and needs a gradual return.",
    **date("start_date", 7, 9, 2026),
    **date("end_date", 16, 10, 2026),
    **date("first_review_date", 21, 9, 2026),
    "normal_hours": "32.5",
    "part_time_hours": "15",
    "weekly_pattern": ["mon_am", "tue_am", "wed_am", "thu_am"],
}

PROVIDER = {
    "providers-0-provider_name": "Oak Tree Learning Centre",
    "providers-0-provider_number": "123456",
    "providers-0-registered": "yes",
    "providers-0-provider_days": ["mon", "wed"],
    "providers-0-provider_hours": "6",
    "providers-0-weekly_cost": "£250",
    "providers-0-attendance_code": "B",
}

AGREEMENT = {"dsl_aware": "yes", "parent_agrees": "yes", "pupil_views": "Happy with mornings."}


def portal_command(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`portal ARGS` run as an operator would, in a process of its own: production, an empty
    SQLite file, a bare PATH."""
    return subprocess.run(
        [sys.executable, "-m", "webapp.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PORTAL_ENV": "production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        },
    )
