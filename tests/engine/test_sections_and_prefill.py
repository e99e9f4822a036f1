"""Sections (the task list and its statuses), "Page N of M" and prefilled questions."""

from __future__ import annotations

import pytest

from engine.casetype import CANNOT_START, COMPLETED, IN_PROGRESS, NOT_STARTED

PAGES = """
- id: child
  title: About the child
  fields:
    - {id: forename, type: text, label: First name}
    - {id: has_ehcp, type: yes_no, label: Does the child have an EHC plan?}
- id: plan
  title: The plan
  show_if: has_ehcp
  fields:
    - {id: plan_date, type: text, label: Date of the plan}
- id: needs
  title: Needs
  fields:
    - {id: needs_text, type: textarea, label: Describe the needs}
- id: contact
  title: Your details
  fields:
    - {id: school_name, type: text, label: School, prefill: school.name, locked: true}
    - {id: your_name, type: text, label: Your name, prefill: user.full_name}
    - {id: mobile, type: phone, label: Mobile, prefill: user.mobile, locked: true}
"""

SECTIONS = """
sections:
  - {id: about, title: About the child, pages: [child]}
  - {id: plan, title: The EHC plan, pages: [plan]}
  - {id: rest, title: Needs and contact, pages: [needs, contact]}
"""

KNOWN = {"school.name": "Braunstone Primary", "user.full_name": "Ada Lovelace"}


@pytest.fixture
def case(compile_case):
    return compile_case(PAGES, extra=SECTIONS)


def statuses(case, answers, saved=()):
    return [(p.section.id, p.status) for p in case.section_progress(answers, saved)]


def test_a_new_case_has_nothing_started_and_waits_on_the_answer_its_plan_section_needs(case):
    assert case.sections[0].title == "About the child"
    assert statuses(case, {}) == [
        ("about", NOT_STARTED),
        ("plan", CANNOT_START),
        ("rest", NOT_STARTED),
    ]


def test_a_section_is_in_progress_once_a_page_is_saved_and_completed_when_all_are_well(case):
    answers = {"forename": "Sam"}  # has_ehcp still unanswered: the page has a problem
    assert statuses(case, answers, {"child"})[0] == ("about", IN_PROGRESS)
    answers["has_ehcp"] = True
    assert statuses(case, answers, {"child"})[:2] == [("about", COMPLETED), ("plan", NOT_STARTED)]


def test_a_section_whose_pages_do_not_apply_is_left_out(case):
    answers = {"forename": "Sam", "has_ehcp": False}
    assert statuses(case, answers, {"child"}) == [("about", COMPLETED), ("rest", NOT_STARTED)]


def test_a_section_link_opens_its_first_page_not_yet_completed(case):
    answers = {"forename": "Sam", "has_ehcp": False, "needs_text": "Reading"}
    rest = case.section_progress(answers, {"child", "needs"})[-1]
    assert (rest.status, rest.first_page) == (IN_PROGRESS, "contact")
    assert rest.pages == ("needs", "contact")
    assert case.section_of("contact").id == "rest"


def test_page_n_of_m_counts_only_the_pages_that_apply(case):
    assert case.page_position("needs", {"has_ehcp": True}) == (3, 4)
    assert case.page_position("needs", {"has_ehcp": False}) == (2, 3)


def test_a_case_type_without_sections_has_none(compile_case):
    case = compile_case(PAGES)
    assert case.sections == ()
    assert case.section_progress({}) == []
    assert case.section_of("child") is None


def test_unanswered_prefilled_questions_are_filled_and_answers_kept(case):
    form = case.form("contact", {"your_name": "A. Lovelace"}, known=KNOWN)
    assert form.school_name.data == "Braunstone Primary"
    assert form.your_name.data == "A. Lovelace"  # the user's own answer stays
    assert case.form("contact", {}, known=KNOWN).your_name.data == "Ada Lovelace"


def test_a_locked_question_always_shows_what_the_portal_knows(case):
    form = case.form("contact", {"school_name": "Typed"}, raw={"school_name": "Typed"}, known=KNOWN)
    assert form.school_name.data == "Braunstone Primary"
    assert case.locked_fields("contact", KNOWN) == {"school_name": "Braunstone Primary"}


def test_a_locked_question_the_portal_knows_nothing_for_is_an_ordinary_question(case):
    assert "mobile" not in case.locked_fields("contact", KNOWN)
    assert case.form("contact", {}, known=KNOWN).mobile.data is None
