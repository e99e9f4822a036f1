"""Steps of a school user's journey, written as a browser would send them."""

from __future__ import annotations

import io
import re

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def start(portal, case_type_id, school=None):
    """Start a case; its reference and the first page's path."""
    page = portal.get(f"/submit-case/{case_type_id}").page
    only_school = page.find("input", attrs={"name": "school", "type": "hidden"})
    data = {"school": str(school.id) if school else only_school["value"]}
    response = portal.post(f"/submit-case/{case_type_id}", data, expect=302)
    location = response.headers["Location"]
    if location.endswith("/tasks"):  # a case type with sections: its first section's link
        location = portal.get(location).page.select_one("a.govuk-task-list__link")["href"]
    return re.search(r"/cases/([^/]+)/pages/", location).group(1), location


def date(name, day, month, year):
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


def answer(portal, path, answers, action="continue", files=None, expect=302):
    """Open a page, then send it with these answers (and files) as the form would."""
    page = portal.get(path).page
    version = page.find("input", attrs={"name": "page_version"})["value"]
    data = MultiDict([("page_version", version), ("action", action)])
    for key, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(key, item)
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


def errors_on(response) -> list[str]:
    summary = response.page.select(".govuk-error-summary__list a")
    return [a.get_text(strip=True) for a in summary]


CHILD = {
    "forename": "Jordan",
    "surname": "Miles",
    **date("date_of_birth", 14, 5, 2015),
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
