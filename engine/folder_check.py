"""Checking a folder of case types for `portal validate`: the catalogue's problems, on two
processors when the folder is big enough for a second process to pay.

The same stages as build_catalogue (engine/catalogue.py), split so that the two costly ones,
reading the files and compiling the case types, run half in a forked child:

1. the child reads and schema-checks its half of the files while the parent reads the other;
2. it sends the parent its problems and its files, except that a valid case type goes as a
   stub (its id and reference, where they are): enough for the checks across files;
3. the parent builds the shared lists, workflows and calendar from every file, as the serial
   way does, sends them to the child, and both compile their own case types;
4. the child sends its problems, the shared lists and workflows its case types used and the
   ids it compiled; the parent adds the checks across files and sorts the problems.

Every problem comes from the same function on the same data as in the serial way, so the
result is the same: problems sorted and each once. The definitions cases keep are not built
(checking needs none), which is why this returns ids rather than compiled case types.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass

from engine.catalogue import (
    Catalogue,
    add_case_types,
    finished,
    of_kind,
    schema_valid,
    shared_parts,
    unique_ids,
    without_cycle_collection,
    yaml_files,
)
from engine.problems import HasProblems, Problem, Severity
from engine.source import Source, SourceMap, read_source

# Below this much YAML a second process saves nothing (cold runs on the 2-core machine:
# 4 copies of casetypes/, 0.5 MB, took as long either way; 8 copies, 1.1 MB, a fifth less
# in two; casetypes/ itself is 0.13 MB).
TWO_PROCESSES_BYTES = 1024 * 1024


@dataclass
class FolderCheck(HasProblems):
    """What checking found: the problems, and the case types (id -> file) and the link
    tiles (ids) that would load, in the files' order (none when there is an error)."""

    problems: list[Problem]
    case_types: dict[str, str]
    links: list[str]


@without_cycle_collection
def check_folder(paths: list[str], processes: int | None = None) -> FolderCheck:
    """The problems of every YAML file under `paths`, as load_catalogue finds them; in two
    processes when `processes` is 2, or when it is None and there are two processors, no
    other thread (forking would copy it stopped) and at least TWO_PROCESSES_BYTES of YAML."""
    files = yaml_files(paths)
    if processes is None:
        processes = 2 if _may_fork() and _size(files) >= TWO_PROCESSES_BYTES else 1
    if processes > 1 and len(files) > 1:
        checked = _in_two(files)
        if checked is not None:
            return checked
    return _in_one(files)


def _in_one(files: list[str]) -> FolderCheck:
    catalogue = Catalogue()
    sources = [read_source(path) for path in files]
    valid = schema_valid(sources, catalogue.problems)
    shared = shared_parts(sources, valid, catalogue)
    case_types, links = of_kind(valid, "case_type"), of_kind(valid, "link")
    catalogue.problems += unique_ids(case_types, links)
    add_case_types(catalogue, case_types, shared, definitions=False)
    complete = len(valid) == len(sources)
    return _result(catalogue, shared, list(catalogue.case_types), case_types, links, complete)


def _in_two(files: list[str]) -> FolderCheck | None:
    """Checked with a forked child doing about half; None if the child failed."""
    import multiprocessing  # only here: most folders are checked in one process

    mine, theirs = _halves(files)
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    child = context.Process(target=_child, args=(theirs, child_end, parent_end), daemon=True)
    child.start()
    child_end.close()  # the child's copy alone: its exit ends the parent's reading
    try:
        return _with_child(files, mine, parent_end)
    except (EOFError, OSError):  # the child failed: its traceback is on stderr
        return None
    finally:  # whatever happened here, the child sees the end of the pipe and stops
        parent_end.close()
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
            child.join()


