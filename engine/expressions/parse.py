"""Parsing an expression: Python syntax read by `ast`, accepted only if every node is on the
whitelist, no deeper than MAX_DEPTH, with every number exact and within numeric.LIMIT."""

from __future__ import annotations

import ast
import re
from decimal import Decimal

import engine.numeric as numeric
from engine.expressions.evaluate import Expression
from engine.expressions.functions import CONSTANT_NAMES, FUNCTIONS
from engine.expressions.value_types import Issue
from engine.problems import Code, did_you_mean

MAX_DEPTH = 100  # brackets, operators and calls inside one another

# Constructs people try, with the words used to refuse them.
_REFUSED = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "indexing ('[...]')",
    ast.Lambda: "lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.NamedExpr: "assignment (':=')",
    ast.Starred: "unpacking ('*')",
    ast.Dict: "a dictionary",
    ast.Set: "a set",
    ast.JoinedStr: "an f-string",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.FloorDiv: "'//'",
    ast.Mod: "'%'",
    ast.Pow: "'**'",
    ast.MatMult: "'@'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.BitXor: "'^'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.Invert: "'~'",
    ast.Is: "'is'",
    ast.IsNot: "'is not'",
}

_HINTS = (
    (r"=<", "write '<=' instead of '=<'"),
    (r"=>", "write '>=' instead of '=>'"),
    (r"\bbetween\b", "there is no 'between': write 2 <= days <= 5 (both ends included)"),
    (
        r"\b(?:and|or)\s*(?:[<>]=?|==|!=)",
        "each side of 'and' and 'or' is a whole comparison: name the question again, as in "
        "days > 2 and days < 5",
    ),
    (r"&&", "write 'and' instead of '&&'"),
    (r"\|\|", "write 'or' instead of '||'"),
    (r"<>", "write '!=' instead of '<>'"),
    (r"!(?!=)", "write 'not' instead of '!'"),
    (r"(?<![=!<>])=(?!=)", "compare with '==' (a single '=' is not allowed)"),
    (r"[‘’“”]", "write text in straight quotes, ' or \" (a word processor curls them)"),
    *(
        (sign, f"write {typed} instead of {sign}")  # made by a word processor, or pasted
        for sign, typed in (
            *(("≥", ">="), ("≤", "<="), ("≠", "!="), ("×", "*"), ("÷", "/")),
            *(("–", "-"), ("—", "-"), ("−", "-")),  # dashes and the minus sign
        )
    ),
    (r"\w\s*:\s*\w", "':' is no operator: a ratio such as 1:10 is a division, a / b"),
)

# Functions of spreadsheets and other languages, and what to write here instead.
_OTHER_LANGUAGES = {
    "sum": "total(group, 'question') for a group's items, or a + b",
    "count": "len(x)",
    "counta": "len(x)",
    "now": "today()",
    "datedif": "days_between(a, b), or years_between(a, b)",
    "datediff": "days_between(a, b)",
    "networkdays": "weekdays_between(a, b), or school_days_between(a, b)",
    "isblank": "not answered(x)",
    "isempty": "not answered(x)",
    "empty": "not answered(x)",
    "iif": "a if condition else b",
}

# Words of a spreadsheet or SQL where expressions write and, or, not; a number with its unit.
_CAPITAL_WORD = re.compile(r"\b(?:AND|OR|NOT|And|Or|Not)\b")
_UNIT = re.compile(r"(?<![\w.'\"])(\d+(?:\.\d+)?)\s+(?!(?:and|or|not|in|if|else|is)\b)([A-Za-z]+)")

# True, False and None as Python writes them: read as true, false and none.
_CAPITAL_CONSTANT = re.compile(r"\b(?:True|False|None)\b")

# An expression cut short: it ends with an operator, which needs something after it.
_UNFINISHED = re.compile(r"(\band|\bor|\bnot|\bin|==|!=|<=|>=|<|>|\+|-|\*|/|,|\()\s*$")


