"""Repeating groups: `min_items` items ready to fill, and items numbered wherever they are read."""

import threading

import pytest

from tests.webapp.conftest import text_of
from tests.webapp.helpers import (
    AGREEMENT,
    ARRANGEMENT,
    CHILD,
    PDF,
    PROVIDER,
    answer,
    confirm_data,
    remove_item,
    start,
)
from tests.webapp.test_caseviewer import PTT, council, submit_ptt  # noqa: F401 (a fixture)

SECOND_PROVIDER = {
    "providers-1-provider_name": "Riverside Tuition",
    "providers-1-provider_number": "12345678",
    "providers-1-registered": "no",
    "providers-1-provider_days": ["tue"],
    "providers-1-provider_hours": "3",
    "providers-1-attendance_code": "K",
}


def _provision(portal):
    reference, first = start(portal, PTT)
    answer(portal, first, CHILD)
    answer(portal, f"/cases/{reference}/pages/arrangement", ARRANGEMENT)
    return reference, f"/cases/{reference}/pages/provision"


def _item_titles(page) -> list[str]:
    return [text_of(h) for h in page.select(".app-group-summary__title")]


def test_a_group_with_min_items_shows_that_many_items_ready_to_fill(sign_in, world):
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    page = portal.get(path).page
    assert page.find("input", attrs={"name": "providers-0-provider_name"})
    assert "Provider 1" in text_of(page.select_one(".app-group__item legend"))
    buttons = [text_of(b) for b in page.select("button")]
    assert "Add another provider" in buttons
    assert "Remove provider 1" not in buttons  # the one item the group needs stays
    answer(portal, path, PROVIDER, action="add:providers")
    buttons = [text_of(b) for b in portal.get(path).page.select("button")]
    assert "Remove provider 1" in buttons and "Remove provider 2" in buttons


def test_items_are_numbered_on_check_answers_and_in_caseviewer(sign_in, world, council):  # noqa: F811
    alice = sign_in(world.alice)
    reference = submit_ptt(alice, providers={**PROVIDER, **SECOND_PROVIDER})
    view = alice.get(f"/cases/{reference}/view").page
    assert _item_titles(view) == ["Provider 1", "Provider 2"]
    officer = sign_in(council.olivia).get(f"/caseviewer/cases/{reference}").page
    assert _item_titles(officer) == ["Provider 1", "Provider 2"]
    assert "Riverside Tuition" in text_of(officer)


def test_check_answers_numbers_the_items_of_a_draft(sign_in, world):
    portal = sign_in(world.alice)
    reference, path = _provision(portal)
    answer(portal, path, {**PROVIDER, **SECOND_PROVIDER})
    check = portal.get(f"/cases/{reference}/check-answers").page
    assert _item_titles(check) == ["Provider 1", "Provider 2"]


def test_the_error_summary_says_which_item_a_problem_is_in(sign_in, world):
    """Beside the input, inside "Provider 2", the message needs no more; in the summary at the
    top of the page it would not say which provider without the item's name."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    second = {**SECOND_PROVIDER, "providers-1-provider_name": ""}
    page = answer(portal, path, {**PROVIDER, **second}, expect=200).page
    summary = [text_of(a) for a in page.select(".govuk-error-summary__list a")]
    inline = text_of(page.select_one("#providers-1-provider_name-error"))
    assert summary == [f"Provider 2: {inline.removeprefix('Error: ')}"]
    assert not inline.removeprefix("Error: ").startswith("Provider")


def test_the_page_posts_to_its_own_address_so_no_fragment_follows_the_user(sign_in, world):
    """After "Add another" the address ends #providers-1; a form without an action would post
    to that address, and the browser keeps a fragment through the redirect that follows
    (RFC 9110 10.2.2), so the next page would open scrolled to nothing. With the page's own
    address as the action, nothing follows."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    answer(portal, path, PROVIDER, action="add:providers")
    form = portal.get(path).page.select_one("form.app-case-form")
    assert form["action"] == path


