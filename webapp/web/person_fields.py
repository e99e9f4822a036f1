"""Form fields about people, shared by User admin and the council admin pages."""

from __future__ import annotations

from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.domain.accounts import EMAIL_PATTERN


def tidy_spaces(text):
    """One space between words, none around them."""
    return " ".join(text.split()) if isinstance(text, str) else text


def lower(text):
    return text.strip().lower() if isinstance(text, str) else text


def email_format(_form, field) -> None:
    if field.data and not EMAIL_PATTERN.fullmatch(field.data):
        raise ValidationError("Enter an email address in the correct format, like name@example.org")


def email_field() -> EmailField:
    """Their email address (the username), required, stored in lower case."""
    return EmailField(
        "Email address",
        filters=[lower],
        validators=[
            DataRequired("Enter their email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            email_format,
        ],
    )


def name_field(label: str, required) -> StringField:
    """A first or last name: `required` says when it must be given (and the message)."""
    return StringField(
        label,
        filters=[tidy_spaces],
        validators=[required, Length(max=100, message=f"{label} must be 100 characters or fewer")],
    )
