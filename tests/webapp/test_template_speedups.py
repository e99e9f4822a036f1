"""The portal renders GOV.UK Frontend's components faster than the package's own templates do
(issue 12, P2), and writes the same HTML: `govukAttributes` in Python
(webapp/web/govuk_attributes.py), a cheaper `indent` filter (webapp/web/templating.py), each
compared here with what the package and Jinja give."""

from __future__ import annotations

import hashlib
from pathlib import Path

import govuk_frontend_jinja
import jinja2
import pytest
from jinja2.filters import do_indent
from markupsafe import Markup

from webapp.web.govuk_attributes import govuk_attributes
from webapp.web.templating import indent

PACKAGE = Path(govuk_frontend_jinja.__file__).parent / "templates"
# The package's macro that webapp/templates/govuk_frontend_jinja/macros/attributes.html shadows.
ATTRIBUTES_MACRO_SHA256 = "482f5ee47cdbd7da6f6dfc08237c750e864c430ce3ecdfb637bb7a027ba39a4d"


def _stock() -> jinja2.Environment:
    """GOV.UK's templates as the package ships them, set up as the portal sets up its own."""
    loader = jinja2.PrefixLoader(
        {"govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja")}
    )
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)


def _both(app, source: str, **context) -> tuple[str, str]:
    return app.jinja_env.from_string(source).render(**context), _stock().from_string(source).render(
        **context
    )


ATTRIBUTES = [
    None,
    "",
    ' data-module="x" <b>',
    Markup(' data-x="<y>"'),
    {},
    {"id": "forename", "class": "a&b"},
    {"aria-hidden": True, "hidden": False, "tabindex": 0, "data-n": 1, "x": None},
    {'"<name>': "'quoted' & <tagged>", "v": Markup("<i>safe</i>")},
    {"a": {"value": True, "optional": True}, "b": {"value": "true", "optional": True}},
    {"a": {"value": None, "optional": True}, "b": {"value": False, "optional": True}},
    {"a": {"value": "", "optional": True}, "b": {"value": 0, "optional": True}},
    {"a": {"value": "x<y", "optional": False}, "b": {"value": "v"}, "c": {"optional": True}},
    {"a": {"optional": False}, "b": {}, "c": {"value": True}, "d": {"value": False}},
    {"a": {"val": "<b>kept</b>"}, "b": {"val": None}, "c": {"val": True}, "d": {"val": ""}},
    {
        "a": {"val": {"value": "x", "optional": True}},
        "b": {"val": {"value": None, "optional": True}},
    },
    {"a": {"value": Markup("<i>"), "optional": True}, "b": {"value": 2.5, "optional": "yes"}},
    [("not", "a mapping")],
    7,
]


@pytest.mark.parametrize("attributes", ATTRIBUTES, ids=range(len(ATTRIBUTES)))
def test_attributes_are_written_as_govuk_macro_writes_them(app, attributes):
    source = (
        '{% from "govuk_frontend_jinja/macros/attributes.html" import govukAttributes %}'
        "<p{{ govukAttributes(attributes) }}>|<p{{ govukAttributes(missing) }}>"
    )
    portal, package = _both(app, source, attributes=attributes)
    assert portal == package
    shadow = app.jinja_env.get_template("govuk_frontend_jinja/macros/attributes.html")
    assert shadow.module.govukAttributes is govuk_attributes  # not the package's macro


def test_the_shadowed_macro_is_the_package_version_it_copies():
    """A new govuk-frontend-jinja may change what `govukAttributes` writes: check
    webapp/web/govuk_attributes.py against it, then update the hash here."""
    macro = (PACKAGE / "macros" / "attributes.html").read_bytes()
    assert hashlib.sha256(macro).hexdigest() == ATTRIBUTES_MACRO_SHA256


