"""Spaces that are not spaces to YAML: a no-break space (and its like) pasted from a word
processor or a web page where YAML needs an ordinary one — in the indentation, after a list's
`-` or after a key's `:`. They look like spaces in every editor, and YAML reads them as text,
so the author was told of a `:` or a `-` YAML could not find, often a line later, or of a key
`type: text` that does not exist, with nothing to say what to retype."""

from __future__ import annotations

import re

# U+00A0 no-break space, U+1680, U+2000-U+200B (en quad to zero-width space), U+202F narrow
# no-break space, U+205F, U+3000 ideographic space, U+FEFF zero-width no-break space.
_ODD = "\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff"
_KEY = r"[A-Za-z_][\w-]*"
# Where YAML needs an ordinary space: the odd space is the group `odd`.
_INDENT = re.compile(rf"^[ \t]*(?P<odd>[{_ODD}])")
_AFTER_DASH = re.compile(rf"^[ \t]*(?:-[ \t]+)*-(?P<odd>[{_ODD}])")
_AFTER_KEY = re.compile(rf"(?:^[ \t]*(?:-[ \t]+)*|[{{,][ \t]*){_KEY}:(?P<odd>[{_ODD}])")
_IN_KEY = re.compile(rf"(?P<odd>[{_ODD}])")

_NAMES = {
    "\u00a0": "a no-break space",
    "\u202f": "a narrow no-break space",
    "\u200b": "a zero-width space",
    "\ufeff": "a zero-width no-break space",
    "\u3000": "an ideographic space",
}


def _words(odd: str, needed: bool = True) -> str:
    name = _NAMES.get(odd, "a space of another kind")
    pasted = f"{name} (U+{ord(odd):04X}), pasted from a word processor or a web page,"
    if not needed:  # `label\u00a0: Name`: no space belongs in a key
        return f"{pasted} is in a key, where YAML reads it as a letter: delete it"
    return f"{pasted} stands where YAML needs an ordinary space: delete it and type a space"


def odd_space_before(lines: list[str], last_line: int) -> tuple[int, int, str] | None:
    """The first odd space where YAML needs a space, on lines 0 to `last_line` (0-based), as
    a 1-based line and column and what to say; None when there is none. Looked for when a
    file does not parse: the line YAML stumbled on is often the one after it."""
    for number, text in enumerate(lines[: last_line + 1]):
        found = [
            match.start("odd")
            for pattern in (_INDENT, _AFTER_DASH, _AFTER_KEY)
            for match in pattern.finditer(text)
        ]
        if found:
            column = min(found)
            return number + 1, column + 1, _words(text[column])
    return None


def odd_space_in_key(key: str) -> tuple[int, str] | None:
    """The 0-based offset of an odd space in a key YAML read, and what to say; None when there
    is none. Keys are names (ids, settings), so one is never meant: after the `:`
    (`{type:\u00a0text}` is the key 'type:\u00a0text') or before it (`label\u00a0: Name`)."""
    match = _IN_KEY.search(key)
    if match is None:
        return None
    at = match.start("odd")
    return at, _words(key[at], needed=key[at - 1 : at] == ":")