def _with_child(files: list[str], mine: list[str], child) -> FolderCheck:
    catalogue = Catalogue()
    own = [read_source(path) for path in mine]
    own_valid = schema_valid(own, catalogue.problems)
    their_sources, their_valid, their_problems = child.recv()
    catalogue.problems += their_problems
    order = {path: index for index, path in enumerate(files)}
    sources = sorted([*own, *their_sources], key=lambda source: order[source.path])
    valid_ids = {id(s) for s in own_valid} | {id(their_sources[i]) for i in their_valid}
    valid = [source for source in sources if id(source) in valid_ids]
    shared = shared_parts(sources, valid, catalogue)
    child.send(shared)
    case_types, links = of_kind(valid, "case_type"), of_kind(valid, "link")
    catalogue.problems += unique_ids(case_types, links)
    add_case_types(catalogue, of_kind(own_valid, "case_type"), shared, definitions=False)
    problems, used_lists, used_workflows, compiled = child.recv()
    catalogue.problems += problems
    shared.used_lists |= used_lists
    shared.used_workflows |= used_workflows
    compiled = [*catalogue.case_types, *compiled]
    complete = len(valid) == len(sources)
    return _result(catalogue, shared, compiled, case_types, links, complete)


@without_cycle_collection
def _child(files: list[str], parent, parents_own) -> None:
    """The child's half: read and check `files`, then compile their case types."""
    parents_own.close()  # the fork's copy of the parent's end: kept, the pipe would never end
    try:
        sources = [read_source(path) for path in files]
        problems: list[Problem] = []
        valid = schema_valid(sources, problems)
        case_types = of_kind(valid, "case_type")
        compiled_here = {id(source) for source in case_types}
        sent = [_stub(s) if id(s) in compiled_here else s for s in sources]
        valid_ids = {id(source) for source in valid}
        parent.send((sent, [i for i, s in enumerate(sources) if id(s) in valid_ids], problems))
        shared = parent.recv()
        catalogue = Catalogue()
        add_case_types(catalogue, case_types, shared, definitions=False)
        compiled = list(catalogue.case_types)
        parent.send((catalogue.problems, shared.used_lists, shared.used_workflows, compiled))
    except EOFError:  # the parent stopped early: it reports why
        pass
    finally:
        parent.close()


def _stub(source: Source) -> Source:
    """A valid case type as the checks across files see it: its id and reference, where."""
    data, positions = source.data, source.positions
    where = {key: positions.value(key) for key in (("id",), ("reference", "code"))}
    stub = {"kind": "case_type", "id": data["id"], "reference": data["reference"]}
    return Source(source.path, stub, SourceMap(source.path, values=where), [])


def _result(
    catalogue: Catalogue,
    shared,
    compiled: list[str],
    case_types: list[Source],
    links: list[Source],
    complete: bool,
) -> FolderCheck:
    """The check that needs every case type's part, then the problems sorted, each once."""
    if complete:  # with a broken file, "unused" may just mean "unread"
        catalogue.problems += shared.unused()
    problems = finished(catalogue).problems
    if any(problem.severity == Severity.ERROR for problem in problems):
        return FolderCheck(problems, {}, [])
    compiled_ids = set(compiled)
    files = {s.data["id"]: s.path for s in case_types if s.data["id"] in compiled_ids}
    return FolderCheck(problems, files, [source.data["id"] for source in links])


def _halves(files: list[str]) -> tuple[list[str], list[str]]:
    """The files split in two of about the same size (each half in the files' order)."""
    sizes = {path: _size([path]) for path in files}
    mine, theirs, mine_bytes, their_bytes = [], [], 0, 0
    for path in sorted(files, key=lambda p: -sizes[p]):
        if mine_bytes <= their_bytes:
            mine.append(path)
            mine_bytes += sizes[path]
        else:
            theirs.append(path)
            their_bytes += sizes[path]
    order = {path: index for index, path in enumerate(files)}
    return sorted(mine, key=order.get), sorted(theirs, key=order.get)


def _size(files: list[str]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):  # reading it will say why
            total += os.path.getsize(path)
    return total


def _may_fork() -> bool:
    """Two processors, and no other thread (a fork would copy it stopped, holding its locks)."""
    return _processors() > 1 and threading.active_count() == 1


def _processors() -> int:
    """The processors this process may run on; 1 where that cannot be told (not Linux,
    where forking a process that has imported system frameworks is also not safe)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return 1