def test_adding_or_removing_an_item_after_a_change_link_still_leads_back_to_check_answers(
    sign_in, world
):
    """Found by trying it: Change on Check your answers, then "Add another provider" (or
    Remove), lost the page's ?change=1, so Continue went on to the next page instead of
    back to Check your answers."""
    portal = sign_in(world.alice)
    reference, path = _provision(portal)
    answer(portal, path, PROVIDER)
    agreement = f"/cases/{reference}/pages/agreement"  # every page answered: Check your answers
    answer(portal, agreement, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    changing = f"{path}?change=1"
    added = answer(portal, changing, PROVIDER, action="add:providers").headers["Location"]
    assert added == f"{changing}#providers-1"
    removed = remove_item(portal, changing, {**PROVIDER, **SECOND_PROVIDER}, "remove:providers:1")
    assert removed.headers["Location"] == changing  # no fragment: the banner takes the focus
    done = answer(portal, changing, PROVIDER).headers["Location"]
    assert done == f"/cases/{reference}/check-answers"


def test_a_groups_own_problem_links_to_its_first_items_first_question(sign_in, world):
    """Found by trying it: "Add at least one provider" linked to the group's box, which cannot
    take the focus, so it stayed on the link; it now goes to the first item's first answer
    (and, for a group with no item on screen, to its Add button)."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    blank_item = {"providers-0-provider_name": ""}  # as a browser sends the item shown
    page = answer(portal, path, blank_item, expect=200).page
    links = page.select(".govuk-error-summary__list a")
    assert [(text_of(a), a["href"]) for a in links] == [
        ("Add at least one provider", "#providers-0-provider_name")
    ]
    assert page.select_one("#providers-0-provider_name").name == "input"
    # Where the link leads, a screen reader also reads the problem (it was read nowhere near).
    error = page.select_one("#providers-error")
    assert text_of(error) == "Error: Add at least one provider"
    item = page.select_one("fieldset#providers-0")
    assert "providers-error" in item["aria-describedby"].split()
    page = answer(portal, path, {}, expect=200).page  # no item sent: none shown
    assert page.select_one(".govuk-error-summary__list a")["href"] == "#providers-add"
    assert page.select_one("#providers-add").get_text(strip=True) == "Add a provider"
    assert page.select_one("#providers-add")["aria-describedby"] == "providers-error"


def test_a_groups_change_link_goes_to_its_first_items_first_question(sign_in, world):
    """Found by trying it: Change beside a repeating group linked to the group's box, which
    cannot take the focus; it now goes to the first item's first answer."""
    portal = sign_in(world.alice)
    reference, path = _provision(portal)
    first_item = f"{path}?change=1#providers-0-provider_name"
    check = portal.get(f"/cases/{reference}/check-answers").page  # none yet: one is shown
    assert first_item in [a["href"] for a in check.select(".govuk-summary-list__actions a")]
    answer(portal, path, PROVIDER)
    check = portal.get(f"/cases/{reference}/check-answers").page
    assert first_item in [a["href"] for a in check.select(".govuk-summary-list__actions a")]


def test_an_items_follow_up_question_is_shown_only_when_its_answers_ask_it(sign_in, world):
    """Found by trying it without JavaScript: "What type of professional?" was on every item,
    whatever type was chosen, and typed into under "Educational psychologist" was dropped
    unsaid. The page now shows an item's conditional questions as its answers ask them (the
    script did so already), and one that comes in is asked without an error first."""
    portal = sign_in(world.alice)
    reference, _ = start(portal, "best-endeavours")
    path = f"/cases/{reference}/pages/needs"
    answer(portal, path, {"professionals-0-professional_type": "ep"}, action="add:professionals")
    page = portal.get(path).page
    first, second = (
        page.select_one(f"[data-question=professionals-{i}-professional_type_other]")
        for i in (0, 1)
    )
    assert first.has_attr("hidden") and second.has_attr("hidden")
    shown = page.find("input", attrs={"name": "shown"})["value"].split()
    assert "professionals-0-professional_type" in shown
    assert "professionals-0-professional_type_other" not in shown
    other = {
        "professionals-0-professional_type": "other",
        "professionals-0-professional_date": "",
        "shown": " ".join(shown),
    }
    page = answer(portal, path, other, expect=200).page
    assert "Answer the questions that now apply" in text_of(page)
    follow_up = page.select_one("[data-question=professionals-0-professional_type_other]")
    assert not follow_up.has_attr("hidden")
    assert not page.select_one("#professionals-0-professional_type_other-error")


def test_a_blank_item_before_an_answered_one_does_not_take_its_follow_up(sign_in, world):
    """The answers keep only the items not left blank: the second item's "Other" must show its
    own follow-up, not lend it to the blank first item."""
    portal = sign_in(world.alice)
    reference, _ = start(portal, "best-endeavours")
    path = f"/cases/{reference}/pages/needs"
    answer(portal, path, {"professionals-0-professional_name": ""}, action="add:professionals")
    second = {"professionals-0-professional_name": "", "professionals-1-professional_type": "other"}
    answer(portal, path, second, action="save")
    page = portal.get(path).page
    hidden = [
        page.select_one(f"[data-question=professionals-{i}-professional_type_other]").has_attr(
            "hidden"
        )
        for i in (0, 1)
    ]
    assert hidden == [True, False]


def test_removing_an_item_says_so_in_a_banner_screen_readers_announce(sign_in, world):
    """Found by trying it: after "Remove provider 1" the page came back with one item fewer
    and nothing said, so a screen reader user heard nothing and could not tell which went
    (the one after it now has its number)."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    remove_item(portal, path, {**PROVIDER, **SECOND_PROVIDER}, "remove:providers:0")
    page = portal.get(path).page
    banner = page.select_one(".govuk-notification-banner--success")
    assert banner is not None and banner.get("role") == "alert"  # read out as the page opens
    said = text_of(banner)
    assert "Provider 1 has been removed. Provider 2 is now provider 1." in said
    # The last one removed: nothing is renumbered, so nothing more is said.
    answer(portal, path, {**PROVIDER, **SECOND_PROVIDER}, action="add:providers")
    remove_item(portal, path, {**PROVIDER, **SECOND_PROVIDER}, "remove:providers:1")
    said = text_of(portal.get(path).page.select_one(".govuk-notification-banner--success"))
    assert said.endswith("Provider 2 has been removed.")
    # A forged position that is no item removes nothing and says nothing.
    answer(portal, path, PROVIDER, action="remove:providers:7")
    assert portal.get(path).page.select_one(".govuk-notification-banner--success") is None


def test_removing_a_blank_item_keeps_the_filled_in_item_after_it(sign_in, world):
    """Found by trying it: with provider 1 left blank and provider 2 filled in, "Remove
    provider 1" removed provider 2's answers (the saved answers keep no blank item, so the
    positions on screen and in the answers differ) and left the blank one."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    answer(portal, path, PROVIDER, action="add:providers")
    typed = {k: "" for k, v in PROVIDER.items() if not isinstance(v, list)}  # all left blank
    answer(portal, path, {**typed, **SECOND_PROVIDER}, action="remove:providers:0")
    page = portal.get(path).page
    names = [i.get("value") for i in page.select("input[name$=provider_name]")]
    assert names == ["Riverside Tuition"]
    said = text_of(page.select_one(".govuk-notification-banner--success"))
    assert "Provider 1 has been removed. Provider 2 is now provider 1." in said