def parse(text: str) -> tuple[Expression | None, list[Issue]]:
    """Parse and whitelist an expression; the issues say why one is refused."""
    if not isinstance(text, str) or not text.strip():
        return None, [Issue(Code.E300, 0, {"detail": "it is empty"})]
    # A literal block (`|`) keeps its line breaks, which Python would not read: they are
    # spaces, as in a folded one (`>-`). One character for one keeps every offset in place.
    text = re.sub(r"[\r\n]", " ", text.strip())
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        return None, [_syntax_issue(exc, text)]
    except (RecursionError, MemoryError):  # Python's parser gives up on deep nesting
        return None, [Issue(Code.E310, 0, {"limit": MAX_DEPTH})]
    nodes, too_deep, names, needed, calls = _walk(tree)
    if not text.isascii():
        _count_characters(nodes if too_deep is None else [*nodes, too_deep], text)
    if too_deep is not None:  # before anything below walks the tree recursively
        return None, [Issue(Code.E310, offset_of(too_deep), {"limit": MAX_DEPTH})]
    issues = [issue for node in nodes if (issue := _refusal(node))]
    issues += _exact_numbers(nodes, text)
    if issues:
        return None, sorted(issues, key=lambda issue: issue.offset)  # as they are written
    return Expression(text, tree, frozenset(names), frozenset(needed), frozenset(calls)), []


def capital_constants(expression: Expression) -> list[Issue]:
    """W310 at each True, False or None: read as true, false and none, though the language
    writes its words in small letters, as and, or and not must be (E300). A search of the text
    first: nearly every expression has none, and its tree is not walked again."""
    if not _CAPITAL_CONSTANT.search(expression.text):
        return []
    return sorted(
        (
            Issue(
                Code.W310,
                offset_of(node),
                {"written": str(node.value), "meant": str(node.value).lower()},
            )
            for node in ast.walk(expression.tree)
            if type(node) is ast.Constant and type(node.value) in (bool, type(None))
        ),
        key=lambda issue: issue.offset,
    )


def offset_of(node) -> int:
    """How many characters into the expression's text a node starts."""
    return getattr(node, "col_offset", 0)


def _count_characters(nodes: list, text: str) -> None:
    """Make the nodes' offsets count characters: `ast` counts UTF-8 bytes, so after 'Zoë'
    every place would be one column too far to the right."""
    encoded = text.encode()
    for node in nodes:
        if hasattr(node, "col_offset"):
            node.col_offset = len(encoded[: node.col_offset].decode())
            node.end_col_offset = len(encoded[: node.end_col_offset].decode())


def _syntax_issue(exc: SyntaxError, text: str) -> Issue:
    offset = max((exc.offset or 1) - 1, 0)
    huge = re.search(r"\d{4000,}", text)
    if exc.msg.startswith("Exceeds the limit") and huge:  # Python reads no 4,300-digit int
        return Issue(Code.E309, huge.start(), {"number": _shortened(huge.group())})
    if exc.msg.startswith("too many nested parentheses"):
        return Issue(Code.E310, offset, {"limit": MAX_DEPTH})
    bare_date = re.search(r"(?<![\w'\"-])\d{4}-\d{2}-\d{2}(?![\w'\"])", text)  # not 'in quotes'
    if bare_date:  # Python reads 2015-01-01 as a number with a leading zero, and says so
        return Issue(
            Code.E300,
            bare_date.start(),
            {"detail": f"write a date as date('{bare_date.group()}'), in quotes"},
        )
    capital = _CAPITAL_WORD.search(text)  # AND, Or: as a spreadsheet or SQL writes them
    if capital:
        detail = f"{exc.msg}; write and, or and not in small letters"
        return Issue(Code.E300, capital.start(), {"detail": detail})
    unit = _UNIT.search(text)  # days > 5 days
    if unit:
        number, word = unit.group(1), unit.group(2)
        detail = f"{exc.msg}; write a number without its unit: {number}, not {number} {word}"
        return Issue(Code.E300, unit.start(2), {"detail": detail})
    unfinished = _UNFINISHED.search(text)
    if unfinished and not exc.offset:  # Python points at the start: point at the last word
        detail = f"it ends with '{unfinished.group(1)}': something is missing after it"
        return Issue(Code.E300, unfinished.start(1), {"detail": detail})
    return Issue(Code.E300, offset, {"detail": exc.msg + _syntax_hint(text)})


