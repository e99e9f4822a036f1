"""A case type's settings beyond its pages, checked and compiled: its lifecycle (`status:`,
`retired_drafts_until:`), its CSV export (`export:`) and its workflow's conditions (`when:`).

Each takes the compiler's `add(code, where, at_key=False, **details)` to report problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from engine.expressions import parse
from engine.model import ExportOptions, Field, Page, Transition, Workflow
from engine.problems import Code, did_you_mean


@dataclass(frozen=True)
class Lifecycle:
    """Whether new cases may be started, and until when a retired type's drafts may be sent."""

    status: str = "live"
    drafts_until: dt.date | None = None

    @property
    def retired(self) -> bool:
        return self.status == "retired"

    def drafts_can_be_sent(self, today: dt.date) -> bool:
        """A live type's drafts always; a retired type's until its day (that day included)."""
        return not self.retired or (self.drafts_until is not None and today <= self.drafts_until)


def compile_lifecycle(data: Mapping, add: Callable) -> Lifecycle:
    """The lifecycle, with E700 (not a real date), E631 (a day without retirement), E632 (retired
    without a day)."""
    status = data.get("status", "live")
    text = data.get("retired_drafts_until")
    until = None
    if text is not None:
        try:
            until = dt.date.fromisoformat(text)
        except ValueError:
            add(Code.E700, ("retired_drafts_until",), text=text)
        if status != "retired":
            add(Code.E631, ("retired_drafts_until",), at_key=True)
    elif status == "retired":
        add(Code.E632, ("status",))
    return Lifecycle(status, until)


def compile_export(data: Mapping, questions: Mapping[str, Field], add: Callable) -> ExportOptions:
    """The export options; each heading names a question (E206), no heading twice (E633)."""
    spec = data.get("export", {})
    headings = spec.get("headings", {})
    given: dict[str, str] = {}
    for question_id, heading in headings.items():
        where = ("export", "headings", question_id)
        if question_id not in questions:
            add(
                Code.E206,
                where,
                at_key=True,
                key="a heading",
                name=question_id,
                expected="a question of this case type (outside repeating groups)",
                suggestion=did_you_mean(question_id, questions),
            )
        elif heading.strip() in given:
            add(Code.E633, where, heading=heading, other=given[heading.strip()])
        given.setdefault(heading.strip(), question_id)
    return ExportOptions(
        spec.get("options", "labels"),
        spec.get("dates", "as_shown"),
        {k: v.strip() for k, v in headings.items() if k in questions},
    )


def compile_conditions(workflow: Workflow, compile_condition: Callable) -> Workflow:
    """The workflow with each `when:` parsed and checked over the case type's questions by
    `compile_condition(text, where)` (None when it is broken: the file then has errors)."""
    if not workflow.has_conditions:
        return workflow
    transitions = tuple(
        replace(
            t,
            when=_condition(
                t, compile_condition(t.when_text, ("workflow", "transitions", i, "when"))
            ),
        )
        if t.when_text
        else t
        for i, t in enumerate(workflow.transitions)
    )
    return replace(workflow, transitions=transitions)


def _condition(transition: Transition, compiled):
    """A condition that cannot be read (only built so for a kept definition, see
    compile_definition: a check added since it was deployed) never holds for the portal's own
    transition, which would otherwise move every case by itself; a person's is offered, and
    they decide, so no case is left stuck."""
    if compiled is None and transition.by == "system":
        return _NEVER
    return compiled


_NEVER = parse("false")[0]


def compile_settings(
    data: Mapping, pages: list[Page], workflow: Workflow | None, add: Callable, condition: Callable
) -> tuple[Workflow | None, dict]:
    """The case type's workflow with its conditions (its own workflow only: a shared one has
    none, E406), and its `lifecycle` and `export`, as CaseType arguments."""
    lifecycle = compile_lifecycle(data, add)
    questions = {f.id: f for page in pages for f in page.fields if f.has_value}
    export = compile_export(data, questions, add)
    if workflow is not None and isinstance(data["workflow"], dict):
        workflow = compile_conditions(workflow, condition)
    return workflow, {"lifecycle": lifecycle, "export": export}