ERROR = {"text": "Enter a first name"}
ITEMS = [
    {
        "value": "yes",
        "text": "Yes",
        "checked": True,
        "conditional": {"html": "<p>More</p>\n<p>x</p>"},
    },
    {"divider": "or"},
    {"value": "no", "text": "No", "hint": {"text": "Not now"}, "attributes": {"data-x": "1"}},
]
COMPONENTS = [
    ("back-link", "govukBackLink", {"text": "Back", "href": "/x?a=1&b=2"}),
    (
        "breadcrumbs",
        "govukBreadcrumbs",
        {"items": [{"text": "Home", "href": "/"}, {"text": "Here"}]},
    ),
    (
        "button",
        "govukButton",
        {
            "text": "Continue",
            "name": "action",
            "value": "save",
            "preventDoubleClick": True,
            "classes": "govuk-button--secondary",
            "attributes": {"id": "add", "aria-describedby": "x-error"},
        },
    ),
    ("button", "govukButton", {"text": "Start now", "href": "/start", "isStartButton": True}),
    (
        "character-count",
        "govukCharacterCount",
        {
            "name": "why",
            "id": "why",
            "maxlength": 200,
            "label": {"text": "Why?"},
            "value": "Because\nso",
            "errorMessage": ERROR,
            "hint": {"text": "Say"},
        },
    ),
    (
        "checkboxes",
        "govukCheckboxes",
        {
            "idPrefix": "c",
            "name": "c",
            "items": ITEMS,
            "fieldset": {"legend": {"text": "Which?"}},
            "errorMessage": ERROR,
        },
    ),
    (
        "date-input",
        "govukDateInput",
        {
            "id": "dob",
            "namePrefix": "dob",
            "errorMessage": ERROR,
            "fieldset": {"legend": {"text": "Date of birth"}},
            "hint": {"text": "For example, 27 3 2015"},
            "items": [
                {"name": "day", "value": "1", "classes": "govuk-input--width-2"},
                {"name": "month", "value": "", "classes": "govuk-input--width-2"},
                {"name": "year", "value": "2015", "classes": "govuk-input--width-4"},
            ],
        },
    ),
    ("details", "govukDetails", {"summaryText": "Help", "html": "<p>a</p>\n\n<p>b</p>"}),
    (
        "error-summary",
        "govukErrorSummary",
        {
            "titleText": "There is a problem",
            "errorList": [{"text": "Enter x", "href": "#x"}, {"text": "y"}],
        },
    ),
    (
        "file-upload",
        "govukFileUpload",
        {
            "id": "f",
            "name": "f",
            "label": {"text": "File"},
            "hint": {"text": "PDF"},
            "errorMessage": ERROR,
        },
    ),
    (
        "input",
        "govukInput",
        {
            "id": "n",
            "name": "n",
            "label": {"text": "Name", "classes": "govuk-label--s"},
            "value": 'O"Brien <&>',
            "hint": {"text": "As written"},
            "errorMessage": ERROR,
            "autocomplete": "off",
            "spellcheck": False,
            "inputmode": "numeric",
            "prefix": {"text": "£"},
            "suffix": {"html": "<b>per</b>"},
            "attributes": {"maxlength": 13, "data-live": True},
        },
    ),
    ("input", "govukInput", {"name": "plain", "label": {"text": "Plain", "isPageHeading": True}}),
    ("inset-text", "govukInsetText", {"text": "Note"}),
    ("notification-banner", "govukNotificationBanner", {"type": "success", "html": "<p>Saved</p>"}),
    (
        "notification-banner",
        "govukNotificationBanner",
        {"titleText": "Not saved", "role": None, "text": "x"},
    ),
    (
        "pagination",
        "govukPagination",
        {
            "previous": {"href": "?p=1"},
            "next": {"href": "?p=3"},
            "items": [
                {"number": 1, "href": "?p=1"},
                {"ellipsis": True},
                {"number": 2, "href": "?p=2", "current": True},
            ],
        },
    ),
    (
        "panel",
        "govukPanel",
        {"titleText": "Sent", "html": "Your reference<br><strong>PTT-1</strong>"},
    ),
    (
        "password-input",
        "govukPasswordInput",
        {"id": "p", "name": "p", "label": {"text": "Password"}, "autocomplete": "current-password"},
    ),
    (
        "phase-banner",
        "govukPhaseBanner",
        {"tag": {"text": "Beta"}, "html": "A <a href='/f'>new</a> service"},
    ),
    (
        "radios",
        "govukRadios",
        {
            "idPrefix": "r",
            "name": "r",
            "items": ITEMS,
            "classes": "govuk-radios--inline",
            "fieldset": {"legend": {"text": "Pick", "classes": "govuk-fieldset__legend--s"}},
            "hint": {"text": "One"},
            "errorMessage": ERROR,
        },
    ),
    (
        "select",
        "govukSelect",
        {
            "id": "s",
            "name": "s",
            "label": {"text": "Year"},
            "errorMessage": ERROR,
            "items": [
                {"value": "", "text": "Select an option"},
                {"value": "5", "text": "Year 5", "selected": True},
                {"value": "6", "text": "Year 6", "disabled": True},
            ],
        },
    ),
    (
        "service-navigation",
        "govukServiceNavigation",
        {
            "navigation": [
                {"href": "/", "text": "Home"},
                {"href": "/my-cases", "text": "My cases", "active": True},
            ]
        },
    ),
    ("skip-link", "govukSkipLink", {"href": "#main-content", "text": "Skip to main content"}),
    (
        "summary-list",
        "govukSummaryList",
        {
            "rows": [
                {
                    "key": {"text": "Name"},
                    "value": {"html": "Jo<br>Miles"},
                    "actions": {
                        "items": [{"href": "/c", "text": "Change", "visuallyHiddenText": "name"}]
                    },
                },
                {"key": {"text": "Age"}, "value": {"text": "9"}},
            ]
        },
    ),
    (
        "table",
        "govukTable",
        {
            "caption": "Cases",
            "firstCellIsHeader": True,
            "head": [{"text": "Ref"}, {"text": "Count", "format": "numeric"}],
            "rows": [[{"text": "PTT-1"}, {"text": "3", "format": "numeric"}]],
        },
    ),
    ("tag", "govukTag", {"text": "Draft", "classes": "govuk-tag--grey"}),
    (
        "task-list",
        "govukTaskList",
        {
            "items": [
                {"title": {"text": "Child"}, "href": "/c", "status": {"text": "Completed"}},
                {
                    "title": {"text": "Plan"},
                    "status": {"tag": {"text": "Incomplete", "classes": "govuk-tag--blue"}},
                },
            ]
        },
    ),
    (
        "textarea",
        "govukTextarea",
        {"name": "t", "id": "t", "label": {"text": "Notes"}, "value": "a\n\nb<"},
    ),
    ("warning-text", "govukWarningText", {"text": "Careful", "iconFallbackText": "Warning"}),
    ("footer", "govukFooter", {"meta": {"items": [{"href": "/privacy", "text": "Privacy"}]}}),
    ("header", "govukHeader", {"homepageUrl": "/", "serviceName": "School Portal"}),
]


