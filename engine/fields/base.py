"""What every field type provides; the registry in engine/fields/__init__.py lists them.

A field type owns, for its kind of question: the JSON Schema of its settings, its WTForms field,
what a submitted form holds (`typed_input`), how typed text becomes a stored answer (`parse`) and
back (`to_form`), the value expressions see (`to_python`, `typed_value`), and how the answer reads
on "Check your answers" (`display`, `summary_row`), and the JSON Schema of the answer it
stores (`answer_schema`, for council systems). Callers ask the type what it is
(`holds_items`, `is_calculated`, `is_upload`, `is_input`), never its name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from engine.expressions import TEXT, Symbol
from engine.fields.questions import lower_first, question_clause
from engine.model import Field, SummaryRow
from engine.problems import Code

# Words people read (a label, a button, a statement): not empty, and not only spaces, which
# would show an unlabelled box or a blank button. schema_check words the breach as E104.
WORDS_PATTERN = r"\S"
WORDS = {"type": "string", "minLength": 1, "pattern": WORDS_PATTERN}


class Invalid(Exception):
    """A typed answer that cannot be accepted; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def ascii_digits(label: str, *texts: str) -> None:
    """Invalid, saying which digits, when an answer has digits of another script (١٢, １２):
    the page reads 0 to 9 only, and "must be a number" left a user typing ١٢ lost."""
    if any(c.isdigit() and not c.isascii() for text in texts for c in str(text)):
        raise Invalid(f"{label} must be written with the digits 0 to 9")


# JavaScript's white space, which live-conditions.js trims and splits a typed answer at: the
# zero-width no-break space that pasting brings is one there, and not in Python's \s.
SPACE = r"[\s\ufeff]"
_AROUND = re.compile(rf"\A{SPACE}+|{SPACE}+\Z")


def trimmed(text) -> str:
    """What was typed in a box without the spaces around it, as the page's script trims it."""
    return _AROUND.sub("", str(text))


class FieldType:
    """A kind of question. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line for the docs
    value_type: ClassVar[str] = TEXT  # the type expressions see
    component: ClassVar[str] = "input"  # how the web app renders it
    has_value: ClassVar[bool] = True
    settings: ClassVar[dict] = {}  # JSON Schema properties of this type's own keys
    required_settings: ClassVar[tuple[str, ...]] = ()
    choice_verb: ClassVar[bool] = False  # "Select ..." rather than "Enter ..."
    holds_items: ClassVar[bool] = False  # a repeating group: its answer is a list of items
    is_calculated: ClassVar[bool] = False  # worked out from other answers, never typed
    is_upload: ClassVar[bool] = False  # the answer is a file the web app stores
    # static/js/live-conditions.js reads a typed answer of this type as the server would (the
    # others, identifiers and files, it takes as last saved)
    read_in_browser: ClassVar[bool] = False
    always_required: ClassVar[bool] = False  # `required: false` does not apply (a declaration)
    # Words a setting that names another question may hold instead of its id (a date's
    # `min: today`): offered too when such a name is misspelt.
    reference_words: ClassVar[tuple[str, ...]] = ()
    not_answered: ClassVar[str] = "Not answered"  # what a summary says of no answer, if it must
    prefills: ClassVar[frozenset[str]] = frozenset()  # the `prefill:` sources whose value fits
    # What other form builders call this type (`type: upload`): E103 suggests this one.
    also_called: ClassVar[tuple[str, ...]] = ()

    @property
    def is_input(self) -> bool:
        """Whether the user answers it on the form (not content, not a calculated value)."""
        return self.has_value and not self.is_calculated

    # ---- the form ----
    def form_field(self, field: Field):
        """An unbound WTForms field for this question."""
        from engine.fields.inputs import AnswerField  # WTForms only when a form is built

        return AnswerField(field.label, description=field.hint)

    def form_keys(self, field: Field) -> int:
        """The most form values a filled-in answer sends (a web server sizes its limits on it)."""
        return 1 if self.is_input else 0

    def typed_input(self, field: Field, bound, before, files: Mapping[str, dict]):
        """What the submitted form holds for this question, JSON-ready: `bound` is its WTForms
        field, `before` the stored answer, `files` the new uploads by input name."""
        return bound.data

    def is_empty(self, raw) -> bool:
        return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []

    def missing_message(self, field: Field) -> str:
        """The GOV.UK-style message when a required answer is missing."""
        if field.required_message:
            return field.required_message
        label = field.label.strip()
        verb = "Select" if self.choice_verb else "Enter"
        if label.endswith("?"):  # a question: "Why is ...?" cannot follow "Enter"
            return self.question_missing_message(field, verb) or (
                f"{verb} an answer to ‘{label.rstrip('?: ')}’"
            )
        first_word = label.split(" ", 1)[0].lower()
        if first_word in _INSTRUCTIONS:  # "Describe what happened" is its own message
            return label.rstrip(".: ")
        return f"{verb} {lower_first(label.rstrip('.: '))}"

    def question_missing_message(self, field: Field, verb: str) -> str | None:
        """GOV.UK's wording for a question left unanswered, from the question itself: "Select
        if the child has a social worker", "Enter why the intervention was needed"; None
        when the question's words cannot surely be turned round (questions.py)."""
        clause = question_clause(field.label)
        if clause is None or (clause[0] == "if" and not self.choice_verb):
            return None  # "Enter if …" is no instruction: a yes or no is chosen, not typed
        if clause[0] == "if" and self.name != "yes_no" and "or" in clause[1].split():
            clause = ("whether", clause[1])  # options of its own: "excluded or suspended?"
        return " ".join([verb, *filter(None, clause)])

    def parse(self, field: Field, raw, values: Mapping[str, object]):
        """The answer to store (JSON-ready) from what was typed; raises Invalid."""
        return raw.strip() if isinstance(raw, str) else raw

    def to_form(self, field: Field, value):
        """What a stored answer looks like in the form, to show it again."""
        return value

    def answer_schema(self, field: Field) -> dict:
        """The JSON Schema (2020-12) of the answer this question stores (engine/answer_schema.py
        adds the title, and whether it is required)."""
        return {"type": "string", "minLength": 1}

    def anchor(self, name: str) -> str:
        """The id an error summary links to for the input `name`."""
        return name

    def answer_anchor(self, field: Field, name: str, answer) -> str:
        """The id a Change link leads to, given the answer: the input that holds it (a chosen
        radio), so that the focus lands on the answer being changed."""
        return self.anchor(name)

    # ---- expressions and display ----
    def to_python(self, field: Field, value):
        """The value expressions see for a stored answer."""
        return value

    def typed_value(self, field: Field, answers: Mapping, values: Mapping):
        """The value expressions see for this question, given the stored answers and the typed
        `values` of the questions before it (None when unanswered)."""
        answer = answers.get(field.id)
        return None if answer is None else self.to_python(field, answer)

    def display(self, field: Field, value) -> str:
        """The answer as it reads on "Check your answers"."""
        return "" if value is None else str(value)

    def summary_row(self, field: Field, answer, values: Mapping) -> SummaryRow:
        """The question's row on "Check your answers", from its stored answer."""
        shown = "" if answer is None else self.display(field, answer)
        anchor = self.answer_anchor(field, field.id, answer)
        return SummaryRow(field.id, field.label, shown, anchor=anchor)

    def symbol(self, field: Field) -> Symbol:
        low, high = field.settings.get("min"), field.settings.get("max")
        numbers = [b for b in (low, high) if isinstance(b, int | float) and not isinstance(b, bool)]
        bounds = numbers and (low if low in numbers else None, high if high in numbers else None)
        return Symbol(field.id, self.value_type, bounds=bounds or None)

    def references(self, field: Field) -> list[tuple[str, str, str]]:
        """Other fields named in settings: (setting key, field id, value type needed)."""
        return []

    def definition_problems(self, field: Field) -> list[tuple[str, Code, dict]]:
        """Mistakes in the settings the schema cannot see: (setting key, code, details)."""
        return []

    def limits_reached(self, field: Field, known: dict):
        """A date question's lowest and highest limits through the earlier ones it names
        (engine/date_limits.py), or None for a question of another type."""
        return None


