"""Knowing where you are: the task list of a case type with sections, and "Page N of M"."""

from tests.webapp.conftest import text_of
from tests.webapp.helpers import (
    AGREEMENT,
    ARRANGEMENT,
    CHILD,
    PDF,
    PROVIDER,
    answer,
    shown_values,
    start,
    start_unsaved,
)

CONSENT = {"consent_to_referral": "yes", "consent_to_share": "yes"}


def _start_with_sections(portal):
    """A SEND referral (it has sections), saved: its reference and its task list."""
    reference, _ = start(portal, "send-referral")
    return reference, f"/cases/{reference}/tasks"


def _tasks(page) -> list[tuple[str, str]]:
    return [
        (
            text_of(item.select_one(".govuk-task-list__name-and-hint")),
            text_of(item.select_one(".govuk-task-list__status")),
        )
        for item in page.select(".govuk-task-list__item")
    ]


def test_start_now_opens_the_task_list_with_every_section_not_yet_started(sign_in, world):
    portal = sign_in(world.alice)
    location = start_unsaved(portal, "send-referral", tasks=True)
    school = world.school_a.id
    assert location.startswith(f"/submit-case/send-referral/tasks?school={school}&start=")
    page = portal.get(location).page
    assert _tasks(page) == [
        ("Permissions", "Not yet started"),
        ("The child and their family", "Not yet started"),
        ("The referral", "Not yet started"),
        ("Your details", "Not yet started"),
    ]
    assert "You have completed 0 of 4 sections" in text_of(page)
    links = [a["href"] for a in page.select("a.govuk-task-list__link")]
    assert links[1].startswith(f"/submit-case/send-referral/new/child?school={school}&start=")
    assert page.find("a", string="Check your answers") is None  # not before all are done
    assert page.find("a", string="Abandon this draft") is None  # nothing saved to abandon
    child = portal.get(links[1]).page
    assert child.select_one(".govuk-back-link")["href"] == location


def test_back_to_a_new_cases_task_list_after_a_section_was_sent_shows_the_draft(
    sign_in, world, db_session
):
    """Found by review: the task list of a new case had no start token, and each of its links
    a token of its own. Back to it after a section's page was sent (or the page's own Back
    link, once its background save had made the case) showed "New case", nothing started,
    "the case is saved when you save its first page", and another section started a second
    case. Its address now has the token its links share, and leads to the draft made."""
    from sqlalchemy import select

    from webapp.models import Case

    portal = sign_in(world.alice)
    tasks = start_unsaved(portal, "send-referral", tasks=True)
    links = [a["href"] for a in portal.get(tasks).page.select("a.govuk-task-list__link")]
    token = tasks.split("&start=")[1]
    assert all(link.endswith(f"&start={token}") for link in links)  # one case, whichever
    child = portal.get(links[1]).page
    back = child.select_one(".govuk-back-link")["href"]
    assert back == tasks
    form = {k: v for k, v in shown_values(child) if k != "shown"}
    portal.post(links[1], {**form, "forename": "Sam", "action": "save"}, expect=302)
    [case] = db_session.scalars(select(Case)).all()
    assert portal.get(tasks, expect=302).headers["Location"] == f"/cases/{case.reference}/tasks"
    permissions = portal.get(links[0], expect=302).headers["Location"]
    assert permissions == f"/cases/{case.reference}/pages/permissions"
    db_session.expire_all()
    assert db_session.scalars(select(Case)).all() == [case]
    no_token = tasks.split("&start=")[0]  # an address typed or kept without one: a new one
    fresh = portal.get(no_token, expect=302).headers["Location"]
    assert fresh.startswith(f"{no_token}&start=") and fresh != tasks
    assert "Not yet started" in text_of(portal.get(fresh).page)


def test_finishing_a_section_goes_back_to_the_task_list_where_it_is_completed(sign_in, world):
    portal = sign_in(world.alice)
    reference, tasks = _start_with_sections(portal)
    response = answer(portal, f"/cases/{reference}/pages/permissions", CONSENT)
    assert response.headers["Location"] == tasks
    assert _tasks(portal.get(tasks).page)[0] == ("Permissions", "Completed")
    check = portal.get(f"/cases/{reference}/check-answers").page
    assert check.select_one(".govuk-back-link")["href"] == tasks


def test_a_section_started_and_left_is_in_progress_and_its_link_resumes_it(sign_in, world):
    portal = sign_in(world.alice)
    reference, tasks = _start_with_sections(portal)
    answer(portal, f"/cases/{reference}/pages/child", {"forename": "Sam"}, action="save")
    page = portal.get(tasks).page
    assert _tasks(page)[1] == ("The child and their family", "In progress")
    assert page.select("a.govuk-task-list__link")[1]["href"].endswith("/pages/child")
    child = portal.get(f"/cases/{reference}/pages/child").page
    assert child.select_one(".govuk-back-link")["href"] == tasks  # a section's first page
    assert text_of(child.select_one(".app-progress")) == "The child and their family"


def test_opening_a_draft_from_my_cases_still_lands_on_the_last_page_worked_on(sign_in, world):
    portal = sign_in(world.alice)
    reference, _ = _start_with_sections(portal)
    answer(portal, f"/cases/{reference}/pages/family", {}, action="save")
    response = portal.get(f"/cases/{reference}", expect=302)
    assert response.headers["Location"].endswith(f"/cases/{reference}/pages/family")


def test_a_form_without_sections_counts_the_pages_that_apply(sign_in, world):
    portal = sign_in(world.alice)
    reference, location = start(portal, "part-time-timetable")
    assert location.endswith("/pages/child")
    page = portal.get(location).page
    assert text_of(page.select_one(".app-progress")) == "Page 1 of 3"  # no provision yet
    answer(portal, location, CHILD)
    answer(portal, f"/cases/{reference}/pages/arrangement", ARRANGEMENT)  # with provision
    page = portal.get(f"/cases/{reference}/pages/provision").page
    assert text_of(page.select_one(".app-progress")) == "Page 3 of 4"
    assert portal.get(f"/cases/{reference}/tasks", expect=302)  # no task list: opens the draft


