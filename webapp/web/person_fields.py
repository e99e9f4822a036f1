"""Form fields about people, shared by User admin and the council admin pages (shown by
templates/_form.html's person_fields, email and lock_status)."""

from __future__ import annotations

import re
import unicodedata

from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from engine.identifiers import normalise_uk_phone
from webapp.domain.email_addresses import FORMAT_MESSAGE, InvalidEmail, checked_email
from webapp.web.forms import one_of, text_field, tidy_spaces

JOB_TITLES = (
    "SENCO",
    "Headteacher",
    "Deputy headteacher",
    "Designated safeguarding lead",
    "Class teacher",
    "Teaching assistant",
    "Attendance officer",
    "School business manager",
    "Office staff",
    "Early years practitioner",
    "Setting manager",
    "Other",
)
LOCK_STATUSES = [SelectChoice("unlocked", "Unlocked"), SelectChoice("locked", "Locked")]


def email_format(_form, field) -> None:
    """An address mail can reach (webapp/domain/email_addresses.py); the field then holds it
    as it will be stored and mailed."""
    if not field.data:
        return
    try:
        field.data = checked_email(field.data)
    except InvalidEmail:
        raise ValidationError(FORMAT_MESSAGE) from None


def email_field() -> EmailField:
    """Their email address (the username), required, stored as email_format leaves it."""
    return EmailField(
        "Email address",
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            DataRequired("Enter their email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            email_format,
        ],
    )


def name_field(label: str, required) -> StringField:
    """A first or last name: `required` says when it must be given (and the message)."""
    return text_field(
        label,
        required,
        max_length=100,
        checks=[_no_web_address],
        filters=[_without_direction_controls],
    )


# The controls that turn the direction of the text after them (U+202A-U+202E, U+2066-U+2069):
# in a name they turned the words after it round wherever it was shown, mail to others too
# (attack6). Nobody types one in a name; joiners some scripts need (U+200C) are not among them.
_DIRECTION_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])

# What a link, a web or email address or markup is written with, and no name is: a colon, a
# slash, @, < or >, or a dot joining letters as in a domain (evil.example, www.x; not "J.R.").
_NOT_IN_A_NAME = re.compile(r"[:/\\@<>]|\w\.[^\W\d_]{2,}")
# Dots a browser or mail client reads as one in an address: wide letters (NFKC makes them
# plain), and the ideographic full stops, which IDNA takes as dots (evil。example).
_IDEOGRAPHIC_DOTS = str.maketrans("\u3002\uff61", "..")


def _without_direction_controls(text):
    return text.translate(_DIRECTION_CONTROLS) if isinstance(text, str) else text


def _no_web_address(_form, field) -> None:
    """A name is mailed to other people ("Alice Tester has added you to …", sent to a user of
    another school): written as a link or an address, it made the portal's own mail carry
    whatever someone put there (found by attack5), in wide letters too (attack6)."""
    if field.data == field.object_data:  # as saved before names were checked: not changed
        return
    read_as = unicodedata.normalize("NFKC", field.data or "").translate(_IDEOGRAPHIC_DOTS)
    if _NOT_IN_A_NAME.search(read_as):
        raise ValidationError(f"{field.label.text} must be a name, without a web or email address")


def job_title_field(required) -> SelectField:
    """Their job title, one of those job_title_choices offers."""
    return SelectField(
        "Job title", validators=[required], invalid_choice_message="Select their job title"
    )


def job_title_choices(kept: str = "") -> list[SelectChoice]:
    """The job titles on offer, with a user's older title `kept` when it is no longer one."""
    titles = list(JOB_TITLES)
    if kept and kept not in titles:
        titles.append(kept)
    return [SelectChoice("", "Select a job title")] + [SelectChoice(title) for title in titles]


def _uk_phone(_form, field) -> None:
    """Optional; when given, a UK number, kept as typed (spaces tidied) so it reads as the
    person wrote it."""
    if not field.data:
        field.data = ""
        return
    if normalise_uk_phone(field.data) is None:
        raise ValidationError(MOBILE_MESSAGE)


MOBILE_MESSAGE = "Enter a UK mobile number, like 07700 900 982"


def mobile_field() -> StringField:
    """Their mobile number: optional, a UK number when given."""
    return StringField(
        "Mobile number (optional)",
        filters=[tidy_spaces],
        validators=[Length(max=20, message=MOBILE_MESSAGE), _uk_phone],
    )


def lock_status_field() -> RadioField:
    """Locked or unlocked."""
    return one_of("Lock status", LOCK_STATUSES, "Select the lock status")


def saved_answers(user) -> dict:
    """The person questions' answers for a user as saved: names, job title, lock status."""
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "job_title": user.job_title,
        "lock_status": "locked" if user.is_locked else "unlocked",
    }
