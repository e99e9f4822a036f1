"""The one way forms are shown (templates/_form.html over webapp/web/forms.py): what a user sees
of a form with mistakes, and a service's refusal landing on the field it is about."""

from __future__ import annotations

import jinja2
import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from flask_wtf import FlaskForm
from jinja2.exceptions import UndefinedError
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from tests.webapp.conftest import check_page
from webapp.web.forms import error_list, ids_from_list, one_of, show_refusal

PAGE = """{% from "_form.html" import error_summary, error_prefix, input, password, select,
    radios, checkboxes %}
<title>{{ error_prefix(form, problems) }}Details</title><h1>Details</h1>
{{ error_summary(form, problems) }}
{{ input(form.name, size='s', autocomplete='off', spellcheck=false,
    classes='govuk-!-width-two-thirds') }}
{{ password(form.secret, autocomplete='current-password', error=secret_problem) }}
{{ select(form.title) }}
{{ radios(form.role, item_hints={'admin': 'Also manages others'}) }}
{{ checkboxes(form.teams, hint='Select all that apply') }}
"""


class Details(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter your name")])
    secret = PasswordField("Password")
    title = SelectField(
        "Job title", choices=[SelectChoice("", "Select a job title"), SelectChoice("SENCO")]
    )
    role = one_of(
        "Role",
        [SelectChoice("officer", "Case officer"), SelectChoice("admin", "Council admin")],
        "Select a role",
    )
    teams = ids_from_list("Teams", "Select teams from the list")


class Refused(Exception):
    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = problems


@pytest.fixture
def posted(app):
    """A Details form as posted with `data`, by default no title and the officer role (CSRF
    off: the app checks it before any view)."""

    contexts = []

    def post(**data):
        app.config["WTF_CSRF_ENABLED"] = False
        data = MultiDict({"title": "", "role": "officer", **data})
        context = app.test_request_context(method="POST", data=data)
        context.push()
        contexts.append(context)
        form = Details()
        form.teams.choices = [SelectChoice("1", "Inclusion"), SelectChoice("2", "Attendance")]
        form.validate()
        return form

    yield post
    for context in reversed(contexts):
        context.pop()
    app.config["WTF_CSRF_ENABLED"] = True


def shown(form, problems=(), secret_problem=None) -> BeautifulSoup:
    html = render_template_string(
        PAGE, form=form, problems=list(problems), secret_problem=secret_problem
    )
    page = BeautifulSoup(html, "html.parser")
    check_page(page)
    return page


def test_each_summary_link_leads_to_the_input_that_shows_the_message(posted):
    page = shown(posted(name="", role="nobody", teams="7"))

    assert page.title.get_text() == "Error: Details"
    links = page.select(".govuk-error-summary a")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("Enter your name", "#name"),
        ("Select a role", "#role"),
        ("Select teams from the list", "#teams"),
    ]
    for link in links:
        target = page.find(id=link["href"][1:])
        assert target.name == "input", link
        group = target.find_parent(class_="govuk-form-group--error")
        assert link.get_text() in group.select_one(".govuk-error-message").get_text()


def test_fields_keep_what_was_typed_and_chosen_without_html5_validation(posted):
    page = shown(posted(name="  Ann  Smith ", title="SENCO", role="admin", teams=["2"]))

    assert page.title.get_text() == "Details"
    assert not page.select(".govuk-error-summary")
    name = page.find("input", id="name")
    assert name["value"] == "  Ann  Smith "
    assert (name["autocomplete"], name["spellcheck"]) == ("off", "false")
    assert "govuk-!-width-two-thirds" in name["class"]
    assert page.find("label", attrs={"for": "name"})["class"] == ["govuk-label", "govuk-label--s"]
    assert not page.find(attrs={"required": True}), "the server validates, never the browser"
    assert page.find("option", selected=True)["value"] == "SENCO"
    assert page.find("input", id="role-2", checked=True)["value"] == "admin"
    assert page.select_one("#role-2-item-hint").get_text(strip=True) == "Also manages others"
    assert [box["value"] for box in page.find_all("input", checked=True, type="checkbox")] == ["2"]
    assert not page.find(id="role-hint"), "no empty hint for a question that has none"
    assert page.select_one("#teams-hint").get_text(strip=True) == "Select all that apply"


def test_a_problem_of_the_page_comes_first_and_can_be_shown_on_a_field(posted):
    problem = {"text": "Enter a correct email address and password", "href": "#secret"}
    page = shown(posted(name=""), [problem], secret_problem=problem["text"])

    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#secret", "#name"]
    secret = page.find("input", id="secret")
    assert secret["autocomplete"] == "current-password"
    assert secret["aria-describedby"] == "secret-error"
    assert problem["text"] in page.find(id="secret-error").get_text()


def test_a_refusal_lands_on_the_fields_it_names_and_the_rest_on_the_first(posted):
    form = posted(name="Ann")
    refused = Refused(
        "Team 2 is closed",
        {"teams": "Team 2 is closed", None: "You cannot do that", "no_such": "Nor that"},
    )

    show_refusal(form, refused)

    assert form.teams.errors == ["Team 2 is closed"]
    assert form.name.errors == ["You cannot do that", "Nor that"]
    assert [item["href"] for item in error_list(form)] == ["#name", "#teams"]


def test_a_refusal_with_one_field_can_be_shown_where_this_page_asks_it(posted):
    form = posted(name="Ann")

    class OldStyle(Exception):
        field = "role"

    show_refusal(form, OldStyle("You cannot remove your own role"), {"role": "teams"})

    assert form.teams.errors == ["You cannot remove your own role"]
    assert not form.role.errors


def test_templates_read_a_dict_as_jinja_does(app):
    """The portal's cheaper `params.name` (webapp/web/templating.py) gives what Jinja's own
    gives: a key by its name, a dict's own methods before keys of the same name, undefined for
    neither (and an error for what is read from that)."""
    source = (
        "{{ d.label }}|{{ d.items() | list | length }}|{{ d.get('label') }}|"
        "{{ d.missing is defined }}|{{ d.missing | default('none') }}|{{ d['items'] }}"
    )
    params = {"label": "Name", "items": "kept as a key"}
    with app.test_request_context():
        shown = render_template_string(source, d=params)
        with pytest.raises(UndefinedError):
            render_template_string("{{ d.missing.deeper }}", d=params)
    assert shown == "Name|2|Name|False|none|kept as a key"
    assert shown == jinja2.Environment(autoescape=True).from_string(source).render(d=params)
