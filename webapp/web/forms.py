"""What every form page shares: its error summary, its WTForms fields as the parameters of the
GOV.UK components (templates/_form.html shows them), and a service's refusal put on the fields
it names, with the flow of a form page that saves through a service (`saved`).

The error summary is built once, here, from the form's own errors (and any problem of the page
as a whole): every link points at the id of the input that shows the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from flask import flash, redirect, render_template
from wtforms import Field, Form, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from engine.fields.dates import parts_at_fault
from webapp.domain.errors import Refused

SIZES = {"label": "govuk-label--{}", "legend": "govuk-fieldset__legend--{}"}


def tidy_spaces(text):
    """One space between words, none around them."""
    return " ".join(text.split()) if isinstance(text, str) else text


def typed_lines(text):
    """What was typed in a box of several lines, a new line as one character (browsers send
    it as two, \\r\\n), without the spaces around it: its length as the person counts it."""
    return text.replace("\r\n", "\n").strip() if isinstance(text, str) else text


def text_field(
    label: str, required, max_length: int, too_long: str = "", checks=(), filters=()
) -> StringField:
    """A one-line answer with its spaces tidied: `required` says when it must be given (and
    the message; None: optional); longer than `max_length` is refused with `too_long` (or
    "<label> must be ... characters or fewer"); then `checks`, validators of its own. `filters`
    tidy the text further before its spaces are."""
    message = too_long or f"{label} must be {max_length:,} characters or fewer"
    validators = [required] if required else []
    return StringField(
        label,
        filters=[*filters, tidy_spaces],
        validators=[*validators, Length(max=max_length, message=message), *checks],
    )


def one_of(label: str, choices, message: str, default=None) -> RadioField:
    """A required choice of `choices` (radios): `message` when none, or one not offered, is
    sent."""
    return RadioField(
        label,
        choices=choices,
        default=default,
        validators=[DataRequired(message)],
        invalid_choice_message=message,
    )


def ids_from_list(label: str, message: str, validators=()) -> SelectMultipleField:
    """Any of the ids offered (checkboxes): `message` when one that was not offered is sent."""
    return SelectMultipleField(
        label,
        coerce=int,
        validators=list(validators),
        invalid_choice_message=message,
        invalid_value_message=message,
    )


def _shown(form: Form | None) -> list[Field]:
    """The form's fields a user can see (not its CSRF token)."""
    return [field for field in form or () if field.name != "csrf_token"]


def error_list(form: Form | None = None, problems: Iterable[Mapping] = ()) -> list[dict]:
    """The GOV.UK error summary's items: the page's own problems (each {'text', 'href'}), then
    each field's first error, linking to its input (a field's `anchor` when it has one, such as
    the first wrong box of a date), in the order of the page."""
    items = [dict(problem) for problem in problems if problem]
    items += [
        {"text": field.errors[0], "href": f"#{getattr(field, 'anchor', field.id)}"}
        for field in _shown(form)
        if field.errors
    ]
    return items


def show_refusal(form: Form, refused: Exception, where: Mapping | None = None) -> None:
    """The service's reasons (`refused.problems`: field name -> message, None naming the page
    as a whole) each onto its field's errors. `where` renames a field to the one this page asks
    the question with; a reason for no field (or an unknown one) goes to the page's first field."""
    problems = getattr(refused, "problems", None) or {getattr(refused, "field", None): str(refused)}
    first = _shown(form)[0]
    for name, message in problems.items():
        name = (where or {}).get(name, name)
        field = form[name] if name and name in form else first
        field.errors = [*field.errors, message]


T = TypeVar("T")


def saved(form: Form, save: Callable[[], T], where: Mapping | None = None) -> T | None:
    """What `save()` returns once the form is posted and valid and the service accepts it;
    None when it is not posted or not valid, or when the service refuses (its reasons go onto
    the form's fields as show_refusal puts them)."""
    if not form.validate_on_submit():
        return None
    try:
        return save()
    except Refused as refused:
        show_refusal(form, refused, where)
        return None


