"""GOV.UK Frontend's `govukAttributes` macro in Python, with the same output.

Every GOV.UK component writes its attributes with that macro (govuk-frontend-jinja's
`macros/attributes.html`): a Jinja loop of tests, lookups and string formats run about 115 times
for a form page, which was a tenth of its rendering (issue 12, P2). The portal's template of the
same name (webapp/templates/govuk_frontend_jinja/macros/attributes.html) shadows the package's
with this function; tests/webapp/test_template_speedups.py renders both over every kind of
attribute and compares them, and notices a new version of the package's macro.
"""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import Environment, pass_environment
from markupsafe import Markup, escape


@pass_environment
def govuk_attributes(env: Environment, attributes) -> Markup:
    """` name="value"` for each attribute, as GOV.UK's macro writes them: `{'value': v,
    'optional': true}` leaves out an empty value and writes a true one as ` name` alone; a
    string is the attributes' HTML already."""
    html = attributes if isinstance(attributes, str) else ""
    if isinstance(attributes, Mapping) and attributes:
        for name, value in attributes.items():
            html += _attribute(env, name, value)
    return Markup(html)  # noqa: S704 - names and values escaped; a string is HTML, as GOV.UK's


def _attribute(env: Environment, name, value) -> str:
    """One attribute as the macro's loop writes it ("" when it is left out)."""
    undefined = env.undefined
    if isinstance(value, Mapping):  # `value | safe` arrives as {'val': …} (govuk-frontend#4937)
        safe = env.getattr(value, "val")
        if type(safe) is not undefined and len(value):
            value = safe
    if isinstance(value, Mapping):
        options_value = env.getattr(value, "value")
        optional = env.getattr(value, "optional") is True
    else:
        options_value = str(value).lower() if value is True or value is False else value
        optional = False
    if optional and options_value is True:
        return f" {escape(name)}"
    if not optional or (
        type(options_value) is not undefined
        and options_value is not None
        and options_value is not False
    ):
        return f' {escape(name)}="{escape(options_value)}"'
    return ""
