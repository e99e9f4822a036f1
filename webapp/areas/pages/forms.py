"""The feedback form."""

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

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
        # Browsers send a new line as two characters; count it as one, as the counter does.
        filters=[lambda text: text.replace("\r\n", "\n") if text else text],
        validators=[
            Optional(),
            Length(
                max=COMMENTS_MAX,
                message=f"Your comments must be {COMMENTS_MAX} characters or fewer",
            ),
        ],
    )
