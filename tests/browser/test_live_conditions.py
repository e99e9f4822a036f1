"""Questions that appear as they become relevant, on the Physical Intervention Record's "After
the incident" page: at once and with no request to the server when JavaScript runs, after
Continue (with a short notice, never an error) when it does not; by the keyboard alone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import axe, focused, saved_draft, school_user, sign_in, tab_to

FOLLOW_UPS = {
    "pupil_injury_details": "Describe the pupil's injuries and any first aid given",
    "staff_injury_details": "Describe the staff injuries and any first aid given",
    "parent_informed_date": "Date they were told",
    "parent_informed_how": "How were they told?",
    "parent_not_informed_reason": "Why have they not been told?",
    "safeguarding_referral_details": "Who was it referred to and why?",
}

USER = "conditions@westcotes.example.org"  # sign-in codes of its own (5 in 15 minutes a user)


def _start_record(page, live, world) -> str:
    """A new Physical Intervention Record; its "After the incident" page opened."""
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "physical-intervention")
    page.goto(f"/cases/{reference}/pages/outcome")
    expect(page.get_by_role("heading", level=1, name="After the incident")).to_be_visible()
    return reference


def _shown(page) -> set[str]:
    """The follow-up questions on screen (in the accessibility tree)."""
    return {
        name
        for name in FOLLOW_UPS
        if page.locator(f"[data-question={name}]").is_visible()
        and page.locator(f"[name^={name}]").first.is_visible()
    }


def _no_errors(page) -> None:
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator(".govuk-error-message")).to_have_count(0)


def _press(page, key: str, requests: list, shown: set[str]) -> None:
    """A key that changes an answer: the questions are right at once, before any request."""
    requests.clear()
    page.keyboard.press(key)
    for name in FOLLOW_UPS:
        question = page.locator(f"[data-question={name}]")
        if name in shown:
            expect(question).to_be_visible(timeout=500)
        else:
            expect(question).to_be_hidden(timeout=500)
    assert requests == [], f"a change of answer went to the server: {requests}"


def test_questions_appear_as_answers_change_without_a_request(page, live, world):
    reference = _start_record(page, live, world)
    address = f"/cases/{reference}/pages/outcome"
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
    keys = page.keyboard
    # Nothing answered, no follow-up question is asked: not even "Why have they not been
    # told?" before "Has a parent or carer been told?" (it was, found by trying it).
    assert _shown(page) == set()
    _no_errors(page)

    tab_to(page, "input[name=pupil_injured]")
    _press(page, "Space", requests, {"pupil_injury_details"})
    assert focused(page)["value"] == "yes"
    expect(page.locator(".app-live-announcement")).to_have_text("1 question added below.")
    keys.press("Tab")  # the revealed question comes next in the tab order
    assert focused(page)["name"] == "pupil_injury_details"
    keys.type("A graze on the left elbow, cleaned by the first aider.")

    # "No" hides it again, and Tab then skips it: it is out of the tab order.
    tab_to(page, "input[name=pupil_injured]", backwards=True)
    _press(page, "ArrowRight", requests, set())
    assert focused(page)["value"] == "no"
    keys.press("Tab")
    assert focused(page)["name"] == "staff_injured"
    keys.press("Shift+Tab")
    _press(page, "ArrowLeft", requests, {"pupil_injury_details"})

    tab_to(page, "input[name=staff_injured]")
    keys.press("ArrowRight")  # No: the staff injury question stays hidden
    type_into = _typer(page)
    type_into("textarea[name=support_after]", "A debrief with the pupil and the two staff.")
    tab_to(page, "input[name=parent_informed]")
    _press(page, "ArrowRight", requests, {"pupil_injury_details", "parent_not_informed_reason"})
    expect(page.locator(".app-live-announcement")).to_have_text("1 question added below.")
    shown_when_told = {"pupil_injury_details", "parent_informed_date", "parent_informed_how"}
    _press(page, "ArrowLeft", requests, shown_when_told)  # Yes
    expect(page.locator(".app-live-announcement")).to_have_text(
        "2 questions added below, 1 question removed."
    )
    type_into("input[name=parent_informed_date-day]", "12")
    type_into("input[name=parent_informed_date-month]", "1")
    type_into("input[name=parent_informed_date-year]", "2026")
    tab_to(page, "input[name=parent_informed_how]")
    keys.press("ArrowDown")  # By telephone
    tab_to(page, "input[name=safeguarding_referral]")
    _press(page, "ArrowRight", requests, shown_when_told)  # No
    _no_errors(page)
    axe(page, "Case page: After the incident, questions revealed")

    requests.clear()
    tab_to(page, "button[value=continue]")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Your details")).to_be_visible()
    sent = [r for r in requests if r.startswith("POST") and r.endswith(address)]
    assert len(sent) == 1, f"the page should be sent once: {requests}"

    # What was shown was saved; what was hidden plays no part.
    page.goto(f"/cases/{reference}/check-answers")
    expect(page.get_by_text("A graze on the left elbow")).to_be_visible()
    expect(page.get_by_text("Why have they not been told?")).to_have_count(0)


def _typer(page):
    def type_into(selector: str, text: str) -> None:
        tab_to(page, selector)
        page.keyboard.type(text)

    return type_into


def _axe_as_served(page, name: str) -> None:
    """axe-core needs JavaScript: the page as served, copied into a profile where it may run
    but where every script of the page's own is refused, so that it stays as without them."""
    context = page.context.browser.new_context(base_url=page.url, viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route("**/*.js", lambda route: route.abort())
        copy.goto(page.url.replace("/cases/", "/static/none/"))  # the portal's origin
        copy.set_content(page.content())
        expect(copy.locator("body.js-enabled")).to_have_count(0)
        axe(copy, name)
    finally:
        context.close()


def test_without_javascript_new_questions_come_back_without_errors(
    page_without_javascript, live, world
):
    page = page_without_javascript
    _start_record(page, live, world)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
    keys = page.keyboard
    assert _shown(page) == set()

    tab_to(page, "input[name=pupil_injured]")
    keys.press("Space")  # Yes: nothing can appear until the page is sent
    assert _shown(page) == set()
    tab_to(page, "input[name=staff_injured]")
    keys.press("ArrowRight")  # No
    type_into = _typer(page)
    type_into("textarea[name=support_after]", "A debrief with the pupil and the two staff.")
    tab_to(page, "input[name=parent_informed]")
    keys.press("Space")  # Yes
    tab_to(page, "input[name=safeguarding_referral]")
    keys.press("ArrowRight")  # No
    tab_to(page, "button[value=continue]")
    with page.expect_navigation():
        keys.press("Enter")

    # Back on the same page: the questions that now apply, a notice, and no error.
    expect(page.get_by_role("heading", level=1, name="After the incident")).to_be_visible()
    notice = page.get_by_role("status").filter(has_text="Answer the questions that now apply")
    expect(notice).to_be_visible()
    _no_errors(page)
    assert _shown(page) == {"pupil_injury_details", "parent_informed_date", "parent_informed_how"}
    expect(page.locator("input[name=pupil_injured][value=yes]")).to_be_checked()
    expect(page.locator("textarea[name=support_after]")).to_have_value(
        "A debrief with the pupil and the two staff."
    )
    _axe_as_served(page, "Case page: After the incident, new questions (no JavaScript)")

    # Continue with one of them still blank: now it was shown, so it is an error.
    type_into("textarea[name=pupil_injury_details]", "A graze on the left elbow.")
    type_into("input[name=parent_informed_date-day]", "12")
    type_into("input[name=parent_informed_date-month]", "1")
    type_into("input[name=parent_informed_date-year]", "2026")
    tab_to(page, "button[value=continue]")
    with page.expect_navigation():
        keys.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("li")).to_have_text(["Select how they were told"])
    tab_to(page, "input[name=parent_informed_how]")
    keys.press("Space")
    tab_to(page, "button[value=continue]")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Your details")).to_be_visible()
    posts = [r for r in requests if r.startswith("POST")]
    assert len(posts) == 3, posts  # no script: nothing is sent but by Continue


def test_page_n_of_m_follows_an_answer_that_adds_a_page(page, live, world):
    # Found by trying it: "Alternative provision" adds a page to the part-time timetable, but
    # the caption kept saying "Page 2 of 3" until Continue; it now counts as the questions do.
    sign_in(page, live, school_user(world, "pages@westcotes.example.org"))
    reference = saved_draft(page, "part-time-timetable")
    page.goto(f"/cases/{reference}/pages/arrangement")
    caption = page.locator(".app-progress")
    expect(caption).to_have_text("Page 2 of 3")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
    page.get_by_label("Alternative provision", exact=True).check()
    expect(caption).to_have_text("Page 2 of 4", timeout=500)
    page.get_by_label("Part-time timetable", exact=True).check()
    expect(caption).to_have_text("Page 2 of 3", timeout=500)
    assert not [r for r in requests if "/autosave" not in r], requests