def _walk(tree: ast.Expression) -> tuple[list, ast.AST | None, set[str], set[str], set[str]]:
    """Every node below the root, depth first and without recursion, with the field ids named
    (all of them, and those outside answered(...): the names whose answer is needed) and the
    functions called by name; or the first expression nested in expressions more than
    MAX_DEPTH deep, as soon as it is met."""
    nodes, names, needed, calls = [], set(), set(), set()
    stack: list[tuple[ast.AST, int | None, bool]] = [(tree.body, 1, False)]
    while stack:
        node, depth, answered = stack.pop()
        if depth is not None and depth > MAX_DEPTH:
            return nodes, node, names, needed, calls
        nodes.append(node)
        kind = type(node)
        if kind is ast.Constant:
            continue  # a leaf
        if kind is ast.Name:  # a leaf too (its context, Load, is never refused)
            if node.id not in FUNCTIONS and node.id not in CONSTANT_NAMES:
                names.add(node.id)
                if not answered:
                    needed.add(node.id)
            continue
        if kind is ast.Call and type(node.func) is ast.Name:
            calls.add(node.func.id)
            answered = answered or node.func.id == "answered"
        for name in node._fields:  # ast.iter_child_nodes, without its two generators
            value = getattr(node, name, None)
            for child in value if type(value) is list else (value,):
                if isinstance(child, ast.AST):
                    inner = depth + 1 if depth is not None and isinstance(child, ast.expr) else None
                    stack.append((child, inner, answered))
    return nodes, None, names, needed, calls


def _exact_numbers(nodes: list, text: str) -> list[Issue]:
    """Number literals as exact values (2.5 as Decimal('2.5')), each within numeric.LIMIT."""
    issues = []
    for node in nodes:  # on one line, offsets in characters: they slice the text
        if type(node) is not ast.Constant or type(node.value) not in (int, float):
            continue
        written = text[node.col_offset : node.end_col_offset]
        if isinstance(node.value, float):  # 1e999 is infinity, 1e-999 zero: take the text
            exact = numeric.read(written.replace("_", ""))
            node.value = exact if exact is not None else Decimal(repr(node.value))
        if not numeric.within(node.value):
            issues.append(Issue(Code.E309, offset_of(node), {"number": _shortened(written)}))
    return issues


def _shortened(written: str) -> str:
    return written if len(written) <= 24 else f"{written[:12]}… ({len(written):,} characters)"


def _syntax_hint(text: str) -> str:
    """Why a line from another language does not parse, when we can tell."""
    for pattern, hint in _HINTS:
        if re.search(pattern, text):
            return f"; {hint}"
    return ""


def _refusal(node) -> Issue | None:
    words = _REFUSED.get(type(node))  # ast.parse makes nodes of these exact classes
    if words is not None:
        return Issue(Code.E301, offset_of(node), {"construct": words})
    if isinstance(node, ast.Call):
        return _call_refusal(node)
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        return Issue(Code.E301, offset_of(node), {"construct": f"the name '{node.id}'"})
    if isinstance(node, ast.Constant) and not isinstance(
        node.value, str | int | float | bool | type(None)
    ):
        return Issue(Code.E301, offset_of(node), {"construct": "this kind of constant"})
    return None


def _call_refusal(node: ast.Call) -> Issue | None:
    """Only the language's own functions, called by name with plain arguments."""
    if not isinstance(node.func, ast.Name):
        return Issue(Code.E301, offset_of(node), {"construct": "calling this"})
    if node.keywords:
        return Issue(Code.E301, offset_of(node), {"construct": "a keyword argument"})
    if node.func.id not in FUNCTIONS:
        instead = _OTHER_LANGUAGES.get(node.func.id.lower())
        suggestion = f"; write {instead}" if instead else did_you_mean(node.func.id, FUNCTIONS)
        return Issue(Code.E306, offset_of(node), {"name": node.func.id, "suggestion": suggestion})
    return None
