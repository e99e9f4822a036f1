"""Running one journey against a compiled case type, as the web app would, with no database.

Each page is typed into the page's own form and saved with CaseType.save_page; where the
journey says what must follow, what did follow is compared, and a difference becomes a
Failure at the line and column of the expectation.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.answers import truthy
from engine.casetype import CaseType
from engine.input_names import input_name, read_input_name
from engine.journeys.coverage import Coverage
from engine.journeys.expect import compare_messages, compare_value
from engine.journeys.format import CHECK_ANSWERS
from engine.journeys.typed import AnswerProblem, comma_cut, form_input
from engine.journeys.workflow import run_workflow
from engine.problems import closest, did_you_mean
from engine.source import SourceMap


@dataclass(frozen=True, order=True)
class Failure:
    """An expectation that did not hold, where it is written."""

    path: str
    line: int
    col: int
    message: str
    journey: str = ""

    def __str__(self) -> str:
        journey = f" (journey '{self.journey}')" if self.journey else ""
        message = self.message.replace("\n", "\\n")  # one line each, as in a YAML "…" text
        return f"{self.path}:{self.line}:{self.col}: FAIL: {message}{journey}"


class JourneyRun:
    """One journey: its answers so far and the failures found, located in its file."""

    def __init__(self, case_type: CaseType, spec: dict, where: tuple, positions: SourceMap):
        self.case_type = case_type
        self.spec = spec
        self.where = where
        self.positions = positions
        self.answers: dict = {}
        self.failures: list[Failure] = []

    def fail(self, where: tuple, message: str, key: bool = False) -> None:
        at = self.positions.key(where) if key else self.positions.value(where)
        self.failures.append(Failure(self.positions.path, *at, message, self.spec["name"]))

    def run(self, coverage: Coverage) -> list[Failure]:
        typed_before: dict[str, dict] = {}  # by page: what was last typed there
        for index, step in enumerate(self.spec["pages"]):
            where = (*self.where, "pages", index)
            typed = self._page(step, where, typed_before.get(step["page"], {}), coverage)
            if typed is None or self.failures:
                return self.failures  # what follows a failed page would only repeat it
            typed_before[step["page"]] = typed
        self._end(coverage)
        return self.failures

    def _page(self, step: dict, where: tuple, before: dict, coverage: Coverage) -> dict | None:
        """Type and save one page over what was typed there `before` (a page shown again
        shows it); compare what follows. The answers typed, or None."""
        case_type, page_id = self.case_type, step["page"]
        shown = [p.id for p in case_type.visible_pages(self.answers)]
        if page_id not in shown:
            pages = [p.id for p in case_type.pages]
            known = page_id in pages
            why = (
                "not shown, given the answers so far"
                if known
                else f"not a page of '{case_type.id}'" + _meant(page_id, pages)
            )
            got = f"pages shown: {', '.join(shown)}"
            self.fail((*where, "page"), f"expected page '{page_id}', but it is {why}; got {got}")
            return None
        typed = typed_over(before, step.get("answers") or {})
        page = case_type.page(page_id)
        try:
            data, files = form_input(page, typed, (*where, "answers"))
        except AnswerProblem as problem:
            self.fail(problem.where, problem.message, key=True)
            return None
        form = case_type.form_class(page_id)(data)
        result = case_type.save_page(page_id, form, self.answers, files)
        self.answers = result.answers
        self._hidden_answers(step, typed, page, where, result.asked)
        following = case_type.next_page(page_id, self.answers) if result.valid else page
        errors = {e.key: e.message for e in result.errors}
        coverage.saw_page(case_type, page, self.answers, following, errors)
        prefilled = {f.id: f.prefill for f in page.fields if f.prefill}
        for kind in ("errors", "warnings"):
            found, expected = getattr(result, kind), step.get(kind) or {}
            for at, message in compare_messages(found, expected, kind, (*where, kind), prefilled):
                self.fail(at if kind in step else (*where, "page"), message)
        self._values(step, where)
        if "next" in step:
            got = following.id if following is not None else CHECK_ANSWERS
            pages = [p.id for p in self.case_type.pages] + [CHECK_ANSWERS]
            unknown = (
                ""
                if step["next"] in pages
                else f", which is not a page of '{self.case_type.id}'" + _meant(step["next"], pages)
            )
            if got != step["next"]:
                message = f"expected next page '{step['next']}'{unknown}, got '{got}'"
                self.fail((*where, "next"), message)
        return typed

    def _hidden_answers(
        self, step: dict, typed: dict, page, where: tuple, asked: frozenset
    ) -> None:
        """Fail at each answer given to a question the page hides once it is saved (or that
        an item of a repeating group hides, as the page asked it): a browser would not send
        it, so the journey would test less than it says."""
        values = None
        answers = step.get("answers") or {}
        for field in page.fields:
            answer = answers.get(field.id)
            if not _sends(answer):
                continue
            at = (*where, "answers", field.id)
            if field.show_if is not None:
                values = self.case_type.values(self.answers) if values is None else values
                if not truthy(field.show_if, values):
                    self._hidden(field, at)
                    continue
            if field.kind.holds_items and isinstance(answer, list):
                self._hidden_in_items(field, answer, typed[field.id], at, asked)

    def _hidden_in_items(
        self, group, items: list, typed: list, where: tuple, asked: frozenset
    ) -> None:
        """`items` as the step gives them, `typed` as the page has them (over what was typed
        there before)."""
        nested = {n.id: n for n in group.fields}
        # the page's form numbers only the items that send something (not `{}`, or all ~)
        sent = [i for i, item in enumerate(typed) if any(_sends(a) for a in item.values())]
        for index, item in enumerate(items):
            for key, answer in item.items():
                shown = index in sent and input_name(group.id, sent.index(index), key) in asked
                if _sends(answer) and not shown and nested[key].show_if is not None:
                    self._hidden(nested[key], (*where, index, key), f" in item {index + 1}")

    def _hidden(self, field, where: tuple, item: str = "") -> None:
        message = (
            f"question '{field.id}'{item} is not shown here: its show_if "
            f"'{field.show_if.text}' is false, so the answer would not be sent"
        )
        self.fail(where, message, key=True)

    def _values(self, step: dict, where: tuple) -> None:
        for field_id, expected in (step.get("values") or {}).items():
            field, got = self._value_of(field_id)
            if field is None:
                why = self._not_a_question(field_id, True) or comma_cut(field_id, step["values"])
                message = f"no question '{field_id}'{why}"
                self.fail((*where, "values", field_id), message, key=True)
                continue
            message = compare_value(field, expected, got)
            if message:
                self.fail((*where, "values", field_id), message)

    def _value_of(self, key: str) -> tuple:
        """The question `key` names and its answer: a question's id, or the input name of a
        group item's question (`people-0-hurt`, as `errors` names it); (None, None) if none."""
        field = self.case_type.fields.get(key)
        if field is not None:
            return field, self.answers.get(key)
        item = read_input_name(key)
        group = self.case_type.fields.get(item.group) if item else None
        nested = {n.id: n for n in group.fields}.get(item.field) if group else None
        if nested is None:
            return None, None
        items = self.answers.get(group.id) or []
        return nested, items[item.index].get(nested.id) if item.index < len(items) else None

    def _end(self, coverage: Coverage) -> None:
        case_type, spec = self.case_type, self.spec
        if "check_answers" in spec:
            self._check_answers(spec["check_answers"], (*self.where, "check_answers"))
        if "reference" in spec:
            got = f"{case_type.prefix}-{case_type.code}"
            if got != spec["reference"]:
                at = (*self.where, "reference")
                self.fail(at, f"expected reference '{spec['reference']}…', got '{got}…'")
        if "workflow" in spec:
            where = (*self.where, "workflow")
            problems = case_type.problems(self.answers)
            if problems:
                page_id, errors = next(iter(problems.items()))
                got = f"on page '{page_id}': {errors[0].key}: {errors[0].message}"
                self.fail(where, f"expected the case ready to send, got {got}", key=True)
                return
            for at, message in run_workflow(
                case_type, spec["workflow"], where, coverage, self.answers
            ):
                self.fail(at, message)

    def _not_a_question(self, field_id: str, by_item: bool = False) -> str:
        """Why a journey cannot name `field_id` by itself: a misspelling, or a question of a
        repeating group's items (whose answers are the group's; under `values`, `by_item`,
        each item's by its input name too)."""
        fields = self.case_type.fields
        group = next((f for f in fields.values() if field_id in {n.id for n in f.fields}), None)
        if group is None:
            return did_you_mean(field_id, fields)
        said = f": it is asked for each item of '{group.id}', so name '{group.id}'"
        if by_item:
            first = input_name(group.id, 0, field_id)
            said += f" (every item), or '{first}' (the first item's)"
        return said

    def _check_answers(self, expected: dict, where: tuple) -> None:
        rows = {
            row.field_id: row.value
            for section in self.case_type.summary_sections(self.answers)
            for row in section.rows
        }
        fields = self.case_type.fields
        for field_id, text in expected.items():
            if field_id not in fields:  # a misspelt id would otherwise pass as 'no row'
                hint = self._not_a_question(field_id)
                message = f"'{field_id}' is not a question of '{self.case_type.id}'{hint}"
                self.fail((*where, field_id), message, key=True)
                continue
            got = rows.get(field_id)
            if got == text:
                continue
            shown = "no row" if got is None else f"'{got}'"
            wanted = "no row" if text is None else f"'{text}'"
            self.fail(
                (*where, field_id), f"expected the row '{field_id}' to read {wanted}, got {shown}"
            )


def typed_over(before: dict, answers: dict) -> dict:
    """What a page answered again holds: `answers` typed over what was typed there `before`,
    a repeating group's items one by one (as the page shows each item's answers), so a step
    gives only the changes there too; a list shorter than before removes the items past it."""
    typed = {**before, **answers}
    for key, items in answers.items():
        old = before.get(key)
        if _items(items) and _items(old):
            typed[key] = [
                {**(old[i] if i < len(old) else {}), **item} for i, item in enumerate(items)
            ]
    return typed


def _items(answer) -> bool:
    return isinstance(answer, list) and all(isinstance(item, dict) for item in answer)


def _sends(answer) -> bool:
    """Whether a journey's answer puts anything in the page's form (~ and [] do not)."""
    return answer is not None and answer != []


def _meant(word: str, candidates) -> str:
    """ " (did you mean 'x'?)" when a candidate is close, for the middle of a message."""
    close = closest(word, candidates)
    return f" (did you mean '{close}'?)" if close else ""
