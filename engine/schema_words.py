"""How schema_check words a breach of the JSON Schema: the value as written, and the rule it
breaks in an author's words."""

from __future__ import annotations

import re

from engine.lookalikes import lookalike_note, plain


def quote_hint(expected, instance) -> str:
    """A hint for numbers and true/false written where text is wanted: YAML read them so."""
    if expected == "string" and isinstance(instance, int | float | bool):
        shown = str(instance).lower() if isinstance(instance, bool) else instance
        return f" (put it in quotes: '{shown}')"
    return ""


def shown(text: str) -> str:
    """Text quoted for a one-line message, its line breaks and tabs written as \\n and \\t."""
    return "'" + text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "'"


def unbracketed_list(key, text, one: bool = False) -> str:
    """Said of `options: Health, Bullying` or `accept: pdf, docx` (with `one`, `accept: pdf`
    too): a list written as people write one, which YAML reads as one text."""
    if not isinstance(key, str) or not isinstance(text, str) or "\n" in text.strip():
        return ""
    if "," not in text and not (one and text.strip()):
        return ""
    items = [item.strip() for item in text.split(",") if item.strip()]
    return f"write it in [ ]: {key}: [{', '.join(items)}]"


def written_as(expected, key, instance) -> str:
    """E102's advice for a value of the wrong kind written as people write it: a list without
    [ ] (`accept: pdf, docx`), a number in quotes (`version: "1"`)."""
    if expected == "array":
        listed = unbracketed_list(key, instance, one=True)
        return f": {listed}" if listed else ""
    number = isinstance(instance, str) and re.fullmatch(r"-?\d+(?:\.\d+)?", instance.strip())
    if expected in ("integer", "number") and number and isinstance(key, str):
        return f": take off the quotes, {key}: {instance.strip()}"
    return ""


# Keys as other form builders (and people) name them, and the ones meant here: the first of
# those the place allows.
_OTHER_KEYS = {
    "description": ("intro", "hint", "summary"),
    "help": ("hint",),
    "help_text": ("hint",),
    "helptext": ("hint",),
    "question": ("label",),
    "placeholder": ("hint",),
    "condition": ("show_if", "when", "check"),
    "visible_if": ("show_if",),
    "visible_when": ("show_if",),
    "show_when": ("show_if",),
    "display_if": ("show_if",),
    "only_if": ("show_if",),
    "depends_on": ("show_if",),
    "mandatory": ("required",),
    "choices": ("options",),
}


def key_meant(key: str, allowed) -> str:
    """A "did you mean" for a key other form builders use (`description` for a page's
    `intro`, `condition` for `show_if`)."""
    meant = next((k for k in _OTHER_KEYS.get(key.casefold(), ()) if k in allowed), None)
    return f"; did you mean '{meant}'?" if meant else ""


def unbracketed_options(path: tuple, text) -> str:
    """E104's words for `options: Health, Bullying, Other`, which would otherwise be told to
    write a list name ('health_bullying_other') that no list has."""
    listed = unbracketed_list("options", text) if path and path[-1] == "options" else ""
    return f"{shown(text)} is not the name of a list: {listed}" if listed else ""


# Keys of translated texts: case types are written in one language.
TRANSLATION = re.compile(
    r"(\w+[_-](cy|en|gb|ga|gd|pl|ur|pa|welsh|english|cymraeg|translation))"
    r"|translations?|i18n|l10n|locale|lang|language"
)


def line_break_hint(text: str) -> str:
    """Said of a value that a `|` or `>` block ended with a line break."""
    if not text.endswith("\n"):
        return ""
    return (
        "; it ends with a line break, which `|` and `>` blocks keep: write it on one line, "
        "as `key: value`"
    )


def blank(text: str) -> str:
    """Why text of only spaces (or line breaks) is refused where people read it."""
    return f"{shown(text)} is only spaces, so people would read nothing there: write the words"


_NAME_SEPARATOR = {r"^[a-z][a-z0-9_]*$": "_", r"^[a-z][a-z0-9-]*$": "-"}


