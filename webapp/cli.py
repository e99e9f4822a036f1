"""The `portal` command: validate case types, and (later) run and manage the portal."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _validate(args: argparse.Namespace) -> int:
    from engine import load_catalogue

    paths = args.paths or [os.environ.get("PORTAL_CASETYPES", "casetypes")]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"portal validate: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    catalogue = load_catalogue(paths)
    elapsed = time.perf_counter() - started
    failed = bool(catalogue.errors) or (args.strict and bool(catalogue.warnings))
    if args.format == "json":
        print(json.dumps({
            "ok": not failed,
            "case_types": sorted(catalogue.case_types),
            "links": sorted(catalogue.links),
            "problems": [p.as_dict() for p in catalogue.problems],
        }, indent=2))
    else:
        for problem in catalogue.problems:
            print(problem)
        summary = (f"{len(catalogue.errors)} error(s), {len(catalogue.warnings)} warning(s)"
                   if catalogue.problems else "no problems")
        counts = (f"{len(catalogue.case_types)} case type(s) and {len(catalogue.links)} "
                  f"link tile(s)" if not catalogue.errors else "nothing loaded")
        print(f"{summary}; {counts}; {elapsed * 1000:.0f} ms", file=sys.stderr)
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    from engine.schema import schema_json

    sys.stdout.write(schema_json())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description="School Portal commands.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate", help="check case-type YAML files and report every problem",
        description="Check case-type files; exit 0 when clean, 1 on errors, 2 on bad usage.")
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="files or folders (default: $PORTAL_CASETYPES or casetypes/)")
    validate.add_argument("--format", choices=["text", "json"], default="text",
                          help="text lines (default) or JSON for tools")
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of case-type files")
    schema.set_defaults(run=_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `portal` console script."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
