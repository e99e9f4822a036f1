"""A question's label as the words after "Select" or "Enter" in its missing-answer message.

GOV.UK's error messages name what is missing without quoting the question: "Does the child
have a social worker?" gives "Select if the child has a social worker", "Which session will
the school reopen for?" gives "Select which session the school will reopen for". That means
turning a question into the clause it asks about, which English does by moving its first verb
after the subject. The subject is found only where its end is certain: a pronoun, or a
determiner's noun phrase ended by a word that can only start what follows it (a participle,
"been", a verb of the short list below). Anything else gives None and the caller keeps its
own wording: a message reading badly is worse than a quoted one. Authors can always write
`required_message`.
"""

from __future__ import annotations

import re

_BE = {"is": "is", "are": "are", "was": "was", "were": "were"}
_HAVE = {"has", "have", "had"}
_MODALS = {"can", "could", "will", "would", "should", "shall", "may", "might", "must"}
_DO = {"do", "does", "did"}
_AUXILIARIES = set(_BE) | _HAVE | _MODALS | _DO
_WH = {"what", "which", "who", "whom", "whose", "why", "how", "when", "where"}
# Whole subjects on their own.
_PRONOUNS = {"it", "they", "you", "we", "he", "she", "i", "there", "this", "that"}
_ARTICLES = {"a", "an", "the"}
_DETERMINERS = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "your",
    "their",
    "our",
    "his",
    "her",
    "its",
    "my",
    "any",
    "some",
    "each",
    "every",
    "no",
    "all",
    "both",
}
# Words that may join a subject's nouns, and after which another determiner starts no predicate.
_JOINERS = {"or", "and", "of", "with", "for", "in", "at", "on", "from", "to", "by"}
# Past participles without -ed, and adjectives, that start what is said of the subject.
_PARTICIPLES = {
    "been",
    "being",
    "told",
    "given",
    "taken",
    "made",
    "done",
    "seen",
    "known",
    "sent",
    "kept",
    "held",
    "paid",
    "left",
    "found",
    "shown",
    "written",
}
# Adjectives that start what is said of a subject after "is", "are"… (after other verbs they
# may still be the subject's: "How will pupils eligible for free meals be supported").
_ADJECTIVES = {"aware", "eligible", "able", "available", "open", "willing", "accessible"}
# Words ending in -ed that are no past participle.
_NOT_PARTICIPLES = {"need", "seed", "feed", "speed", "breed", "greed", "hundred", "bleed", "shed"}
# Words between a subject and its verb ("has the school already done"): the auxiliary goes
# before them ("the school has already done").
_ADVERBS = {
    "not",
    "never",
    "ever",
    "already",
    "still",
    "also",
    "just",
    "yet",
    "last",
    "first",
    "currently",
    "usually",
    "normally",
    "permanently",
}
# Verbs (as they follow "does", "can"…) that end a subject in a form's questions, with their
# forms after "does" and after "did" where adding -s or -ed would be wrong.
_VERBS = {
    "be": ("is", "was"),
    "have": ("has", "had"),
    "do": ("does", "did"),
    "go": ("goes", "went"),
    "get": ("gets", "got"),
    "know": ("knows", "knew"),
    "take": ("takes", "took"),
    "understand": ("understands", "understood"),
    "need": None,
    "live": None,
    "receive": None,
    "include": None,
    "want": None,
    "attend": None,
    "transfer": None,
    "follow": None,
    "agree": None,
    "reopen": None,
    "expect": None,
    "qualify": None,
    "require": None,
    "happen": None,
    "provide": None,
    "close": None,
    "say": ("says", "said"),
    "think": ("thinks", "thought"),
}
_LONGEST_SUBJECT = 7  # words: "a parent or carer with parental responsibility"


def question_clause(label: str) -> tuple[str, str] | None:
    """("if" or "", clause) for a question label — ("if", "the child has a social worker"),
    ("", "which session the school will reopen for") — or None when it cannot be sure."""
    text = label.strip()
    if not text.endswith("?"):
        return None
    words = text.rstrip("?: ").split()
    if len(words) < 2 or any(not re.fullmatch(r"[\w'’-]+", w) for w in words):
        return None  # punctuation inside (commas, brackets): more than one clause
    first = words[0].lower()
    if first in _AUXILIARIES:
        clause = _inverted(words[0].lower(), words[1:])
        return ("if", clause) if clause else None
    if first in _WH:
        return _wh_clause(words)
    return None


def _wh_clause(words: list[str]) -> tuple[str, str] | None:
    lowered = [w.lower() for w in words]
    if any(a in _JOINERS and b in _WH for a, b in zip(lowered, lowered[1:], strict=False)):
        return None  # "Where was it and how…", "When and how…": more than one question
    # The wh-phrase: "which year groups", "how many pupils" — up to the first auxiliary.
    at = next((n for n, w in enumerate(lowered) if w in _AUXILIARIES), None)
    if at is None:  # "What happened before the intervention": a clause already, if it has a verb
        sure = any(_starts(w) for w in words[1:])
        return ("", lower_first(" ".join(words))) if sure else None
    if at == len(words) - 1 or at > 6:
        return None
    after = words[at + 1]
    adverbial = at == 1 and lowered[0] in {"why", "how", "when", "where"}  # never a subject
    if not adverbial and (_starts(after) or after.lower().endswith("ing")):
        # "Which year groups are closed", "What is stopping…": the wh-phrase is the subject
        return "", lower_first(" ".join(words))
    clause = _inverted(lowered[at], words[at + 1 :], ended=True)
    if clause is None:
        return None
    return "", lower_first(" ".join(words[:at])) + " " + clause


