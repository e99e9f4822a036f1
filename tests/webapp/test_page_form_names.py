"""No question can take a name its page's form uses itself. A case type with a question `meta`,
`process` or `acknowledged` validated clean and then failed on its page with a server error, in
the preview as in the portal; one with a question `action` was read as the page's button. The
engine refuses such ids (E210, engine/input_names.py FORM_NAMES): these tests keep that list in
step with what the web app's page form and templates use."""

from __future__ import annotations

import re
from pathlib import Path

import wtforms
from flask import Flask

from engine.input_names import FORM_NAMES
from webapp.areas.cases.forms import PageForm

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"
PAGE_TEMPLATES = ("cases/page.html", "preview/page.html", "cases/_fields.html")


def _usable_as_an_id(name: str) -> bool:
    return re.fullmatch(r"[a-z][a-z0-9_]*", name) is not None


def test_every_name_of_the_page_form_is_refused_as_a_question_id():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"
    with app.test_request_context():
        form = PageForm()  # with CSRF, as the portal builds it
        item = wtforms.Form()  # an item of a repeating group (engine/fields/inputs.py)
        names = {name for name in dir(form) + dir(item) if _usable_as_an_id(name)}
    assert names - FORM_NAMES.keys() == set()


def test_every_input_the_page_templates_write_is_refused_as_a_question_id():
    written = {
        name
        for template in PAGE_TEMPLATES
        for name in re.findall(r'name="([a-z_]+)"', (TEMPLATES / template).read_text())
    }
    assert written and written - FORM_NAMES.keys() == set()


SCRIPTS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js"


def test_every_property_of_the_form_the_page_scripts_read_is_refused_as_a_question_id():
    """A form's inputs hide its own properties of their names (HTMLFormElement's named
    properties): a question `dataset` left the background save no address to save to, and one
    `elements` left it no inputs to read; both validated clean (an author's trial)."""
    read = {
        name
        for script in SCRIPTS.glob("*.js")
        for name in re.findall(
            r"(?<![\w.'\"-])(?:form|caseForm)\.([a-z][a-z0-9_]*)\b(?!-)", script.read_text()
        )
    }
    assert {"action", "dataset", "elements"} <= read
    assert read - FORM_NAMES.keys() == set()
