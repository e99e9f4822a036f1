"""What a screen reader user is told as a case page reacts to the answers, checked without a
screen reader: in Chromium's accessibility tree (CDP Accessibility.getFullAXTree) and in the
DOM, where every change to the text of a live region is recorded as it happens.

A change a sighted user sees is told to a screen reader user only when it is written into a
live region that was in the page (and in the accessibility tree) before its text changed: a
region inserted with its text in it is not announced by most screen readers. So: the regions
are there, empty, when the page loads; a calculated value is announced politely once typing
pauses (not at each key); the background save's status is not rewritten with the same words at
each save; a follow-up question revealed by a radio is controlled by it (aria-controls) and is
the next Tab stop. What remains for a real screen reader is listed in README.md
("Accessibility")."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    ROOT,
    focused,
    page_at,
    preview_of,
    saved_draft,
    school_user,
    sign_in,
)

CASE_TYPE = """\
id: weekly-hours
name: Weekly hours
category: Test forms
reference: {prefix: EDU-TEST, code: HRS}
version: 1
raised_by: [school]
workflow: standard
pages:
  - id: hours
    title: Hours
    fields:
      - {id: daily, type: number, label: Hours each day, decimals: 1}
      - {id: weekly, type: calculated, label: Weekly, value: daily * 5, decimals: 2, suffix: hours}
      - {id: rate, type: money, label: Cost each day}
      - {id: cost, type: calculated, label: Cost each week, format: money, value: rate * 5}
      - {id: transport, type: yes_no, label: Is transport needed?}
      - {id: transport_details, type: text, label: Who provides it?, show_if: transport}
      - id: sessions
        type: group
        label: Sessions
        item_label: Session
        min_items: 2
        max_items: 3
        fields:
          - {id: session_hours, type: number, label: Hours, decimals: 1}
          - {id: session_minutes, type: calculated, label: Minutes, value: session_hours * 60}
  - id: trip
    title: Transport
    show_if: transport
    fields:
      - {id: pick_up, type: text, label: Where is the pupil picked up?}
"""

# Every write to a live region's text, in order, with the region it went to and whether the
# region was in the page when it loaded; every element inserted as a live region with its text
# already in it.
RECORDER = """
window.__live = {writes: [], inserted: []};
const liveOf = (node) => {
  const element = node.nodeType === 1 ? node : node.parentElement;
  return element && element.closest('[aria-live], [role=status], [role=alert]');
};
document.addEventListener('DOMContentLoaded', () => {
  for (const region of document.querySelectorAll('[aria-live], [role=status], [role=alert]')) {
    region.__fromLoad = true;
  }
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      for (const added of m.addedNodes || []) {
        if (added.nodeType === 1 && added.matches('[aria-live], [role=status], [role=alert]') &&
            added.textContent.trim()) window.__live.inserted.push(added.outerHTML.slice(0, 200));
      }
      const region = liveOf(m.target);
      if (!region) continue;
      window.__live.writes.push({
        region: region.className, fromLoad: !!region.__fromLoad,
        text: region.textContent.trim()
      });
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
});
"""


def _writes(page, region_class: str) -> list[str]:
    """The texts written into the live region with this class, in order: one for each time
    its text was set (set again to the same words, they are there twice)."""
    texts = []
    for write in page.evaluate("() => window.__live.writes"):
        if region_class in write["region"].split():
            assert write["fromLoad"], f"{region_class} was not in the page when it loaded"
            texts.append(write["text"])
    return texts


def _live_regions(page) -> dict[str, str]:
    """The live regions in Chromium's accessibility tree: the DOM class of each (found through
    its backend node) and its politeness."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
        regions = {}
        for node in nodes:
            live = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
            if "live" not in live or "backendDOMNodeId" not in node:
                continue
            described = session.send(
                "DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]}
            )["node"]
            attributes = described.get("attributes", [])
            classes = dict(zip(attributes[::2], attributes[1::2], strict=True)).get("class", "")
            regions[classes] = live["live"]
        return regions
    finally:
        session.detach()


@pytest.fixture(scope="module")
def preview(browser_available, tmp_path_factory):
    folder = tmp_path_factory.mktemp("screen-reader") / "casetypes"
    shutil.copytree(ROOT / "casetypes" / "shared", folder / "shared")
    (folder / "weekly-hours.yaml").write_text(CASE_TYPE, encoding="utf-8")
    with preview_of(folder) as url:
        yield url


