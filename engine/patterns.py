"""Authors' `pattern`s, matched with RE2: time in proportion to the answer's length, always.

Python's `re` backtracks: a pattern such as `([A-Za-z]+[ '-]?)+` takes seconds for a
27-character answer and doubles with each character more, on every save and autosave. RE2
never backtracks, so it cannot run away; in exchange it has no look-around, back-references,
possessive quantifiers or atomic groups, and repeats at most 1000 times. A pattern using one
of those is refused when the case type is validated, with the construct named.
"""

from __future__ import annotations

import functools
import re

import re2

# what RE2 says (after its ": ") -> the construct in an author's words, whether it needs
# backtracking (why RE2 leaves it out; otherwise only RE2's syntax differs), and advice
_CONSTRUCTS = {
    "(?=": ("look-ahead `(?=...)`", True, ""),
    "(?!": ("negative look-ahead `(?!...)`", True, ""),
    "(?<=": ("look-behind `(?<=...)`", True, ""),
    "(?<!": ("negative look-behind `(?<!...)`", True, ""),
    "(?>": ("an atomic group `(?>...)`", True, ""),
    "(?(": ("a conditional group `(?(...)...)`", True, ""),
    "\\k": ("a back-reference `\\k<...>`", True, ""),
    "(?#": ("a comment `(?#...)`", False, "; write comments in YAML, after #"),
    "\\Z": ("`\\Z`", False, "; leave it out: the whole answer is matched anyway"),
    "\\u": ("`\\u`", False, "; write the character itself, or `\\x{...}`"),
}
_WHY = "answers are checked in time proportional to their length (RE2 syntax)"
_BACKTRACKS = ", and this needs backtracking, which can take hours on one answer"


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # a refused pattern is the author's problem, reported as such
    return options


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str):
    return re2.compile(pattern, _options())


def matches_whole(pattern: str, text: str) -> bool:
    """Whether the whole of `text` matches the author's `pattern` (valid: see pattern_problem)."""
    try:
        return _compiled(pattern).fullmatch(text) is not None
    except UnicodeEncodeError:  # a lone surrogate (from JSON "\ud800"): no pattern's text
        return False


# RE2's classes that Python's re read as Unicode: in RE2 they are ASCII (what each means, and
# the way to write what the author most likely meant).
_ASCII_ONLY = {
    "w": ("matches A-Z, a-z, 0-9 and _ only", "'Zoë' or 'Łukasz' would be refused; write "
          "`\\pL` for any letter and `\\pN` for any digit (inside [ ] too), or "
          "`[A-Za-z0-9_]` for a code of those only"),
    "W": ("takes every letter outside A-Z for no letter", "write `[^\\pL\\pN_]`"),
    "b": ("sees a word's edge at every letter outside A-Z", "leave it out: the whole answer "
          "is matched anyway"),
}  # fmt: skip
_CLASS_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\([wWb])")


def ascii_only_escape(pattern: str) -> tuple[str, str, str] | None:
    """The first of `\\w`, `\\W` or `\\b` in `pattern`, which RE2 reads as ASCII where an
    author (and Python) expects any letter: (escape, what it means, advice). (`\\s`, ASCII
    spaces, is left alone: it is written around separators, where that is what is meant.)"""
    found = _CLASS_ESCAPE.search(pattern or "")
    if found is None:
        return None
    means, advice = _ASCII_ONLY[found.group(1)]
    return f"\\{found.group(1)}", means, advice


# RE2's own syntax, which ECMA-262 (JSON Schema's regular expressions) reads otherwise or not
# at all: \pL \p{Greek} \PL, \z \A \Q…\E \C, \x{41}, flags and groups such as (?i) and
# (?P<name>…) (but not (?:…), nor \(? an optional bracket), and [[:alpha:]] (in ECMA-262, a
# class of [ : a l p h); and \S, which to RE2 takes a no-break space (pasted from a document)
# and to ECMA-262 does not: a council system would refuse such an answer the portal took.
_RE2_ONLY = re.compile(r"(?<!\\)(?:\\\\)*(?:\\(?:[pPzAQCS]|x\{)|\(\?(?!:))|\[:\^?[a-z]+:\]")


def ecma_portable(pattern: str) -> bool:
    """Whether `pattern` means the same to a JSON Schema reader (ECMA-262) as to the portal
    (RE2): written without RE2's own syntax. When not, a published answer schema leaves the
    pattern out, rather than have a council's system refuse answers the portal took."""
    return _RE2_ONLY.search(pattern) is None


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot check answers (the detail of an E104), or None when it can."""
    if not pattern:
        return (
            "is empty, so it would check nothing: write the pattern the whole answer must "
            "match, or leave `pattern` out"
        )
    try:
        _compiled(pattern)
    except re2.error as exc:
        return _explained(pattern, exc.args[0].decode("utf-8", "replace"))
    written = _repeat_from_none(pattern)
    if written:  # valid, but RE2 takes it for text: every answer would be refused
        most = written[2:-1]
        return (
            f"`{written}` is not supported: RE2 reads it as the text '{written}', not as "
            f"{'0 to ' + most if most else 'any number of'} repeats; write `{{0,{most}}}`"
        )
    return None


_FROM_NONE = re.compile(r"\{,\d*\}")


def _repeat_from_none(pattern: str) -> str | None:
    """The first `{,n}` or `{,}` outside [ ] and not escaped: Python's re (which authors
    know) reads it as 0 to n repeats, RE2 as the text itself, in silence."""
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("\\Q", index):  # \Q...\E: all text
            end = pattern.find("\\E", index)
            index = len(pattern) if end < 0 else end + 2
            continue
        if char == "\\":
            index += 2
            continue
        if in_class and pattern.startswith("[:", index) and ":]" in pattern[index:]:
            index = pattern.index(":]", index) + 2  # [:alpha:] inside [ ]
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 2 if pattern[index + 1 : index + 2] == "^" else 1
            index += 1 if pattern[index : index + 1] == "]" else 0  # []...] and [^]...]
            continue
        elif char == "{" and (found := _FROM_NONE.match(pattern, index)):
            return found.group()
        index += 1
    return None


def _explained(pattern: str, said: str) -> str:
    """RE2's complaint about `pattern`, naming the construct it does not support and why."""
    kind, _, fragment = said.partition(": ")
    found = _construct(pattern, kind, fragment)
    if found is None:
        return f"is not a valid regular expression: {said}"
    construct, backtracks, advice = found
    return f"{construct} is not supported: {_WHY}{_BACKTRACKS if backtracks else ''}{advice}"


def _construct(pattern: str, kind: str, fragment: str) -> tuple[str, bool, str] | None:
    if "(?P=" in pattern:
        return "a back-reference `(?P=...)`", True, ""
    if kind == "invalid escape sequence" and fragment[1:2].isdigit():
        return f"a back-reference `{fragment}`", True, ""
    if kind == "bad repetition operator" and fragment.endswith("+"):
        return f"a possessive quantifier `{fragment}`", True, ""
    if kind == "invalid repetition size":
        return f"a repeat count above 1000 `{fragment}`", False, "; repeats inside repeats multiply"
    for start, found in sorted(_CONSTRUCTS.items(), key=lambda item: -len(item[0])):
        if fragment.startswith(start):
            return found
    if kind == "invalid perl operator" and fragment.startswith("(?"):
        return f"the flag `{fragment}`", False, "; the flags are i, m, s and U"
    return None
