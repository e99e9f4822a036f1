"""Compile a workflow and check that its graph is sound."""

from __future__ import annotations

from engine.model import Activity, Transition, Workflow
from engine.problems import Code, Problem, did_you_mean, make_problem
from engine.source import Source


def compile_workflow(
    name: str, data: dict, source: Source, where: tuple
) -> tuple[Workflow, list[Problem]]:
    """A Workflow from schema-valid data at `where` in `source`, with its graph problems."""
    problems: list[Problem] = []

    def add(code: Code, at: tuple, /, at_key: bool = False, **details) -> None:
        position = source.positions.key(at) if at_key else source.positions.value(at)
        problems.append(make_problem(code, source.path, *position, **details))

    activities = {
        activity_id: Activity(
            activity_id, spec["label"], spec["status"], spec.get("school_can_edit", False)
        )
        for activity_id, spec in data["activities"].items()
    }
    transitions = tuple(
        Transition(
            t["from"],
            t["to"],
            t["action"],
            t["by"],
            t.get("note", "none"),
            t.get("email_school", False),
            t.get("email_officers", False),
        )
        for t in data["transitions"]
    )
    workflow = Workflow(name, data["start"], activities, transitions)

    if workflow.start not in activities:
        add(
            Code.E400,
            (*where, "start"),
            name=workflow.start,
            suggestion=did_you_mean(workflow.start, activities),
        )
    seen_actions: set[tuple[str, str]] = set()
    for index, transition in enumerate(transitions):
        at = (*where, "transitions", index)
        for end, key in (("from", "source"), ("to", "target")):
            target = getattr(transition, key)
            if target not in activities:
                add(
                    Code.E401,
                    (*at, end),
                    end=end,
                    name=target,
                    suggestion=did_you_mean(target, activities),
                )
        if (transition.source, transition.action) in seen_actions:
            add(Code.E405, (*at, "action"), source=transition.source, action=transition.action)
        seen_actions.add((transition.source, transition.action))
        source_activity = activities.get(transition.source)
        if source_activity and source_activity.status != "Active":
            add(Code.W502, (*at, "from"), name=transition.source, status=source_activity.status)

    for status in ("Completed", "Abandoned"):
        if not any(a.status == status for a in activities.values()):
            add(Code.E403, (*where, "activities"), at_key=True, status=status)
    if workflow.start in activities:
        reachable = _reachable(workflow)
        for activity_id, activity in activities.items():
            at = (*where, "activities", activity_id)
            if activity_id not in reachable:
                add(Code.E402, at, at_key=True, name=activity_id, start=workflow.start)
            elif activity.status == "Active" and not workflow.transitions_from(activity_id):
                add(Code.E404, at, at_key=True, name=activity_id, status="Active")
    return workflow, problems


def _reachable(workflow: Workflow) -> set[str]:
    seen, todo = {workflow.start}, [workflow.start]
    while todo:
        for transition in workflow.transitions_from(todo.pop()):
            if transition.target not in seen and transition.target in workflow.activities:
                seen.add(transition.target)
                todo.append(transition.target)
    return seen
