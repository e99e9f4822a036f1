"""Letters that look like the ones an author meant: a Cyrillic 'о' or 'і' in an id pasted from
a document or typed on another keyboard, an accented 'é', a ligature 'ﬁ', a full-width digit.

On the screen `hs_revіew` and `hs_review` are the same word, so "must use lower-case letters"
and "did you mean 'overseas'?" beside 'оverseas' read as nonsense, and a suggestion made by
dropping the letter ('hs_rev_ew') breaks the id: the messages name the character, and suggest
the word with the letter it looks like.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek small letters drawn as a Latin one (Unicode's confusables, the ones a
# keyboard or a pasted document gives), and the dashes a word processor makes of '-'.
_DRAWN_AS = str.maketrans(
    {
        "а": "a", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "о": "o",
        "р": "p", "ԛ": "q", "ѕ": "s", "у": "y", "х": "x", "ԝ": "w", "ӏ": "l", "ɑ": "a",
        "ο": "o", "ν": "v", "ι": "i", "ρ": "p", "υ": "u", "χ": "x", "‐": "-", "‑": "-",
        "‒": "-", "–": "-", "—": "-", "−": "-",
    }
)  # fmt: skip


def plain(text: str) -> str:
    """`text` with each letter that looks like a Latin one written as that letter: 'оverseas'
    (Cyrillic о) is 'overseas', 'café' 'cafe', 'ﬁrst' 'first', '１４' '14'."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_DRAWN_AS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def lookalike_note(written: str, meant: str) -> str:
    """ " ('о' in 'оverseas' is CYRILLIC SMALL LETTER O (U+043E), not the Latin 'o')" when
    `written` and `meant` read alike but one holds a letter drawn like another, else ''."""
    if written == meant or plain(written) != plain(meant):
        return ""
    odd = written if not written.isascii() else meant
    character = next(c for c in odd if not c.isascii())
    name = unicodedata.name(character, "a character")
    looks = plain(character)
    like = f", not the Latin '{looks}'" if looks.isascii() and looks else ""
    return f" ('{character}' in '{odd}' is {name} (U+{ord(character):04X}){like})"
