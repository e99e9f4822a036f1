"""Load a folder of YAML files into a catalogue of compiled case types and link tiles.
load -> schema check -> shared lists and workflows -> case types -> checks across files.
Every problem in every file is collected; a file with errors contributes nothing."""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from engine.casetype import CaseType
from engine.compiler import CaseTypeCompiler, build_options
from engine.definition import copied, resolve_definition
from engine.expressions import SchoolCalendar
from engine.file_lists import local_lists, unused_local_lists
from engine.model import SETTINGS, LinkTile, Option, Workflow
from engine.problems import Code, HasProblems, Problem, did_you_mean, make_problem
from engine.schema_check import check_schema
from engine.school_calendar import load_calendar
from engine.source import Source, SourceMap, read_source
from engine.workflows import compile_workflow
from engine.written_numbers import misread_options


@dataclass
class Catalogue(HasProblems):
    """The case types and link tiles of a folder, by id, with the problems found loading it."""

    case_types: dict[str, CaseType] = field(default_factory=dict)
    links: dict[str, LinkTile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    calendar: SchoolCalendar | None = None  # casetypes/shared/calendar.yaml, when there is one

    def get(self, case_type_id: str) -> CaseType | None:
        return self.case_types.get(case_type_id)

    def categories(
        self, setting: str | None = None, startable: bool = False
    ) -> dict[str, list[CaseType | LinkTile]]:
        """Case types and link tiles by category, in file order; optionally for one setting,
        or only those a case can be started with (`startable`: no retired case type)."""
        grouped: dict[str, list] = {}
        for entry in [*self.case_types.values(), *self.links.values()]:
            if startable and isinstance(entry, CaseType) and entry.lifecycle.retired:
                continue
            if setting is None or setting in entry.raised_by:
                grouped.setdefault(entry.category, []).append(entry)
        return grouped


# Journey tests beside the case types (engine/journeys): found by `portal test`, not loaded here.
# `.yml` as for case types.
TESTS_SUFFIX = (".tests.yaml", ".tests.yml")


def yaml_files(paths: Iterable[str]) -> list[str]:
    """The .yaml and .yml files named or found below the given paths, sorted (journey-test
    files, `*.tests.yaml`, left out)."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [
                    os.path.join(folder, f)
                    for f in files
                    if f.endswith((".yaml", ".yml")) and not f.endswith(TESTS_SUFFIX)
                ]
        else:
            found.append(path)
    return sorted(dict.fromkeys(os.path.normpath(p) for p in found))


def without_cycle_collection(function):
    """Loading makes hundreds of thousands of objects and no reference cycles worth finding:
    Python's cyclic garbage collector, which runs every few hundred new objects and walks ever
    more of them, would take a fifth of the time. It is paused while `function` runs (and
    resumed after, when it was on: nested calls leave it to the outermost)."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@without_cycle_collection
def load_catalogue(paths: str | Iterable[str]) -> Catalogue:
    """Load, check and compile every YAML file under `paths` (folders or files)."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    sources = [read_source(path) for path in yaml_files(paths)]
    return build_catalogue(sources)


@without_cycle_collection
def build_catalogue(
    sources: list[Source], calendar: SchoolCalendar | None = None, kept: bool = False
) -> Catalogue:
    """Compile already-read sources (tests pass YAML text through engine.source); `calendar`
    counts school days when no source is a calendar file; `kept` for a kept definition (see
    compile_definition: what can be built is kept, whatever the problems)."""
    catalogue = Catalogue()
    valid = schema_valid(sources, catalogue.problems)
    shared = shared_parts(sources, valid, catalogue, calendar)
    case_types, links = of_kind(valid, "case_type"), of_kind(valid, "link")
    catalogue.problems += unique_ids(case_types, links)
    add_case_types(catalogue, case_types, shared, kept=kept)
    _add_links(catalogue, links)
    if len(valid) == len(sources):  # with a broken file, "unused" may just mean "unread"
        catalogue.problems += shared.unused()
    return finished(catalogue, kept)


def finished(catalogue: Catalogue, kept: bool = False) -> Catalogue:
    """The problems in order (by file, line, column, code, message), each once; nothing
    loaded when there is an error anywhere (it may make other files' checks incomplete),
    unless `kept` (see compile_definition)."""
    catalogue.problems = sorted(set(catalogue.problems))
    if catalogue.errors and not kept:
        catalogue.case_types.clear()
        catalogue.links.clear()
    return catalogue


def of_kind(sources: list[Source], kind: str) -> list[Source]:
    """The sources of one kind (`case_type` when a file says none), in their order."""
    return [source for source in sources if source.data.get("kind", "case_type") == kind]


def schema_valid(sources: list[Source], problems: list) -> list[Source]:
    """The sources that were read and fit the schema; the problems of the others."""
    valid = []
    for source in sources:
        problems += source.problems
        if source.data is not None and not source.problems:
            schema_problems = check_schema(source) or misread_options(source)  # 4.50
            problems += schema_problems
            if not schema_problems:
                valid.append(source)
    return valid


@dataclass
class _Shared:
    """The shared option lists and workflows, compiled and as written, and which are used."""

    lists: dict[str, tuple[Option, ...]]
    list_origin: dict[str, tuple[str, int, int]]
    workflows: dict[str, Workflow]
    workflow_origin: dict[str, tuple[str, int, int]]
    raw_lists: dict
    raw_workflows: dict
    used_lists: set[str] = field(default_factory=set)
    used_workflows: set[str] = field(default_factory=set)
    calendar: SchoolCalendar | None = None
    broken: dict[str, str] = field(default_factory=dict)  # kind -> a file that has errors

    @classmethod
    def of(cls, valid: list[Source], problems: list) -> _Shared:
        list_files, workflow_files = of_kind(valid, "option_lists"), of_kind(valid, "workflows")
        return cls(
            *_shared_lists(list_files, problems),
            *_shared_workflows(workflow_files, problems),
            raw_lists={n: o for s in list_files for n, o in s.data["lists"].items()},
            raw_workflows={n: w for s in workflow_files for n, w in s.data["workflows"].items()},
        )

    def unused(self) -> list[Problem]:
        """Warnings for the shared lists and workflows no case type uses."""
        unused_lists = set(self.list_origin) - self.used_lists
        unused_workflows = set(self.workflow_origin) - self.used_workflows
        return [
            make_problem(Code.W500, *self.list_origin[name], name=name) for name in unused_lists
        ] + [
            make_problem(Code.W501, *self.workflow_origin[name], name=name)
            for name in unused_workflows
        ]


def shared_parts(
    sources: list[Source], valid: list[Source], catalogue: Catalogue, calendar=None
) -> _Shared:
    """The shared lists, workflows and school calendar of the valid files (their problems
    into the catalogue's), and which shared kinds have a file with errors."""
    shared = _Shared.of(valid, catalogue.problems)
    shared.broken = _broken_kinds(sources, valid)  # once: it looks at every file
    calendar_files = of_kind(valid, "calendar")
    loaded, found = load_calendar(calendar_files)
    shared.calendar = loaded or (None if calendar_files else calendar)
    if found and loaded is None:
        shared.broken.setdefault("calendar", calendar_files[0].path)
    catalogue.problems += found
    catalogue.calendar = shared.calendar
    return shared


def unique_ids(case_types: list[Source], links: list[Source]) -> list[Problem]:
    """E201 for each file whose id an earlier case type or link has, E202 for each case type
    whose reference prefix and code an earlier one has."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}  # case type / link id -> file
    references: dict[tuple[str, str], Source] = {}
    for source in case_types:
        _check_unique_id(source, owners, problems)
        _check_unique_reference(source, references, problems)
    for source in links:
        _check_unique_id(source, owners, problems)
    return problems


def add_case_types(
    catalogue: Catalogue,
    sources: list[Source],
    shared: _Shared,
    definitions: bool = True,
    kept: bool = False,
) -> None:
    """Compile each case-type file into the catalogue, or report why it cannot be;
    `definitions=False` when only the problems are wanted (not the data cases keep); `kept`
    builds each despite its problems (see compile_definition)."""
    problems = catalogue.problems
    for source in sources:
        data = source.data
        workflow = _workflow_for(
            source, shared.workflows, shared.used_workflows, problems, shared.broken
        )
        own_lists, found = local_lists(source, shared.list_origin)
        problems += found
        lists = {**shared.lists, **own_lists}
        broken = shared.calendar is None and "calendar" in shared.broken
        compiler = CaseTypeCompiler(
            source,
            lists,
            shared.workflows,
            shared.calendar,
            broken,
            kept=kept,
            lists_broken=shared.broken.get("option_lists", ""),
        )
        case_type = compiler.compile(workflow)
        problems += compiler.problems + unused_local_lists(source, compiler.used_lists)
        shared.used_lists |= compiler.used_lists - set(own_lists)
        if found or case_type is None:
            continue
        if definitions:
            definition = resolve_definition(data, shared.raw_lists, shared.raw_workflows)
            case_type = replace(case_type, definition=definition, calendar=shared.calendar)
        catalogue.case_types[case_type.id] = case_type


def _check_unique_reference(
    source: Source, references: dict[tuple[str, str], Source], problems: list
) -> None:
    """E202 when another case type already has this reference prefix and code (naming its
    file: the problem is on whichever file sorts later, which may be the one not changed)."""
    data = source.data
    key = (data["reference"]["prefix"], data["reference"]["code"])
    if key in references:
        other = references[key]
        line, col = source.positions.value(("reference", "code"))
        details = {"prefix": key[0], "code": key[1], "other": other.data["id"]}
        problems.append(make_problem(Code.E202, source.path, line, col, **details, path=other.path))
    references.setdefault(key, source)


def _add_links(catalogue: Catalogue, sources: list[Source]) -> None:
    """The link tiles ("remote service" entries) of the link files (an id taken already is
    an error, E201, and an error leaves the catalogue empty)."""
    for source in sources:
        data = source.data
        if data["id"] not in catalogue.links:
            catalogue.links[data["id"]] = LinkTile(
                data["id"],
                data["name"],
                data["category"],
                data["url"],
                data.get("summary", ""),
                tuple(data.get("raised_by", SETTINGS)),
                source.path,
            )


def compile_definition(
    definition: dict, path: str = "stored definition", calendar: SchoolCalendar | None = None
) -> CaseType:
    """Compile a definition kept as data (see resolve_definition); ValueError if it cannot be
    built. `calendar`: the school calendar its school-day functions count with (else weekdays).

    A kept definition passed the checks of the day it was deployed; a check added to the
    engine since (a pattern RE2 cannot run, a workflow that loops) must not stop the cases
    sent with it from being shown and worked, so the problems the compiler finds are not held
    against it: what can be built is used (`portal validate` reports them for today's files).
    """
    source = Source(path, copied(definition), SourceMap(path), [])
    catalogue = build_catalogue([source], calendar, kept=True)
    if definition["id"] not in catalogue.case_types:
        raise ValueError("; ".join(str(p) for p in catalogue.errors) or f"{path}: not built")
    return catalogue.case_types[definition["id"]]


def _check_unique_id(source: Source, owners: dict[str, str], problems: list) -> None:
    case_id = source.data["id"]
    if case_id in owners:
        line, col = source.positions.value(("id",))
        problems.append(
            make_problem(Code.E201, source.path, line, col, id=case_id, other=owners[case_id])
        )
        return
    owners[case_id] = source.path


def _shared_lists(sources: list[Source], problems: list):
    """The shared option lists by name, and where each is defined."""
    return _shared(sources, "lists", Code.E208, _list_options, problems)


def _shared_workflows(sources: list[Source], problems: list):
    """The shared workflows by name, and where each is defined."""

    def compile_one(name: str, spec: dict, source: Source):
        return compile_workflow(name, spec, source, ("workflows", name), shared=True)

    return _shared(sources, "workflows", Code.E209, compile_one, problems)


def _shared(sources: list[Source], section: str, twice: Code, compile_one, problems: list):
    """The definitions under `section` of these files, compiled by name, with where each is;
    a name defined again is reported (`twice`) and its second definition ignored."""
    compiled: dict = {}
    origin: dict[str, tuple[str, int, int]] = {}
    for source in sources:
        for name, spec in source.data[section].items():
            where = source.positions.key((section, name))
            if name in origin:
                problems.append(
                    make_problem(twice, source.path, *where, name=name, other=origin[name][0])
                )
                continue
            compiled[name], found = compile_one(name, spec, source)
            problems += found
            origin[name] = (source.path, *where)
    return compiled, origin


def _list_options(name: str, options: list, source: Source) -> tuple[tuple[Option, ...], list]:
    """A shared list's options, and an E205 problem for each value given twice."""
    built = build_options(options)
    values = [o.value for o in built]
    problems = [
        make_problem(
            Code.E205, source.path, *source.positions.value(("lists", name, index)), value=value
        )
        for index, value in enumerate(values)
        if value in values[:index]
    ]
    return built, problems


def _broken_kinds(sources: list[Source], valid: list[Source]) -> dict[str, str]:
    """The kinds of the files that could not be read or broke the schema: kind -> a path."""
    broken = {}
    read_well = {id(source) for source in valid}  # by identity: == compares whole files
    for source in sources:
        if id(source) not in read_well and isinstance(source.data, dict):
            broken.setdefault(str(source.data.get("kind", "case_type")), source.path)
    return broken


def _workflow_for(
    source: Source,
    workflows: dict[str, Workflow],
    used: set[str],
    problems: list,
    broken_shared: dict[str, str],
) -> Workflow | None:
    spec = source.data["workflow"]
    if isinstance(spec, dict):
        workflow, found = compile_workflow(source.data["id"], spec, source, ("workflow",))
        problems += found
        return workflow
    if spec not in workflows:
        line, col = source.positions.value(("workflow",))
        suggestion = did_you_mean(spec, workflows)
        if not suggestion and "workflows" in broken_shared:
            suggestion = f"; {broken_shared['workflows']} has errors, so it was not read"
        problems.append(
            make_problem(Code.E204, source.path, line, col, name=spec, suggestion=suggestion)
        )
        return None
    used.add(spec)
    return workflows[spec]
