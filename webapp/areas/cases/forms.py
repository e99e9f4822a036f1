"""Forms of the case pages. A case page's questions come from the engine, on PageForm."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField

from webapp.web.forms import typed_lines


class PageForm(FlaskForm):
    """The base of every engine-built page form: CSRF, and the page's version when shown."""

    page_version = HiddenField(default="0")
    acknowledged = HiddenField(default="")  # the warnings the user has seen and accepts
    start_token = HiddenField(default="")  # the page of a case not saved yet: see starting.py
    typist = HiddenField(default="")  # whose page it is, if sent after signing out: parking.py


class StartCaseForm(FlaskForm):
    school = RadioField(
        "Which school or setting is this case for?",
        coerce=int,
        validate_choice=True,
        invalid_choice_message="Select the school or setting this case is for",
        invalid_value_message="Select the school or setting this case is for",
    )


class SubmitForm(FlaskForm):
    """Send a case: the declaration, and the message to the council when the school's
    transition back takes one (checked by sending.message_problem)."""

    declared = BooleanField()
    # a new line counted as one character, as the school counts it (browsers send \r\n)
    message = TextAreaField("Message to the council", default="", filters=[typed_lines])
    # the council's move the page answers (sending.answering): a page older than the case's
    # latest request sends nothing
    answering = HiddenField()


class ConfirmForm(FlaskForm):
    """A button that needs only CSRF (abandon a draft, remove an item of a repeating group)."""
