"""Missing-answer messages made from a question's label read as GOV.UK's error messages do
("Select if the child has a social worker", "Select the year group"), without quoting the
question; a question whose words cannot surely be turned round keeps the quoted wording."""

from dataclasses import replace

import pytest

from tests.engine.test_field_types import make


def missing(type_name: str, label: str, **settings) -> str:
    field = make(type_name, label=label, **settings)
    return field.kind.missing_message(field)


@pytest.mark.parametrize(
    ("type_name", "label", "message"),
    [
        # Yes or no: "Select if …", the question's verb put back after its subject.
        ("yes_no", "Does the child have a social worker?",
         "Select if the child has a social worker"),
        ("yes_no", "Is the child looked after by a local authority?",
         "Select if the child is looked after by a local authority"),
        ("yes_no", "Has the Virtual School been told about this arrangement?",
         "Select if the Virtual School has been told about this arrangement"),
        ("yes_no", "Has a parent or carer with parental responsibility agreed to this referral?",
         "Select if a parent or carer with parental responsibility has agreed to this referral"),
        ("yes_no", "Was any member of staff injured?", "Select if any member of staff was injured"),
        ("yes_no", "Do they need an interpreter?", "Select if they need an interpreter"),
        ("yes_no", "Did staff follow the plan?", "Select if staff followed the plan"),
        ("yes_no", "Can the places be taken as funded hours?",
         "Select if the places can be taken as funded hours"),
        ("yes_no", "Is the designated safeguarding lead aware of the arrangement?",
         "Select if the designated safeguarding lead is aware of the arrangement"),
        ("yes_no", "Are there any safeguarding concerns about the child or family?",
         "Select if there are any safeguarding concerns about the child or family"),
        # Which, what, how, why: the question's own words, as a clause.
        ("radios", "Which session will the school reopen for?",
         "Select which session the school will reopen for"),
        ("radios", "How were they told?", "Select how they were told"),
        ("checkboxes", "Which year groups are closed?", "Select which year groups are closed"),
        ("checkboxes", "What does the child need on the journey?",
         "Select what the child needs on the journey"),
        ("textarea", "Why was the intervention needed?", "Enter why the intervention was needed"),
        ("textarea", "What has the school already done?", "Enter what the school has already done"),
        ("textarea", "Why have the parents not been told?",
         "Enter why the parents have not been told"),
        ("textarea", "What happened before the intervention?",
         "Enter what happened before the intervention"),
        ("textarea", "How will pupils eligible for free school meals be supported?",
         "Enter how pupils eligible for free school meals will be supported"),
        ("number", "How many pupils are affected?", "Enter how many pupils are affected"),
        # A verb ending in a consonant and "y", and "I", as written English has them.
        ("yes_no", "Does the child qualify for free school meals?",
         "Select if the child qualifies for free school meals"),
        ("yes_no", "Did the child qualify for free school meals?",
         "Select if the child qualified for free school meals"),
        ("yes_no", "Do I need to tell the parents?", "Select if I need to tell the parents"),
        # "This" before an article is the subject itself, never a determiner (h-newuser7: the
        # SEND referral's question was quoted).
        ("yes_no", "Is this a request for traded work?",
         "Select if this is a request for traded work"),
        ("yes_no", "Is that the child's only school?", "Select if that is the child's only school"),
        # Options of its own, not Yes and No: a choice between what "or" joins, never "if".
        ("radios", "Was the pupil excluded or suspended?",
         "Select whether the pupil was excluded or suspended"),
        ("radios", "Is the whole school closed?", "Select if the whole school is closed"),
        # Labels that are not questions, as before.
        ("select", "Year group", "Select year group"),
        ("checkboxes", "Barriers to attendance", "Select barriers to attendance"),
        ("textarea", "Describe what happened", "Describe what happened"),
        # Not surely turned round: the question is quoted as before, never garbled.
        ("yes_no", "Is the absence a holiday taken in term time?",
         "Select an answer to ‘Is the absence a holiday taken in term time’"),
        ("textarea", "What did staff try first to calm the situation?",
         "Enter an answer to ‘What did staff try first to calm the situation’"),
        ("radios", "Where was the pupil secluded and how were they supervised?",
         "Select an answer to ‘Where was the pupil secluded and how were they supervised’"),
        ("checkboxes", "Which entitlement is the child getting?",
         "Select at least one option for ‘Which entitlement is the child getting’"),
        # A yes-or-no question answered in words: "Enter if …" is no instruction.
        ("textarea", "Is there anything else the team should know?",
         "Enter an answer to ‘Is there anything else the team should know’"),
    ],
)  # fmt: skip
def test_a_missing_answer_names_what_is_missing_without_quoting_the_question(
    type_name, label, message
):
    settings = {"options": ["a", "b"]} if type_name in ("radios", "checkboxes", "select") else {}
    assert missing(type_name, label, **settings) == message


