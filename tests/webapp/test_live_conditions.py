"""Questions that apply only after an answer: on the page from the start, hidden until they
apply, and never reported as an error before the user has been shown them."""

from __future__ import annotations

import json

from tests.webapp.conftest import text_of
from tests.webapp.helpers import answer, date, errors_on, start

OUTCOME = {
    "pupil_injured": "yes",
    "staff_injured": "no",
    "support_after": "A debrief with the pupil.",
    "parent_informed": "yes",
    "safeguarding_referral": "no",
}
# What the page showed before these answers: its first questions, none of their follow-ups.
SHOWN_AT_FIRST = "pupil_injured staff_injured support_after parent_informed safeguarding_referral"


def _outcome_page(portal) -> str:
    reference, _first = start(portal, "physical-intervention")
    return f"/cases/{reference}/pages/outcome"


def _question(page, name: str):
    return page.find(attrs={"data-question": name})


def test_every_question_is_on_the_page_and_those_that_do_not_apply_are_hidden(sign_in, world):
    portal = sign_in(world.alice)
    page = portal.get(_outcome_page(portal)).page
    assert _question(page, "pupil_injured").get("hidden") is None
    assert _question(page, "pupil_injury_details").has_attr("hidden")
    assert page.find("textarea", attrs={"name": "pupil_injury_details"})  # ready to appear
    # Found by trying it: "Why have they not been told?" was asked before "Has a parent or
    # carer been told?" was answered (`not parent_informed` holds while it is unanswered).
    assert _question(page, "parent_not_informed_reason").has_attr("hidden")
    shown = page.find("input", attrs={"name": "shown"})["value"].split()
    assert shown == SHOWN_AT_FIRST.split()
    conditions = json.loads(page.find("form", attrs={"data-conditions": True})["data-conditions"])
    by_id = {f["id"]: f for f in conditions["fields"]}
    assert by_id["pupil_injury_details"]["show_if"] == ["v", "pupil_injured"]
    assert by_id["parent_not_informed_reason"]["show_if"] == [
        "cmp",
        ["v", "parent_informed"],
        [["==", ["c", False]]],
    ]


def test_a_follow_up_of_one_option_sits_under_that_option(sign_in, world):
    """GOV.UK's conditional reveal: "Yes" controls the question that only "Yes" brings."""
    portal = sign_in(world.alice)
    page = portal.get(_outcome_page(portal)).page
    yes = page.find("input", attrs={"name": "pupil_injured", "value": "yes"})
    revealed = page.find(id=yes["data-aria-controls"])
    assert "govuk-radios__conditional" in revealed["class"]
    assert revealed.find("textarea", attrs={"name": "pupil_injury_details"})
    told = page.find(id="conditional-parent_informed")
    assert told.find(attrs={"name": "parent_informed_date-day"})
    assert told.find(attrs={"name": "parent_informed_how"})
    # "No" controls the question that only "No" brings (`parent_informed == false`).
    no = page.find("input", attrs={"name": "parent_informed", "value": "no"})
    not_told = page.find(id=no["data-aria-controls"])
    assert "govuk-radios__conditional" in not_told["class"]
    assert not_told.find("textarea", attrs={"name": "parent_not_informed_reason"})


def test_questions_that_now_apply_come_back_with_a_notice_not_errors(sign_in, world):
    portal = sign_in(world.alice)
    path = _outcome_page(portal)
    response = answer(portal, path, {**OUTCOME, "shown": SHOWN_AT_FIRST}, expect=200)
    page = response.page
    assert errors_on(response) == []
    assert not page.select(".govuk-error-message")
    assert not page.find("title").get_text().startswith("Error")
    notice = page.find(attrs={"role": "status", "class": "app-now-apply"})
    assert "Answer the questions that now apply" in notice.get_text()
    for name in ("pupil_injury_details", "parent_informed_date", "parent_informed_how"):
        assert _question(page, name).get("hidden") is None, name
    assert _question(page, "parent_not_informed_reason").has_attr("hidden")
    assert page.find("textarea", attrs={"name": "support_after"}).get_text() == (
        "A debrief with the pupil."
    )

    # Sent again with them still blank: now they were shown, so they are errors.
    shown = page.find("input", attrs={"name": "shown"})["value"]
    again = answer(portal, path, {**OUTCOME, "shown": shown}, expect=200)
    assert errors_on(again) == [
        "Enter details of the pupil's injuries",
        "Enter the date they were told",
        "Select how they were told",
    ]


