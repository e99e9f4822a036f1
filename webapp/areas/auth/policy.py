"""What makes an acceptable password (NIST SP 800-63B, ASVS 6.2): long enough, not common, not
made of the words around it. No composition rules, nothing truncated."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 64


def _common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most common passwords from breaches. Its lists module is run on its own:
    importing it as zxcvbn.frequency_lists runs the package, which ranks every one of its
    dictionaries (names, words, films) — 10 MB more in every worker, for lists never read."""
    package = Path(importlib.util.find_spec("zxcvbn").origin).parent
    spec = importlib.util.spec_from_file_location("_zxcvbn_lists", package / "frequency_lists.py")
    lists = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lists)
    return frozenset(lists.FREQUENCY_LISTS["passwords"])


_COMMON = _common_passwords()


def password_problem(password: str, context_words: list[str] = ()) -> str | None:
    """Why `password` cannot be used (a GOV.UK-style message), or None when it can."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    folded = re.sub(r"\s+", " ", password.strip().lower())
    if folded in _COMMON or re.sub(r"[\d\W_]+$", "", folded) in _COMMON:
        return "Password is too common: choose one that is harder to guess"
    squashed = re.sub(r"[\W_]+", "", folded)
    for phrase in context_words:
        for word in re.findall(r"[a-z]+", (phrase or "").lower()):
            if len(word) >= 4 and word not in _GENERIC and word in squashed:
                return "Password must not include your name, your school's name or the council's"
    return None


def new_password_problem(password: str, confirm: str, user, council_name: str) -> str | None:
    """Why a new password (typed twice) cannot be the user's, or None. Their names, the first
    part of their address, their schools' and the council's names are the words around it."""
    if password != confirm:
        return "The passwords do not match: type the same new password twice"
    words = [user.first_name, user.last_name, user.email.split("@")[0]]
    words += [m.school.name for m in user.memberships]
    words.append(council_name)
    return password_problem(password, words)


# Words too common in names to forbid on their own ("Aylestone Primary School": "aylestone").
_GENERIC = frozenset(
    (
        "school",
        "primary",
        "secondary",
        "college",
        "academy",
        "infant",
        "infants",
        "junior",
        "juniors",
        "nursery",
        "community",
        "city",
        "council",
        "county",
        "borough",
        "church",
        "england",
        "catholic",
        "trust",
        "federation",
        "centre",
        "center",
        "setting",
        "settings",
        "early",
        "years",
        "preschool",
        "with",
        "example",
    )
)
