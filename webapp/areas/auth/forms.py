"""Forms of signing in, resetting a password and looking after one's account."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from webapp.areas.auth.codes import typed_code
from webapp.areas.auth.policy import MAX_LENGTH
from webapp.areas.auth.questions import QUESTIONS
from webapp.web import person_fields as person
from webapp.web.forms import text_field
from webapp.web.person_fields import email_format


def _question_choices():
    return [SelectChoice(key, text) for key, text in QUESTIONS.items()]


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254), email_format],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password"),
            Length(max=MAX_LENGTH, message="Enter a correct email address and password"),
        ],
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        filters=[typed_code],  # "123 456" and "123-456" are 123456
        validators=[
            DataRequired("Enter the code"),
            Regexp(r"[0-9]{6}\Z", message="Enter the 6-digit code"),
        ],
    )


class AuthenticatorForm(CodeForm):
    current = PasswordField("Your password", validators=[DataRequired("Enter your password")])


class ButtonForm(FlaskForm):
    """A button that needs only CSRF (send the code again, sign out, keep my password)."""


class SecurityQuestionForm(FlaskForm):
    question = RadioField(
        "Choose a security question", validators=[DataRequired("Choose a security question")]
    )
    answer = StringField(
        "Your answer",
        validators=[
            DataRequired("Enter your answer"),
            Length(min=3, max=100, message="Your answer must be between 3 and 100 characters"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.question.choices = _question_choices()
        self.question.gettext_not_a_choice = "Choose a security question"


def _new_password() -> PasswordField:
    return PasswordField("New password", validators=[DataRequired("Enter a new password")])


def _confirm() -> PasswordField:
    return PasswordField(
        "Confirm new password", validators=[DataRequired("Enter the new password again")]
    )


class NewPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _confirm()


class ChangePasswordForm(FlaskForm):
    # In the order of the page, which the error summary follows (WTForms orders fields by
    # when they were made: a subclass's own came after the new password's).
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    password = _new_password()
    confirm = _confirm()


class ChangeQuestionForm(SecurityQuestionForm):
    current = PasswordField("Your password", validators=[DataRequired("Enter your password")])


class EmailForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254), email_format],
    )


class AnswerForm(FlaskForm):
    answer = StringField(
        "Your answer", validators=[DataRequired("Enter your answer"), Length(max=100)]
    )


class DisableAuthenticatorForm(FlaskForm):
    current = PasswordField("Your password", validators=[DataRequired("Enter your password")])


class _OwnDetails(FlaskForm):
    """One's own name, job title and mobile number (the email address has its own way)."""

    first_name = person.name_field("First name", DataRequired("Enter your first name"))
    last_name = person.name_field("Last name", DataRequired("Enter your last name"))
    mobile = person.mobile_field()

    def details(self) -> dict:
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "job_title": (self.job_title.data or "").strip(),
            "mobile": self.mobile.data or "",
        }


class SchoolUserDetailsForm(_OwnDetails):
    """A school user's: their job title is one of the list (webapp/web/person_fields.py)."""

    job_title = person.job_title_field(DataRequired("Select your job title"))


class StaffDetailsForm(_OwnDetails):
    """Council staff's: their job title is theirs to write, as on the Council admin pages."""

    job_title = text_field(
        "Job title (optional)",
        None,
        max_length=100,
        too_long="Job title must be 100 characters or fewer",
    )


def own_details_form(user) -> _OwnDetails:
    """The user's own details form, filled in as saved (a POST's answers take precedence)."""
    saved = {"first_name": user.first_name, "last_name": user.last_name}
    saved |= {"job_title": user.job_title, "mobile": user.mobile}
    if user.council_role:
        return StaffDetailsForm(data=saved)
    form = SchoolUserDetailsForm(data=saved)
    form.job_title.choices = person.job_title_choices(user.job_title)
    return form