def test_the_shown_list_decides_only_what_is_reported_never_what_is_accepted(sign_in, world):
    portal = sign_in(world.alice)
    path = _outcome_page(portal)
    # A question never shown, answered wrongly: no error yet, and the page does not move on.
    typed = {**OUTCOME, **date("parent_informed_date", 31, 2, 2026)}
    response = answer(portal, path, {**typed, "shown": SHOWN_AT_FIRST}, expect=200)
    assert errors_on(response) == []
    assert "Answer the questions that now apply" in text_of(response.page)
    # Claiming every question was shown reports them all; the answers are checked as ever.
    everything = f"{SHOWN_AT_FIRST} pupil_injury_details parent_informed_date parent_informed_how"
    response = answer(portal, path, {**typed, "shown": everything}, expect=200)
    assert "Date they were told must be a real date" in errors_on(response)
    # An old page, or a script, that says nothing of what it showed: every error, as before.
    response = answer(portal, path, typed, expect=200)
    assert "Enter details of the pupil's injuries" in errors_on(response)


def test_a_page_whose_questions_were_all_shown_moves_on(sign_in, world):
    portal = sign_in(world.alice)
    path = _outcome_page(portal)
    complete = {
        **OUTCOME,
        "pupil_injury_details": "A graze.",
        **date("parent_informed_date", 12, 1, 2026),
        "parent_informed_how": "phone",
        "shown": f"{SHOWN_AT_FIRST} pupil_injury_details parent_informed_date parent_informed_how",
    }
    response = answer(portal, path, complete, expect=302)
    assert response.headers["Location"].endswith("/pages/your_details")


def test_a_page_that_counts_school_days_gets_the_calendar_and_others_do_not():
    """The browser counts school days with the calendar the server counts with."""
    from tests.engine.conftest import case_type_yaml, catalogue_of
    from webapp.areas.cases.presenters import live_conditions

    pages = """
    - id: dates
      title: Dates
      fields:
        - {id: start_date, type: date, label: First day}
        - {id: due, type: calculated, label: Due, format: date,
           value: "add_school_days(start_date, 5)"}
    - id: other
      title: Other
      fields:
        - {id: hours, type: number, label: Hours, suffix: {one: hour, other: hours}}
        - {id: again, type: calculated, label: Again, value: hours,
           suffix: {one: hour, other: hours}}
    """
    calendar = (
        "kind: calendar\nterms:\n  - {name: Autumn, start: 2026-09-03, end: 2026-10-23}\n"
        "bank_holidays:\n  - {date: 2026-08-31, name: Summer bank holiday}\n"
    )
    catalogue = catalogue_of(("case.yaml", case_type_yaml(pages)), ("cal.yaml", calendar))
    case_type = catalogue.get("test-case")
    counting = live_conditions(case_type, case_type.pages[0], {}, "2026-09-01")
    assert counting["calendar"] == {"off": ["2026-08-31"]}
    other = live_conditions(case_type, case_type.pages[1], {}, "2026-09-01")
    assert "calendar" not in other
    again = next(f for f in other["fields"] if f["id"] == "again")
    assert (again["suffix_one"], again["suffix"]) == ("hour", "hours")


def test_the_browser_is_never_given_an_authors_pattern_to_run():
    """JavaScript's matcher backtracks: a pattern such as ([A-Za-z]+[ '-]?)+ took it seconds
    a keystroke on a 26-character name; the server checks patterns, with RE2."""
    from tests.engine.conftest import case_type_yaml, catalogue_of
    from webapp.areas.cases.presenters import live_conditions

    pages = """
    - id: names
      title: Names
      fields:
        - {id: name, type: text, label: Name, max_length: 40, pattern: "([A-Za-z]+[ '-]?)+"}
        - {id: known_as, type: text, label: Known as, show_if: "name != none"}
    """
    case_type = catalogue_of(("case.yaml", case_type_yaml(pages))).get("test-case")
    name = live_conditions(case_type, case_type.pages[0], {}, "2026-09-01")["fields"][0]
    assert name["max_length"] == 40 and "pattern" not in name