@pytest.mark.parametrize(
    ("component", "macro", "params"), COMPONENTS, ids=[c[0] for c in COMPONENTS]
)
def test_components_are_written_as_the_package_writes_them(app, component, macro, params):
    source = (
        f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {macro} %}}'
        f"{{{{ {macro}(params) }}}}"
    )
    portal, package = _both(app, source, params=params)
    assert portal == package


def test_fieldsets_called_with_content_are_written_as_the_package_writes_them(app):
    source = (
        '{% from "govuk_frontend_jinja/components/fieldset/macro.html" import govukFieldset %}'
        "{% call govukFieldset({'legend': {'text': 'Item 1'}, 'attributes': {'id': 'g-0'},"
        " 'describedBy': none}) %}\n  <p>inside</p>\n  <p>two</p>\n{% endcall %}"
    )
    portal, package = _both(app, source)
    assert portal == package


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one",
        "a\nb",
        "a\n\nb\n",
        "\n x\r\ny\n",
        Markup(""),
        Markup("<p>a</p>\n\n<p>&amp;</p>\n"),
        Markup("x\r\n<b>y</b>\u2028z"),
    ],
)
@pytest.mark.parametrize("width", [0, 2, 4, "", "\t", "&nbsp;<"])
@pytest.mark.parametrize(
    ("first", "blank"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_indent_gives_what_jinja_gives(text, width, first, blank):
    ours, jinjas = indent(text, width, first, blank), do_indent(text, width, first, blank)
    assert ours == jinjas
    assert type(ours) is type(jinjas)
