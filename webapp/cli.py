"""The `portal` command, a Click group. `validate`, `schema` and `answers-schema` (the
engine's) live here; every other command lives beside the code it drives and is imported only
when it runs, so that `portal validate` starts without Flask. What the commands share is
webapp/infra/cli_support.py.
"""

from __future__ import annotations

import importlib
import json
import sys
import time

import click

from webapp.infra.cli_support import Choice, CommandError, case_type_paths
from webapp.infra.config import SettingsError

# Each command beside the code it drives: name -> module:attribute.
COMMANDS = {
    "db": "webapp.infra.commands:db",
    "demo-data": "webapp.infra.commands:demo_data",
    "run": "webapp.infra.commands:run",
    "serve": "webapp.infra.commands:serve",
    "mail-worker": "webapp.worker:mail_worker",
    "purge": "webapp.domain.commands:purge",
    "onboard-school": "webapp.areas.council_admin.commands:onboard_school",
    "add-council-user": "webapp.areas.council_admin.commands:add_council_user",
    "add-team": "webapp.areas.council_admin.commands:add_team",
    "docs": "webapp.docsite.commands:docs",
    "preview": "webapp.preview.commands:preview",
    "add-api-client": "webapp.domain.api_client_commands:add_api_client",
}


class PortalGroup(click.Group):
    """Commands found in COMMANDS when named; settings that refuse to start become one line
    naming the command (`portal serve: SECRET_KEY …`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = COMMANDS[cmd_name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0]
        if not name.startswith("-") and self.get_command(ctx, name) is None:
            # "Did you mean …?" among all the commands, not only those imported.
            raise click.NoSuchCommand(name, possibilities=self.list_commands(ctx), ctx=ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            raise CommandError(str(error), 2, f"portal {ctx.invoked_subcommand}") from None


@click.group(cls=PortalGroup, context_settings={"help_option_names": ["-h", "--help"]})
def portal() -> None:
    """School Portal commands."""


@portal.command(short_help="check case-type YAML files and report every problem")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "output",
    type=Choice(["text", "json"]),
    default="text",
    help="text lines (default) or JSON for tools",
)
@click.option("--strict", is_flag=True, help="warnings fail too")
def validate(paths: tuple[str, ...], output: str, strict: bool) -> None:
    """Check case-type files or folders (default: $PORTAL_CASETYPES or casetypes/); exit 0
    when clean, 1 on errors, 2 on bad usage."""
    from engine.folder_check import check_folder

    paths = _files_to_validate(case_type_paths(paths))
    started = time.perf_counter()
    catalogue = check_folder(list(paths))  # on two processors for a big folder
    if strict and not catalogue.errors:
        catalogue.problems += _database_checks(catalogue, paths)
    elapsed = time.perf_counter() - started
    failed = bool(catalogue.errors) or (strict and bool(catalogue.warnings))
    if output == "json":
        click.echo(json.dumps(_report(catalogue, failed), indent=2))
    else:
        for problem in catalogue.problems:
            click.echo(str(problem))
        click.echo(f"{_summary(catalogue)}; {elapsed * 1000:.0f} ms", err=True)
    if failed:
        click.get_current_context().exit(1)


def _files_to_validate(paths: list[str]) -> list[str]:
    """`paths`, refused (exit 2) when one is a journey-test file, which holds no case type, or
    when they hold no YAML file at all (a wrong folder would otherwise pass as clean)."""
    from engine.catalogue import TESTS_SUFFIX, yaml_files

    journeys = next((p for p in paths if p.endswith(TESTS_SUFFIX)), None)
    if journeys is not None:
        raise CommandError(f"{journeys} is a journey-test file: run it with portal test", 2)
    if not yaml_files(paths):
        raise CommandError(f"no case-type files (*.yaml) in {', '.join(paths)}", 2)
    return paths


def _database_checks(catalogue, paths) -> list:
    """W730 for the case types no team works, and W731 for those changed under a version cases
    were sent with, when DATABASE_URL names a database."""
    from webapp.infra.config import configured_database_url

    url = configured_database_url()
    if not url:
        return []
    from sqlalchemy.exc import SQLAlchemyError

    from engine import load_catalogue
    from engine.kept_versions import changed_versions
    from webapp.infra.team_check import kept_definitions, unworked_case_types

    read = {"the teams": unworked_case_types, "the kept versions": kept_definitions}
    found = {}
    for what, reader in read.items():
        try:
            found[what] = reader(catalogue.case_types, url)
        except SQLAlchemyError as error:
            reason = str(error.orig if getattr(error, "orig", None) else error).splitlines()[0]
            raise CommandError(f"cannot read {what} from DATABASE_URL: {reason}", 2) from None
    problems, kept = found["the teams"], found["the kept versions"]
    if kept:  # the definitions as the portal keeps them: a second, full load
        loaded = load_catalogue(paths).case_types
        current = {i: (catalogue.case_types[i], t.definition) for i, t in loaded.items()}
        problems += changed_versions(current, kept)
    return problems


def _report(catalogue, failed: bool) -> dict:
    return {
        "ok": not failed,
        "case_types": sorted(catalogue.case_types),
        "links": sorted(catalogue.links),
        "problems": [p.as_dict() for p in catalogue.problems],
    }


def _summary(catalogue) -> str:
    problems = (
        f"{len(catalogue.errors)} error(s), {len(catalogue.warnings)} warning(s)"
        if catalogue.problems
        else "no problems"
    )
    loaded = (
        f"{len(catalogue.case_types)} case type(s) and {len(catalogue.links)} link tile(s)"
        if not catalogue.errors
        else "nothing loaded"
    )
    return f"{problems}; {loaded}"


@portal.command("test", short_help="run the journey tests of case types (*.tests.yaml)")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--coverage", is_flag=True, help="list what no journey visits")
@click.option("--strict", is_flag=True, help="anything not visited fails (implies --coverage)")
@click.option("--schema", is_flag=True, help="print the JSON Schema of journey-test files")
def test_command(paths: tuple[str, ...], coverage: bool, strict: bool, schema: bool) -> None:
    """Run the journeys of `*.tests.yaml` files or folders (default: $PORTAL_CASETYPES or
    casetypes/) with the engine alone; exit 0 when every expectation holds, 1 on a failure
    (or, with --strict, on anything not covered), 2 on bad usage."""
    from engine.catalogue import yaml_files
    from engine.journeys import journeys_file, run_tests
    from engine.journeys.format import schema_json as tests_schema

    if schema:
        click.echo(tests_schema(), nl=False)
        return
    paths = case_type_paths(paths)
    if not yaml_files(paths):  # a wrong folder would otherwise pass: "0 journey(s)… 0 failed"
        raise CommandError(f"no case-type files (*.yaml) in {', '.join(paths)}", 2)
    result = run_tests(paths)
    if result.untested and not (coverage or strict):  # it passed: "0 journey(s)… 0 failed"
        untested = result.untested[0]
        raise CommandError(
            f"{untested} has no journey tests: write them in {journeys_file(untested)} "
            "(docs/casetypes.md, Journey tests), or see what they should visit with --coverage",
            2,
        )
    coverage = coverage or strict
    for line in [*result.problems, *result.failures, *(result.gaps if coverage else [])]:
        click.echo(str(line))
    click.echo(_test_summary(result, coverage), err=True)
    if result.failed or (strict and result.gaps):
        click.get_current_context().exit(1)


def _test_summary(result, coverage: bool) -> str:
    failed = {(f.path, f.journey) for f in result.failures}
    summary = (
        f"{result.journeys} journey(s), {result.pages} page(s) in {result.files} file(s): "
        f"{len(failed)} failed, {result.journeys - len(failed)} passed"
    )
    if result.problems:
        summary += f"; {len(result.problems)} problem(s) in the files"
    if coverage:
        summary += f"; {len(result.gaps)} not covered"
    return (
        f"{summary}; journeys {result.run_seconds * 1000:.0f} ms "
        f"(loading {result.load_seconds * 1000:.0f} ms)"
    )


@portal.command(short_help="print the JSON Schema of case-type files")
def schema() -> None:
    """Print the JSON Schema of case-type files (schemas/casetype.schema.json)."""
    from engine.schema import schema_json

    click.echo(schema_json(), nl=False)


@portal.command("answers-schema", short_help="print the JSON Schema of a case type's answers")
@click.argument("case_type_id", metavar="ID")
@click.option("--version", type=click.IntRange(min=1), help="a version cases were sent with")
def answers_schema(case_type_id: str, version: int | None) -> None:
    """Print the JSON Schema (2020-12) of the answers a case of type ID is sent with: the
    current version in $PORTAL_CASETYPES (no database needed), or with --version an older one
    the database keeps for the cases sent with it."""
    from engine import load_catalogue
    from engine.answer_schema import answers_schema as schema_of
    from engine.problems import closest
    from webapp.infra.config import casetypes_folder

    catalogue = load_catalogue(casetypes_folder("casetypes"))
    if catalogue.errors:
        raise CommandError("the case types have errors: run `portal validate`")
    case_type = catalogue.get(case_type_id)
    if version is not None and (case_type is None or case_type.version != version):
        case_type = _kept_version(case_type_id, version, case_type)
    elif case_type is None:
        close = closest(case_type_id, catalogue.case_types)
        known = ", ".join(sorted(catalogue.case_types))
        said = f"did you mean '{close}'?" if close else f"the case types: {known}"
        raise CommandError(f"no case type '{case_type_id}' ({said})")
    click.echo(json.dumps(schema_of(case_type), indent=2, ensure_ascii=False))


def _kept_version(case_type_id: str, version: int, current):
    """An older version, as the database keeps it for the cases sent with it."""
    from webapp.domain.answer_schemas import case_type_at, kept_versions
    from webapp.infra.cli_support import portal_app
    from webapp.infra.database import db

    with portal_app():
        found = case_type_at(db(), case_type_id, version)
        kept = kept_versions(db(), case_type_id)
    if found is None:
        versions = sorted({*kept, *([current.version] if current else [])})
        known = ", ".join(map(str, versions)) or "none"
        raise CommandError(f"no version {version} of '{case_type_id}' (versions: {known})")
    return found


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `portal` console script: runs a command, returns its exit status.
    Bad usage prints the usage and one line naming the argument, then exits 2 (SystemExit)."""
    try:
        return portal.main(args=argv, prog_name="portal", standalone_mode=False) or 0
    except click.UsageError as error:
        _show_usage_error(error, sys.argv[1:] if argv is None else argv)
        raise SystemExit(2) from None
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1


