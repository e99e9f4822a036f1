"""What a name in an expression refers to, at one point of a case type being compiled: the
symbol of a question defined before it, or the problem (E302, E303, E308) saying why not."""

from __future__ import annotations

from dataclasses import dataclass, field

import engine.expressions as ex
from engine.problems import Code, closest, did_you_mean


@dataclass
class Declared:
    """Where a field id is declared: its page and order, for "defined later" messages."""

    page_index: int
    order: int
    page_id: str
    path: tuple
    group: str | None = None
    has_value: bool = True
    value_type: str = ex.ANY  # what expressions see of its answer


@dataclass
class Scope:
    """The fields an expression may name at one point of the definition."""

    symbols: dict[str, ex.Symbol] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    group: str | None = None  # the repeating group whose item fields are being compiled


def look_up(
    name: str, offset: int, scope: Scope, declared: dict[str, Declared], at: tuple
) -> ex.Symbol | ex.Issue:
    """The symbol `name` stands for in `scope` (in the expression of the field at `at`), or
    the issue at `offset` saying why it stands for none."""
    if name in scope.symbols:
        return scope.symbols[name]
    found = declared.get(name)
    if found and found.group and found.group != scope.group and found.group not in scope.symbols:
        where = f"inside the group '{found.group}', on page '{found.page_id}'"  # a later group
        return ex.Issue(Code.E303, offset, {"name": name, "where": where})
    if found and found.group and found.group != scope.group:
        hint = ex.group_item_hint(name, found.group, found.value_type)
        return ex.Issue(Code.E302, offset, {"name": name, "suggestion": hint})
    if found and not found.has_value:
        return ex.Issue(Code.E308, offset, {"name": name, "why": "is content, not a question"})
    if found and name == scope.group:
        why = (
            "is the group these questions belong to: an item's questions can use its "
            "other questions, not the group"
        )
        return ex.Issue(Code.E308, offset, {"name": name, "why": why})
    if found and found.path[:-1] == at:  # a calculated value of itself
        return ex.Issue(Code.E308, offset, {"name": name, "why": "is this question itself"})
    if found and at == found.path[:2]:  # a page's show_if naming a question of the page
        where = (
            f"on page '{found.page_id}' itself, which is shown or not before it is answered: "
            "a page's show_if can name only questions on earlier pages"
        )
        return ex.Issue(Code.E303, offset, {"name": name, "where": where})
    if found:
        where = (
            f"below it on page '{found.page_id}': move '{name}' above the question that names it"
            if found.path[:2] == at[:2]
            else f"on page '{found.page_id}': an expression names only questions before it"
        )
        return ex.Issue(Code.E303, offset, {"name": name, "where": where})
    called = f"; to call it, write {name}()" if name in ex.FUNCTIONS else ""
    suggestion = (
        called
        or _yes_no_word(name, scope)
        or did_you_mean(name, scope.symbols)
        or _later_like(name, declared)
    )
    if not suggestion and any(name in (s.options or ()) for s in scope.symbols.values()):
        suggestion = f"; if '{name}' is an option value, put it in quotes: '{name}'"
    return ex.Issue(Code.E302, offset, {"name": name, "suggestion": suggestion})


def _later_like(name: str, declared: dict[str, Declared]) -> str:
    """A "did you mean" for a misspelt name whose question comes later (E303 once mended)."""
    later = closest(name, [n for n, d in declared.items() if d.has_value and not d.group])
    if later is None:
        return ""
    return (
        f"; did you mean '{later}'? It comes later (on page '{declared[later].page_id}'), and "
        "an expression can name only questions before it"
    )


_YES_NO_WORDS = {
    **{word: True for word in ("yes", "y", "on", "true")},
    **{word: False for word in ("no", "n", "off", "false")},
}


def _yes_no_word(name: str, scope: Scope) -> str:
    """What to write for YAML's yes/no/on/off in an expression (`show_if: yes`), where they
    are plain names: true or false, or a yes/no question's id, as in `has_ehcp`."""
    meaning = _YES_NO_WORDS.get(name.casefold())
    if meaning is None or any(name in (s.options or ()) for s in scope.symbols.values()):
        return ""  # an option value yes: put it in quotes, as look_up says
    if name.casefold() in ("true", "false"):  # has_ehcp == TRUE, as a spreadsheet writes it
        return f"; '{name}' is no word of expressions: write {name.casefold()}, in small letters"
    asked = [s.name for s in scope.symbols.values() if s.type == ex.BOOL and s.typed]
    question = asked[-1] if asked else "has_ehcp"
    always = "to always hold, write true" if meaning else "to never hold, write false"
    return (
        f"; '{name}' is no word of expressions: for a yes/no answer, name the question, "
        f"as in `{question}` (answered Yes) or `{question} == false` (answered No); {always}"
    )