# An option's value: the page takes spaces off what is chosen (ChoiceType.parse), so a value
# with spaces at either end, or of none but spaces, could never be chosen.
OPTION_VALUE_PATTERN = r"^\S(?:[\s\S]*\S)?$"


def pattern_words(pattern: str, instance=None) -> str:
    """The rule of one of the schema's patterns, in words; for an id or a name, the one meant
    (`Standard`: write 'standard'; `firstName`: 'first_name'; `cme_referral`: 'cme-referral')."""
    if pattern == OPTION_VALUE_PATTERN and isinstance(instance, str):
        if not instance.strip():
            return (
                "is no value: the page takes it for no answer, so the option could never be "
                "chosen: give the option a value"
            )
        return (
            "starts or ends with a space, which the page takes off what is chosen, so the "
            f"option could never be chosen: write '{instance.strip()}'"
        )
    return _rule_words(pattern) + _name_meant(pattern, instance)


def _name_meant(pattern: str, instance) -> str:
    separator = _NAME_SEPARATOR.get(pattern)
    if separator is None or not isinstance(instance, str) or instance.endswith("\n"):
        return ""  # a line break is line_break_hint's to tell
    camel = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", plain(instance))  # firstName: first_name
    words = re.findall(r"[a-z0-9]+", camel.lower())
    meant = separator.join(words)
    if meant == instance or not re.fullmatch(pattern, meant):
        return ""
    return f": write '{meant}'" + lookalike_note(instance, plain(instance))


def _rule_words(pattern: str) -> str:
    return {
        r"^[a-z][a-z0-9_]*$": "must use lower-case letters, digits and _ only, starting with a "
        "letter",
        r"^[a-z][a-z0-9-]*$": "must use lower-case letters, digits and - only, starting with a "
        "letter",
        r"^[A-Z]{2,5}$": "must be 2 to 5 capital letters",
        r"^[A-Z]+(-[A-Z]+)*$": "must be capital letters in parts joined by -, like EDU-SENED",
        r"^https?://[^\s]+$": "must be a web address starting https://",
        r"^\d{3}$": "must be 3 digits",
        r"^\d{2}:\d{2}$": "must be a time like 09:30",
    }.get(pattern, f"does not match the pattern {pattern}")


def plain_message(error) -> str:
    """A jsonschema error of a limit (length, items, minimum), in words."""
    match error.validator:
        case "minItems":
            return f"needs at least {error.validator_value} item(s)"
        case "minLength":
            return "must not be empty"
        case "minimum":
            return f"must be at least {error.validator_value}"
        case "exclusiveMinimum":
            return f"must be more than {error.validator_value}"
        case "maximum":
            return f"must be at most {error.validator_value}"
        case "uniqueItems":
            return "has the same item twice"
        case "minProperties":
            return "needs at least one entry"
    return error.message


_YES, _NO = {"yes", "y", "on"}, {"no", "n", "off"}


def yes_no_text(instance) -> str:
    """`required: no` as E102 tells it: the word, which YAML reads as text, and what to write."""
    word = instance.strip().casefold() if isinstance(instance, str) else None
    if word not in _YES | _NO:
        return ""
    return f"'{instance}', which YAML reads as text: write {'true' if word in _YES else 'false'}"


_NO_SHOW_IF = {
    "sections": "a section is listed while one of its pages applies: give its pages the show_if",
    "options": (
        "an option is always offered: to offer it only sometimes, ask two questions, each "
        "with a show_if and the options it offers"
    ),
    "rules": (
        "a rule has none: write the condition into its check, true where it does not apply: {check}"
    ),
    "transitions": "a transition's condition is written `when:`",
}


def misplaced_show_if(key: str, path: tuple, instance) -> str:
    """What to write for a `show_if` where there is none (E100): on a section, an option, a
    rule or a transition, where an author meant "only when" and was told only that the key is
    unknown."""
    if key != "show_if" or len(path) < 2 or path[-2] not in _NO_SHOW_IF:
        return ""
    condition, check = instance.get("show_if"), instance.get("check")
    if isinstance(condition, str) and isinstance(check, str):
        check = f"`not ({condition}) or ({check})`"
    return "; " + _NO_SHOW_IF[path[-2]].format(check=check or "`not (condition) or (check)`")