_INSTRUCTIONS = {
    "describe",
    "give",
    "tell",
    "list",
    "explain",
    "say",
    "add",
    "enter",
    "provide",
    "summarise",
    "outline",
    "upload",
    "select",
    "choose",
    "confirm",
}


def plural(noun: str, count: int = 2) -> str:
    """The noun for `count` things: witness -> witnesses, activity -> activities."""
    if count == 1:
        return noun
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


# Words whose first vowel letter sounds as "y" or "w" (a unit, a one-off), or whose "h" is not
# sounded (an hour); capitals read letter by letter, whose names start with a vowel: an EHC
# plan, an SEN review, a UPN.
_A_BEFORE = ("one", "once", "uni", "use", "usu", "uti", "ure", "uro", "eu", "ewe")
_AN_BEFORE = ("hour", "honest", "honour", "heir")
_VOWEL_NAMED_CAPITALS = set("AEFHILMNORSX")


def indefinite_article(noun: str) -> str:
    """'a' or 'an' before `noun`: an incident, a provider, an EHC plan, a unit, an hour."""
    first = noun.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return "an" if first[0] in _VOWEL_NAMED_CAPITALS else "a"
    word = noun.lower()
    if word.startswith(_AN_BEFORE):
        return "an"
    return "an" if word[:1] in tuple("aeiou") and not word.startswith(_A_BEFORE) else "a"


def label_for_message(field: Field) -> str:
    """The field's label as the subject of an error message; a question's answer, with the
    question quoted ("The answer to ‘How many pupils are affected’ must be a number"): its
    own words read as the subject only in a muddle."""
    label = plain_label(field)
    return f"The answer to ‘{label}’" if field.label.strip().endswith("?") else label


def label_as_object(label: str) -> str:
    """Another question's label as the object of a message ("… must be the same as or after
    the start date"); a question's answer, quoted, as label_for_message makes its subject."""
    plain = label.rstrip("?:. ")
    return f"the answer to ‘{plain}’" if label.strip().endswith("?") else lower_first(label)


def plain_label(field: Field) -> str:
    """The field's label without its closing punctuation, to quote in a message."""
    return field.label.rstrip("?:. ")


def bounds_problem(settings: Mapping, low_key: str = "min", high_key: str = "max"):
    """An E207 problem when a minimum is above its maximum (numbers, ISO dates or times)."""
    low, high = settings.get(low_key), settings.get(high_key)
    comparable = (isinstance(low, int | float) and isinstance(high, int | float)) or (
        isinstance(low, str) and isinstance(high, str) and low[:1].isdigit() and high[:1].isdigit()
    )
    if comparable and low > high:
        return [(low_key, Code.E207, {"low": low, "high": high})]
    return []


def setting_problem(key: str, detail: str):
    """An E104 problem about one setting."""
    return (key, Code.E104, {"where": f"'{key}'", "detail": detail})
