"""W731: a case type changed since cases were sent with its version, whose `version` was not
raised. The portal keeps each version's definition when its first case is sent and reads every
case sent with that version with it once the version changes; a file changed under the same
number would have its cases read with another definition (an activity the kept one lacks, where
a case can never move). The definitions kept are read by the caller (webapp/infra)."""

from __future__ import annotations

import json

from engine.problems import Code, Problem, make_problem
from engine.source import read_source


def changed_versions(current: dict[str, tuple[str, dict]], kept: list[tuple]) -> list[Problem]:
    """W731 at the `version` of each case type (id -> (file, definition)) whose version is
    among the `kept` rows (case type id, version, definition, first sent) with another
    definition."""
    highest: dict[str, int] = {}
    for case_type_id, version, _definition, _sent in kept:
        highest[case_type_id] = max(version, highest.get(case_type_id, 0))
    problems = []
    for case_type_id, version, definition, sent in kept:
        if case_type_id not in current:
            continue
        path, now = current[case_type_id]
        now = json.loads(json.dumps(now))  # as the database would keep it
        if now.get("version") != version or now == definition:
            continue
        line, col = read_source(path).positions.value(("version",))
        details = {
            "version": version,
            "id": case_type_id,
            "sent": str(sent)[:10],
            "where": " > ".join(first_difference(definition, now)) or "its top",
            "next": highest[case_type_id] + 1,
        }
        problems.append(make_problem(Code.W731, path, line, col, **details))
    return problems


def first_difference(kept, now, path: tuple = ()) -> tuple | None:
    """Where `now` first differs from `kept`, in the file's order: keys, and the ids of items
    (or their numbers from 1)."""
    if isinstance(kept, dict) and isinstance(now, dict):
        for key in [*now, *(k for k in kept if k not in now)]:
            if key not in kept or key not in now:
                return (*path, str(key))
            found = first_difference(kept[key], now[key], (*path, str(key)))
            if found is not None:
                return found
        return None
    if isinstance(kept, list) and isinstance(now, list):
        for number, (before, after) in enumerate(zip(kept, now, strict=False), 1):
            name = after.get("id", number) if isinstance(after, dict) else number
            found = first_difference(before, after, (*path, str(name)))
            if found is not None:
                return found
        return None if len(kept) == len(now) else path
    return None if kept == now and type(kept) is type(now) else path
