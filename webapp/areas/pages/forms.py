"""The feedback form."""

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from webapp.web.forms import typed_lines

COMMENTS_MAX = 1200

RATINGS = [
    SelectChoice("very-satisfied", "Very satisfied"),
    SelectChoice("satisfied", "Satisfied"),
    SelectChoice("neither", "Neither satisfied or dissatisfied"),
    SelectChoice("dissatisfied", "Dissatisfied"),
    SelectChoice("very-dissatisfied", "Very dissatisfied"),
]


class FeedbackForm(FlaskForm):
    rating = RadioField(
        "Overall, how did you feel about the service you received today?",
        choices=RATINGS,
        validators=[DataRequired("Select how satisfied you are")],
    )
    comments = TextAreaField(
        "How could we improve this service?",
        filters=[typed_lines],  # a new line counted as one character, as the counter does
        validators=[
            Optional(),
            Length(
                max=COMMENTS_MAX,
                message=f"Your comments must be {COMMENTS_MAX:,} characters or fewer",
            ),
        ],
    )
