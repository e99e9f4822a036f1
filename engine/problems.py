"""Problems found in case-type files: stable codes, message templates and locations.

Every problem prints as ``path:line:col: error CODE: message``. Codes never change meaning;
tests assert codes and locations, not the wording. docs/error-codes.md lists them all.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from engine.lookalikes import lookalike_note, plain


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Code(enum.Enum):
    """A stable code, its severity and its message template."""

    # Reading the file
    E001 = (Severity.ERROR, "YAML syntax error: {detail}")
    E002 = (Severity.ERROR, "duplicate key '{key}' (first given on line {first_line})")
    E003 = (Severity.ERROR, "the file must hold a mapping of keys, not {found}")
    E004 = (Severity.ERROR, "the file is larger than {limit}, the most a case-type file may be")
    E005 = (
        Severity.ERROR,
        "the alias '*{name}' expands the file past {limit} parts; anchors are for small "
        "repeated parts, shared option lists and workflows for big ones",
    )
    E006 = (Severity.ERROR, "lists and mappings are nested more than {limit} deep")
    E007 = (
        Severity.ERROR,
        "the file holds nothing (only blank lines, comments, --- or ~): write its keys, or "
        "delete it",
    )
    # The shape of the file (JSON Schema)
    E100 = (Severity.ERROR, "unknown key '{key}'{suggestion}")
    E101 = (Severity.ERROR, "missing required key '{key}'")
    E102 = (Severity.ERROR, "{where} must be {expected}, not {found}")
    E103 = (Severity.ERROR, "{where} is '{value}', which is not one of: {allowed}{suggestion}")
    E104 = (Severity.ERROR, "{where}: {detail}")
    # Identity and references
    E200 = (Severity.ERROR, "{what} id '{id}' is already used on line {first_line}")
    E201 = (Severity.ERROR, "case type id '{id}' is already used by {other}")
    E202 = (
        Severity.ERROR,
        "reference {prefix}-{code} is already used by case type '{other}' in {path}",
    )
    E203 = (Severity.ERROR, "options list '{name}' is not defined{suggestion}")
    E204 = (Severity.ERROR, "workflow '{name}' is not defined{suggestion}")
    E205 = (Severity.ERROR, "option value '{value}' is given twice")
    E206 = (Severity.ERROR, "{key} names '{name}', which is not {expected}{suggestion}")
    E207 = (Severity.ERROR, "the minimum ({low}) is above the maximum ({high})")
    E208 = (Severity.ERROR, "options list '{name}' is defined twice (first in {other})")
    E209 = (Severity.ERROR, "workflow '{name}' is defined twice (first in {other})")
    E210 = (Severity.ERROR, "'{name}' cannot be an id: {why}")
    E211 = (Severity.ERROR, "a repeating group cannot hold another repeating group")
    E212 = (
        Severity.ERROR,
        "{key} {value} has {places}, and the question takes {takes}: {advice}",
    )
    # Expressions
    E300 = (Severity.ERROR, "expression is not valid: {detail}")
    E301 = (Severity.ERROR, "{construct} is not allowed in an expression")
    E302 = (Severity.ERROR, "expression names '{name}', which is not a field{suggestion}")
    E303 = (Severity.ERROR, "expression names '{name}', which is defined later ({where})")
    E308 = (Severity.ERROR, "expression names '{name}', which {why}")
    E304 = (
        Severity.ERROR,
        "'{value}' is not an option of '{field}'{suggestion}; options are: {allowed}",
    )
    E305 = (Severity.ERROR, "type error: {detail}")
    E306 = (Severity.ERROR, "unknown function '{name}'{suggestion}")
    E307 = (Severity.ERROR, "{function}() {detail}")
    E309 = (
        Severity.ERROR,
        "the number {number} is outside the range expressions work in "
        "(-9,007,199,254,740,991 to 9,007,199,254,740,991)",
    )
    E310 = (
        Severity.ERROR,
        "expression is nested more than {limit} deep (brackets, operators and calls inside "
        "one another); split it into calculated values",
    )
    E311 = (
        Severity.ERROR,
        "expression names '{name}', which depends on this {what} in turn: {loop}; no order "
        "of the questions mends a loop: base the {what}'s `{key}` on answers that do not "
        "depend on it",
    )
    E312 = (
        Severity.ERROR,
        "`{key}` is a condition, true or false, and {value} is {what}: name an answer in it, "
        "as in {example}{otherwise}",
    )
    # Workflow
    E400 = (Severity.ERROR, "workflow start '{name}' is not an activity{suggestion}")
    E401 = (Severity.ERROR, "transition {end} '{name}' is not an activity{suggestion}")
    E402 = (Severity.ERROR, "activity '{name}' cannot be reached from the start '{start}'{why}")
    E403 = (Severity.ERROR, "workflow has no activity with status {status}")
    E404 = (Severity.ERROR, "activity '{name}' is {status} but no transition leads out of it")
    E405 = (Severity.ERROR, "two transitions from '{source}' are labelled '{action}'")
    E406 = (
        Severity.ERROR,
        "`when` is only for a case type's own workflow: a shared workflow serves case types "
        "with different questions; write the workflow in the case type",
    )
    E407 = (
        Severity.ERROR,
        "system transitions pass a case round {loop} for ever: nobody can stop it; make one "
        "of them `by: officer`",
    )
    E408 = (
        Severity.ERROR,
        "activity '{name}' is Active, but no way from it leads to a Completed or Abandoned "
        "activity, so a case there can never end (it goes on only to {onward}); add a "
        "transition from it or from one of those to one that ends the case",
    )
    # Sections and prefilled questions
    E600 = (
        Severity.ERROR,
        "section '{section}' names page '{name}', which is not a page{suggestion}",
    )
    E601 = (Severity.ERROR, "page '{page}' is already in section '{other}'")
    E602 = (
        Severity.ERROR,
        "page '{page}' is in no section: once a case type has sections, every page is in one",
    )
    E603 = (Severity.ERROR, "section '{section}' has no pages")
    E604 = (
        Severity.ERROR,
        "page '{page}' comes before '{before}' in `pages:`; list the sections, and the pages "
        "of each, in the order of `pages:`",
    )
    E610 = (
        Severity.ERROR,
        "a question of type '{type}' cannot be prefilled from {source}; it fits a question "
        "of type {fits}",
    )
    E611 = (Severity.ERROR, "`locked` is only for a prefilled question: add `prefill`")
    E612 = (
        Severity.ERROR,
        "a question inside a repeating group cannot be prefilled: each item asks it again",
    )
    E613 = (
        Severity.ERROR,
        "a locked question cannot have this `{key}`: {why}, and the school cannot change the "
        "prefilled answer, so its page could never be sent; leave out `{key}`, or `locked` "
        "so that the school can correct the answer",
    )
    # Lifecycle and export
    E631 = (
        Severity.ERROR,
        "`retired_drafts_until` is for a retired case type: add `status: retired`, or remove it",
    )
    E632 = (
        Severity.ERROR,
        "a retired case type needs `retired_drafts_until: YYYY-MM-DD`, the last day its "
        "drafts can be sent (a day already past if they cannot)",
    )
    E633 = (Severity.ERROR, "the heading '{heading}' is already the heading of '{other}'")
    # The school calendar and file-local option lists
    E700 = (Severity.ERROR, "'{text}' is not a real date")
    E701 = (Severity.ERROR, "this ends ({end}) before it starts ({start})")
    E702 = (
        Severity.ERROR,
        "this term starts before the term above it (line {other_line}) ends: list terms in "
        "date order, without overlaps",
    )
    E703 = (Severity.ERROR, "the school calendar is defined twice (first in {other})")
    E710 = (
        Severity.ERROR,
        "options list '{name}' is also a shared list (in {other}): give this one another name",
    )
    # Warnings: the file works, but something is probably not what the author meant
    W310 = (Severity.WARNING, "'{written}' is read as {meant}: write {meant}, in small letters")
    W500 = (Severity.WARNING, "options list '{name}' is not used by any case type")
    W501 = (Severity.WARNING, "workflow '{name}' is not used by any case type")
    W502 = (Severity.WARNING, "transition leaves '{name}', which is {status} and so ends the case")
    W503 = (Severity.WARNING, "page '{page}' has no questions, only content")
    W504 = (Severity.WARNING, "{what} is always {value}{why}")
    W505 = (
        Severity.WARNING,
        "every transition out of '{name}' has a `when`: when none holds, a case stays there "
        "with no way on; add one without `when` (such as an officer's), or write the last "
        "`when` as the opposite of the others, `not (...)`",
    )
    W506 = (
        Severity.WARNING,
        "pattern uses `{escape}`, which {means}: {advice}",
    )
    W507 = (
        Severity.WARNING,
        "transition '{action}' from '{source}' is never taken: the portal moves every case on "
        "from '{source}' at once by '{first}' (by: system, without `when`), {before}",
    )
    W508 = (
        Severity.WARNING,
        "'{written}' is true too while '{name}' is not asked ({condition} is false), as a "
        "question not asked has no answer: write {advice}, or {joined}",
    )
    W509 = (
        Severity.WARNING,
        "rule can never be broken: it is checked only when '{group}' has no error of its own, "
        "and then it has {bound} already; leave the rule out, or change {setting}",
    )
    W700 = (
        Severity.WARNING,
        "{date} is outside the school calendar ({start} to {end}): {function}() counts "
        "every Monday to Friday there except listed bank holidays",
    )
    W702 = (
        Severity.WARNING,
        "no day can be typed today: the minimum ({low}) is after the maximum ({high}), {when}",
    )
    W701 = (
        Severity.WARNING,
        "{function}() needs the school calendar (a `kind: calendar` file such as "
        "casetypes/shared/calendar.yaml), and there is none: it counts every Monday to Friday",
    )
    W710 = (Severity.WARNING, "options list '{name}' is not used in this file")
    W721 = (
        Severity.WARNING,
        "suffix '{other}' is a word in the plural, so 1 would read '1 {other}': write "
        "suffix: {{one: {one}, other: {other}}}",
    )
    W722 = (
        Severity.WARNING,
        "'{id}' is worked out from amounts of money ({names}) but shown as a number, without "
        "£ and to its `decimals` places (£832.50 would read 833): write format: money, or "
        "format: number if it is not an amount of money",
    )
    W730 = (
        Severity.WARNING,
        "no team in the database works case type '{id}': council officers will not see its "
        "cases; give it to a team (portal add-team --name ... --case-type {id})",
    )
    W731 = (
        Severity.WARNING,
        "version {version} of '{id}' was sent with a different definition (first sent "
        "{sent}), which its cases are read with once the version changes; this file differs at "
        "{where}: raise version to {next}",
    )
    W720 = (
        Severity.WARNING,
        "`suffix_one` is replaced by one key: suffix: {{one: {one}, other: {other}}}",
    )

    @property
    def severity(self) -> Severity:
        return self.value[0]

    @property
    def template(self) -> str:
        return self.value[1]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place in one file."""

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
        }


