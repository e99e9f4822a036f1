"""Whether a text question's `pattern` can accept any answer at all, given its `max_length`
and `case`: `^R\\d{4}$` with `max_length: 4`, `R\\d{4}` with `case: lower` (the answer is put
in small letters before it is checked), or `^R\\d{4}$x` (nothing comes after the end) each
validated and then refused every answer, so the case could never be sent.

The pattern is read with Python's own parser, which reads the RE2 patterns authors write; one
it cannot read (RE2's `\\z`, `\\x{41}`) is left alone. RE2's POSIX classes, which
it misreads (`[[:digit:]]` as a class of `[ : d i g t` and then a `]`, so `[[:digit:]]{4}`
needed 8 characters and was refused with `max_length: 4`), and its Unicode classes (`\\pL`,
which docs/casetypes.md advises for names, `\\p{Greek}`), which it refuses, are read as `\\d`
first: one character, of any case. Each path through the pattern is followed as (something
typed yet, end of the answer reached), so that `$` followed by a character, or a character
followed by `^`, is a path no answer takes.
"""

from __future__ import annotations

import re
import re._constants as sre  # noqa: PLC2701 - the parser's own node names
import re._parser as sre_parse  # noqa: PLC2701
import warnings

_START = frozenset({(False, False)})  # nothing typed yet, end not reached
_STARTS = {sre.AT_BEGINNING, sre.AT_BEGINNING_STRING}
_ENDS = {sre.AT_END, sre.AT_END_STRING}
_ONE_CHARACTER = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_RANGE_LOOKED_AT = 4096  # characters of a range looked at for one the case leaves alone
_POSIX_CLASS = re.compile(r"(?<!\\)((?:\\\\)*)\[:\^?[a-z]+:\]")  # [:alpha:], not \[:alpha:]
# RE2's Unicode classes, \pL, \PN, \p{Greek}, \p{^Lu}: one character each, as \d is.
_UNICODE_CLASS = re.compile(r"(?<!\\)((?:\\\\)*)\\[pP](?:\{\^?[A-Za-z_]+\}|[A-Za-z])")


def unmatchable(pattern: str, max_length: int, case: str | None) -> str | None:
    """Why no answer can match `pattern` (the detail of an E104), or None when one can."""
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    shortest = parsed.getwidth()[0]
    if shortest > max_length:
        return (
            f"can match no answer: it needs at least {shortest} characters, but 'max_length' "
            f"is {max_length}: raise it to {shortest}, or correct the pattern"
        )
    flags = parsed.state.flags
    if not _reach(parsed, _START, flags, None):
        return (
            "can match no answer: nothing can come after `$` (the end of the answer), nor "
            "before `^` (its start); leave `^` and `$` out: the whole answer is matched anyway"
        )
    if case and not _reach(parsed, _START, flags, case):
        letters = "capitals" if case == "upper" else "small letters"
        return (
            f"can match no answer: `case: {case}` puts every answer in {letters} before the "
            f"pattern checks it, and the pattern takes none in {letters}: write its letters "
            f"in {letters}, or start it with (?i) for either"
        )
    return None


def _parsed(pattern: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "possible nested set" on [[:alpha:]] and the like
        try:
            readable = _UNICODE_CLASS.sub(r"\1\\d", _POSIX_CLASS.sub(r"\1\\d", pattern))
            return sre_parse.parse(readable)
        except (re.error, OverflowError, RecursionError, ValueError):
            return None


def _reach(items, states: frozenset, flags: int, case: str | None) -> frozenset:
    """The states the paths through `items` reach from `states`."""
    for op, arg in items:
        if not states:
            break
        states = _step(op, arg, states, flags, case)
    return states


def _step(op, arg, states: frozenset, flags: int, case: str | None) -> frozenset:
    if op in _ONE_CHARACTER:
        fits = flags & re.IGNORECASE or _character_fits(op, arg, case)
        return frozenset((True, False) for _, ended in states if not ended) if fits else frozenset()
    if op is sre.AT:
        if flags & re.MULTILINE and arg in (sre.AT_BEGINNING, sre.AT_END):
            return states  # the start or end of a line: any line of a text may be it
        if arg in _STARTS:
            return frozenset(state for state in states if not state[0])
        if arg in _ENDS:
            return frozenset((typed, True) for typed, _ in states)
        return states
    if op is sre.BRANCH:
        return frozenset().union(*(_reach(part, states, flags, case) for part in arg[1]))
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, part = arg
        return _reach(part, states, (flags | add_flags) & ~del_flags, case)
    if op in _REPEATS:
        return _repeat(arg, states, flags, case)
    return states  # anything else (a look-around RE2 refuses anyway): taken as passable


def _repeat(arg, states: frozenset, flags: int, case: str | None) -> frozenset:
    least, most, part = arg
    for _ in range(least):  # RE2 repeats 1000 times at most; a fixed point ends it sooner
        after = _reach(part, states, flags, case)
        if after == states:
            break
        states = after
    reached, count = states, least
    while count < most:
        after = reached | _reach(part, reached, flags, case)
        if after == reached:
            break
        reached, count = after, count + 1
    return reached


def _character_fits(op, arg, case: str | None) -> bool:
    """Whether one character the node matches can be in an answer put in `case`."""
    if case is None or op in (sre.NOT_LITERAL, sre.ANY):
        return True
    if op is sre.LITERAL:
        return _in_case(chr(arg), case)
    if arg and arg[0][0] is sre.NEGATE:
        return True
    return any(_class_item_fits(kind, value, case) for kind, value in arg)


def _class_item_fits(kind, value, case: str) -> bool:
    if kind is sre.LITERAL:
        return _in_case(chr(value), case)
    if kind is sre.RANGE:
        low, high = value
        return any(
            _in_case(chr(c), case) for c in range(low, min(high, low + _RANGE_LOOKED_AT) + 1)
        )
    return True  # \d, \s, \w: digits and spaces have no case


def _in_case(character: str, case: str) -> bool:
    return character == (character.upper() if case == "upper" else character.lower())
