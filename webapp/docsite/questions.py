"""What the generated documentation says of a question: its kind, whether it must be answered,
its limits, its options and when it is asked, in words (the English of expressions is
engine/describe.py's)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import engine.numeric as numeric
from engine.describe import Describer, quoted_label
from engine.fields.numbers import suffix_forms
from engine.fields.other import kinds_in_words
from engine.fields.questions import lower_first
from engine.model import Field, Rule

# A question's kind as the documentation names it (the type's id is shown beside it).
KIND_NAMES = {
    "text": "Text",
    "textarea": "Long text",
    "email": "Email address",
    "phone": "UK telephone number",
    "postcode": "UK postcode",
    "upn": "Unique Pupil Number (UPN)",
    "urn": "Unique Reference Number (URN)",
    "laestab": "LAESTAB",
    "number": "Number",
    "money": "Amount of money (£)",
    "calculated": "Calculated value (not typed)",
    "date": "Date",
    "time": "Time of day",
    "yes_no": "Yes or no",
    "radios": "One choice (radio buttons)",
    "select": "One choice (drop-down list)",
    "checkboxes": "Any number of choices (checkboxes)",
    "declaration": "Declaration (must be ticked)",
    "file": "File upload",
    "group": "Repeating group (add another)",
    "content": "Guidance text (no answer)",
}
PREFILL_WORDS = {
    "school.name": "the school's name",
    "school.urn": "the school's URN",
    "school.laestab": "the school's LAESTAB",
    "school.phase": "the school's phase",
    "user.full_name": "the user's full name",
    "user.email": "the user's email address",
    "user.job_title": "the user's job title",
    "user.mobile": "the user's mobile number",
}
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class RuleText:
    """A rule as the documentation says it."""

    check: str  # the English of what must hold
    source: str  # the expression as written
    message: str
    field: str  # the label of the question the message shows on
    warning: bool


def kind_name(f: Field) -> str:
    """The question's kind in words: "Date", "Yes or no"."""
    return KIND_NAMES.get(f.kind.name, f.kind.name)


def answer_rule(f: Field) -> str:
    """ "Required", "Optional", or "" for what has no typed answer."""
    if not f.kind.is_input:
        return ""
    return "Required" if f.required else "Optional"


def limits(f: Field, labels: dict[str, str]) -> list[str]:
    """The limits on an answer, each a sentence: "At most 500 characters"."""
    s = f.settings
    said = []
    if "max_length" in s:
        said.append(f"At most {s['max_length']:,} characters.")
    if "pattern" in s:
        said.append(f"Must match the pattern {s['pattern']}.")
    if s.get("case") in ("upper", "lower"):
        said.append(f"Kept in {s['case']} case.")
    said += _range(f, labels)
    places = s.get("decimals", 0)
    plural = "" if places == 1 else "s"
    if f.kind.name == "number":
        said.append(f"Up to {places} decimal place{plural}." if places else "Whole numbers only.")
    elif f.kind.name == "calculated" and s.get("format", "number") == "number":
        said.append(  # a total of 1.5 + 2 read "4" with nothing here to say why
            f"Shown rounded to at most {places} decimal place{plural} (halves up)."
            if places
            else "Shown as a whole number, rounded (halves up): 3.5 shows as 4; set "
            "decimals to show decimal places."
        )
    if "suffix" in s:
        said.append(f"Counted in {suffix_forms(s)[1]}.")
    said += _choices_and_items(s)
    if "accept" in s:
        size = s.get("max_size_mb", 10)
        said.append(f"{kinds_in_words(s['accept'])}, at most {size:g} MB.")
    if s.get("allow_temporary") is False:
        said.append("Temporary UPNs are not accepted.")
    if "la_code" in s:
        said.append(f"The local authority code must be {s['la_code']}.")
    if f.prefill:
        source = PREFILL_WORDS.get(f.prefill, f.prefill)
        lock = " and cannot be changed" if f.locked else " (the user may change it)"
        said.append(f"Filled in with {source}{lock}.")
    return said


def _range(f: Field, labels: dict[str, str]) -> list[str]:
    low, high = f.settings.get("min"), f.settings.get("max")
    if low is None and high is None:
        return []
    shown = {"low": _bound(f, low, labels), "high": _bound(f, high, labels)}
    words = {
        "date": ("On or after {low}.", "On or before {high}."),
        "time": ("At or after {low}.", "At or before {high}."),
    }.get(f.kind.name, ("At least {low}.", "At most {high}."))
    said = []
    if low is not None:
        said.append(words[0].format(**shown))
    if high is not None:
        said.append(words[1].format(**shown))
    return said


def _bound(f: Field, bound, labels: dict[str, str]) -> str:
    if bound is None:
        return ""
    if f.kind.name == "money":
        return numeric.pounds(bound, pence=False)
    if f.kind.name == "date":
        if bound in f.kind.reference_words:  # today, yesterday, tomorrow: as written
            return bound
        if isinstance(bound, str) and _ISO.fullmatch(bound):
            day = dt.date.fromisoformat(bound)
            return f"{day.day} {day:%B %Y}"
        return f"the answer to {quoted_label(labels.get(bound, str(bound)))}"
    if isinstance(bound, int | float):
        return f"{bound:,}"
    return str(bound)


def _choices_and_items(s) -> list[str]:
    said = []
    if "min_choices" in s:
        said.append(f"Tick at least {s['min_choices']}.")
    if "max_choices" in s:
        said.append(f"Tick at most {s['max_choices']}.")
    if "min_items" in s or "max_items" in s:
        item = lower_first(s.get("item_label", "item"))  # EHC plan stays in capitals
        said.append(
            f"From {s.get('min_items', 0)} to {s.get('max_items', 50)} items "
            f"(each called “{item}”)."
        )
    return said


def rule_text(rule: Rule, describer: Describer, labels: dict[str, str]) -> RuleText:
    """A rule's check in English, its message and the question it shows on."""
    return RuleText(
        describer.describe(rule.check),
        rule.check.text,
        rule.message,
        labels.get(rule.field, rule.field),
        rule.severity == "warning",
    )
