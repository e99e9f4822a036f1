"""The accessibility check itself: axe-core really runs in the portal's pages (under their
Content-Security-Policy) and really finds problems, WCAG 2.2's included."""

from __future__ import annotations

from tests.browser.helpers import AXE_TAGS, axe_violations


def test_axe_runs_under_the_csp_and_finds_what_is_wrong(page, live):
    page.goto("/sign-in")
    assert (
        "script-src 'self'"
        in page.request.get(f"{live.url}/sign-in").headers["content-security-policy"]
    )
    assert axe_violations(page) == []
    page.evaluate("""() => {
        document.querySelector('label[for=email]').remove();
        const img = document.createElement('img');
        img.src = '/static/none.png';
        document.querySelector('main').append(img);
        document.querySelector('main p.govuk-body').style.color = '#b1b4b6';
      }""")
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "image-alt", "color-contrast"} <= found, found


def test_the_wcag_22_rules_are_among_those_run(page, live):
    page.goto("/sign-in")
    axe_violations(page)  # loads axe
    rules = page.evaluate("(tags) => axe.getRules(tags).map(r => r.ruleId)", AXE_TAGS)
    assert "target-size" in rules  # WCAG 2.2 AA, 2.5.8
    assert {"color-contrast", "label", "duplicate-id-aria", "html-has-lang"} & set(rules)
