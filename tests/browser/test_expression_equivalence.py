"""One language, one meaning: every condition, rule and calculated value of every shipped case
type, and a set of expressions that reach each corner of the language, give the same result
in Python (engine/expressions) and in Chromium (webapp/static/js/expressions.js) over many
generated answer sets: unanswered questions, boundaries, odd text and numbers at the limits."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal

import pytest

import engine.numeric as numeric
import engine.uk_date as uk_date
from engine import load_catalogue
from engine.expressions import BOOL, DATE, FILE, GROUP, LIST, NUMBER, TEXT, TIME, Checker, Symbol
from engine.expressions import parse as parse_expression
from engine.expressions.export import to_json, to_json_value
from tests.browser.helpers import ROOT

EVALUATOR = ROOT / "webapp" / "static" / "js" / "expressions.js"
ANSWER_SETS = 150  # per expression

ODD_TEXT = [
    "",
    " ",
    "a",
    "Yes",
    "other",
    "2026-02-28",
    "20240229",
    "2026-W53-7",
    "2025-W53",
    "2026-02-30",
    "0000-01-01",
    "not a date",
    "Zoë 🚸",
    "\u00e9",
    "e\u0301",
]
NUMBERS = [
    0,
    1,
    -1,
    2,
    7,
    38,
    273,
    numeric.LIMIT,
    -numeric.LIMIT,
    numeric.LIMIT - 1,
    Decimal("0.01"),
    Decimal("-0.005"),
    Decimal("2.5"),
    Decimal("-2.5"),
    Decimal("1250.50"),
    Decimal("0.333333"),
    Decimal("90071992547409.91"),
    Decimal("1E-6"),
]


def _number(rng: random.Random):
    choice = rng.random()
    if choice < 0.4:
        return rng.choice(NUMBERS)
    if choice < 0.7:
        return rng.randint(-100, 100)
    if choice < 0.85:
        return Decimal(rng.randint(-(10**8), 10**8)).scaleb(-rng.randint(0, 6))
    return rng.randint(-numeric.LIMIT, numeric.LIMIT)


def _date(rng: random.Random):
    special = [dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.date(9999, 12, 31), uk_date.today()]
    if rng.random() < 0.2:
        return rng.choice(special)
    if rng.random() < 0.3:  # inside the school calendar's range, give or take a month
        return dt.date(2025, 8, 1) + dt.timedelta(days=rng.randint(0, 800))
    return dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 30))


def _value(symbol: Symbol, rng: random.Random, depth: int = 0):
    """A value of the symbol's type, or None (unanswered) one time in six."""
    if rng.random() < 1 / 6:
        return None
    kind = symbol.type
    if kind == TEXT:
        if symbol.options and rng.random() < 0.85:
            return rng.choice(symbol.options)
        return rng.choice(ODD_TEXT)
    if kind == NUMBER:
        return _number(rng)
    if kind == BOOL:
        return rng.random() < 0.5
    if kind == DATE:
        return _date(rng)
    if kind == TIME:
        return dt.time(rng.randint(0, 23), rng.choice([0, 1, 15, 30, 59]))
    if kind == LIST:
        options = list(symbol.options or ["a", "b"])
        return [o for o in options if rng.random() < 0.3]
    if kind == GROUP and depth == 0:
        return [
            {name: _value(member, rng, 1) for name, member in (symbol.members or {}).items()}
            for _ in range(rng.randint(0, 4))
        ]
    if kind == FILE:
        return {"id": rng.choice(["a1", "b2"]), "name": "report.pdf", "size": 10, "kind": "pdf"}
    return None


def _canonical(value):
    """JSON values with numbers as their shortest exact text: 2.50 -> 2.5, -0 -> 0."""
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"$n"}:
            text = value["$n"]
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return {"$n": "0" if text in ("-0", "") else text}
        return {k: _canonical(v) for k, v in value.items()}
    return value


# ---- the expressions ----


