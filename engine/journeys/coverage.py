"""What the journeys visited, and what no journey visits: pages, both outcomes of every
condition, every rule holding and failing, the options a condition names, and every workflow
transition, one with a `when:` both taken and found closed (its `when:` false where the case
stood). Gaps are located in the case-type (or shared workflow) file."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from engine.answers import truthy
from engine.casetype import CaseType
from engine.model import Page, Transition
from engine.source import Source


@dataclass(frozen=True, order=True)
class Gap:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: not covered: {self.message}"


@dataclass
class Coverage:
    pages: set = field(default_factory=set)  # (case type, page id)
    outcomes: dict = field(default_factory=dict)  # (case type, where) -> {True, False}
    chosen: set = field(default_factory=set)  # (case type, field id, option value)
    transitions: set = field(default_factory=set)  # (id of the workflow, index)
    # (case type, where) -> the question of a rule not checked because it had an error of its
    # own (its min, say), which the engine reports first
    held_back: dict = field(default_factory=dict)

    def _outcome(self, case_type: CaseType, where: tuple, outcome) -> None:
        self.outcomes.setdefault((case_type.id, where), set()).add(bool(outcome))

    def took(self, case_type: CaseType, transition: Transition) -> None:
        workflow = case_type.workflow
        self.transitions.add((id(workflow), workflow.transitions.index(transition)))

    def stood_in(self, case_type: CaseType, activity: str, values) -> None:
        """A journey's case stood in `activity`: the `when:` of each transition leaving it is
        decided over the answers, as the portal decides whether to offer it."""
        for index, transition in enumerate(case_type.workflow.transitions):
            if transition.source == activity and transition.when is not None:
                outcome = truthy(transition.when, values)
                self._outcome(case_type, _when_at(index), outcome)

    def saw_page(
        self, case_type: CaseType, page: Page, answers: dict, following, errors=None
    ) -> None:
        """A page saved with `answers`; `following` is the page it leads to (itself when it
        has errors, None when it was the last); `errors`: input name -> error shown."""
        errors = errors or {}
        self.pages.add((case_type.id, page.id))
        index = case_type.pages.index(page)
        values = case_type.values(answers)
        at = ("pages", index)
        for number, f in enumerate(page.fields):
            where = (*at, "fields", number)
            if f.show_if is not None:
                self._outcome(case_type, (*where, "show_if"), truthy(f.show_if, values))
            self._chose(case_type, f, answers.get(f.id))
            if f.kind.holds_items and truthy(f.show_if, values):
                for number, item in enumerate(answers.get(f.id) or []):
                    prefix = f"{f.id}-{number}-"
                    errored = {k.removeprefix(prefix): m for k, m in errors.items()}
                    self._item(case_type, f, item, values, where, errored)
        visible = {f.id for f in page.fields if truthy(f.show_if, values)}
        self._rules(case_type, page.rules, values, visible, (*at, "rules"), errors)
        if following is page:
            return
        end = len(case_type.pages) if following is None else case_type.pages.index(following) + 1
        for later in range(index + 1, end):
            condition = case_type.pages[later].show_if
            if condition is not None:
                self._outcome(case_type, ("pages", later, "show_if"), truthy(condition, values))

    def _item(
        self, case_type: CaseType, group, item: dict, values, where: tuple, errored: set
    ) -> None:
        typed = {n.id: n.kind.to_python(n, item[n.id]) for n in group.fields if n.id in item}
        item_values = values.with_item(typed)
        for number, nested in enumerate(group.fields):
            if nested.show_if is not None:
                outcome = truthy(nested.show_if, item_values)
                self._outcome(case_type, (*where, "fields", number, "show_if"), outcome)
            self._chose(case_type, nested, item.get(nested.id))
        visible = {n.id for n in group.fields if truthy(n.show_if, item_values)}
        self._rules(case_type, group.rules, item_values, visible, (*where, "rules"), errored)

    def _rules(self, case_type, rules, values, visible: set, where: tuple, errored) -> None:
        """Each rule checked as the engine checks it: its question shown, with no error of its
        own (`errored`: question -> its error, a rule's message apart), its answers given."""
        said_by_rules = {rule.message for rule in rules}
        for number, rule in enumerate(rules):
            if rule.field not in visible:
                continue
            if errored.get(rule.field, rule.message) not in said_by_rules:
                self.held_back[(case_type.id, (*where, number, "check"))] = rule.field
                continue
            if any(values.get(name) is None for name in rule.check.needed_names):
                continue
            self._outcome(case_type, (*where, number, "check"), rule.check.evaluate(values))

    def _chose(self, case_type: CaseType, f, answer) -> None:
        if f.options and answer is not None:
            for value in answer if isinstance(answer, list) else [answer]:
                self.chosen.add((case_type.id, f.id, value))

    # ---- the gaps ----
    def gaps(self, case_type: CaseType, source: Source) -> list[Gap]:
        """What no journey of `case_type` visits in its own file (its workflow apart)."""
        found = []
        for index, page in enumerate(case_type.pages):
            if (case_type.id, page.id) not in self.pages:
                where = ("pages", index, "id")
                found.append(_gap(source, where, f"page '{page.id}': no journey answers it"))
        for where, expression, what in _conditions(case_type):
            seen = self.outcomes.get((case_type.id, where), set())
            for outcome in (True, False) if what == "condition" else (False, True):
                if outcome not in seen:
                    message = _never(what, expression.text, outcome)
                    held = self.held_back.get((case_type.id, where))
                    if held and not outcome:
                        message += _held_back(held)
                    found.append(_gap(source, where, message))
            if what == "condition":
                found += self._options(case_type, source, where, expression)
        return found + self._closed_transitions(case_type, source)

    def _closed_transitions(self, case_type: CaseType, source: Source) -> list[Gap]:
        """A transition with a `when:` found closed by no journey (its being taken is the
        workflow's gap), and the options its `when:` names that no journey chooses."""
        found = []
        for index, transition in enumerate(case_type.workflow.transitions):
            if transition.when is None:
                continue
            where = _when_at(index)
            if False not in self.outcomes.get((case_type.id, where), set()):
                text = transition.when.text
                found.append(
                    _gap(
                        source,
                        where,
                        f"transition '{transition.action}' ({transition.source} -> "
                        f"{transition.target}): its condition '{text}' is false in no journey "
                        f"that reaches '{transition.source}'",
                    )
                )
            found += self._options(case_type, source, where, transition.when)
        return found

    def _options(self, case_type: CaseType, source: Source, where: tuple, expression) -> list:
        options = _option_fields(case_type)
        return [
            _gap(
                source,
                where,
                f"option '{value}' of '{name}', which steers "
                f"'{expression.text}', is chosen by no journey",
            )
            for name, value in _named_options(expression)
            if name in options
            and value in options[name]
            and (case_type.id, name, value) not in self.chosen
        ]

    def workflow_gaps(self, workflow, source: Source, at: tuple) -> list[Gap]:
        """The transitions of `workflow` (written at `at` in `source`) no journey takes."""
        return [
            _gap(
                source,
                (*at, "transitions", index),
                f"transition '{t.action}' ({t.source} -> {t.target}, by {t.by}): "
                "no journey takes it",
            )
            for index, t in enumerate(workflow.transitions)
            if (id(workflow), index) not in self.transitions
        ]


def _when_at(index: int) -> tuple:
    """Where a transition's `when:` is written: only a case type's own workflow has one."""
    return ("workflow", "transitions", index, "when")


def _never(what: str, text: str, outcome: bool) -> str:
    if what == "rule":
        return f"rule '{text}': no journey " + ("meets it" if outcome else "breaks it")
    return f"condition '{text}' is {'true' if outcome else 'false'} in no journey"


def _held_back(question: str) -> str:
    """Why a journey that typed answers to break a rule did not: its question's own check
    (a date's `min: other_date`) refused them first, so the rule can say nothing more."""
    return (
        f"; where a journey tried, '{question}' had an error of its own first (a rule is checked "
        "only when its question has none): break it with an answer the question takes, or, if "
        "none can, its min or max already says what the rule says"
    )


def _gap(source: Source, where: tuple, message: str) -> Gap:
    return Gap(source.path, *source.positions.value(where), message)


def _conditions(case_type: CaseType):
    """(where, expression, "condition" or "rule") for every condition and rule, in file order."""
    for index, page in enumerate(case_type.pages):
        at = ("pages", index)
        if page.show_if is not None:
            yield (*at, "show_if"), page.show_if, "condition"
        for number, f in enumerate(page.fields):
            where = (*at, "fields", number)
            if f.show_if is not None:
                yield (*where, "show_if"), f.show_if, "condition"
            for inner, nested in enumerate(f.fields):
                if nested.show_if is not None:
                    yield (*where, "fields", inner, "show_if"), nested.show_if, "condition"
            for inner, rule in enumerate(f.rules):
                yield (*where, "rules", inner, "check"), rule.check, "rule"
        for number, rule in enumerate(page.rules):
            yield (*at, "rules", number, "check"), rule.check, "rule"


def _option_fields(case_type: CaseType) -> dict[str, set]:
    found = {}
    for f in case_type.fields.values():
        for one in (f, *f.fields):
            if one.options:
                found[one.id] = {o.value for o in one.options}
    return found


def _named_options(expression) -> list[tuple[str, str]]:
    """(field id, option value) for each option a condition compares a field with."""
    pairs = []
    for node in ast.walk(expression.tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for left, right in zip(sides, sides[1:], strict=False):
            for name, other in ((left, right), (right, left)):
                if isinstance(name, ast.Name):
                    pairs += [(name.id, value) for value in _constants(other)]
    return list(dict.fromkeys(pairs))


def _constants(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return []