def test_another_schools_task_list_is_not_found(sign_in, world):
    reference, _ = _start_with_sections(sign_in(world.alice))
    sign_in(world.bob).get(f"/cases/{reference}/tasks", expect=404)


def test_back_from_a_page_opened_by_a_change_link_returns_to_check_your_answers(sign_in, world):
    """Found by trying it: Change on Check your answers, then Back, led to the page before
    the one changed, a step further from where the user came from."""
    portal = sign_in(world.alice)
    reference, child = start(portal, "part-time-timetable")
    answer(portal, child, CHILD)
    check = f"/cases/{reference}/check-answers"
    change = portal.get(check).page.find("a", href=lambda h: h and "/arrangement?change=1" in h)
    page = portal.get(change["href"].split("#")[0]).page
    assert page.select_one(".govuk-back-link")["href"] == check
    plain = portal.get(f"/cases/{reference}/pages/arrangement").page  # not from a Change link
    assert plain.select_one(".govuk-back-link")["href"] == child


def test_a_dates_change_link_goes_to_its_day_box(sign_in, world):
    """Found by trying it: Change beside a date linked to the date's box of three inputs,
    which cannot take the focus (it stayed on the page); it now goes to the day, as the
    error summary's links do."""
    portal = sign_in(world.alice)
    reference, child = start(portal, "part-time-timetable")
    answer(portal, child, CHILD)
    check = portal.get(f"/cases/{reference}/check-answers").page
    changes = [a["href"] for a in check.select(".govuk-summary-list__actions a")]
    assert f"/cases/{reference}/pages/child?change=1#date_of_birth-day" in changes
    assert f"/cases/{reference}/pages/child?change=1#forename" in changes


def test_a_change_that_brings_in_a_page_asks_it_before_check_your_answers(sign_in, world):
    """Found by trying it: changing "What kind of arrangement" to Alternative provision from
    Check your answers went straight back there, with the providers page it brings in left
    to be found from the error summary; it is now asked first, as GOV.UK's pattern does."""
    portal = sign_in(world.alice)
    reference, child = start(portal, "part-time-timetable")
    answer(portal, child, CHILD)
    arrangement = f"/cases/{reference}/pages/arrangement"
    answer(portal, arrangement, {**ARRANGEMENT, "arrangement_type": "ptt"})
    changed = {**ARRANGEMENT, "arrangement_type": "ap"}
    response = answer(portal, f"{arrangement}?change=1", changed)
    provision = f"/cases/{reference}/pages/provision?change=1"
    assert response.headers["Location"] == provision
    response = answer(portal, provision, PROVIDER)
    assert response.headers["Location"] == f"/cases/{reference}/pages/agreement?change=1"
    unchanged = answer(portal, f"/cases/{reference}/pages/child?change=1", CHILD)
    assert unchanged.headers["Location"].endswith("/pages/agreement?change=1")  # still unsaved


def test_a_page_to_finish_opened_from_check_your_answers_leads_back_there(sign_in, world):
    """Found by trying it: "The arrangement: 9 answers to complete or correct" on Check your
    answers opened the page, and once it was put right Continue went on through the pages
    after it; it now comes back, as a Change link does."""
    portal = sign_in(world.alice)
    reference, child = start(portal, "part-time-timetable")
    answer(portal, child, CHILD)
    arrangement = f"/cases/{reference}/pages/arrangement"
    answer(portal, arrangement, {"arrangement_type": "ptt"}, expect=200)  # left unfinished
    agreement = f"/cases/{reference}/pages/agreement"
    answer(portal, agreement, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    check = portal.get(f"/cases/{reference}/check-answers").page
    link = check.select_one(".govuk-error-summary__list a")
    assert text_of(link).startswith("The arrangement:")
    assert link["href"] == f"{arrangement}?change=1"
    done = answer(portal, link["href"], {**ARRANGEMENT, "arrangement_type": "ptt"})
    assert done.headers["Location"] == f"/cases/{reference}/check-answers"


def test_change_links_of_choices_go_to_the_chosen_radio_or_first_ticked_box(sign_in, world):
    """A Change link beside a radio answer led to the first radio, unchecked, whatever was
    chosen: a screen reader said "not checked" of an answer that was. It now goes to the
    chosen radio, or the first box ticked; the first one when nothing is."""
    portal = sign_in(world.alice)
    reference, child = start(portal, "part-time-timetable")
    answer(portal, child, CHILD)  # SEN provision K (the second option); looked after: No
    arrangement = f"/cases/{reference}/pages/arrangement"
    answer(portal, arrangement, {**ARRANGEMENT, "weekly_pattern": ["tue_am", "wed_am"]})
    check = portal.get(f"/cases/{reference}/check-answers").page
    links = [a["href"].split("#") for a in check.select(".govuk-summary-list__actions a")]
    expected = {child: {"sen_provision": "K", "looked_after": "no", "has_social_worker": "no"}}
    expected[arrangement] = {"weekly_pattern": "tue_am"}
    for path, answers in expected.items():
        page = portal.get(f"{path}?change=1").page
        for name, value in answers.items():
            # The link's anchor is the input holding the answer: name, or name-2, name-3…
            target = next(a for p, a in links if p == f"{path}?change=1" and a.startswith(name))
            chosen = page.find(id=target)
            assert (chosen.name, chosen["name"], chosen["value"]) == ("input", name, value)
            assert chosen.has_attr("checked")
