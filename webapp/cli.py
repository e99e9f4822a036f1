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


def _database_url() -> str:
    from webapp.config import settings

    return settings({"DEVELOPMENT": True, "SECRET_KEY": "unused"})["DATABASE_URL"]


def _db_upgrade(args: argparse.Namespace) -> int:
    from webapp.migrate import upgrade

    url = _database_url()
    upgrade(url)
    print(f"database is up to date ({_safe(url)})")
    return 0


def _safe(url: str) -> str:
    """A database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _demo_data(args: argparse.Namespace) -> int:
    if os.environ.get("PORTAL_ENV") != "development" and not args.force:
        print("portal demo-data: refusing outside development (set PORTAL_ENV=development "
              "or pass --force); demo users must never reach a real database",
              file=sys.stderr)
        return 2
    from webapp import create_app
    from webapp.database import db
    from webapp.demo import DEMO_PASSWORD, load_demo_data

    app = create_app({"DEVELOPMENT": True})
    with app.app_context():
        users = load_demo_data(db(), app.extensions["catalogue"])
    print(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        roles = ", ".join(f"{urn}{' (admin)' if admin else ''}" for urn, admin in user.schools)
        print(f"  {user.email:<36} {user.job_title} — schools {roles}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Production server: gunicorn with the app factory."""
    from gunicorn.app.wsgiapp import run

    port = os.environ.get("PORT", "8000")
    sys.argv = ["gunicorn", "--bind", f"{args.host}:{port}", "--workers", str(args.workers),
                "--access-logfile", "-", "webapp.wsgi:app"]
    run()
    return 0


def _run(args: argparse.Namespace) -> int:
    """Development server on 127.0.0.1 (PORT, default 5000)."""
    from webapp import create_app

    os.environ.setdefault("PORTAL_ENV", "development")
    app = create_app()
    port = int(os.environ.get("PORT", "5000"))
    print(f"School Portal on http://127.0.0.1:{port}/  (Ctrl+C stops it)")
    app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False)
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

    database = commands.add_parser("db", help="database commands")
    database_commands = database.add_subparsers(dest="db_command", metavar="COMMAND",
                                                required=True)
    database_commands.add_parser("upgrade", help="apply the migrations ($DATABASE_URL)"
                                 ).set_defaults(run=_db_upgrade)

    demo = commands.add_parser("demo-data", help="add demo schools, users and cases "
                                                 "(development only)")
    demo.add_argument("--force", action="store_true", help="even outside development")
    demo.set_defaults(run=_demo_data)

    run = commands.add_parser("run", help="the development server on 127.0.0.1:$PORT")
    run.set_defaults(run=_run)

    serve = commands.add_parser("serve", help="the production server (gunicorn)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on")
    serve.add_argument("--workers", type=int, default=2, help="worker processes")
    serve.set_defaults(run=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `portal` console script."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