def test_removing_a_blank_last_item_is_announced_too(sign_in, world):
    """Found by trying it: "Add another provider" then "Remove provider 2" at once said
    nothing (saving the page had already let the blank item go)."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    answer(portal, path, PROVIDER, action="add:providers")
    blank = {"providers-1-provider_name": "", "providers-1-provider_hours": ""}
    answer(portal, path, {**PROVIDER, **blank}, action="remove:providers:1")
    page = portal.get(path).page
    assert [i.get("value") for i in page.select("input[name$=provider_name]")] == [
        PROVIDER["providers-0-provider_name"]
    ]
    said = text_of(page.select_one(".govuk-notification-banner--success"))
    assert said.endswith("Provider 2 has been removed.")


def test_removing_an_item_with_answers_asks_first_and_no_keeps_it_as_typed(sign_in, world):
    """Found by trying it as a new user: one press of "Remove provider 1" (Space pressed once
    more after a radio, with the focus already on the button) deleted everything typed about
    that provider, at once and for good. An item holding answers now goes only once the user
    says so; "No" leads back to it, with what was typed on the page kept."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    answer(portal, path, PROVIDER, action="add:providers")
    typed = {**PROVIDER, **SECOND_PROVIDER, "providers-0-provider_hours": "4.5"}  # not yet saved
    asked = answer(portal, f"{path}?change=1", typed, action="remove:providers:0")
    confirm = f"{path}/remove/providers/0?change=1"
    assert asked.headers["Location"] == confirm
    page = portal.get(confirm).page
    assert text_of(page.h1) == "Are you sure you want to remove provider 1?"
    assert "Oak Tree Learning Centre" in text_of(page.select_one(".govuk-inset-text"))
    keep = page.find("a", string="No, keep provider 1")["href"]
    assert keep == f"{path}?change=1#providers-0"
    kept = portal.get(path).page  # nothing removed yet, and nothing typed lost
    assert [i.get("value") for i in kept.select("input[name$=provider_name]")] == [
        "Oak Tree Learning Centre",
        "Riverside Tuition",
    ]
    assert kept.find("input", attrs={"name": "providers-0-provider_hours"})["value"] == "4.5"
    assert kept.select_one(".govuk-notification-banner--success") is None
    done = portal.post(confirm, confirm_data(page), expect=302)
    assert done.headers["Location"] == f"{path}?change=1"  # still back to Check your answers
    page = portal.get(path).page
    assert [i.get("value") for i in page.select("input[name$=provider_name]")] == [
        "Riverside Tuition"
    ]
    said = text_of(page.select_one(".govuk-notification-banner--success"))
    assert "Provider 1 has been removed. Provider 2 is now provider 1." in said
    # Asked again for an item no longer there (Back, then Yes again): nothing more goes.
    portal.post(f"{path}/remove/providers/1", {}, expect=302)
    assert [i.get("value") for i in portal.get(path).page.select("input[name$=provider_name]")] == [
        "Riverside Tuition"
    ]
    portal.get(f"{path}/remove/nothing/0", expect=404)  # no such group on the page