class HasProblems:
    """What found `problems` (a list of Problem) offers: its errors and its warnings."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.WARNING]


def make_problem(code: Code, path: str, line: int, col: int, /, **details) -> Problem:
    """Build a Problem from a code and the values its template needs."""
    return Problem(path, line, col, code.name, code.severity, code.template.format(**details))


# fmt: off
_NUMBER_WORDS = {word: str(number) for number, word in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
])}
# fmt: on


def _normalised(word) -> str:
    """A word as compared for "did you mean": case folded, numbers written as digits
    ("Year Six" is "year 6")."""
    return re.sub(
        r"[a-z]+", lambda m: _NUMBER_WORDS.get(m.group(), m.group()), plain(str(word)).casefold()
    )


def closest(word: str, candidates) -> str | None:
    """The candidate closest to `word`, when one is close enough to be what was meant, and
    no other is as close ("Year Six" is as near 'Year 9' as 'Year 6' by its letters: it is
    'Year 6' by its number)."""
    import difflib

    words = [str(c) for c in candidates]
    for same in (
        [w for w in words if w.casefold() == str(word).casefold()],  # UK for uk, UPN for upn
        [w for w in words if _normalised(w) == _normalised(word)],  # Year Six for Year 6
    ):
        if same:
            return same[0]
    scored = sorted(
        (
            (difflib.SequenceMatcher(None, _normalised(word), _normalised(w)).ratio(), w)
            for w in dict.fromkeys(words)
        ),
        key=lambda pair: -pair[0],
    )
    scored = [pair for pair in scored if pair[0] >= 0.6]
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None  # none near, or two as near: a guess would mislead
    return scored[0][1]


def did_you_mean(word: str, candidates) -> str:
    """A "; did you mean 'x'?" suffix when a close candidate exists, else ''."""
    close = closest(word, candidates)
    return f"; did you mean '{close}'?{lookalike_note(str(word), close)}" if close else ""


def did_you_mean_or_all(word: str, candidates, what: str) -> str:
    """did_you_mean, else "; the {what} are: a, b" (nothing when there are none)."""
    named = f"; the {what} are: {', '.join(sorted(candidates))}" if candidates else ""
    return did_you_mean(word, candidates) or named


def option_meant(text, options: dict[str, str]) -> str:
    """The option a condition's `text` was probably meant to be, by its value ('Year Six'
    for 'Year 6', 'e' for 'E') or by its label ('Year 6' for the value '6'), as
    " (did you mean '6'? ...)", or ''; `options` maps each value to its label."""
    by_value = closest(text, options)
    if by_value is not None:
        return f" (did you mean '{by_value}'?{lookalike_note(str(text), by_value)})"
    label = closest(text, {label: None for label in options.values()})
    value = next((v for v, shown in options.items() if shown == label), None)
    if value is None:
        return ""
    return f" (did you mean '{value}'? '{label}' is its label, and conditions compare values)"