def _show_usage_error(error: click.UsageError, argv: list[str]) -> None:
    """The usage, where help is, and last `portal COMMAND: error: …` (as `portal` always said).
    An option's missing or unwanted value (`--format` last) comes with no context: the
    command is then named from `argv`."""
    ctx = error.ctx
    if ctx is None:
        named = next((a for a in argv if not a.startswith("-")), None)
        command = portal.commands.get(named) if named else None
        ctx = (
            command.make_context(f"portal {named}", [], resilient_parsing=True) if command else None
        )
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        error.show()  # `portal` or `portal db` alone: the help, on stderr
        return
    if ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage:")
        click.echo(f"usage:{usage}\nTry '{ctx.command_path} --help' for help.", err=True)
    where = ctx.command_path if ctx is not None else "portal"
    click.echo(f"{where}: error: {_error_line(error)}", err=True)


def _error_line(error: click.UsageError) -> str:
    """What is wrong, naming the argument: "argument --urn: …", "the following arguments are
    required: --urn, --setting" (every required option missing, not only the first)."""
    if isinstance(error, click.MissingParameter) and error.param is not None and error.ctx:
        given = error.ctx.params  # options are checked in the order given, missing ones last
        missing = [p for p in error.ctx.command.params if p.required and p.name not in given]
        return "the following arguments are required: " + ", ".join(_name(p) for p in missing)
    if isinstance(error, click.BadParameter) and (error.param_hint or error.param):
        return f"argument {error.param_hint or _name(error.param)}: {error.message}"
    return error.format_message()


def _name(param: click.Parameter) -> str:
    return "/".join(param.opts)


if __name__ == "__main__":
    raise SystemExit(main())
