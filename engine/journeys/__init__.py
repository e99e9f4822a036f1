"""Journey tests written by form authors: `<case type>.tests.yaml` beside a case type.

    result = run_tests(["casetypes"])
    for failure in result.failures:
        print(failure)   # casetypes/send/ptt.tests.yaml:31:15: FAIL: expected …, got …
    for gap in result.gaps:
        print(gap)       # casetypes/send/ptt.yaml:98:15: not covered: condition '…' is false …

The case types are loaded as the portal loads them (engine.catalogue); each journey is typed
page by page into the pages' forms and saved with CaseType.save_page (engine/journeys/runner.py),
then sent and moved through its workflow (workflow.py). Nothing touches a database.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.catalogue import Catalogue, build_catalogue, yaml_files
from engine.journeys.coverage import Coverage, Gap
from engine.journeys.format import SUFFIX, is_tests_file, load_tests
from engine.journeys.runner import Failure, JourneyRun
from engine.problems import Problem, did_you_mean
from engine.source import Source, read_source

__all__ = ["Failure", "Gap", "Result", "SUFFIX", "run_tests", "tests_files"]


@dataclass
class Result:
    """What running the journeys found."""

    files: int = 0
    journeys: int = 0
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)  # broken test or case-type files
    failures: list[Failure] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    load_seconds: float = 0.0
    run_seconds: float = 0.0  # the journeys alone, the case types loaded
    untested: list[str] = field(default_factory=list)  # case-type files named, with no journeys

    @property
    def failed(self) -> bool:
        return bool(self.failures or any(p.severity == "error" for p in self.problems))


def tests_files(paths: Iterable[str]) -> list[str]:
    """The journey-test files named or found below `paths`, sorted."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(folder, f) for f in files if is_tests_file(f)]
        elif is_tests_file(path):
            found.append(path)
        elif os.path.exists(journeys_file(path)):  # a case type named: its journeys
            found.append(journeys_file(path))
    return sorted(dict.fromkeys(os.path.normpath(p) for p in found))


def journeys_file(path: str) -> str:
    """Where the journeys of the case type in `path` are: `ptt.yaml` -> `ptt.tests.yaml`."""
    stem = path.removesuffix(".yaml").removesuffix(".yml")
    return stem + ".tests" + path[len(stem) :]


def case_type_root(path: str) -> str:
    """The folder of case types a path belongs to: the nearest holding a `shared/` folder
    (the shared lists and workflows), else the path's own folder; absolute when `path` is."""
    folder = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    here = folder
    while not os.path.isdir(os.path.join(here, "shared")):
        if os.path.dirname(here) == here:
            here = folder
            break
        here = os.path.dirname(here)
    return here if os.path.isabs(path) else os.path.relpath(here)


def run_tests(paths: Iterable[str]) -> Result:
    """Run the journeys of the test files under `paths` against their case types; the gaps in
    coverage of the case types under `paths` (and those of the test files named)."""
    paths = list(paths)
    result = Result()
    started = time.perf_counter()
    roots = sorted({case_type_root(p) for p in paths})
    sources = [read_source(p) for p in yaml_files(roots)]
    catalogue = build_catalogue(sources)
    result.problems += catalogue.errors
    tests = [load_tests(p) for p in tests_files(paths)]
    result.load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    coverage = Coverage()
    scope: set[str] = set()
    for source in tests:
        result.files += 1
        result.problems += source.problems
        if source.data is not None and not source.problems:
            scope |= _run_file(source, catalogue, coverage, result)
    result.run_seconds = time.perf_counter() - started
    named = {os.path.abspath(p) for p in paths if not os.path.isdir(p)}
    result.untested = [
        case_type.source
        for case_type in catalogue.case_types.values()
        if os.path.abspath(case_type.source) in named
        and not os.path.exists(journeys_file(case_type.source))
    ]
    if not catalogue.errors:
        scope |= _under(catalogue, paths)
        result.gaps = _gaps(catalogue, sources, coverage, scope)
    return result


def _run_file(source: Source, catalogue: Catalogue, coverage: Coverage, result: Result) -> set:
    """Run one file's journeys; the id of its case type (none when it names none)."""
    data = source.data
    case_type = catalogue.get(data["case_type"])
    if case_type is None:
        if not catalogue.errors:
            hint = did_you_mean(data["case_type"], catalogue.case_types)
            at = source.positions.value(("case_type",))
            message = f"expected a case type '{data['case_type']}', got none{hint}"
            result.failures.append(Failure(source.path, *at, message))
        return set()
    for index, journey in enumerate(data["journeys"]):
        run = JourneyRun(case_type, journey, ("journeys", index), source.positions)
        result.failures += run.run(coverage)
        result.journeys += 1
        result.pages += len(journey["pages"])
    return {case_type.id}


def _under(catalogue: Catalogue, paths: list[str]) -> set[str]:
    """The case types whose files lie under the folders (or are the files) in `paths`."""
    wanted = [os.path.abspath(p) for p in paths if not is_tests_file(p)]
    return {
        case_type.id
        for case_type in catalogue.case_types.values()
        if any(
            os.path.abspath(case_type.source) == p
            or os.path.abspath(case_type.source).startswith(p.rstrip(os.sep) + os.sep)
            for p in wanted
        )
    }


def _gaps(catalogue: Catalogue, sources: list[Source], coverage: Coverage, scope: set) -> list:
    by_path = {s.path: s for s in sources}
    tested = {case_type_id for case_type_id, _page in coverage.pages}
    gaps, workflows = [], {}
    for case_type_id in sorted(scope):
        case_type = catalogue.case_types[case_type_id]
        source = by_path[case_type.source]
        if case_type_id not in tested:
            at = source.positions.value(("id",))
            gaps.append(Gap(source.path, *at, f"case type '{case_type_id}': no journey"))
            continue
        gaps += coverage.gaps(case_type, source)
        workflows.setdefault(id(case_type.workflow), (case_type, source))
    for case_type, source in workflows.values():
        gaps += _workflow_gaps(case_type, source, sources, coverage)
    return sorted(set(gaps))


def _workflow_gaps(case_type, source: Source, sources: list[Source], coverage: Coverage):
    """The untaken transitions of a case type's workflow, where the workflow is written."""
    workflow = case_type.workflow
    if isinstance(source.data.get("workflow"), dict):
        return coverage.workflow_gaps(workflow, source, ("workflow",))
    for shared in sources:
        data = shared.data
        if (
            isinstance(data, dict)
            and data.get("kind") == "workflows"
            and workflow.name in (data.get("workflows") or {})
        ):
            return coverage.workflow_gaps(workflow, shared, ("workflows", workflow.name))
    return []