def _shipped_expressions():
    """(where, expression, symbols by name) for every expression of every shipped case type."""
    catalogue = load_catalogue(str(ROOT / "casetypes"))
    found = []
    for case_type in catalogue.case_types.values():
        symbols = {}
        for page in case_type.pages:
            for f in page.fields:
                if f.has_value:
                    symbols[f.id] = f.kind.symbol(f)
        for page in case_type.pages:
            where = f"{case_type.id}/{page.id}"
            if page.show_if:
                found.append((f"{where} show_if", page.show_if, symbols))
            for rule in page.rules:
                found.append((f"{where} rule on {rule.field}", rule.check, symbols))
            for f in page.fields:
                if f.show_if:
                    found.append((f"{where}/{f.id} show_if", f.show_if, symbols))
                if f.expression:
                    found.append((f"{where}/{f.id} value", f.expression, symbols))
                inner = {**symbols, **{n.id: n.kind.symbol(n) for n in f.fields if n.has_value}}
                for n in f.fields:
                    for kind, expression in (("show_if", n.show_if), ("value", n.expression)):
                        if expression:
                            found.append((f"{where}/{f.id}/{n.id} {kind}", expression, inner))
                for rule in f.rules:
                    found.append((f"{where}/{f.id} rule on {rule.field}", rule.check, inner))
    return found


LANGUAGE_SYMBOLS = {
    "n1": Symbol("n1", NUMBER),
    "n2": Symbol("n2", NUMBER),
    "d1": Symbol("d1", DATE),
    "d2": Symbol("d2", DATE),
    "t1": Symbol("t1", TIME),
    "t2": Symbol("t2", TIME),
    "s1": Symbol("s1", TEXT),
    "r1": Symbol("r1", TEXT, ("a", "b", "c")),
    "b1": Symbol("b1", BOOL),
    "l1": Symbol("l1", LIST, ("a", "b", "c")),
    "f1": Symbol("f1", FILE),
    "g1": Symbol(
        "g1",
        GROUP,
        members={
            "cost": Symbol("cost", NUMBER),
            "when": Symbol("when", DATE),
            "name": Symbol("name", TEXT),
        },
    ),
}
# Each corner of the language: exact arithmetic and its limits, None, dates, text, lists.
LANGUAGE = [
    "n1 + n2",
    "n1 - n2 * 3",
    "n1 / n2",
    "n1 / 3",
    "-(n1 / 7)",
    "abs(n1 / 3)",
    "+n1",
    "n1 * n2 * n2",
    "n1 / 0",
    "0.1 + 0.2 == 0.3",
    "n1 > n2",
    "1 < n1 <= 10",
    "n1 == n2",
    "n1 != none",
    "round(n1 / 3, 2)",
    "round(n1, 20)",
    "round(n1)",
    "round(n1, n2)",
    "round(n1, -2)",
    "min(n1, n2, 5)",
    "max(n1, n2) - min(n1, n2)",
    "n1 if b1 else n2",
    "b1 and n1",
    "b1 or s1",
    "not n1",
    "n1 and n2 or b1",  # (a fixed value beside and/or is refused: E305)
    "days_between(d1, d2)",
    "weekdays_between(d1, d2)",
    "weeks_between(d1, d2)",
    "years_between(d1, d2)",
    "years_between(d1, today())",
    "d1 < d2",
    "d1 == today()",
    "date(s1)",
    "date(s1) > d1",
    "date('2026-09-01') <= d1",
    "minutes_between(t1, t2)",
    "t1 < t2",
    "len(s1)",
    "len(l1) + len(g1)",
    "'a' in l1",
    "'x' not in s1",
    "s1 in ['a', 'Yes', '']",
    "r1 in ['a', 'b']",
    "r1 == 'c' or 'c' in l1",
    "s1 == 'Zoë 🚸'",
    "answered(s1)",
    "answered(l1) and answered(g1)",
    "answered(f1)",
    "answered(n1) or n1 == 0",
    "total(g1, 'cost')",
    "total(g1, 'cost') / len(g1)",
    "earliest(g1, 'when')",
    "latest(g1, 'when')",
    "days_between(earliest(g1, 'when'), latest(g1, 'when'))",
    "b1 == true",
    "n1 * 1000000 * 1000000",
    "n1 / 3 * 3 == n1",
    "(n1 if n1 > 0 else -n1) == abs(n1)",
    "school_days_between(d1, d2)",
    "school_days_between(d1, d2) <= weekdays_between(d1, d2)",
    "add_school_days(d1, n1)",
    "add_days(d1, n1)",
    "add_days(d1, 42) > d2",
    "add_days(date('9999-12-30'), n1)",
    "days_between(d1, add_days(d1, n1))",
    "add_school_days(d1, 5) > d2",
    "school_days_between(d1, add_school_days(d1, 10))",
    "add_school_days(date('2026-12-18'), n1)",
]
# The shipped school calendar (casetypes/shared/calendar.yaml), for both evaluators.
CALENDAR = load_catalogue(str(ROOT / "casetypes")).calendar