def _inverted(auxiliary: str, rest: list[str], ended: bool = False) -> str | None:
    """`rest` (subject, then the rest) with the auxiliary put back after the subject; `ended`:
    the question may end with its subject ("What kind of arrangement is it")."""
    end = _subject_end(auxiliary, rest)
    if end is None or (end >= len(rest) and not (ended and auxiliary not in _DO)):
        return None
    subject, predicate = list(rest[:end]), rest[end:]
    subject[0] = _lower_pronoun(subject[0])
    adverbs = []
    while predicate and predicate[0].lower() in _ADVERBS:
        adverbs.append(predicate.pop(0))
    if auxiliary in _DO and not adverbs:
        verb = _after_do(auxiliary, predicate[0]) if predicate else None
        if verb is None:
            return None
        return " ".join([*subject, verb, *predicate[1:]])
    return " ".join([*subject, auxiliary, *adverbs, *predicate])


def _subject_end(auxiliary: str, rest: list[str]) -> int | None:
    first = rest[0].lower()
    if first in _PRONOUNS and (
        len(rest) < 2
        or first not in {"this", "that"}
        or _ends(auxiliary, rest, 1)
        or rest[1].lower() in _ARTICLES  # "Is this a request…": no noun of its own
    ):
        return 1
    for n in range(1, min(len(rest), _LONGEST_SUBJECT + 1)):
        word, before = rest[n].lower(), rest[n - 1].lower()
        if word in _DETERMINERS and before not in _JOINERS:
            return None  # "Is the absence a holiday…": two noun phrases, no sure end
        if n == 1 and first in _DETERMINERS:
            continue  # a determiner's noun comes first
        if _ends(auxiliary, rest, n):
            return n if before not in _JOINERS else None
    return None


def _ends(auxiliary: str, rest: list[str], n: int) -> bool:
    """Whether the subject surely ends before rest[n]: what is said of it starts there, or an
    adverb does ("has the school already done") with that after it."""
    while n < len(rest) - 1 and rest[n].lower() in _ADVERBS:
        n += 1
    word = rest[n].lower()
    return (
        _starts(word)
        or (auxiliary in _BE and word in _ADJECTIVES)
        or (auxiliary in _DO | _MODALS and word in _VERBS)
    )


def _starts(word: str) -> bool:
    """Whether a word after a subject surely starts what is said of it (a participle)."""
    word = word.lower()
    return word in _PARTICIPLES or (
        word.endswith("ed") and len(word) > 3 and word not in _NOT_PARTICIPLES
    )


def _after_do(auxiliary: str, verb: str) -> str | None:
    """The verb as it reads without "do": "does … have" → "has", "did … follow" → "followed"."""
    word = verb.lower()
    if word != verb or (auxiliary != "do" and word not in _VERBS):
        return None
    if auxiliary == "do":
        return verb
    irregular = _VERBS.get(word)
    stem_y = re.search(r"[^aeiou]y$", word)  # "qualify": "qualifies", "qualified"
    if auxiliary == "does":
        if irregular:
            return irregular[0]
        if stem_y:
            return word[:-1] + "ies"
        return word + ("es" if word.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
    if irregular:
        return irregular[1]
    if stem_y:
        return word[:-1] + "ied"
    if re.search(r"[^aeiou][aeiou][^aeiouwxy]$", word) and word not in {"follow", "reopen"}:
        return None  # "stop", "refer": the last letter may double
    return word + ("d" if word.endswith("e") else "ed")


def _lower_pronoun(word: str) -> str:
    """The subject's first word as it reads inside a sentence: "The" is "the", "I" stays "I"."""
    return word.lower() if word.lower() in (_PRONOUNS - {"i"}) | _DETERMINERS else word


_QUOTES = "\"'‘’“”"  # around a term a label begins with

# Words written with a capital wherever they stand in a sentence.
_PROPER_WORDS = {
    "ofsted",
    "english",
    "england",
    *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    *("january", "february", "march", "april", "may", "june", "july", "august"),
    *("september", "october", "november", "december"),
}


def lower_first(text: str) -> str:
    """The text with its first letter in lower case, unless that would spoil a name.

    "First name" -> "first name"; "UPN", "SENCO email", "DfE number" and "Physical
    Intervention Record references" (two capitalised words: a proper name) stay as written;
    a quoted first word is lowered inside its quotes: "‘Looked after’ status".
    """
    words = text.split(" ")
    first = words[0].lstrip(_QUOTES)
    if first.rstrip(_QUOTES).lower() in _PROPER_WORDS:
        return text  # "Ofsted unique reference number", "Monday opening time"
    if any(letter.isupper() for letter in first.split("-")[0][1:]):
        return text  # an acronym, or a name with a capital inside it: "UPN", "DfE", not "Non-SEN"
    if len(words) > 1 and words[1][:1].isupper():
        return text  # a proper name
    at = len(text) - len(text.lstrip(_QUOTES))  # the first letter, after any quote mark
    return text[:at] + text[at : at + 1].lower() + text[at + 1 :]
