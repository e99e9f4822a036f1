"""Each field type: what a user may type, what is stored, and the message when it is wrong."""

import datetime as dt

import pytest

from engine.answers import Values
from engine.fields import FIELD_TYPES, Invalid
from engine.model import Field, Option


def make(type_name, label="Answer", **settings):
    options = tuple(
        Option(v, v.title(), exclusive=(v == "none")) for v in settings.pop("options", ())
    )
    return Field(
        id="answer", kind=FIELD_TYPES[type_name], label=label, options=options, settings=settings
    )


def parse(field, raw):
    return field.kind.parse(field, raw, {})


def refused(field, raw) -> str:
    with pytest.raises(Invalid) as caught:
        parse(field, raw)
    return caught.value.message


@pytest.mark.parametrize(
    ("type_name", "settings", "typed", "stored"),
    [
        ("text", {}, "  Sam  ", "Sam"),
        ("email", {}, "Head@School.Example.ORG", "Head@school.example.org"),
        ("phone", {}, " +44 116  454 1000", "+44 116 454 1000"),  # as typed, once it is one
        ("postcode", {}, "le1 6zg", "LE1 6ZG"),
        ("upn", {}, "y856200124123", "Y856200124123"),
        ("urn", {}, "120345", "120345"),
        ("laestab", {"la_code": "856"}, "856/2001", "8562001"),
        ("number", {}, "1,200", 1200),
        ("number", {}, "-1,250,000", -1250000),
        ("number", {"decimals": 1}, "1,250.5", "1250.5"),  # commas between thousands only
        ("money", {}, "£1,250", "1250.00"),
        ("number", {}, " 1250 ", 1250),  # spaces around a number are nothing
        ("money", {}, "£ 250", "250.00"),
        ("number", {}, "1\ufeff250", 1250),  # pasted with a zero-width space, as the page reads it
        ("number", {}, "9,007,199,254,740,991", 9007199254740991),  # the largest held exactly
        ("number", {"decimals": 2}, "0.10", "0.1"),  # decimals kept as exact text
        ("number", {"decimals": 2}, "12.00", 12),
        ("money", {}, "£0.10", "0.10"),
        ("number", {"decimals": 1}, "12.5", "12.5"),
        ("money", {}, "£1,250.50", "1250.50"),
        ("time", {}, "9.30am", "09:30"),
        ("time", {}, "2:15pm", "14:15"),
        ("time", {}, "14:05", "14:05"),
        ("time", {}, "3pm", "15:00"),
        ("urn", {}, " 120 123 ", "120123"),  # spaces as a LAESTAB's or a UPN's are taken out
        ("time", {}, "2:15 p.m.", "14:15"),  # as many write it: "must be a time" confused
        ("time", {}, "9.30 A.M.", "09:30"),
        ("time", {}, "12.05a.m", "00:05"),
        ("time", {}, "Midday", "12:00"),  # as GOV.UK writes 12pm
        ("time", {}, " 12  noon ", "12:00"),
        ("time", {}, "midnight", "00:00"),
        ("yes_no", {}, "yes", True),
        ("yes_no", {}, "no", False),
        ("radios", {"options": ["a", "b"]}, "b", "b"),
        ("checkboxes", {"options": ["a", "b", "c"]}, ["c", "a"], ["a", "c"]),
        ("declaration", {"text": "I agree"}, "yes", True),
        ("date", {}, {"day": "7", "month": "03", "year": "2016"}, "2016-03-07"),
        # The month as its name, as GOV.UK's date input takes it, in any case or abbreviation.
        ("date", {}, {"day": "7", "month": "Jan", "year": "2016"}, "2016-01-07"),
        ("date", {}, {"day": "7", "month": "january", "year": "2016"}, "2016-01-07"),
        ("date", {}, {"day": "7", "month": " SEPT. ", "year": "2016"}, "2016-09-07"),
        ("date", {}, {"day": "31", "month": "December", "year": "2016"}, "2016-12-31"),
        # Pasted with a zero-width no-break space around it, as the page's script reads it.
        ("time", {}, "\ufeff9:30", "09:30"),
        ("time", {}, "12\ufeffnoon", "12:00"),
        ("date", {}, {"day": "\ufeff7", "month": "Dec\ufeff", "year": "2016"}, "2016-12-07"),
    ],
)
def test_accepted_answers_are_stored_normalised(type_name, settings, typed, stored):
    assert parse(make(type_name, **settings), typed) == stored


