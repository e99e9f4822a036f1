"""What to write instead, added to libyaml's own words for a syntax error (they say what it
met, not how to mend it), from the message and the line it stopped on."""

from __future__ import annotations

import re

# How to mend what libyaml's commonest messages are about.
_YAML_HINTS = (
    ("found character that cannot start any token",
     ": indent with spaces, never tabs, and quote a text that starts with '@' or '`'"),
    ("found a tab character that violates indentation",
     ": indent with spaces, never tabs (an editor can be set to type spaces for the Tab key)"),
    ("found unknown escape character",
     ": in double quotes a backslash starts an escape; write a pattern in single quotes"),
    ("did not find expected ',' or '}'",
     ": inside { } a ' #' starts a comment and ',' ends a value; quote such a text"),
    ("did not find expected ',' or ']'",
     ": inside [ ] a ' #' starts a comment and ',' ends a value; quote such a text"),
    ("mapping values are not allowed",
     ": a text with ': ' in it needs quotes, or the line is indented too far"),
    ("did not find expected '-' indicator",
     ": every item of a list starts with '- ', all at the same indentation"),
    ("did not find expected key", ": this line is not indented as the lines around it"),
)  # fmt: skip

# A value that starts with a curly quote: `label: “Note: bring it”`, meant as quoted text.
_CURLY_QUOTED = re.compile(r"(^|[:,{\[-])\s+[“‘]")

# `key: 'E' == need`: the quoted 'E' is the whole value, and libyaml meets what follows it.
_AFTER_QUOTED_VALUE = re.compile(r"""(^|[:\-,{\[]\s)\s*('[^']*'|"[^"]*")\s+\S*$""")

# `{id: x, show_if: year in ['10', '11']}`: inside { } the '[' starts a list, not text.
_BRACKET_IN_BRACES = re.compile(r"[\[{]")


def syntax_hint(detail: str, lines: list[str], number: int, column: int) -> str:
    """The advice for libyaml's `detail`, met at `column` (0-based) of line `number` (0-based)
    of `lines`."""
    line = lines[number] if number < len(lines) else ""
    if detail.startswith("did not find expected '-' indicator"):
        hint = _dedented_key_hint(lines, number, column)
        if hint:
            return hint
    if detail.startswith("could not find expected ':'"):
        return _no_key_hint(lines, number, column)
    if _AFTER_QUOTED_VALUE.search(line[:column]):
        return (
            ": a value that starts with a quote ends at the closing quote; to start a text "
            "with a quoted word, put all of it in the other quotes: \"'E' == need\""
        )
    bracketed = _bracketed_start_hint(detail, line, column)
    if bracketed:
        return bracketed
    if _CURLY_QUOTED.search(line):
        return (
            ": “ ” and ‘ ’ are not quotes to YAML (a word processor curls them): write the "
            "quotes around a text straight, \" or '"
        )
    if detail.startswith("did not find expected ',' or '}'") and _BRACKET_IN_BRACES.match(
        line, column
    ):
        return _bracket_hint(line, column)
    if detail.startswith("did not find expected ',' or '}'"):
        cut = _cut_call_hint(line, column)
        if cut:
            return cut
    return next((hint for start, hint in _YAML_HINTS if detail.startswith(start)), "")


# `pattern: [A-Z]{2}\d{6}`: a value that starts with '[' (or '{') is a list (or a mapping) to
# YAML, which then meets the rest of the text after its closing bracket.
_BRACKETED_START = re.compile(r"[ \t]*(?:-[ \t]+)?([\w-]+):[ \t]+([\[{])")


def _bracketed_start_hint(detail: str, line: str, column: int) -> str:
    start = _BRACKETED_START.match(line)
    if not detail.startswith("did not find expected key") or start is None:
        return ""
    if start.end() > column or not line[column:].strip():
        return ""
    text = line[start.start(2) :].split(" #")[0].rstrip()
    opened = "list" if start.group(2) == "[" else "mapping"
    quoted = "'" + text.replace("'", "''") + "'"
    return (
        f": a value that starts with '{start.group(2)}' is a {opened} to YAML, so the text after "
        f"its closing bracket cannot follow; put the whole text in single quotes: "
        f"{start.group(1)}: {quoted}"
    )


