"""A journey's workflow path: the case sent, then transitions taken by a school or an officer.

As the portal does (webapp/domain/workflow.py), a case enters the workflow's start when it is
sent, and after each step the portal takes the `by: system` transitions on its own; only the
transitions whose `when:` holds over the journey's answers are offered (or taken). Wherever the
case stands, the `when:` of the transitions leaving there counts for coverage, true or false.
"""

from __future__ import annotations

from engine.casetype import CaseType
from engine.journeys.coverage import Coverage
from engine.model import Transition

SYSTEM_STEPS_LIMIT = 20  # as the portal: system transitions never loop for ever


def run_workflow(
    case_type: CaseType, steps: list[dict], where: tuple, coverage: Coverage, answers: dict
) -> list[tuple[tuple, str]]:
    """(where, message) for the first step that does not go as written."""
    workflow = case_type.workflow
    values = case_type.values(answers)
    activity, emailed = _system_steps(case_type, workflow.start, coverage, values)
    if isinstance(activity, _Round):
        return [(where, str(activity))]
    for index, step in enumerate(steps):
        at = (*where, index)
        if "action" in step:
            choices = case_type.transitions_for(activity, step["by"], answers, values)
            taken = next((t for t in choices if t.action == step["action"]), None)
            if taken is None:
                offered = ", ".join(f"'{t.action}'" for t in choices) or "none"
                return [
                    (
                        (*at, "action"),
                        f"expected '{step['by']}' to be offered '{step['action']}' in "
                        f"'{activity}', got {offered}",
                    )
                ]
            coverage.took(case_type, taken)
            activity, emailed = _system_steps(case_type, taken.target, coverage, values)
            if isinstance(activity, _Round):
                return [((*at, "action"), str(activity))]
            emailed = _emails(taken) | emailed
        failure = _compare(case_type, step, at, activity, emailed)
        if failure:
            return [failure]
    return []


def _compare(case_type: CaseType, step: dict, at: tuple, activity: str, emailed: set[str]):
    if "activity" in step and step["activity"] != activity:
        return (*at, "activity"), f"expected activity '{step['activity']}', got '{activity}'"
    status = case_type.workflow.activities[activity].status
    if "status" in step and step["status"] != status:
        return (*at, "status"), f"expected status '{step['status']}', got '{status}'"
    if "emails" in step and set(step["emails"]) != emailed:
        wanted = ", ".join(sorted(step["emails"])) or "nobody"
        got = ", ".join(sorted(emailed)) or "nobody"
        return (*at, "emails"), f"expected emails to {wanted}, got {got}"
    return None


class _Round(str):
    """The portal's own transitions passing a case round for ever (E407 finds only rounds
    that no `when` can stop): where it goes round, as a journey's failure."""


def _system_steps(case_type: CaseType, activity: str, coverage: Coverage, values):
    """Where the portal's own transitions lead from `activity`, and whom they email; a _Round
    in place of the activity when they pass the case round until the portal stops them."""
    emailed: set[str] = set()
    passed = [activity]
    for _step in range(SYSTEM_STEPS_LIMIT):
        coverage.stood_in(case_type, activity, values)
        automatic = case_type.transitions_for(activity, "system", {}, values)
        if not automatic:
            return activity, emailed
        coverage.took(case_type, automatic[0])
        emailed |= _emails(automatic[0])
        activity = automatic[0].target
        if activity in passed:
            loop = [*passed[passed.index(activity) :], activity]
            return _Round(
                f"the portal's own transitions pass the case round "
                f"{' -> '.join(repr(a) for a in loop)} for ever, given these answers (it "
                f"stops after {SYSTEM_STEPS_LIMIT} moves): make one of them `by: officer`, or "
                "give it a `when` these answers make false"
            ), emailed
        passed.append(activity)
    return activity, emailed


def _emails(transition: Transition) -> set[str]:
    return {
        who
        for who, sent in (
            ("school", transition.email_school),
            ("officers", transition.email_officers),
        )
        if sent
    }