def _language_expressions():
    found = []
    for text in LANGUAGE:
        expression, issues = parse_expression(text)
        assert not issues, (text, issues)
        checker = Checker(lambda name, _offset: LANGUAGE_SYMBOLS[name])
        checker.check(expression)
        assert not checker.issues, (text, checker.issues)
        expression.calendar = CALENDAR  # as the compiler binds it
        found.append((f"language: {text}", expression, LANGUAGE_SYMBOLS))
    return found


# ---- Python and the browser ----


@pytest.fixture(scope="module")
def evaluator(browser):
    """A blank page with the browser's evaluator loaded."""
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><title>Expressions</title>")
    page.add_script_tag(
        type="module",
        content=EVALUATOR.read_text()
        + "\nwindow.portalExpressions = {evaluate, fromJson, toJson, context};",
    )
    page.wait_for_function("() => window.portalExpressions !== undefined")
    yield page
    page.close()


def _browser_results(page, tree, answer_sets, today):
    return page.evaluate(
        """([tree, sets, today, calendar]) => {
             const {evaluate, fromJson, toJson, context} = window.portalExpressions;
             const ctx = context(today, calendar);
             return sets.map((values) => {
               const typed = {};
               for (const [name, value] of Object.entries(values)) typed[name] = fromJson(value);
               return toJson(evaluate(tree, typed, ctx));
             });
           }""",
        [tree, answer_sets, today, CALENDAR.to_json()],
    )


def _compare(evaluator, where, expression, symbols, seed):
    rng = random.Random(seed)  # noqa: S311 - repeatable answer sets, not secrets
    names = sorted(expression.names)
    python, encoded = [], []
    for _ in range(ANSWER_SETS):
        values = {name: _value(symbols[name], rng) for name in names}
        python.append(_canonical(to_json_value(expression.evaluate(values))))
        encoded.append({name: to_json_value(value) for name, value in values.items()})
    tree = json.loads(json.dumps(to_json(expression)))
    today = uk_date.today().isoformat()  # what the portal gives the page (not the server's)
    browser = _canonical(_browser_results(evaluator, tree, encoded, today))
    differences = [
        (values, mine, theirs)
        for values, mine, theirs in zip(encoded, python, browser, strict=True)
        if mine != theirs
    ]
    assert not differences, (
        f"{where}: {expression.text!r} differs in {len(differences)} of {ANSWER_SETS} answer "
        f"sets; first: values {differences[0][0]}, Python {differences[0][1]}, "
        f"browser {differences[0][2]}"
    )


def test_every_shipped_expression_means_the_same_in_the_browser(evaluator):
    expressions = _shipped_expressions()
    assert len(expressions) > 50  # every case type's conditions, rules and calculated values
    for seed, (where, expression, symbols) in enumerate(expressions):
        _compare(evaluator, where, expression, symbols, seed)


def test_every_corner_of_the_language_means_the_same_in_the_browser(evaluator):
    for seed, (where, expression, symbols) in enumerate(_language_expressions()):
        _compare(evaluator, where, expression, symbols, 1000 + seed)
