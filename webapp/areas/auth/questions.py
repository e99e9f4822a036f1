"""Security questions: a fixed list to choose from; answers stored hashed after normalising."""

from __future__ import annotations

import re

from webapp.domain.passwords import check_password, hash_password

QUESTIONS = {
    "first_school": "What was the name of your first school?",
    "birth_town": "In which town or city were you born?",
    "first_pet": "What was the name of your first pet?",
    "favourite_teacher": "What was the surname of your favourite teacher?",
    "first_street": "What was the name of the first street you lived in?",
    "childhood_friend": "What was the first name of your best friend at primary school?",
}


def normalise_answer(answer: str) -> str:
    """Case and spacing do not matter: '  Oak  Lane ' and 'oak lane' are the same answer."""
    return re.sub(r"\s+", " ", answer.strip().lower())


def hash_answer(answer: str) -> str:
    return hash_password(normalise_answer(answer))


def answer_matches(stored_hash: str | None, answer: str) -> bool:
    return check_password(stored_hash, normalise_answer(answer))
