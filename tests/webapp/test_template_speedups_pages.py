"""Whole pages are the same HTML with the two speed-ups as without them (review21): every page
a test here fetches is rendered twice, once as the portal renders it (`govukAttributes` in
Python, its own `indent`) and once with govuk-frontend-jinja's own macro and Jinja's
`do_indent`, and the two compared. Unit tests of each speed-up are in
test_template_speedups.py; these are the pages those pieces make up, with hostile answers in
their attributes: form pages of every shipped case type, check answers, a case's view, My
cases, user admin, the caseviewer's queue and case, council admin and sign-in."""

from __future__ import annotations

import difflib
import re

import flask.templating
import pytest
from jinja2 import BaseLoader, PackageLoader, PrefixLoader
from jinja2.filters import do_indent
from jinja2.runtime import Macro
from werkzeug.datastructures import MultiDict

from tests.webapp.helpers import shown_values, start
from tests.webapp.test_caseviewer import council, submit_ptt  # noqa: F401 - a fixture
from tests.webapp.test_fuzz import CASE_TYPES, CATALOGUE, user_for

SHADOW = "govuk_frontend_jinja/macros/attributes.html"
HOSTILE = "\"'><script>alert(1)</script>&amp; {{ 7*7 }}\r\nline\u2028two"


class _PackagesMacro(BaseLoader):
    """The portal's templates, but the package's own govukAttributes macro."""

    def __init__(self, portal):
        self.portal = portal
        self.package = PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})

    def get_source(self, environment, template):
        loader = self.package if template == SHADOW else self.portal
        return loader.get_source(environment, template)


def _without_speedups(app):
    env = app.extensions.get("review21_stock")
    if env is None:
        env = app.jinja_env.overlay(loader=_PackagesMacro(app.jinja_env.loader), cache_size=400)
        env.filters = {**app.jinja_env.filters, "indent": do_indent}
        assert isinstance(env.get_template(SHADOW).module.govukAttributes, Macro)
        app.extensions["review21_stock"] = env
    return env


def _same_html(html: str) -> str:
    """The page apart from what moves between two renderings: the session's seconds left."""
    return re.sub(r'data-seconds-left="\d+"', 'data-seconds-left=""', html)


@pytest.fixture
def compared(monkeypatch):
    """The pages rendered both ways; each one's differences (none expected)."""
    seen: dict[str, str] = {}
    render = flask.templating._render

    def both_ways(app, template, context):
        html = render(app, template, context)
        stock = _without_speedups(app).get_template(template.name).render(context)
        if _same_html(stock) != _same_html(html):
            lines = difflib.unified_diff(stock.splitlines(), html.splitlines(), lineterm="", n=1)
            seen[template.name] = "\n".join(lines)[:2000]
        else:
            seen.setdefault(template.name, "")
        return html

    monkeypatch.setattr(flask.templating, "_render", both_ways)
    return seen


def _differing(seen: dict[str, str]) -> dict[str, str]:
    return {name: diff for name, diff in seen.items() if diff}


def _hostile(portal, path: str) -> None:
    """The page, then sent back with every box it shows holding HOSTILE (shown again with
    its errors, the typed values in its inputs' attributes)."""
    shown = portal.get(path, expect=None)
    if shown.status_code != 200:
        return  # a page its conditions hide
    data = MultiDict()
    for name, value in shown_values(shown.page):
        data.add(name, HOSTILE if value == "" or name.endswith(("-day", "-year")) else value)
    data["action"] = "continue"
    portal.post(path, data, expect=None)
    portal.get(path, expect=None)


@pytest.mark.parametrize("case_type_id", CASE_TYPES)
def test_every_page_of_a_case_type_is_the_same_html(sign_in, world, compared, case_type_id):
    case_type = CATALOGUE.case_types[case_type_id]
    portal = sign_in(user_for(world, case_type))
    reference, _first = start(portal, case_type_id)
    for page in case_type.pages:
        _hostile(portal, f"/cases/{reference}/pages/{page.id}")
    for path in ("check-answers", "view", "tasks"):
        portal.get(f"/cases/{reference}/{path}", expect=None)
    portal.get("/my-cases")
    assert "cases/page.html" in compared and "cases/check_answers.html" in compared
    assert not _differing(compared)


def test_the_councils_and_the_schools_admin_pages_are_the_same_html(
    app,
    world,
    sign_in,
    council,  # noqa: F811 - the fixture imported
    council_admin,
    compared,
):
    app.test_client().get("/sign-in")
    alice = sign_in(world.alice)
    reference = submit_ptt(alice)
    for path in ("/my-cases", f"/cases/{reference}/view", "/user-admin/", "/user-admin/add"):
        alice.get(path)
    alice.post("/user-admin/add", {"first_name": HOSTILE, "email": HOSTILE}, expect=None)
    olivia = sign_in(council.olivia)
    olivia.get("/caseviewer/")
    olivia.get(f"/caseviewer/cases/{reference}")
    olivia.post(f"/caseviewer/cases/{reference}/notes", {"note": HOSTILE}, expect=None)
    olivia.get(f"/caseviewer/cases/{reference}")
    for path in ("/council/", "/council/schools", f"/council/schools/{world.school_a.id}"):
        council_admin.get(path)
    for path in ("/council/officers", "/council/teams", "/council/teams/add"):
        council_admin.get(path)
    names = ("council_admin/team.html", "caseviewer/queue.html", "cases/view.html")
    for name in names + ("auth/sign_in.html", "caseviewer/case.html", "user_admin/add_user.html"):
        assert name in compared, sorted(compared)
    assert not _differing(compared)
