"""The JSON Schema of a case type's answers (engine/answer_schema.py), as a council system
reads it: each field type's answer, what is required, what a condition hides, and that
whatever the engine accepts fits it."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict

from engine.answer_schema import answer_problems, answers_schema, question_schema
from engine.fields import Invalid
from engine.input_names import input_name
from tests.engine.conftest import case_type_yaml, catalogue_of
from tests.engine.test_field_types import make


def fits(schema: dict, value) -> bool:
    checker = Draft202012Validator.FORMAT_CHECKER
    return Draft202012Validator(schema, format_checker=checker).is_valid(value)


FILE = {"id": "fa4009ca3c894ad9ba1036ef8cb0b116", "name": "plan.pdf", "size": 2048, "kind": "pdf"}


@pytest.mark.parametrize(
    ("type_name", "settings", "stored"),
    [
        ("text", {"max_length": 5}, "Sam"),
        ("text", {"pattern": "EY[0-9]{6}"}, "EY123456"),
        ("textarea", {}, "Line one\nLine two"),
        ("email", {}, "head@school.example.org"),
        ("phone", {}, "+44 (0)116 454 1000"),
        ("postcode", {}, "LE1 6ZG"),
        ("upn", {}, "Y856200124123"),
        ("upn", {}, "Y85620012412A"),  # temporary
        ("urn", {}, "120345"),
        ("laestab", {"la_code": "856"}, "8562001"),
        ("number", {"min": 0, "max": 10}, 10),
        ("number", {"decimals": 2}, "-0.25"),
        ("number", {"decimals": 2}, 12),
        ("money", {}, "1250.50"),
        ("money", {"min": -100}, "-5.00"),
        ("date", {"max": "today"}, "2016-03-07"),
        ("time", {}, "09:30"),
        ("yes_no", {}, False),
        ("declaration", {"text": "I agree"}, True),
        ("radios", {"options": ["a", "b"]}, "b"),
        ("select", {"options": ["a", "b"]}, "a"),
        ("checkboxes", {"options": ["a", "b", "none"]}, ["a", "b"]),
        ("checkboxes", {"options": ["a", "b", "none"]}, ["none"]),
        ("file", {"accept": ["pdf"]}, FILE),
        ("calculated", {"value": "1", "format": "money"}, "12.50"),
        ("calculated", {"value": "1", "decimals": 2}, "0.333333"),
        ("calculated", {"value": "1"}, None),  # not yet known
    ],
)
def test_what_the_engine_stores_fits_its_type_schema(type_name, settings, stored):
    assert fits(question_schema(make(type_name, **settings)), stored)


@pytest.mark.parametrize(
    ("type_name", "settings", "stored"),
    [
        ("text", {"max_length": 5}, "Samantha"),
        ("text", {"pattern": "EY[0-9]{6}"}, "XEY123456"),  # the pattern is matched whole
        ("text", {}, ""),
        ("email", {}, "head at school"),
        ("postcode", {}, "le1 6zg"),
        ("upn", {"allow_temporary": False}, "Y85620012412A"),
        ("urn", {}, "12345"),
        ("laestab", {"la_code": "856"}, "8572001"),
        ("number", {"min": 0, "max": 10}, 11),
        ("number", {}, "12"),  # whole numbers are JSON numbers
        ("number", {"decimals": 2}, "0.125"),  # more places than allowed
        ("number", {"decimals": 2, "min": 0}, "-0.25"),
        ("money", {}, "1250.5"),  # always pence
        ("money", {}, "-5.00"),  # money is 0 or more unless the question says
        ("date", {}, "2016-02-30"),
        ("date", {}, "07/03/2016"),
        ("time", {}, "24:00"),
        ("time", {}, "9:30"),
        ("yes_no", {}, "yes"),
        ("declaration", {"text": "I agree"}, False),
        ("radios", {"options": ["a", "b"]}, "c"),
        ("checkboxes", {"options": ["a", "b", "none"]}, []),
        ("checkboxes", {"options": ["a", "b", "none"]}, ["a", "a"]),
        ("checkboxes", {"options": ["a", "b", "none"]}, ["a", "none"]),  # exclusive
        ("checkboxes", {"options": ["a", "b", "c"], "max_choices": 2}, ["a", "b", "c"]),
        ("file", {"accept": ["pdf"]}, {**FILE, "kind": "docx"}),
        ("file", {"accept": ["pdf"], "max_size_mb": 1}, {**FILE, "size": 2 * 1024 * 1024}),
        ("file", {"accept": ["pdf"]}, {**FILE, "path": "/etc/passwd"}),
        ("calculated", {"value": "1", "format": "yes_no"}, "yes"),
    ],
)
def test_what_the_engine_never_stores_does_not_fit(type_name, settings, stored):
    assert not fits(question_schema(make(type_name, **settings)), stored)


@pytest.mark.parametrize(
    ("pattern", "answer"),
    [
        (r"[\pL' -]+", "Zoë O'Neill"),  # the letters W506 advises: ECMA-262 has no \pL
        (r"(?i)ey[0-9]{6}", "EY123456"),  # flags: none in ECMA-262
        (r"[[:alpha:]]+", "abc"),  # in ECMA-262 a class of [ : a l p h, then a ]
        (r"[0-9]+\z", "12"),
        (r"https?://\S+", "https://a.example/a\u00a0b"),  # \S: a no-break space to RE2 only
    ],
)
def test_a_pattern_in_re2s_own_syntax_is_said_not_published_as_a_pattern(pattern, answer):
    """JSON Schema's patterns are ECMA-262: a council system reading RE2's syntax there would
    refuse (or fail to compile) answers the portal took, so such a pattern is only said."""
    field = make("text", pattern=pattern)
    assert field.kind.parse(field, answer, {}) == answer  # the portal takes it
    schema = question_schema(field)
    assert "pattern" not in schema and fits(schema, answer)
    assert schema["description"] == f"Matches the RE2 pattern {pattern} (checked by the portal)"


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?:EY|EX)[0-9]{2}[:][0-9]\x41",
        r"\(?0[0-9]{4}\)? ?[0-9]{6}",  # an optional bracket, (?: or none: no RE2 group
        r"[0-9]+\\(?:x)",  # a backslash typed, then a group
    ],
)
def test_a_pattern_ecma_262_reads_alike_is_published(pattern):
    assert question_schema(make("text", pattern=pattern))["pattern"] == f"^(?:{pattern})$"


def test_option_codes_limits_and_formats_are_said():
    assert question_schema(make("radios", label="Need", options=["e", "k"])) == {
        "title": "Need",
        "type": "string",
        "enum": ["e", "k"],
    }
    date = question_schema(make("date", min="2026-09-01", max="start_date"))
    assert date["format"] == "date"
    assert date["description"] == "Not before 2026-09-01; not after the answer to start_date"
    number = question_schema(make("number", min=1, max=5))
    assert (number["type"], number["minimum"], number["maximum"]) == ("integer", 1, 5)


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("type_name", "typed"), [("urn", "120345"), ("laestab", "8562001"), ("upn", "Y856200124123")]
)
def test_identifiers_are_ascii_digits_as_their_schemas_say(type_name, typed):
    """Python's \\d takes any script's digits; a URN typed in Arabic-Indic digits would match
    no school in a council system (whose regular expressions read [0-9])."""
    field = make(type_name)
    with pytest.raises(Invalid):
        field.kind.parse(field, typed.translate(ARABIC_INDIC), {})
    assert not fits(question_schema(field), typed.translate(ARABIC_INDIC))
    assert fits(question_schema(field), field.kind.parse(field, typed, {}))


REFERRAL = """
- id: child
  title: The child
  fields:
    - {id: name, type: text, label: Name}
    - {id: nickname, type: text, label: Nickname, required: false}
    - {id: nickname_ok, type: yes_no, label: Nickname used?, show_if: answered(nickname)}
    - {id: sen_provision, type: radios, label: SEN provision, options: sen_provision}
    - {id: has_worker, type: yes_no, label: Social worker?}
    - {id: worker_name, type: text, label: Worker's name, show_if: has_worker}
    - {id: age, type: number, label: Age}
    - {id: nursery, type: text, label: Nursery, show_if: age < 5}
    - {id: needs, type: checkboxes, label: Needs, options: [speech, sight, none],
       required: false}
    - {id: speech_detail, type: textarea, label: Speech, show_if: "'speech' in needs",
       required: false}
    - {id: years, type: calculated, label: Years, value: age * 2}
- id: plan
  title: The plan
  show_if: sen_provision == 'E' and not has_worker
  fields:
    - {id: plan_date, type: date, label: Plan date}
- id: providers
  title: Providers
  fields:
    - id: providers
      type: group
      label: Providers
      min_items: 2
      max_items: 3
      required: false
      fields:
        - {id: provider, type: text, label: Provider}
        - {id: funded, type: yes_no, label: Funded?}
        - {id: cost, type: money, label: Cost, show_if: funded}
        - {id: doubled, type: calculated, label: Doubled, format: money, value: cost * 2}
"""

SENT = {
    "name": "Sam",
    "sen_provision": "E",
    "has_worker": False,
    "age": 7,
    "years": 14,
    "plan_date": "2026-09-01",
}


@pytest.fixture
def referral(compile_case):
    return compile_case(REFERRAL)


def test_always_asked_required_questions_are_required(referral):
    schema = answers_schema(referral)
    Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["name", "sen_provision", "has_worker", "age"]
    assert schema["additionalProperties"] is False
    assert answer_problems(referral, SENT) == []
    missing = {k: v for k, v in SENT.items() if k != "name"}
    assert answer_problems(referral, missing) == ["(answers): 'name' is a required property"]


def test_a_question_nobody_asked_is_refused(referral):
    assert answer_problems(referral, {**SENT, "colour": "blue"}) == [
        "(answers): Additional properties are not allowed ('colour' was unexpected)"
    ]


def test_a_simple_condition_requires_the_question_when_it_holds(referral):
    assert answer_problems(referral, {**SENT, "has_worker": True}) == [
        "(answers): 'worker_name' is a required property",
        "(answers): 'plan_date' is there, but its question is not asked given the other answers",
    ]
    without_plan = {k: v for k, v in SENT.items() if k != "plan_date"}
    worker = {**without_plan, "has_worker": True, "worker_name": "Jo"}
    assert answer_problems(referral, worker) == []
    assert answer_problems(referral, {**without_plan, "sen_provision": "K"}) == []
    assert answer_problems(referral, without_plan) == [
        "(answers): 'plan_date' is a required property"
    ]


def test_a_question_hidden_by_a_simple_condition_is_absent(referral):
    assert answer_problems(referral, {**SENT, "worker_name": "Jo"})  # has_worker is false
    assert answer_problems(referral, {**SENT, "speech_detail": "Stammer"})  # not ticked
    ticked = {**SENT, "needs": ["speech"], "speech_detail": "Stammer"}
    assert answer_problems(referral, ticked) == []


def test_answered_is_said_as_the_answer_being_there(referral):
    assert answer_problems(referral, {**SENT, "nickname": "Sammy"}) == [
        "(answers): 'nickname_ok' is a required property"
    ]
    assert answer_problems(referral, {**SENT, "nickname": "Sammy", "nickname_ok": True}) == []
    assert answer_problems(referral, {**SENT, "nickname_ok": True})


def test_other_conditions_leave_the_question_optional(referral):
    """`age < 5` cannot be said in JSON Schema: Nursery may be there or not."""
    assert answer_problems(referral, SENT) == []
    assert answer_problems(referral, {**SENT, "nursery": "Little Acorns"}) == []


def test_groups_are_arrays_of_items(referral):
    items = [
        {"provider": "Acorns", "funded": True, "cost": "10.00", "doubled": "20.00"},
        {"provider": "Oaks", "funded": False, "doubled": None},
    ]
    assert answer_problems(referral, {**SENT, "providers": items}) == []
    assert answer_problems(referral, {**SENT, "providers": []}) == []  # optional group
    assert answer_problems(referral, {**SENT, "providers": items[:1]})  # min_items 2
    assert answer_problems(referral, {**SENT, "providers": items * 2})  # max_items 3
    unpaid = [items[0], {**items[1], "cost": "5.00"}]  # cost is hidden when not funded
    assert answer_problems(referral, {**SENT, "providers": unpaid})
    no_cost = [{**items[0]} for _ in range(2)]
    del no_cost[0]["cost"]
    assert answer_problems(referral, {**SENT, "providers": no_cost}) == [
        "providers/0: 'cost' is a required property"
    ]


# ---- whatever the engine accepts fits ----

ANY_TEXT = st.text(max_size=30)


def _typed(options=()):
    return st.one_of(st.sampled_from(options), ANY_TEXT) if options else ANY_TEXT


def _date():
    real = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)).map(
        lambda d: {"day": str(d.day), "month": str(d.month), "year": str(d.year)}
    )
    junk = st.fixed_dictionaries({p: ANY_TEXT for p in ("day", "month", "year")})
    return st.one_of(real, junk)


_NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.decimals(-1000, 1000, places=3).map(str),
    st.text(alphabet="0123456789.,-e£ ", max_size=12),
)

FUZZED = """
- id: everything
  title: Everything
  fields:
    - {id: name, type: text, label: Name, max_length: 10, case: upper, pattern: "[A-Z ]+"}
    - {id: email, type: email, label: Email, required: false}
    - {id: email_checked, type: yes_no, label: Checked?, show_if: answered(email)}
    - {id: phone, type: phone, label: Phone, required: false}
    - {id: postcode, type: postcode, label: Postcode, required: false}
    - {id: upn, type: upn, label: UPN, required: false}
    - {id: laestab, type: laestab, label: LAESTAB, la_code: "856", required: false}
    - {id: kind, type: radios, label: Kind, options: [a, b, c]}
    - {id: detail, type: text, label: Detail, show_if: kind == 'b'}
    - {id: needs, type: checkboxes, label: Needs, options: [x, y, none], required: false}
    - {id: why_none, type: text, label: Why none, show_if: "'none' in needs"}
    - {id: cared_for, type: yes_no, label: Cared for?}
    - {id: note, type: text, label: Note, show_if: "kind in ['a', 'c'] and not cared_for",
       required: false}
    - {id: age, type: number, label: Age, min: 0, max: 25}
    - {id: hours, type: number, label: Hours, decimals: 2, min: 0, required: false}
    - {id: fee, type: money, label: Fee, required: false}
    - {id: born, type: date, label: Born, max: today}
    - {id: starts, type: time, label: Starts, required: false}
    - {id: doubled, type: calculated, label: Doubled, format: money, value: fee * 2}
    - id: visits
      type: group
      label: Visits
      required: false
      max_items: 3
      fields:
        - {id: on, type: date, label: On}
        - {id: paid, type: yes_no, label: Paid?}
        - {id: amount, type: money, label: Amount, show_if: paid}
"""

FUZZ_OPTIONS = {
    "name": ("SAM SMITH", "sam", "Jo"),
    "email": ("head@school.example.org",),
    "phone": ("0116 454 1000", "+44 (0)116 454 1000"),
    "postcode": ("le1 6zg",),
    "upn": ("Y856200124123", "y85620012412a"),
    "laestab": ("856/2001", "8572001"),
    "kind": ("a", "b", "c"),
    "cared_for": ("yes", "no"),
    "email_checked": ("yes", "no"),
    "starts": ("9.30am", "14:05", "3pm"),
}
REQUIRED = ("name", "kind", "cared_for", "age", "born")


def _amount(low, high, places):
    return st.decimals(low, high, places=places).map(str)


def _plausible() -> dict:
    """Answers much as a user types them (most accepted, some out of bounds)."""
    fields = {key: st.sampled_from(options) for key, options in FUZZ_OPTIONS.items()}
    real_date = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)).map(
        lambda d: {"day": str(d.day), "month": str(d.month), "year": str(d.year)}
    )
    visit = st.fixed_dictionaries(
        {"on": real_date, "paid": st.sampled_from(["yes", "no"]), "amount": _amount(0, 99, 2)}
    )
    return fields | {
        "detail": st.text(min_size=1, max_size=20),
        "why_none": st.text(min_size=1, max_size=20),
        "note": st.text(max_size=20),
        "needs": st.lists(st.sampled_from(["x", "y", "none"]), max_size=2, unique=True),
        "age": st.integers(-2, 30).map(str),
        "hours": _amount(0, 100, 2),
        "fee": _amount(0, 1000, 2).map(lambda text: f"£{text}"),
        "born": real_date,
        "visits": st.lists(visit, max_size=4),
    }


def _junk() -> dict:
    """Anything at all, with now and then a value that fits."""
    fields = {key: _typed(options) for key, options in FUZZ_OPTIONS.items()}
    visit = st.fixed_dictionaries(
        {"on": _date(), "paid": _typed(("yes", "no")), "amount": _NUMBERS}
    )
    return fields | {
        "detail": _typed(("Something",)),
        "why_none": ANY_TEXT,
        "note": ANY_TEXT,
        "needs": st.lists(st.sampled_from(["x", "y", "none", "z"]), max_size=3),
        "age": _NUMBERS,
        "hours": _NUMBERS,
        "fee": _NUMBERS,
        "born": _date(),
        "visits": st.lists(visit, max_size=4),
    }


def _fuzzed_page():
    plausible = _plausible()
    typed = st.fixed_dictionaries(
        {key: plausible[key] for key in REQUIRED},
        optional={key: value for key, value in plausible.items() if key not in REQUIRED},
    )
    return st.one_of(typed, st.fixed_dictionaries({}, optional=_junk()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_fuzzed_page())
def test_answers_the_engine_accepts_fit_the_schema(compile_fuzzed, raw):
    """Typed answers posted as a browser posts them, saved by save_page."""
    case_type = compile_fuzzed
    properties = answers_schema(case_type)["properties"]
    form = case_type.form_class("everything")(MultiDict(list(_posted(raw))))
    result = case_type.save_page("everything", form, {})
    wrong = {e.key.split("-")[0] for e in result.errors}  # a group's item: visits-0-amount
    for key, value in result.answers.items():  # each answer kept, even beside wrong ones
        assert key in wrong or fits(properties[key], value), (key, value)
    if result.valid:
        assert answer_problems(case_type, case_type.submission_answers(result.answers)) == []


def _posted(raw: dict, prefix: str = ""):
    """The form's (name, value) pairs for typed answers: date boxes ID-day, each ticked box,
    group items providers-0-name (engine/input_names.py)."""
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from ((f"{name}-{part}", text) for part, text in value.items())
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for index, item in enumerate(value):
                yield from _posted(item, f"{input_name(name, index)}-")
        elif isinstance(value, list):
            yield from ((name, choice) for choice in value)
        else:
            yield name, value


@pytest.fixture(scope="module")
def compile_fuzzed():
    catalogue = catalogue_of(("case.yaml", case_type_yaml(FUZZED)))
    assert not catalogue.errors, [str(p) for p in catalogue.errors]
    return catalogue.get("test-case")


def test_every_shipped_case_type_has_a_valid_schema_and_the_demo_answers_fit():
    from pathlib import Path

    from engine import load_catalogue
    from webapp.demo import PTT_PAGES, _answer_pages

    catalogue = load_catalogue(str(Path(__file__).resolve().parents[2] / "casetypes"))
    for case_type in catalogue.case_types.values():
        schema = answers_schema(case_type)
        Draft202012Validator.check_schema(schema)
        assert set(schema["properties"]) == {
            f.id for f in case_type.fields.values() if f.has_value
        }, case_type.id
    ptt = catalogue.get("part-time-timetable")
    pages = {**PTT_PAGES, "agreement": {**PTT_PAGES["agreement"], "signed_plan": FILE}}
    assert answer_problems(ptt, ptt.submission_answers(_answer_pages(ptt, pages))) == []