def test_a_stale_confirmation_removes_nothing_that_slid_into_its_place(sign_in, world):
    """Found in review: "Are you sure you want to remove provider 1?" (Oak Tree), left open in
    a tab while provider 1 was removed in another, went on to remove Riverside, which had
    become provider 1 meanwhile. The page asks again about the item now in that place."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    answer(portal, path, PROVIDER, action="add:providers")
    both = {**PROVIDER, **SECOND_PROVIDER}
    confirm = answer(portal, path, both, action="remove:providers:0").headers["Location"]
    stale = portal.get(confirm).page  # the first tab, asking about Oak Tree
    remove_item(portal, path, both, "remove:providers:0")  # the other tab: Oak Tree goes
    again = portal.post(confirm, confirm_data(stale), expect=200).page
    assert [i.get("value") for i in portal.get(path).page.select("input[name$=provider_name]")] == [
        "Riverside Tuition"
    ]
    assert "Riverside Tuition" in text_of(again.select_one(".govuk-inset-text"))
    assert "changed" in text_of(again.select_one(".govuk-warning-text"))
    portal.post(confirm, confirm_data(again), expect=302)  # now asked about Riverside: it goes
    left = portal.get(path).page.select("input[name$=provider_name]")
    assert [i.get("value") for i in left if i.get("value")] == []


def test_yes_sent_twice_removes_only_the_item_it_asked_about(sign_in, world):
    """Found in review: "Yes, remove provider 1" pressed twice (a double click, or Back and Yes
    again) removed provider 1, then provider 2 as well, which had become provider 1 meanwhile:
    the page asked about Oak Tree Learning Centre and Riverside Tuition went too, for good."""
    portal = sign_in(world.alice)
    _, path = _provision(portal)
    answer(portal, path, PROVIDER, action="add:providers")
    asked = answer(portal, path, {**PROVIDER, **SECOND_PROVIDER}, action="remove:providers:0")
    confirm = asked.headers["Location"]
    sent = confirm_data(portal.get(confirm).page)
    portal.post(confirm, sent, expect=302)
    again = portal.post(confirm, sent, expect=200).page  # asked again, about Riverside now
    assert "Riverside Tuition" in text_of(again.select_one(".govuk-inset-text"))
    page = portal.get(path).page
    assert [i.get("value") for i in page.select("input[name$=provider_name]")] == [
        "Riverside Tuition"
    ]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_yes_remove_pressed_twice_at_once_removes_one_and_says_so(sign_in, world, monkeypatch):
    """ "Yes, remove provider 1" pressed twice on a slow server: the second press had read the
    case before the first committed, found its row changed under it and answered 'Something
    went wrong' (500). Now nothing more is removed and the page says the case changed."""
    from webapp.areas.cases import services

    portal = sign_in(world.alice)
    _, path = _provision(portal)
    answer(portal, path, PROVIDER, action="add:providers")
    answer(portal, path, {**PROVIDER, **SECOND_PROVIDER}, action="save")
    confirm = f"{path}/remove/providers/0"
    data = confirm_data(portal.get(confirm).page)
    change, ran = services.change_group_items, []

    def first_press_lands(*args, **kwargs):
        if not ran:  # the second press has read the case: the first now runs whole
            ran.append(True)
            runner = threading.Thread(target=lambda: portal.post(confirm, data))
            runner.start()
            runner.join()
        return change(*args, **kwargs)

    monkeypatch.setattr(services, "change_group_items", first_press_lands)
    second = portal.post(confirm, data)
    assert second.status_code in (302, 303), second.status_code
    page = portal.get(path).page
    assert [i.get("value") for i in page.select("input[name$=provider_name]")] == [
        "Riverside Tuition"
    ]
    said = " ".join(text_of(b) for b in page.select(".govuk-notification-banner"))
    assert "changed" in said, said