def test_the_authors_own_message_is_kept():
    field = replace(make("yes_no", label="Is it?"), required_message="Select ‘Yes’ if it is")
    assert field.kind.missing_message(field) == "Select ‘Yes’ if it is"


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("Ofsted unique reference number (URN)", "Enter Ofsted unique reference number (URN)"),
        ("Monday opening time", "Enter Monday opening time"),
        ("UPN", "Enter UPN"),
        ("Date of birth", "Enter date of birth"),
        # A short name with a capital after its first letter: the census's "Enter dfE number
        # (LAESTAB)" for an independent school's nursery class, found by trying it.
        ("DfE number (LAESTAB)", "Enter DfE number (LAESTAB)"),
        ("McDonald family contact", "Enter McDonald family contact"),
        ("iPad serial number", "Enter iPad serial number"),
        ("SEN-funded hours", "Enter SEN-funded hours"),
    ],
)
def test_a_name_keeps_its_capital_in_a_missing_answer_message(label, message):
    """'Enter ofsted unique reference number (URN)' was the census's message: a proper noun
    lost its capital with the label's first letter."""
    assert missing("text", label) == message


@pytest.mark.parametrize(
    ("label", "message"),
    [
        # The capital after a hyphen is the second word's, not the first's (review21): the
        # rule that kept "DfE" kept "Enter Non-SEN pupils" too, where before it was lowered.
        ("Non-SEN pupils", "Enter non-SEN pupils"),
        ("Post-LAC support plan", "Enter post-LAC support plan"),
    ],
)
def test_a_hyphenated_first_word_is_lowered_before_its_hyphen(label, message):
    assert missing("text", label) == message


@pytest.mark.parametrize(
    ("label", "message"),
    [
        # A term in quotes that begins the label has its capital only because it begins it
        # (review21): the quote mark was taken for the first letter and the term kept as typed.
        ("‘Looked after’ status", "Enter ‘looked after’ status"),
        ('"Free school meals" eligibility', 'Enter "free school meals" eligibility'),
        ("‘Ofsted’ rating", "Enter ‘Ofsted’ rating"),
        ("‘SEN’ support plan", "Enter ‘SEN’ support plan"),
        ("‘DfE’ number", "Enter ‘DfE’ number"),
    ],
)
def test_a_quoted_first_word_is_lowered_inside_its_quotes(label, message):
    assert missing("text", label) == message


def _shipped_quoted() -> dict[str, str]:
    """Each shipped question whose missing-answer message quotes it: case type.id -> message."""
    from engine.catalogue import load_catalogue

    quoted = {}

    def walk(fields, case_type):
        for field in fields:
            walk(getattr(field, "fields", None) or [], case_type)
            if field.kind.is_input and "an answer to ‘" in field.kind.missing_message(field):
                quoted[f"{case_type}.{field.id}"] = field.kind.missing_message(field)

    for case_type in load_catalogue("casetypes").case_types.values():
        for page in case_type.pages:
            walk(page.fields, case_type.id)
    return quoted


def test_shipped_questions_a_school_meets_often_are_not_quoted_when_unanswered():
    """The attendance referral's concerns and a closure's first session lost say what to do,
    as GOV.UK's messages do (a new user met both quoted, h-newuser7)."""
    quoted = _shipped_quoted()
    assert "education-welfare.concerns" not in quoted
    assert "school-closure.start_session" not in quoted
