"""Compile a workflow and check that its graph is sound."""

from __future__ import annotations

import ast
from typing import NamedTuple

import engine.expressions as ex
from engine.model import Activity, Transition, Workflow
from engine.problems import Code, Problem, did_you_mean, make_problem
from engine.source import Source


class _Finding(NamedTuple):
    """A problem before it is located: the path of the value (or key) it is about."""

    code: Code
    at: tuple
    details: dict
    at_key: bool = False


def compile_workflow(
    name: str, data: dict, source: Source, where: tuple, shared: bool = False
) -> tuple[Workflow, list[Problem]]:
    """A Workflow from schema-valid data at `where` in `source`, with its graph problems.

    A transition's `when:` stays text here: the case type's compiler checks it against its
    questions. A shared workflow serves case types with different questions, so it has none.
    """
    workflow = Workflow(name, data["start"], _activities(data), _transitions(data))
    findings = [*_transition_problems(workflow, where), *_graph_problems(workflow, where)]
    if shared:
        findings += [
            _Finding(Code.E406, (*where, "transitions", index, "when"), {}, at_key=True)
            for index, transition in enumerate(workflow.transitions)
            if transition.when_text
        ]
    problems = []
    for finding in findings:
        positions = source.positions
        position = positions.key(finding.at) if finding.at_key else positions.value(finding.at)
        problems.append(make_problem(finding.code, source.path, *position, **finding.details))
    return workflow, problems


def _activities(data: dict) -> dict[str, Activity]:
    return {
        activity_id: Activity(
            activity_id, spec["label"], spec["status"], spec.get("school_can_edit", False)
        )
        for activity_id, spec in data["activities"].items()
    }


def _transitions(data: dict) -> tuple[Transition, ...]:
    return tuple(
        Transition(
            t["from"],
            t["to"],
            t["action"],
            t["by"],
            t.get("note", "none"),
            t.get("email_school", False),
            t.get("email_officers", False),
            when_text=t.get("when", ""),
        )
        for t in data["transitions"]
    )


def _transition_problems(workflow: Workflow, where: tuple) -> list[_Finding]:
    """A start and transition ends that exist, actions unique per activity, none from an end."""
    activities = workflow.activities
    found = []
    if workflow.start not in activities:
        suggestion = did_you_mean(workflow.start, activities)
        found.append(
            _Finding(
                Code.E400, (*where, "start"), {"name": workflow.start, "suggestion": suggestion}
            )
        )
    seen_actions: set[tuple[str, str]] = set()
    for index, transition in enumerate(workflow.transitions):
        at = (*where, "transitions", index)
        for end, target in (("from", transition.source), ("to", transition.target)):
            if target not in activities:
                details = {
                    "end": end,
                    "name": target,
                    "suggestion": did_you_mean(target, activities),
                }
                found.append(_Finding(Code.E401, (*at, end), details))
        if (transition.source, transition.action) in seen_actions:
            details = {"source": transition.source, "action": transition.action}
            found.append(_Finding(Code.E405, (*at, "action"), details))
        seen_actions.add((transition.source, transition.action))
        if transition.by == "system" and transition.note != "none":  # nobody is there to write it
            detail = "a `by: system` transition is taken with no note: leave `note` out"
            found.append(_Finding(Code.E104, (*at, "note"), {"where": "'note'", "detail": detail}))
        source_activity = activities.get(transition.source)
        if source_activity and source_activity.status != "Active":
            details = {"name": transition.source, "status": source_activity.status}
            found.append(_Finding(Code.W502, (*at, "from"), details))
    return found


def _graph_problems(workflow: Workflow, where: tuple) -> list[_Finding]:
    """Both endings present; every activity reachable; no active activity a dead end."""
    activities = workflow.activities
    found = [
        _Finding(Code.E403, (*where, "activities"), {"status": status}, at_key=True)
        for status in ("Completed", "Abandoned")
        if not any(a.status == status for a in activities.values())
    ]
    if workflow.start not in activities:
        return found
    loops = _system_loops(workflow)
    reachable = _reachable(workflow, certain_moves=not loops)  # a loop (E407) says it all
    ending = _can_end(workflow)
    for activity_id, activity in activities.items():
        at = (*where, "activities", activity_id)
        if activity_id not in reachable:
            why = _never_taken_to(workflow, activity_id)
            details = {"name": activity_id, "start": workflow.start, "why": why}
            found.append(_Finding(Code.E402, at, details, at_key=True))
        elif activity.status == "Active" and not workflow.transitions_from(activity_id):
            found.append(_Finding(Code.E404, at, {"name": activity_id, "status": "Active"}, True))
        elif activity.status == "Active" and activity_id not in ending and not loops:
            onward = ", ".join(f"'{a}'" for a in _onward(workflow, activity_id)) or "itself"
            found.append(_Finding(Code.E408, at, {"name": activity_id, "onward": onward}, True))
        elif activity.status == "Active" and _may_all_be_false(
            [t.when_text for t in workflow.transitions_from(activity_id)]
        ):
            found.append(_Finding(Code.W505, at, {"name": activity_id}, True))
    if not loops:  # a round (E407) leaves everything after it untaken: it says enough
        found += _never_taken(workflow, reachable, where)
    for loop in loops:
        at = (*where, "activities", loop[0])
        details = {"loop": " -> ".join(f"'{a}'" for a in (*loop, loop[0]))}
        found.append(_Finding(Code.E407, at, details, True))
    return found