def _bracket_hint(line: str, column: int) -> str:
    """`{..., show_if: year_group in ['10', '11']}`: the text meant, in double quotes."""
    opened = "list" if line[column] == "[" else "mapping"
    hint = f": inside {{ }} a '{line[column]}' in a text starts a {opened}; put the text in quotes"
    key = re.search(r"([\w-]+):[ \t]+([^,{}\[\]]*)$", line[:column])
    if key is None or '"' in line:
        return hint
    depth, end = 0, column
    while end < len(line):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(line[end], 0)
        if depth < 0 or (depth == 0 and line[end] == ","):
            break
        end += 1
    text = line[key.start(2) : end].strip()
    return f'{hint}: {key.group(1)}: "{text}"'


_KEY_IN_BRACES = re.compile(r"[{,][ \t]*([\w-]+):[ \t]+")


def _cut_call_hint(line: str, column: int) -> str:
    """`{..., value: earliest(medicines, 'expires_on')}`: the comma ended the value inside the
    function's brackets, and libyaml stopped after the quoted text that followed it."""
    keys = list(_KEY_IN_BRACES.finditer(line, 0, column))
    written = line[keys[-1].end() : column] if keys else ""
    if written.count("(") <= written.count(")"):
        return ""
    key, depth, end = keys[-1], 0, keys[-1].end()
    while end < len(line):
        depth += {"(": 1, ")": -1}.get(line[end], 0)
        if depth < 0 or (depth == 0 and line[end] in ",}"):
            break
        end += 1
    whole = line[key.end() : end].strip()
    if '"' in whole:
        return ""
    return (
        ": inside { } a comma ends the value even inside ( ); put the whole expression in "
        f'quotes: {key.group(1)}: "{whole}"'
    )


_KEY = re.compile(r"[ \t]*([\w-]+):(?:\s|$)")
_ITEM = re.compile(r"( *)- +")  # an item of a list


def _dedented_key_hint(lines: list[str], number: int, column: int) -> str:
    """`options:` written at the indentation of its question's '- ': YAML reads it as an item
    without its dash, where the author meant a key of the item above."""
    key = _KEY.match(lines[number]) if number < len(lines) else None
    if key is None or lines[number][:column].strip():
        return ""
    for above in reversed(lines[:number]):
        item = _ITEM.match(above)
        if item and len(item.group(1)) == column:
            if not _KEY.match(above, item.end()):
                return ""  # `- {id: a, ...}`: its keys are inside the braces
            return (
                f": '{key.group(1)}:' stands where the list's items start with '- ', so it is "
                "neither an item nor a key of the item above: indent it "
                f"{item.end()} spaces, as the keys above it"
            )
        if above.strip() and len(above) - len(above.lstrip()) < column:
            return ""  # out of the list
    return ""


def _no_key_hint(lines: list[str], number: int, column: int) -> str:
    """A line that is neither `key: value` nor `- item`: most often an item of a list that
    lost its '- ' (`{from: review, ...}` under the others' `- {from: ...}`)."""
    for above in reversed(lines[:number]):
        if not above.strip() or len(above) - len(above.lstrip()) > column:
            continue
        if len(above) - len(above.lstrip()) == column and _ITEM.match(above):
            return ": write '- ' before it, as the items of the list above it start"
        break
    return ": this line is neither a key (a word and ':') nor an item of a list ('- ')"


def comma_cut(key, mapping) -> str:
    """E100's advice for a key that is the rest of a value a comma inside { } cut off:
    `{..., value: days_between(start_date, end_date)}` reads as `value: days_between(start_date`
    and a key `end_date)` with no value."""
    keys = list(mapping) if isinstance(mapping, dict) else []
    if key not in keys or mapping[key] is not None:
        return ""
    start = keys.index(key)
    while start > 0 and mapping[keys[start - 1]] is None:
        start -= 1
    if start == 0 or not isinstance(mapping[keys[start - 1]], str):
        return ""
    pieces = [mapping[keys[start - 1]]]
    for piece in keys[start:]:
        if not _open(pieces) or not isinstance(piece, str) or mapping[piece] is not None:
            break
        pieces.append(piece)
    if not _open(pieces[:1]) or key not in pieces:
        return ""
    whole = ", ".join(pieces).replace('"', '\\"')
    return (
        f"; a comma inside {{ }} ends the value: put the whole expression in quotes: "
        f'{keys[start - 1]}: "{whole}"'
    )


def _open(pieces: list[str]) -> bool:
    text = ", ".join(pieces)
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")
