"""Questions answered by typing text: free text and the formats with a shape of their own."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

import engine.identifiers as identifiers
import engine.pattern_reach as pattern_reach
import engine.patterns as patterns
from engine.fields.base import FieldType, Invalid, label_for_message, setting_problem
from engine.model import PREFILL_SOURCES
from engine.problems import Code

_WIDTHS = [
    "2",
    "3",
    "4",
    "5",
    "10",
    "20",
    "30",
    "full",
    "three-quarters",
    "two-thirds",
    "one-half",
    "one-third",
]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TextType(FieldType):
    name = "text"
    also_called = ("string", "short_text", "input", "line")
    read_in_browser = True
    summary = "One line of text, with an optional length limit and pattern."
    settings = {
        "max_length": {"type": "integer", "minimum": 1, "description": "Most characters allowed"},
        "pattern": {
            "type": "string",
            "description": "A regular expression (RE2 syntax) the whole answer must match",
        },
        "pattern_message": {
            "type": "string",
            "description": "The error shown when the pattern does not match",
        },
        "width": {"enum": _WIDTHS, "description": "Width of the input box"},
        "autocomplete": {"type": "string", "description": "HTML autocomplete token"},
        "case": {
            "enum": ["upper", "lower"],
            "description": "Store the answer in capitals or small letters (before the "
            "pattern is checked), for codes such as EY123456",
        },
    }
    default_max_length = 200
    prefills = frozenset(PREFILL_SOURCES)

    def parse(self, field, raw, values):
        text = raw.strip()
        if field.settings.get("case") == "upper":
            text = text.upper()
        elif field.settings.get("case") == "lower":
            text = text.lower()
        limit = field.settings.get("max_length", self.default_max_length)
        if len(text) > limit:
            raise Invalid(f"{label_for_message(field)} must be {limit:,} characters or fewer")
        pattern = field.settings.get("pattern")
        if pattern and not patterns.matches_whole(pattern, text):
            raise Invalid(
                field.settings.get("pattern_message")
                or f"{label_for_message(field)} is not in the right format"
            )
        return text

    def answer_schema(self, field):
        limit = field.settings.get("max_length", self.default_max_length)
        schema = {"type": "string", "minLength": 1, "maxLength": limit}
        pattern = field.settings.get("pattern")
        if pattern and patterns.ecma_portable(pattern):  # matched whole, as parse() does
            schema["pattern"] = f"^(?:{pattern})$"
        elif pattern:  # RE2's own syntax: said, for a reader who wants to check it
            schema["description"] = f"Matches the RE2 pattern {pattern} (checked by the portal)"
        return schema

    def definition_problems(self, field):
        pattern = field.settings.get("pattern")
        problem = None if pattern is None else patterns.pattern_problem(pattern)
        if problem is None and pattern is not None:
            limit = field.settings.get("max_length", self.default_max_length)
            problem = pattern_reach.unmatchable(pattern, limit, field.settings.get("case"))
        if problem:
            return [setting_problem("pattern", problem)]
        ascii_only = patterns.ascii_only_escape(pattern)
        if ascii_only:  # valid, but not what Python's re (and most authors) take it for
            escape, means, advice = ascii_only
            return [("pattern", Code.W506, {"escape": escape, "means": means, "advice": advice})]
        return []


class TextareaType(TextType):
    name = "textarea"
    also_called = ("long_text", "paragraph", "multiline", "text_box")
    summary = "Several lines of text, with a character count."
    component = "textarea"
    settings = {
        "max_length": {"type": "integer", "minimum": 1, "description": "Most characters allowed"},
        "rows": {"type": "integer", "minimum": 2, "maximum": 30},
    }
    default_max_length = 5000

    def parse(self, field, raw, values):
        # A browser sends a new line as two characters (\r\n); the page's count counts one.
        return super().parse(field, str(raw).replace("\r\n", "\n"), values)


class EmailType(FieldType):
    name = "email"
    also_called = ("email_address", "mail")
    summary = "An email address."
    prefills = frozenset({"user.email"})
    settings = {"autocomplete": {"type": "string"}}

    def parse(self, field, raw, values):
        text = raw.strip()
        # The length first: the pattern backtracks over every split of a long run of dots.
        if len(text) > 254 or not _EMAIL.fullmatch(text):
            raise Invalid("Enter an email address in the correct format, like name@example.com")
        local, domain = text.rsplit("@", 1)
        return f"{local}@{domain.lower()}"

    def answer_schema(self, field):
        return {"type": "string", "format": "email", "maxLength": 254, "pattern": _EMAIL.pattern}


class _NormalisedType(FieldType):
    """An identifier stored in one standard form: `normalise` gives it, or None if invalid."""

    normalise: ClassVar[Callable[[str], str | None]]
    invalid_message: ClassVar[str]
    stored_pattern: ClassVar[str]  # what the stored form looks like

    def answer_schema(self, field):
        return {"type": "string", "pattern": self.stored_pattern}

    def parse(self, field, raw, values):
        normalised = self.normalise(raw)
        if normalised is None:
            raise Invalid(self.invalid_message)
        return normalised


class PhoneType(_NormalisedType):
    name = "phone"
    also_called = ("telephone", "tel", "phone_number", "mobile")
    summary = "A UK telephone number, kept as typed (spaces tidied) once it is known to be one."
    settings = {"autocomplete": {"type": "string"}}
    prefills = frozenset({"user.mobile"})
    normalise = staticmethod(identifiers.normalise_uk_phone)
    invalid_message = "Enter a UK telephone number, like 01632 960 001 or 07700 900 982"
    # as typed, single spaces: digits, +44, brackets, dashes and dots ("+44 (0)1632 960-001")
    stored_pattern = r"^[0-9+().-]+( [0-9+().-]+)*$"

    def parse(self, field, raw, values):
        super().parse(field, raw, values)  # refused unless it is a UK number
        return " ".join(raw.split())


class PostcodeType(_NormalisedType):
    name = "postcode"
    also_called = ("post_code", "postal_code", "zip", "zip_code")
    summary = "A UK postcode, stored in capitals with one space (le16zg -> LE1 6ZG)."
    normalise = staticmethod(identifiers.normalise_postcode)
    invalid_message = "Enter a full UK postcode, like LE1 6ZG"
    stored_pattern = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"


class UpnType(FieldType):
    name = "upn"
    summary = "A Unique Pupil Number: 13 characters with a check letter (temporary UPNs allowed)."
    settings = {
        "allow_temporary": {
            "type": "boolean",
            "default": True,
            "description": "Accept a temporary UPN (ends with a letter)",
        }
    }

    def parse(self, field, raw, values):
        upn = re.sub(r"\s+", "", raw).upper()
        problem = identifiers.upn_problem(upn)
        if problem:
            raise Invalid(problem)
        if upn[-1].isalpha() and not field.settings.get("allow_temporary", True):
            raise Invalid("Enter the pupil's permanent UPN, not a temporary one")
        return upn

    def answer_schema(self, field):
        # [0-9], not \d: digits in ASCII, as every regular expression dialect reads them
        pattern = r"^[A-HJ-NP-RT-Z][0-9]{9}([0-9]{3}|[0-9]{2}[A-HJ-NP-RT-Z])$"
        if not field.settings.get("allow_temporary", True):
            pattern = r"^[A-HJ-NP-RT-Z][0-9]{12}$"
        return {
            "type": "string",
            "pattern": pattern,
            "description": "13 characters; the first is the check letter of the other 12",
        }


class UrnType(FieldType):
    name = "urn"
    summary = "A school's Unique Reference Number: 6 digits."
    prefills = frozenset({"school.urn"})

    def parse(self, field, raw, values):
        urn = re.sub(r"\s", "", raw)  # 120 123, as LAESTAB's 856 6012 and UPN's spaces
        if not re.fullmatch(r"[0-9]{6}", urn):  # ASCII digits: \d takes any script's
            raise Invalid(f"{label_for_message(field)} must be 6 digits")
        return urn

    def answer_schema(self, field):
        return {"type": "string", "pattern": r"^[0-9]{6}$"}


class LaestabType(FieldType):
    name = "laestab"
    summary = "A LAESTAB: the 3-digit local authority code and 4-digit establishment number."
    prefills = frozenset({"school.laestab"})
    settings = {
        "la_code": {
            "type": "string",
            "pattern": r"^\d{3}$",
            "description": "The local authority code the LAESTAB must start with",
        }
    }

    def parse(self, field, raw, values):
        laestab = re.sub(r"[\s/]", "", raw)
        if not re.fullmatch(r"[0-9]{7}", laestab):
            raise Invalid(f"{label_for_message(field)} must be 7 digits")
        la_code = field.settings.get("la_code")
        if la_code and not laestab.startswith(la_code):
            raise Invalid(f"{label_for_message(field)} must start with {la_code}")
        return laestab

    def answer_schema(self, field):
        la_code = field.settings.get("la_code")
        pattern = rf"^{la_code}[0-9]{{4}}$" if la_code else r"^[0-9]{7}$"
        return {"type": "string", "pattern": pattern}


TYPES = [
    TextType(),
    TextareaType(),
    EmailType(),
    PhoneType(),
    PostcodeType(),
    UpnType(),
    UrnType(),
    LaestabType(),
]
