"""Where the user is in a form: the task list of a case type with sections, "Page N of M"
for the others, and where Continue and Back lead between sections."""

from __future__ import annotations

from flask import url_for

from engine import CaseType
from engine.casetype import CANNOT_START, COMPLETED, IN_PROGRESS, NOT_STARTED
from webapp.models import Case

_TAGS = {NOT_STARTED: "govuk-tag--blue", IN_PROGRESS: "govuk-tag--light-blue"}


def saved_pages(case: Case) -> set[str]:
    """The pages of a case saved at least once."""
    return set(case.page_versions or {})


def task_items(case: Case, case_type: CaseType, page_url=None) -> tuple[list[dict], int]:
    """The govukTaskList items of a case, and how many of its sections are completed;
    `page_url(page_id)` links a section's first page (by default, the case's page)."""
    if page_url is None:

        def page_url(page_id: str) -> str:
            return url_for("cases.page", reference=case.reference, page_id=page_id)

    items, completed = [], 0
    for progress in case_type.section_progress(case.answers, saved_pages(case)):
        item: dict = {"title": {"text": progress.section.title}}
        if progress.status == COMPLETED:
            completed += 1
            item["status"] = {"text": COMPLETED}
        elif progress.status == CANNOT_START:
            item["status"] = {
                "text": CANNOT_START,
                "classes": "govuk-task-list__status--cannot-start-yet",
            }
        else:
            item["status"] = {"tag": {"text": progress.status, "classes": _TAGS[progress.status]}}
        if progress.status != CANNOT_START:
            item["href"] = page_url(progress.first_page)
        items.append(item)
    return items, completed


def page_caption(case_type: CaseType, page_id: str, answers, values=None) -> str:
    """ "Page 3 of 7" (the pages that apply now) for a form without sections; else its section.
    `values`: the answers' values, when the caller has them already."""
    section = case_type.section_of(page_id)
    if section is not None:
        return section.title
    number, count = case_type.page_position(page_id, answers, values)
    return f"Page {number} of {count}"


def leaves_section(case_type: CaseType, page_id: str, other_page_id: str | None) -> bool:
    """Whether going from the page to `other_page_id` (None: no more pages) leaves its section,
    so the user goes back to the task list instead."""
    if not case_type.sections:
        return False
    return other_page_id is None or case_type.section_of(other_page_id) != case_type.section_of(
        page_id
    )
