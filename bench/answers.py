"""Realistic answers for the shipped case types, accepted by the engine.

For each case type a small pool of answer sets is built by typing a value into every question
of every page that applies (in page order, as a school would) and keeping what the engine's
`check_page` accepts; a question the engine refuses is typed again with another candidate.
Each case then takes one set from its type's pool with its free-text answers rewritten to a
length that makes the whole answers 1 KB to 3 KB of JSON: cheap enough for a million cases.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re

WORDS = (  # noqa: SIM905 -- prose reads better as prose
    "the pupil has made good progress this term with support from the class teacher and "
    "a teaching assistant in small groups mornings are hardest and attendance has dropped "
    "since the spring half term family agreed a plan with the school nurse and the senco "
    "reviewed it weekly reading and writing remain below the expected standard while maths "
    "is close to it the child enjoys practical work outdoors and responds well to praise "
    "anxiety about transitions between lessons and at lunchtime has been reported by staff"
).split()
FORENAMES = ("Jordan", "Amira", "Oliver", "Priya", "Kacper", "Grace", "Yusuf", "Mia", "Leo", "Ava")
SURNAMES = ("Miles", "Begum", "Patel", "Nowak", "Smith", "Okafor", "Hughes", "Khan", "Evans")
POSTCODES = ("LE1 6ZG", "LE3 1AB", "LE4 9HA", "LE2 7DR", "LE5 4PW")
UPNS = ("Y856200124123",)
TODAY = dt.date.today()


def sentence(rng: random.Random, length: int) -> str:
    """About `length` characters of plausible prose."""
    words, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)[: max(1, length)].strip()
    return text[:1].upper() + text[1:] + "."


def _date_candidates(attempt: int, order: int) -> dt.date:
    """Dates in page order (later questions later), then further back or forward on retries."""
    if attempt == 0:
        return TODAY + dt.timedelta(days=7 + 14 * order)
    if attempt == 1:
        return dt.date(2015, 5, 14)  # a pupil's date of birth
    if attempt == 2:
        return TODAY - dt.timedelta(days=3 * 365 + 100)  # a child in early years
    if attempt == 3:
        return TODAY
    return TODAY - dt.timedelta(days=30 * attempt)


def typed(field, rng: random.Random, attempt: int, order: int):
    """What a school might type for one question (None: leave it empty)."""
    kind = field.kind.name
    settings = field.settings
    if kind in ("text", "textarea"):
        if settings.get("pattern"):  # codes with their own format: digits alone are typed
            digits = re.fullmatch(r"\\d\{(\d+)\}", settings["pattern"])
            return (
                "".join(rng.choice("0123456789") for _ in range(int(digits[1]))) if digits else None
            )
        limit = settings.get("max_length", 200 if kind == "text" else 5000)
        if "forename" in field.id or "first_name" in field.id:
            return rng.choice(FORENAMES)
        if "surname" in field.id or "last_name" in field.id:
            return rng.choice(SURNAMES)
        if kind == "text":
            return sentence(rng, min(limit, rng.randint(12, 40)))[:limit]
        return sentence(rng, min(limit, 200))[:limit]
    if kind in ("radios", "select"):
        return rng.choice(field.options).value if field.options else None
    if kind == "checkboxes":
        plain = [o.value for o in field.options if not o.exclusive]
        high = min(settings.get("max_choices") or 2, 2, len(plain))
        low = min(settings.get("min_choices") or 1, len(plain))
        return rng.sample(plain, rng.randint(low, max(low, high))) if plain else []
    if kind in ("yes_no",):
        return ["yes", "no"][(rng.random() < 0.3) ^ (attempt % 2)]
    if kind == "declaration":
        return "yes"
    if kind == "date":
        day = _date_candidates(attempt, order)
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if kind == "time":
        return ["09:30", "13:15", "08:00", "15:45"][attempt % 4]
    if kind in ("number", "money"):
        low = float(settings.get("min", 0) if not isinstance(settings.get("min"), str) else 0)
        high = float(settings.get("max", 40) if not isinstance(settings.get("max"), str) else 40)
        value = [low + (high - low) / 4, low, high, 1][attempt % 4]
        return str(int(value)) if settings.get("decimals", 0) == 0 else f"{value:.1f}"
    if kind == "email":
        return f"{rng.choice(FORENAMES).lower()}.{rng.randint(1, 999)}@school.example.org"
    if kind == "phone":
        return f"0116 454 {rng.randint(1000, 9999)}"
    if kind == "postcode":
        return rng.choice(POSTCODES)
    if kind == "upn":
        return rng.choice(UPNS)
    if kind == "urn":
        return str(rng.randint(100000, 150000))
    if kind == "laestab":
        return f"856{rng.randint(2000, 4999)}"
    if kind == "group":
        count = max(1, min(settings.get("min_items", 1) or 1, 3))
        return [
            {n.id: typed(n, rng, attempt, order) for n in field.fields if n.kind.is_input}
            for _ in range(rng.randint(count, min(3, field.kind.max_items(field))))
        ]
    return None  # file, calculated, content: nothing typed


def _clean(value):
    """None (left empty) as a browser sends it: an empty box."""
    if value is None:
        return ""
    if isinstance(value, list):
        return [_clean(v) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def answer_case_type(case_type, rng: random.Random) -> dict:
    """One complete-as-possible set of answers, page after page, as the engine accepts them."""
    answers: dict = {}
    done: set[str] = set()
    order = 0
    while True:
        page = next((p for p in case_type.visible_pages(answers) if p.id not in done), None)
        if page is None:
            return answers
        done.add(page.id)
        raw = {}
        for field in page.fields:
            if field.kind.is_input:
                order += 1
                raw[field.id] = _clean(typed(field, rng, 0, order))
        for attempt in range(1, 5):
            result = case_type.check_page(page.id, raw, answers)
            wrong = {e.key.split("-")[0] for e in result.errors}
            if not wrong:
                break
            for field in page.fields:
                if field.id in wrong and field.kind.is_input:
                    raw[field.id] = _clean(typed(field, rng, attempt, order))
        answers = _accepted(case_type, page, raw, answers)


def _accepted(case_type, page, raw: dict, answers: dict) -> dict:
    """The answers with this page's: questions still refused are left unanswered (a group
    item or a rule the candidates never satisfy), so every stored answer passes the checks."""
    for _ in range(3):
        result = case_type.check_page(page.id, raw, answers)
        wrong = {e.key.split("-")[0] for e in result.errors} & {
            k for k, v in raw.items() if v not in ("", [], None)
        }
        if not wrong:
            return result.answers
        raw = {k: ("" if k in wrong else v) for k, v in raw.items()}
    return case_type.check_page(page.id, raw, answers).answers


class AnswerPool:
    """A few answer sets per case type; `answers_for` gives one case its own 1–3 KB copy."""

    def __init__(self, catalogue, per_type: int = 8, seed: int = 12):
        rng = random.Random(seed)
        self.pools = {}
        for case_type in catalogue.case_types.values():
            sets = [answer_case_type(case_type, rng) for _ in range(per_type)]
            self.pools[case_type.id] = [(s, _long_texts(case_type, s)) for s in sets]

    def answers_for(self, case_type_id: str, rng: random.Random) -> str:
        """The JSON text of one case's answers, between 1 KB and 3 KB."""
        base, long_keys = rng.choice(self.pools[case_type_id])
        answers = dict(base)
        target = rng.randint(1000, 3000)
        if long_keys:
            spare = target - len(
                json.dumps({k: v for k, v in answers.items() if k not in long_keys})
            )
            share = max(20, spare // len(long_keys))
            for key, limit in long_keys.items():
                answers[key] = sentence(rng, min(limit, share) - 1)
        return json.dumps(answers)


def _long_texts(case_type, answers: dict) -> dict[str, int]:
    """The answered free-text questions of a set (whose length is safe to change), with their
    limits: the textareas, else the plain text questions that are not names."""
    free = {
        key: field.settings.get("max_length", field.kind.default_max_length)
        for key, field in case_type.fields.items()
        if field.kind.name in ("text", "textarea")
        and not field.settings.get("pattern")
        and not any(name in key for name in ("name", "forename", "surname"))
        and isinstance(answers.get(key), str)
    }
    areas = {k: v for k, v in free.items() if case_type.fields[k].kind.name == "textarea"}
    return areas or free
