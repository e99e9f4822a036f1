"""Compile one schema-valid case-type file into a CaseType, checking what the schema cannot.

Checks: unique ids, shared lists and workflows that exist, expressions whose names are fields
defined earlier and whose values are real options, calculated values that type-check, settings
that name other fields, and bounds that make sense.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import engine.expressions as ex
import engine.loops as loops
import engine.uk_date as uk_date
from engine.case_settings import compile_settings
from engine.casetype import CaseType, Declaration
from engine.compile_words import (
    ADDRESS_WORDS,
    NOTHING_TO_ANSWER,
    RESERVED,
    address_word,
    elsewhere,
    in_a_group,
    not_answered,
    taken,
)
from engine.condition_checks import condition_issues
from engine.date_limits import no_day_between, no_day_today
from engine.fields import FIELD_TYPES, field_type
from engine.group_counts import needless_count
from engine.input_names import FORM_NAMES, FORM_WORKINGS
from engine.model import SETTINGS, Field, Option, Page, Rule, Workflow
from engine.money_format import money_problem
from engine.names import Declared, Scope, look_up
from engine.prefill_limits import locked_limits
from engine.problems import Code, Problem, did_you_mean, did_you_mean_or_all, make_problem
from engine.school_calendar import calendar_issues
from engine.sections import compile_sections
from engine.source import Source


def build_options(raw: list) -> tuple[Option, ...]:
    """Options from their YAML form: a plain value, or a mapping with value and label."""
    options = []
    for item in raw:
        if isinstance(item, dict):
            hint, exclusive = item.get("hint", ""), item.get("exclusive", False)
            options.append(Option(str(item["value"]), item["label"], hint, exclusive))
        else:
            options.append(Option(str(item), str(item)))
    return tuple(options)


class CaseTypeCompiler:
    """Builds a CaseType from one file, collecting every problem it finds (and, when `kept`,
    building it despite them: see catalogue.compile_definition)."""

    def __init__(
        self,
        source: Source,
        lists: Mapping[str, tuple[Option, ...]],
        workflows: Mapping[str, Workflow],
        calendar: ex.SchoolCalendar | None = None,
        calendar_broken: bool = False,
        kept: bool = False,
        lists_broken: str = "",
    ):
        self.source = source
        self.lists_broken = lists_broken  # a shared lists file with errors, not read
        self.kept = kept
        self.calendar = calendar
        self.calendar_broken = calendar_broken
        self.lists = lists
        self.workflows = workflows
        self.problems: list[Problem] = []
        self.used_lists: set[str] = set()
        self.declared: dict[str, Declared] = {}
        self.money: set[str] = set()  # ids of the amounts of money so far (W722)
        self.date_limits: dict = {}  # date question id -> its lowest and highest limits
        self.scope = Scope()
        self.loops = loops.Loops(source.data, self.declared)  # E311 of an E303

    # ---- reporting ----
    def add(self, code: Code, where: tuple, /, at_key: bool = False, **details) -> None:
        """Report `code` at the value at `where` (or at its key, with at_key)."""
        positions = self.source.positions
        position = positions.key(where) if at_key else positions.value(where)
        self.problems.append(make_problem(code, self.source.path, *position, **details))

    def add_expression_issue(self, issue: ex.Issue, where: tuple, text: str) -> None:
        """Report an issue at its place in the expression `text` (as written in the file)."""
        stripped = text.lstrip()
        offset = issue.offset + len(text) - len(stripped)  # parse() strips leading spaces
        position = self.source.positions.inside(where, offset, text)
        self.problems.append(make_problem(issue.code, self.source.path, *position, **issue.details))

    # ---- the whole case type ----
    def compile(self, workflow: Workflow | None) -> CaseType | None:
        data = self.source.data
        if data["id"] in ADDRESS_WORDS:
            self.add(Code.E104, ("id",), where="'id'", detail=address_word(data["id"]))
        self._declare_ids(data["pages"])
        pages = [self._page(page, index) for index, page in enumerate(data["pages"])]
        page_ids = [p["id"] for p in data["pages"]]
        sections = compile_sections(data.get("sections", []), page_ids, self.add, self.source)
        declaration = None
        if "declaration" in data:
            spec = data["declaration"]
            declaration = Declaration(spec["text"], spec.get("confirm_label", "I confirm"))
        condition = lambda text, where: self._expression(text, where, ex.BOOL)  # noqa: E731
        workflow, settings = compile_settings(data, pages, workflow, self.add, condition)
        broken = not self.kept and any(p.severity == "error" for p in self.problems)
        if workflow is None or broken:
            return None
        return CaseType(
            id=data["id"],
            name=data["name"],
            service=data.get("service", data["name"]),
            category=data["category"],
            summary=data.get("summary", ""),
            version=data["version"],
            prefix=data["reference"]["prefix"],
            code=data["reference"]["code"],
            raised_by=tuple(data.get("raised_by", SETTINGS)),
            workflow=workflow,
            pages=tuple(pages),
            sections=sections,
            declaration=declaration,
            source=self.source.path,
            **settings,
        )

    def _declare_ids(self, pages: list) -> None:
        """First pass: every page and field id, so later checks can say "defined later"."""
        page_ids: dict[str, int] = {}
        order = 0
        for page_index, page in enumerate(pages):
            where = ("pages", page_index)
            if page["id"] in page_ids:
                self.add(
                    Code.E200,
                    (*where, "id"),
                    what="page",
                    id=page["id"],
                    first_line=page_ids[page["id"]],
                )
            page_ids.setdefault(page["id"], self.source.positions.value((*where, "id"))[0])
            for field_path, spec, group in _walk_fields(page["fields"], (*where, "fields")):
                order += 1
                field_id = spec["id"]
                if field_id in RESERVED or field_id in (FORM_WORKINGS if group else FORM_NAMES):
                    self.add(Code.E210, (*field_path, "id"), name=field_id, why=taken(field_id))
                elif field_id in self.declared:
                    first = self.source.positions.value(self.declared[field_id].path)[0]
                    self.add(
                        Code.E200, (*field_path, "id"), what="field", id=field_id, first_line=first
                    )
                    continue
                kind = FIELD_TYPES[spec["type"]]
                if group and kind.holds_items:
                    self.add(Code.E211, (*field_path, "type"))
                at = (*field_path, "id")
                self.declared[field_id] = Declared(
                    page_index, order, page["id"], at, group, kind.has_value, kind.value_type
                )

    # ---- pages and fields ----
    def _page(self, data: dict, index: int) -> Page:
        where = ("pages", index)
        show_if = self._expression(data.get("show_if"), (*where, "show_if"), ex.BOOL)
        fields = tuple(
            self._field(spec, (*where, "fields", i), self.scope)
            for i, spec in enumerate(data["fields"])
        )
        if not any(f.has_value for f in fields):
            self.add(Code.W503, (*where, "id"), page=data["id"])
        rules = tuple(
            self._rule(rule, (*where, "rules", i), fields)
            for i, rule in enumerate(data.get("rules", []))
        )
        return Page(
            data["id"],
            data["title"],
            fields,
            data.get("intro", ""),
            show_if,
            tuple(r for r in rules if r),
        )

    def _field(self, spec: dict, where: tuple, scope: Scope) -> Field:
        kind = FIELD_TYPES[spec["type"]]
        show_if = self._expression(spec.get("show_if"), (*where, "show_if"), ex.BOOL, scope)
        nested, rules = self._items(spec, where, scope) if kind.holds_items else ((), ())
        if kind.holds_items and not any(n.kind.is_input for n in nested):
            self.add(Code.E104, (*where, "fields"), where="'fields'", detail=NOTHING_TO_ANSWER)
        settings = {
            k: v for k, v in spec.items() if k in kind.settings and k not in ("fields", "rules")
        }
        compiled = Field(
            id=spec["id"],
            kind=kind,
            label=spec.get("label", ""),
            hint=spec.get("hint", ""),
            required=kind.always_required or spec.get("required", True),
            required_message=spec.get("required_message", ""),
            show_if=show_if,
            options=self._options(spec, where),
            fields=nested,
            settings=settings,
            rules=rules,
            prefill=spec.get("prefill", ""),
            locked=spec.get("locked", False),
        )
        self._check_prefill(compiled, where, scope)
        if kind.is_calculated:
            expected, advice = kind.result_type(compiled), kind.format_advice(compiled)
            expression = self._expression(
                spec["value"], (*where, "value"), expected, scope, False, advice
            )
            if expression is None and self.kept:  # unreadable today: not known, not a crash
                expression = ex.parse("None")[0]
            compiled = replace(compiled, expression=expression)
            if said := money_problem(compiled, self.money):  # £832.50 shown as '833'
                self.add(Code.W722, (*where, "value"), **said)
        elif kind.name == "money":
            self.money.add(compiled.id)
        for key, code, details in kind.definition_problems(compiled):
            self.add(code, (*where, key), **details)
            if self.kept and key == "pattern" and code.severity == "error":  # RE2 can't run it:
                settings.pop("pattern")  # not checked, rather than every answer a crash
        for key, name, needed in kind.references(compiled):
            self._check_reference(
                key, name, needed, where, scope, kind.reference_words, compiled.id
            )
        if (reached := kind.limits_reached(compiled, self.date_limits)) is not None:
            self.date_limits[compiled.id] = reached
            if no_day := no_day_between(*reached):  # min: leave_date (tomorrow on), max: today
                self.add(Code.E207, (*where, no_day[0]), **no_day[1])
            elif not self.kept and (stale := no_day_today(*reached, uk_date.today())):
                self.add(Code.W702, (*where, stale[0]), **stale[1])  # min: today, max: 2020-01-01
        if compiled.has_value:
            scope.symbols[compiled.id] = kind.symbol(compiled)
            scope.labels[compiled.id] = compiled.label
        return compiled

    def _check_prefill(self, compiled: Field, where: tuple, scope: Scope) -> None:
        """A prefill the question's type can take, outside groups; `locked` only with one."""
        source = compiled.prefill
        if compiled.locked and not source:
            self.add(Code.E611, (*where, "locked"), at_key=True)
        if not source:
            return
        raised_by = tuple(self.source.data.get("raised_by", SETTINGS))
        for key, why in locked_limits(compiled, raised_by):  # an error the school can't correct
            self.add(Code.E613, (*where, key), at_key=True, key=key, why=why)
        if scope.group:
            self.add(Code.E612, (*where, "prefill"))
        elif source not in compiled.kind.prefills:
            fitting = [f"'{n}'" for n, kind in FIELD_TYPES.items() if source in kind.prefills]
            self.add(
                Code.E610,
                (*where, "prefill"),
                type=compiled.kind.name,
                source=source,
                fits=" or ".join(fitting),
            )

    def _items(self, spec: dict, where: tuple, scope: Scope):
        """A repeating group's item fields and rules, which may name the fields before it."""
        inner = Scope(dict(scope.symbols), dict(scope.labels), group=spec["id"])
        nested = tuple(
            self._field(child, (*where, "fields", i), inner)
            for i, child in enumerate(spec["fields"])
        )
        rules = tuple(
            self._rule(rule, (*where, "rules", i), nested, inner)
            for i, rule in enumerate(spec.get("rules", []))
        )
        return nested, tuple(r for r in rules if r)

    def _options(self, spec: dict, where: tuple) -> tuple[Option, ...]:
        raw = spec.get("options")
        if raw is None:
            return ()
        if isinstance(raw, str):
            if raw not in self.lists:
                suggestion = did_you_mean_or_all(raw, self.lists, "options lists")
                if (
                    not did_you_mean(raw, self.lists) and self.lists_broken
                ):  # as E204 says of a workflows file
                    suggestion = f"; {self.lists_broken} has errors, so it was not read"
                self.add(Code.E203, (*where, "options"), name=raw, suggestion=suggestion)
                return ()
            self.used_lists.add(raw)
            return self.lists[raw]
        options = build_options(raw)
        seen: set[str] = set()
        for index, option in enumerate(options):
            if option.value in seen:
                self.add(Code.E205, (*where, "options", index), value=option.value)
            seen.add(option.value)
        return options

    def _check_reference(
        self, key: str, name: str, needed: str, where: tuple, scope: Scope, words=(), asking=""
    ) -> None:
        symbol = scope.symbols.get(name)
        if symbol is not None and symbol.type == needed:
            return
        what = f"{ex.described(needed)} question defined earlier"
        if name in self.declared and symbol is None:
            what += elsewhere(self.declared[name], scope.group, key, asking, name)
        self.add(
            Code.E206,
            (*where, key),
            key=key,
            name=name,
            expected=what,
            suggestion=did_you_mean(
                name, [*words, *(n for n, s in scope.symbols.items() if s.type == needed)]
            ),
        )

    def _rule(
        self, data: dict, where: tuple, fields: tuple[Field, ...], scope: Scope | None = None
    ) -> Rule | None:
        names = {f.id for f in fields}
        if data["field"] not in names:
            self.add(
                Code.E206,
                (*where, "field"),
                key="field",
                name=data["field"],
                expected="a question of this group" if scope else "a question on this page",
                suggestion=in_a_group(data["field"], fields) or did_you_mean(data["field"], names),
            )
        check = self._expression(data["check"], (*where, "check"), ex.BOOL, scope)
        shown_at = next((f for f in fields if f.id == data["field"]), None)
        if shown_at is not None and not shown_at.kind.is_input:  # no input to stand at
            self.add(
                Code.E206,
                (*where, "field"),
                key="field",
                name=data["field"],
                expected="a question people answer",
                suggestion=not_answered(shown_at, check, fields),
            )
        if check is None:
            return None
        if said := needless_count(check, data["field"], fields):  # len(g) >= 2, min_items: 2
            self.add(Code.W509, (*where, "check"), **said)
        return Rule(check, data["message"], data["field"], data.get("severity", "error"))

    # ---- expressions ----
    def _expression(
        self, text, where: tuple, expected: str, scope=None, condition=True, advice=None
    ):
        """Parse and check an expression; `condition` when it decides something (not a value);
        `advice` as Checker.check takes it."""
        if text is None:
            return None
        scope = scope or self.scope
        expression, issues = ex.parse(text)
        for issue in issues:
            self.add_expression_issue(issue, where, text if isinstance(text, str) else "")
        if expression is None:
            return None
        for issue in ex.capital_constants(expression):  # True: true, as AND is and (E300)
            self.add_expression_issue(issue, where, text)
        checker = ex.Checker(
            lambda name, offset: look_up(name, offset, scope, self.declared, where[:-1])
        )
        checker.check(expression, expected, advice)
        for issue in checker.issues + calendar_issues(
            expression, self.calendar, self.calendar_broken
        ):
            self.add_expression_issue(self.loops.as_loop(issue, where), where, text)
        if self.calendar is not None:
            expression.calendar = self.calendar
        if condition and not checker.issues:  # show_if: '1' (E312), a and not a (W504), W508
            data, declared = self.source.data, self.declared
            for issue in condition_issues(expression, where, text, checker.lookup, data, declared):
                self.add_expression_issue(issue, where, text)
        return expression


def _walk_fields(specs: list, where: tuple, group: str | None = None):
    """Every field spec with its path, nested group fields included."""
    for index, spec in enumerate(specs):
        path = (*where, index)
        yield path, spec, group
        kind = field_type(spec)
        if kind is not None and kind.holds_items:
            yield from _walk_fields(spec.get("fields", []), (*path, "fields"), spec["id"])