def _may_all_be_false(conditions: list[str]) -> bool:
    """Whether a case might find every way out of an activity closed (W505): every transition
    has a `when`, and none is plainly the opposite of the others. One always holds where one
    is `not` of another, or of several joined by `or` (`not (urgent or late)`), or two ask
    the same with `==` and `!=` (`in` and `not in`): an unanswered question makes the first
    false and the second true. `hours > 25` and `hours <= 25` are not: with `hours`
    unanswered (a hidden question), neither holds."""
    if not all(conditions):
        return False
    trees = [expression.tree.body for expression, _ in map(ex.parse, conditions) if expression]
    written = {ast.dump(tree) for tree in trees}
    for tree in trees:
        if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not):
            inner = tree.operand
            either = isinstance(inner, ast.BoolOp) and isinstance(inner.op, ast.Or)
            if all(ast.dump(part) in written for part in (inner.values if either else [inner])):
                return False
        elif isinstance(tree, ast.Compare) and len(tree.ops) == 1:
            opposite = _OPPOSITES.get(type(tree.ops[0]))
            if (
                opposite
                and ast.dump(ast.Compare(tree.left, [opposite()], tree.comparators)) in written
            ):
                return False
    return True


_OPPOSITES = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In}


def _system_loops(workflow: Workflow) -> list[list[str]]:
    """The rounds of activities a case is certain to be passed along for ever: in each, the
    first system transition out (the one the portal takes first) has no `when`."""
    certain = {}
    for activity_id in workflow.activities:
        system = workflow.transitions_from(activity_id, "system")
        if system and not system[0].when_text:
            certain[activity_id] = system[0].target
    loops, done = [], set()
    for activity_id in workflow.activities:  # in the order written: a loop is named once
        path = []
        while activity_id in certain and activity_id not in done and activity_id not in path:
            path.append(activity_id)
            activity_id = certain[activity_id]
        if activity_id in path:
            loops.append(path[path.index(activity_id) :])
        done.update(path)
    return loops


def _taken(workflow: Workflow, activity_id: str) -> list[Transition]:
    """The transitions out of an activity that can ever be taken: all of them, unless a
    `by: system` one has no `when`. The portal moves every case on by that one at once, so
    only the system transitions before it can be taken instead, and nobody acts there."""
    leaving = workflow.transitions_from(activity_id)
    for index, transition in enumerate(leaving):
        if transition.by == "system" and not transition.when_text:
            return [t for t in leaving[: index + 1] if t.by == "system"]
    return leaving


def _never_taken(workflow: Workflow, reachable: set[str], where: tuple) -> list[_Finding]:
    """W507 for each transition never taken, out of an activity a case reaches, to one it
    reaches some other way (to one it cannot, E402 says why)."""
    found = []
    for index, transition in enumerate(workflow.transitions):
        if transition.source not in reachable or transition.target not in reachable:
            continue
        taken = _taken(workflow, transition.source)
        if transition not in taken:
            details = {
                "action": transition.action,
                "source": transition.source,
                "first": taken[-1].action,
                "before": _passed_by(transition, taken[-1])[0],
            }
            found.append(_Finding(Code.W507, (*where, "transitions", index), details))
    return found


def _never_taken_to(workflow: Workflow, activity_id: str) -> str:
    """Why a transition to an activity that cannot be reached is never taken, if one is."""
    for transition in workflow.transitions:
        taken = _taken(workflow, transition.source)
        if transition.target == activity_id and transition not in taken:
            before, fix = _passed_by(transition, taken[-1])
            return (
                f": '{transition.action}' from '{transition.source}' is never taken, as the "
                f"portal moves every case on from there at once by '{taken[-1].action}' "
                f"(by: system, without `when`), {before}; {fix}"
            )
    return ""


def _passed_by(transition: Transition, first: Transition) -> tuple[str, str]:
    """Why `transition` is passed by when `first` (by: system, no `when`) moves every case on,
    and the mend. Only system transitions are taken in their order: a button is never shown,
    wherever it is listed, so listing it earlier mends nothing."""
    if transition.by == "system":
        return "listed before it", "list it before that one, or give that one a when"
    return (
        "before anyone could press it, wherever it is listed",
        f"give that one a when, or let it leave from '{first.target}', where cases go on to",
    )


def _reachable(workflow: Workflow, certain_moves: bool = True) -> set[str]:
    """The activities a case can come to; with `certain_moves`, by the transitions that can
    be taken (see _taken), else by any."""
    seen, todo = {workflow.start}, [workflow.start]
    while todo:
        activity_id = todo.pop()
        leaving = _taken if certain_moves else Workflow.transitions_from
        for transition in leaving(workflow, activity_id):
            if transition.target not in seen and transition.target in workflow.activities:
                seen.add(transition.target)
                todo.append(transition.target)
    return seen


def _can_end(workflow: Workflow) -> set[str]:
    """The activities from which the transitions that can be taken lead, in any number of
    steps, to one that ends the case (Completed or Abandoned), those included."""
    ending = {a for a, activity in workflow.activities.items() if activity.status != "Active"}
    grown = True
    while grown:
        grown = False
        for activity_id in workflow.activities:
            if activity_id not in ending and any(
                t.target in ending for t in _taken(workflow, activity_id)
            ):
                ending.add(activity_id)
                grown = True
    return ending


def _onward(workflow: Workflow, activity_id: str) -> list[str]:
    """The other activities a case can go on to from `activity_id`, in the order written."""
    seen, todo = {activity_id}, [activity_id]
    while todo:
        for transition in _taken(workflow, todo.pop()):
            if transition.target not in seen and transition.target in workflow.activities:
                seen.add(transition.target)
                todo.append(transition.target)
    return [a for a in workflow.activities if a in seen and a != activity_id]