def test_a_calculated_value_is_announced_politely_once_typing_pauses(browser, preview):
    with page_at(browser, preview) as page:
        page.clock.install()  # the page's timers run only when the test moves the clock
        page.add_init_script(RECORDER)
        page.goto("/weekly-hours/pages/hours")
        regions = _live_regions(page)
        assert regions.get("govuk-visually-hidden app-calculated-announcement") == "polite", (
            f"no polite region for calculated values in the accessibility tree: {regions}"
        )
        box = page.locator("[name=daily]")
        box.press_sequentially("7")
        page.clock.run_for(400)
        box.press_sequentially(".5")
        page.clock.run_for(400)
        # On screen at once; not yet said: the user is still typing.
        expect(page.locator("[data-question=weekly] .govuk-summary-list__value")).to_have_text(
            "37.5 hours"
        )
        assert _writes(page, "app-calculated-announcement") == []
        page.clock.run_for(1500)
        said = page.locator(".app-calculated-announcement")
        expect(said).to_have_text("Weekly: 37.5 hours.")
        assert _writes(page, "app-calculated-announcement") == ["Weekly: 37.5 hours."]

        # Two values changed in one pause are said together; a value that did not change
        # since it was last said is not said again.
        page.locator("[name=rate]").press_sequentially("12.50")
        box.fill("8")
        page.clock.run_for(1500)
        expect(said).to_have_text("Weekly: 40 hours. Cost each week: £62.50.")
        page.locator("[name=rate]").fill("12.5")  # the same amount
        page.clock.run_for(1500)
        assert _writes(page, "app-calculated-announcement")[-1] == (
            "Weekly: 40 hours. Cost each week: £62.50."
        )
        assert page.evaluate("() => window.__live.inserted") == []

        # In a group, the item is said with the value: each item's has the same label.
        page.locator("[name=sessions-1-session_hours]").press_sequentially("1.5")
        page.clock.run_for(1500)
        expect(said).to_have_text("Session 2, Minutes: 90.")


def test_a_follow_up_is_controlled_by_its_radio_and_comes_next_in_the_tab_order(browser, preview):
    with page_at(browser, preview) as page:
        page.clock.install()
        page.add_init_script(RECORDER)
        page.goto("/weekly-hours/pages/hours")
        yes = page.locator("input[name=transport][value=yes]")
        controls = yes.get_attribute("aria-controls")
        assert controls, "the radio that reveals a question does not say it controls it"
        revealed = page.locator(f"#{controls}")
        expect(revealed.locator("input[name=transport_details]")).to_have_count(1)
        # Radios may not carry aria-expanded (ARIA 1.2, axe's aria-allowed-attr): the polite
        # "1 question added below." says it instead.
        assert yes.get_attribute("aria-expanded") is None
        yes.focus()
        page.keyboard.press("Space")
        expect(page.locator(".app-live-announcement")).to_have_text("1 question added below.")
        page.keyboard.press("Tab")
        assert focused(page)["name"] == "transport_details"
        # The page this answer adds is said once the answering pauses, as "Page N of M" changes
        # on screen; nothing else in the page was said.
        expect(page.locator(".app-progress")).to_have_text("Page 1 of 2")
        page.clock.run_for(1500)
        assert _writes(page, "app-calculated-announcement") == ["Page 1 of 2."]
        assert page.evaluate("() => window.__live.inserted") == []


USER = "screen-reader@westcotes.example.org"  # sign-in codes of its own
MINUTE_START = datetime(2026, 12, 1, 10, 42, tzinfo=UTC)


def test_the_save_status_says_saved_once_not_at_every_pause(page, live, world):
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "physical-intervention")
    page.clock.install(time=MINUTE_START)  # the saves all fall in one minute: one "Saved at"
    page.add_init_script(RECORDER)
    page.goto(f"/cases/{reference}/pages/outcome")
    regions = _live_regions(page)
    for region in ("app-live-announcement", "app-autosave-status__saved"):
        assert any(region in classes.split() for classes in regions), (
            f"{region} is not a live region in the accessibility tree at load: {regions}"
        )
    version = page.locator("input[name=page_version]")
    box = page.locator("textarea[name=support_after]")
    for words in ("A debrief", " with the pupil", " and the two staff."):
        before = int(version.input_value())
        box.press_sequentially(words)
        page.clock.run_for(1600)  # the pause after which the page saves
        expect(version).to_have_value(str(before + 1))  # saved, and its status shown
    said = _writes(page, "app-autosave-status__saved")
    assert len(said) == 1 and re.fullmatch(r"Saved at \d\d:\d\d\.", said[0]), said
    assert not any("Saving" in text for text in said)


def test_saving_stopped_by_another_tab_is_said_at_once_from_a_region_there_at_load(
    page, live, world
):
    sign_in(page, live, school_user(world, USER))
    reference = saved_draft(page, "physical-intervention")
    address = f"/cases/{reference}/pages/outcome"
    page.clock.install()
    page.add_init_script(RECORDER)
    page.goto(address)
    regions = _live_regions(page)
    assert regions.get("app-autosave-status__stopped") == "assertive", regions
    other = page.context.new_page()
    other.goto(address)
    other.get_by_label("What support was given after the incident?").fill("A debrief.")
    with other.expect_navigation():
        other.get_by_role("button", name="Save and come back later").click()
    other.close()
    page.locator("textarea[name=support_after]").press_sequentially("A talk")
    page.clock.run_for(1600)  # the background save: refused, the page is older than the save
    stopped = page.locator(".app-autosave-status__stopped")
    expect(stopped).to_contain_text("another tab")
    assert _writes(page, "app-autosave-status__stopped") == [stopped.inner_text()]
    assert _writes(page, "app-autosave-status__saved") == []