@pytest.mark.parametrize(
    ("type_name", "settings", "typed", "message"),
    [
        ("text", {"max_length": 3}, "abcd", "Answer must be 3 characters or fewer"),
        (
            "text",
            {"pattern": r"\d{11}", "pattern_message": "Enter the 11-digit code"},
            "123",
            "Enter the 11-digit code",
        ),
        (
            "email",
            {},
            "head.school",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("phone", {}, "123", "Enter a UK telephone number, like 01632 960 001 or 07700 900 982"),
        ("postcode", {}, "LE1", "Enter a full UK postcode, like LE1 6ZG"),
        (
            "upn",
            {},
            "Q207000016049",
            "UPN check letter does not match: check the UPN has been typed correctly",
        ),
        (
            "upn",
            {"allow_temporary": False},
            "F85620012412A",
            "Enter the pupil's permanent UPN, not a temporary one",
        ),
        ("urn", {}, "12345", "Answer must be 6 digits"),
        ("laestab", {"la_code": "856"}, "9262001", "Answer must start with 856"),
        ("number", {}, "twelve", "Answer must be a number"),
        # A decimal comma is refused, never read as a thousands separator (12,5 was 125).
        ("number", {"decimals": 1}, "12,5", "Answer must use a full stop for decimals, like 12.5"),
        (
            "number",
            {"decimals": 2},
            "1.250,5",
            "Answer must use a full stop for decimals, like 12.5",
        ),
        (
            "number",
            {"decimals": 2},
            "1,2345",
            "Answer must use a full stop for decimals, like 12.5",
        ),
        ("number", {}, "12,5", "Answer must be a whole number, like 12 or 1,250"),
        # No thousands group starts with 0: 0,250 is a decimal comma (a quarter), not 250.
        ("number", {"decimals": 3}, "0,250", "Answer must use a full stop for decimals, like 12.5"),
        ("number", {}, "-01,500", "Answer must be a whole number, like 12 or 1,250"),
        ("money", {}, "£0,500", "Answer must use a full stop for pence, like £12.50"),
        ("number", {}, "12,50,000", "Answer must be a whole number, like 12 or 1,250"),
        ("number", {}, "12,5 hours", "Answer must be a number"),
        # A space inside a number is refused, never dropped: "12 5" was read as 125.
        ("number", {}, "12 5", "Answer must be a whole number without spaces, like 125 or 1,250"),
        ("number", {}, "1 250", "Answer must be a whole number without spaces, like 125 or 1,250"),
        (
            "number",
            {"decimals": 1},
            "12 .5",
            "Answer must be a number without spaces, like 12.5 or 1,250",
        ),
        (
            "number",
            {},
            "12\u00a05",
            "Answer must be a whole number without spaces, like 125 or 1,250",
        ),
        ("money", {}, "£1 250", "Answer must be an amount of money without spaces, like £1,250.50"),
        ("money", {}, "£12 50", "Answer must be an amount of money without spaces, like £1,250.50"),
        ("money", {}, "£12,50", "Answer must use a full stop for pence, like £12.50"),
        ("money", {}, "1250,5", "Answer must use a full stop for pence, like £12.50"),
        ("number", {}, "1.5", "Answer must be a whole number"),
        ("number", {"decimals": 1}, "1.25", "Answer must have 1 decimal place or fewer"),
        ("number", {"min": 0, "max": 100}, "101", "Answer must be 100 or less"),
        ("number", {"min": 1}, "0", "Answer must be 1 or more"),
        # Absurd values get the bounds message, the question's or the range of every number;
        # the exponent is weighed before anything is converted (int(1e200000) took 2 s).
        ("number", {}, "1e200000", "Answer must be 9,007,199,254,740,991 or less"),
        ("number", {}, "-1e200000", "Answer must be -9,007,199,254,740,991 or more"),
        ("number", {}, "9007199254740992", "Answer must be 9,007,199,254,740,991 or less"),
        ("number", {"max": 100}, "1e200000", "Answer must be 100 or less"),
        ("number", {"decimals": 1, "max": 40}, "1e9999999", "Answer must be 40 or less"),
        ("number", {}, "1e99999999999999999999", "Answer must be 9,007,199,254,740,991 or less"),
        ("number", {"decimals": 2}, "1e-9999999", "Answer must have 2 decimal places or fewer"),
        ("number", {"max": 1500}, "2000", "Answer must be 1,500 or less"),
        ("number", {}, "NaN", "Answer must be a number"),
        ("number", {}, "Infinity", "Answer must be a number"),
        # Digits of other scripts are refused, as the page's live conditions treat them as no
        # answer: else a calculated value said "Not yet known" on a page the server accepted;
        # the message says which digits, as "must be a number" left a user typing ١٢ lost.
        ("number", {}, "١٢", "Answer must be written with the digits 0 to 9"),
        ("money", {}, "£١٢", "Answer must be written with the digits 0 to 9"),
        ("money", {}, "9" * 400, "Answer must be £90,071,992,547,409.91 or less"),
        ("money", {"max": 5000}, "9" * 400, "Answer must be £5,000 or less"),
        ("money", {"min": 0.5}, "0.49", "Answer must be £0.50 or more"),
        ("money", {}, "£12.345", "Answer must be an amount of money, like £250 or £1,250.50"),
        ("money", {}, "-5", "Answer must be £0 or more"),
        ("time", {}, "25:00", "Answer must be a real time"),
        ("time", {"min": "07:00"}, "06:30", "Answer must be 07:00 or later"),
        ("time", {}, "half past", "Enter answer as a time, like 09:30 or 14:15"),
        ("time", {}, "9", "Enter answer as a time, like 09:30 or 14:15"),
        ("radios", {"options": ["a"]}, "z", "Select one of the options for ‘Answer’"),
        (
            "checkboxes",
            {"options": ["a", "b"], "max_choices": 1},
            ["a", "b"],
            "Select no more than 1 options for ‘Answer’",
        ),
        (
            "checkboxes",
            {"options": ["a", "none"]},
            ["a", "none"],
            "Select ‘None’ on its own, or untick it",
        ),
        ("checkboxes", {"options": ["a"]}, ["a", "forged"], "Select from the options for ‘Answer’"),
        ("yes_no", {}, "maybe", "Select yes or no for ‘Answer’"),
        ("date", {}, {"day": "30", "month": "2", "year": "2024"}, "Answer must be a real date"),
        (
            "date",
            {},
            {"day": "١٢", "month": "3", "year": "2027"},
            "Answer must be written with the digits 0 to 9",
        ),
        ("date", {}, {"day": "1_2", "month": "3", "year": "2027"}, "Answer must be a real date"),
        ("date", {}, {"day": "0", "month": "0", "year": "2027"}, "Answer must be a real date"),
        # A name that is no month, or could be two (ma: March or May?), is not guessed at.
        ("date", {}, {"day": "1", "month": "ma", "year": "2027"}, "Answer must be a real date"),
        (
            "date",
            {},
            {"day": "1", "month": "Janu4ry", "year": "2027"},
            "Answer must be a real date",
        ),
        ("date", {}, {"day": "30", "month": "Feb", "year": "2024"}, "Answer must be a real date"),
        (
            "date",
            {},
            {"day": "1", "month": "2", "year": "24"},
            "Answer must include a year with 4 numbers, like 2026",
        ),
        (
            "date",
            {"min": "2026-09-01"},
            {"day": "1", "month": "8", "year": "2026"},
            "Answer must be the same as or after 1 September 2026",
        ),
        # Letters A to Z only: 'ſ' (long s) is 's' once case-folded, and the page reads no month.
        (
            "date",
            {},
            {"day": "1", "month": "\u017fept", "year": "2027"},
            "Answer must be a real date",
        ),
    ],
)
def test_refused_answers_say_what_to_do(type_name, settings, typed, message):
    assert refused(make(type_name, **settings), typed) == message


# An author's pattern with nested repeats (an author's trial): Python's backtracking `re` took
# 7 s for a 27-character answer, doubling with each character more, on every save.
NAMES = r"([A-Za-z]+[ '-]?)+"


def test_a_pattern_that_backtracks_in_python_checks_a_long_hostile_answer_at_once():
    # No timing: with a backtracking matcher this test would not finish (2**5000 steps); with
    # RE2, whose time is proportional to the answer's length, it takes microseconds.
    names = make("text", pattern=NAMES, max_length=10_000)
    assert refused(names, "a" * 5_000 + "1") == "Answer is not in the right format"
    assert parse(names, "Mary-Jane O'Neil Smith") == "Mary-Jane O'Neil Smith"


def test_a_pattern_matches_the_whole_answer_in_ascii_digits():
    code = make("text", pattern=r"\d{6}")
    assert parse(code, "123456") == "123456"
    for typed in ("1234567", "x123456", "١٢٣٤٥٦"):  # Arabic-Indic digits: \d is 0-9 in RE2
        assert refused(code, typed) == "Answer is not in the right format"


def test_missing_answer_messages_follow_gov_uk_wording():
    assert (
        make("text", label="First name").kind.missing_message(make("text", label="First name"))
        == "Enter first name"
    )
    assert make("upn", label="UPN").kind.missing_message(make("upn", label="UPN")) == "Enter UPN"
    question = make("yes_no", label="Is the child looked after?")
    assert question.kind.missing_message(question) == "Select if the child is looked after"
    select = make("select", label="Year group", options=["1"])
    assert select.kind.missing_message(select) == "Select year group"


@pytest.mark.parametrize(
    ("type_name", "settings", "stored", "shown"),
    [
        ("date", {}, "2026-01-31", "31 January 2026"),
        ("money", {}, "1250.50", "£1,250.50"),
        ("money", {}, 1250.5, "£1,250.50"),  # an answer stored as a float, before
        ("money", {"min": -100}, "-5.00", "-£5.00"),
        ("number", {"decimals": 1}, "1234567.5", "1,234,567.5"),
        ("number", {"decimals": 1}, 1234567.5, "1,234,567.5"),  # once shown as 1.23457e+06
        ("number", {"suffix": "hours"}, 1200, "1,200 hours"),
        # A calculated number shows at most its `decimals`, no trailing zeros ("0.00 hours").
        ("calculated", {"decimals": 2, "suffix": "hours"}, 0, "0 hours"),
        ("calculated", {"decimals": 2, "suffix": "hours"}, "12.5", "12.5 hours"),
        ("calculated", {"decimals": 2, "suffix": "hours"}, "1234.567", "1,234.57 hours"),
        ("calculated", {"decimals": 2, "suffix": {"one": "hour", "other": "hours"}}, 1, "1 hour"),
        ("calculated", {"decimals": 2}, "-0.001", "0"),
        ("yes_no", {}, True, "Yes"),
        ("radios", {"options": ["a"]}, "a", "A"),
        ("checkboxes", {"options": ["a", "b"]}, ["a", "b"], "A\nB"),
        ("file", {"accept": ["pdf"]}, {"name": "plan.pdf", "id": "x"}, "plan.pdf"),
    ],
)
def test_answers_read_plainly_on_check_your_answers(type_name, settings, stored, shown):
    field = make(type_name, **settings)
    assert field.kind.display(field, stored) == shown


def test_every_field_type_documents_itself_in_the_schema():
    from engine.schema import build_schema

    defs = build_schema()["$defs"]
    for name, kind in FIELD_TYPES.items():
        assert defs[f"field_{name}"]["description"] == kind.summary
        assert set(kind.settings) <= set(defs[f"field_{name}"]["properties"])


@pytest.mark.parametrize(
    ("typed", "at_fault"),
    [
        ({"day": "1", "month": "Jan", "year": "26"}, ["year"]),  # the month is not at fault
        ({"day": "32", "month": "March", "year": "2026"}, ["day"]),
        ({"day": "1", "month": "Marchember", "year": "2026"}, ["month"]),
    ],
)
def test_a_month_typed_as_its_name_is_not_marked_as_the_box_at_fault(typed, at_fault):
    from engine.fields.dates import parts_at_fault

    assert parts_at_fault(typed) == at_fault


def test_a_textarea_counts_a_new_line_as_one_character():
    """A browser sends each new line of a box as two characters (\\r\\n), while the page's
    character count counts one: an answer the count showed as 10 characters of 10 (three
    lines) was refused as over them. It is taken, and kept with one character a line."""
    field = make("textarea", max_length=10)
    assert parse(field, "abc\r\nabc\r\nab\r\n") == "abc\nabc\nab"
    assert refused(field, "ab\r\n" * 3 + "abcd") == "Answer must be 10 characters or fewer"


@pytest.mark.parametrize(
    ("type_name", "label", "settings", "typed", "message"),
    [
        (
            "textarea",
            "What do you hope the referral will achieve?",
            {"max_length": 2000},
            "y" * 2001,
            "The answer to ‘What do you hope the referral will achieve’ must be 2,000 "
            "characters or fewer",
        ),
        (
            "number",
            "How many pupils are affected?",
            {},
            "twelve",
            "The answer to ‘How many pupils are affected’ must be a number",
        ),
        (
            "date",
            "When was the child last seen in school?",
            {},
            {"day": "31", "month": "2", "year": "2026"},
            "The answer to ‘When was the child last seen in school’ must be a real date",
        ),
        (
            "text",
            "Which language?",
            {},
            "x" * 201,
            "The answer to ‘Which language’ must be 200 characters or fewer",
        ),
        # A label that is not a question stays the subject, as it was.
        (
            "text",
            "Full name",
            {"max_length": 5},
            "abcdef",
            "Full name must be 5 characters or fewer",
        ),
    ],
)
def test_a_question_is_not_made_the_subject_of_its_error(
    type_name, label, settings, typed, message
):
    """A question's words were the subject of its errors: "What do you hope the referral will
    achieve must be 2000 characters or fewer", "How many pupils are affected must be a number"
    (40 questions of the shipped case types read so). Its answer is, with the question quoted,
    as the messages of choices do; and a number over a thousand has its comma, as the page's
    own character count writes it."""
    assert refused(make(type_name, label=label, **settings), typed) == message


@pytest.mark.parametrize(
    ("type_name", "bound", "earlier", "typed", "message"),
    [
        (
            "date",
            "min",
            dt.date(2026, 9, 10),
            {"day": "1", "month": "9", "year": "2026"},
            "The answer to ‘When did it end’ must be the same as or after the answer to "
            "‘When did the placement start’",
        ),
        (
            "time",
            "min",
            dt.time(10, 0),
            "9:00",
            "The answer to ‘When did it end’ must be the same as or later than the answer to "
            "‘When did the placement start’",
        ),
    ],
)
def test_a_question_another_answer_is_bounded_by_is_quoted_as_its_answer(
    type_name, bound, earlier, typed, message
):
    """A date or time no earlier than another question's answer named that question as if it
    were the answer: "… must be the same as or after when did the placement start?". It is
    that question's answer, quoted, as the subject of the message is."""
    field = make(type_name, label="When did it end?", **{bound: "started"})
    values = Values({"started": earlier}, labels={"started": "When did the placement start?"})
    with pytest.raises(Invalid) as caught:
        field.kind.parse(field, typed, values)
    assert caught.value.message == message


def test_a_file_asked_for_by_a_question_is_asked_for_with_the_question_quoted():
    """A file question left without a file said "Select have you got a tracking report": the
    question turned into an order. The file is asked for, with the question quoted."""
    question = make("file", label="Have you got a tracking report?", accept=["pdf"])
    assert question.kind.missing_message(question) == (
        "Select a file for ‘Have you got a tracking report’"
    )
    plan = make("file", label="Support plan", accept=["pdf"])
    assert plan.kind.missing_message(plan) == "Select support plan"