def account_added(user, back: str):
    """After an admin adds a person: say they were emailed a password, and go `back`."""
    flash(
        f"{user.full_name} has been added. We have emailed them their username and a password.",
        "success",
    )
    return redirect(back)


def email_changed(user, changed: bool, back: str):
    """After an admin gives someone a new email address (`changed`; False: it was theirs
    already, so nothing changed and nobody was told): say which, and go `back`."""
    if changed:
        flash(f"{user.full_name}’s email address is now {user.email}", "success")
    else:
        flash(
            f"{user.full_name}’s email address is already {user.email}: nothing was changed",
            "info",
        )
    return redirect(back)


def password_reset_page(form: Form, reset: Callable[[], object], user, back: str, template: str):
    """An admin's page to reset someone's password: it asks first (`form` confirms), then
    `reset()` emails them a new one, never shown here; either way on to `back`, with a refusal
    said as an error."""
    done = f"A new password has been emailed to {user.full_name}"
    return confirm_page(form, reset, back, template, done, user=user)


def confirm_page(
    form: Form, act: Callable[[], object], back: str, template: str, done: str, **context
):
    """A page that asks before an admin's destructive action (reset a password, lock an
    account): `template` asks (with `form`, `back` and `context`); once confirmed, `act()`
    does it and the admin goes on to `back`, told `done`, or the refusal as an error."""
    if not form.validate_on_submit():
        return render_template(template, form=form, back=back, **context)
    try:
        act()
    except Refused as refused:
        flash(str(refused), "error")
    else:
        flash(done, "success")
    return redirect(back)


def field_params(field: Field, component: str, **params) -> dict:
    """The parameters of a GOV.UK macro for a WTForms field: its id, name, label (a legend for
    radios, checkboxes and dates), value or items, and its first error. Of `params`, `label`
    replaces the label's text, `size` ("s", "m"...) sets its size, `hint` is text, `error` is
    a problem of the page to show when the field has none, `item_hints` gives hints by value
    to radios and checkboxes; the others are passed on."""
    label, size = params.pop("label", None), params.pop("size", None)
    hint, error = params.pop("hint", None), params.pop("error", None)
    item_hints = params.pop("item_hints", None)
    grouped = component in ("radios", "checkboxes", "date")
    caption = {"text": label or field.label.text}
    if size:
        caption["classes"] = SIZES["legend" if grouped else "label"].format(size)
    message = field.errors[0] if field.errors else error
    if component == "date":
        shown = {"id": field.id, "namePrefix": field.name, "fieldset": {"legend": caption}}
        shown["items"] = _date_items(field.data or {}, bool(message))
    elif grouped:
        shown = {"idPrefix": field.id, "fieldset": {"legend": caption}}
        shown["items"] = _items(field, "checked", item_hints or {})
    else:
        shown = {"id": field.id, "label": caption}
    if component == "select":
        shown["items"] = _items(field, "selected", {})
    elif component == "input":
        shown["value"] = field.data
    elif component == "textarea":
        shown["value"] = "" if field.data is None else field.data
    shown |= {
        "name": field.name,
        "hint": {"text": hint} if hint else None,
        "errorMessage": {"text": message} if message else None,
    }
    return shown | params


def _items(field: Field, marked: str, hints: Mapping) -> list[dict]:
    """A choice field's options as GOV.UK items, the chosen ones `marked`."""
    items = []
    for value, text, chosen, _render_kw in field.iter_choices():
        item = {"value": value, "text": text, marked: chosen}
        if hints.get(value):
            item["hint"] = {"text": hints[value]}
        items.append(item)
    return items


def _date_items(parts: Mapping, wrong: bool) -> list[dict]:
    """Day, month and year inputs; when the date is wrong, those the problem lies in are marked
    (the month alone when only it is missing, as GOV.UK's date input does)."""
    marked = set(parts_at_fault(parts)) if wrong else set()
    return [
        {
            "name": name,
            "label": name.title(),
            "value": parts.get(name),
            "classes": width + (" govuk-input--error" if name in marked else ""),
        }
        for name, width in (
            ("day", "govuk-input--width-2"),
            ("month", "govuk-input--width-2"),
            ("year", "govuk-input--width-4"),
        )
    ]
