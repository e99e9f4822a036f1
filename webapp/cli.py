"""The `portal` command: validate case types, and (later) run and manage the portal."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _validate(args: argparse.Namespace) -> int:
    from engine import load_catalogue
    from webapp.infra.config import casetypes_folder

    paths = args.paths or [casetypes_folder("casetypes")]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"portal validate: no such file or folder: {missing[0]}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    catalogue = load_catalogue(paths)
    elapsed = time.perf_counter() - started
    failed = bool(catalogue.errors) or (args.strict and bool(catalogue.warnings))
    if args.format == "json":
        print(
            json.dumps(
                {
                    "ok": not failed,
                    "case_types": sorted(catalogue.case_types),
                    "links": sorted(catalogue.links),
                    "problems": [p.as_dict() for p in catalogue.problems],
                },
                indent=2,
            )
        )
    else:
        for problem in catalogue.problems:
            print(problem)
        summary = (
            f"{len(catalogue.errors)} error(s), {len(catalogue.warnings)} warning(s)"
            if catalogue.problems
            else "no problems"
        )
        counts = (
            f"{len(catalogue.case_types)} case type(s) and {len(catalogue.links)} link tile(s)"
            if not catalogue.errors
            else "nothing loaded"
        )
        print(f"{summary}; {counts}; {elapsed * 1000:.0f} ms", file=sys.stderr)
    return 1 if failed else 0


def _schema(args: argparse.Namespace) -> int:
    from engine.schema import schema_json

    sys.stdout.write(schema_json())
    return 0


def _database_url() -> str:
    from webapp.infra.config import database_url, environment

    return database_url(environment() == "development")


def _no_sessions() -> dict:
    from webapp.infra.config import without_web_sessions

    return without_web_sessions()


def _db_upgrade(args: argparse.Namespace) -> int:
    from webapp.infra.migrate import upgrade

    url = _database_url()
    upgrade(url)
    print(f"database is up to date ({_safe(url)})")
    return 0


def _safe(url: str) -> str:
    """A database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _demo_data(args: argparse.Namespace) -> int:
    from webapp.infra.config import environment

    if not args.force and environment() != "development":
        print(
            "portal demo-data: refusing outside development (set PORTAL_ENV=development "
            "or pass --force); demo users must never reach a real database",
            file=sys.stderr,
        )
        return 2
    from webapp import create_app
    from webapp.demo import DEMO_PASSWORD, load_demo_data
    from webapp.infra.database import db

    app = create_app({"DEVELOPMENT": True})
    with app.app_context():
        users = load_demo_data(db(), app.extensions["catalogue"])
    print(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        print(f"  {user.email:<36} {user.job_title} — {user.describe()}")
    return 0


def _onboard_school(args: argparse.Namespace) -> int:
    """A new school and its first admin, who is emailed a username, a password and the link
    (through the outbox, which the mail worker delivers). The password is never printed."""
    from webapp import create_app
    from webapp.areas.user_admin.services import EmailInUse, URNInUse, onboard_school, urn_problem
    from webapp.infra.database import db

    urn = args.urn.strip().upper()
    problem = urn_problem(urn, args.setting)
    if problem:
        args.usage_error(f"argument --urn: {problem}")
    app = create_app(_no_sessions())
    try:
        with app.app_context():
            school, admin = onboard_school(
                db(),
                name=args.name,
                urn=urn,
                setting_type=args.setting,
                admin_email=args.admin_email,
                admin_first_name=args.admin_first_name,
                admin_last_name=args.admin_last_name,
                admin_job_title=args.admin_job_title or "",
            )
            kind = "early years setting" if school.setting_type == "early_years" else "school"
            print(
                f"Onboarded {kind} {school.name} (URN {school.urn}) with {admin.email} as its "
                f"first admin; their sign-up email is in the outbox for the mail worker."
            )
    except URNInUse as error:
        print(f"portal onboard-school: {error}", file=sys.stderr)
        return 1
    except EmailInUse:
        print(f"portal onboard-school: {args.admin_email} already has an account", file=sys.stderr)
        return 1
    finally:
        app.extensions["db_engine"].dispose()
    return 0


def _add_council_user(args: argparse.Namespace) -> int:
    """A council officer or admin, emailed a username and password (through the outbox), in
    the named teams (created when missing). The password is never printed."""
    from webapp import create_app
    from webapp.areas.council_admin.services import add_officer, team_named
    from webapp.domain.accounts import EmailInUse
    from webapp.infra.database import db

    app = create_app(_no_sessions())
    try:
        with app.app_context():
            names = list(dict.fromkeys(args.team))
            team_ids = [team_named(db(), name).id for name in names]
            user = add_officer(
                db(),
                None,
                email=args.email,
                first_name=args.first_name,
                last_name=args.last_name,
                role=args.role,
                team_ids=team_ids,
            )
            teams = ", ".join(names) or "no team yet"
            print(
                f"Added council {args.role} {user.email} ({teams}); their sign-up email is "
                f"in the outbox for the mail worker."
            )
    except EmailInUse:
        print(f"portal add-council-user: {args.email} already has an account", file=sys.stderr)
        return 1
    finally:
        app.extensions["db_engine"].dispose()
    return 0


def _add_team(args: argparse.Namespace) -> int:
    """A council team (or one already there) now works these case types."""
    import difflib

    from webapp import create_app
    from webapp.areas.council_admin.services import add_team_case_types
    from webapp.infra.database import db

    app = create_app(_no_sessions())
    try:
        known = app.extensions["catalogue"].case_types
        for case_type_id in args.case_type:
            if case_type_id not in known:
                close = difflib.get_close_matches(case_type_id, list(known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                print(f"portal add-team: no case type '{case_type_id}'{hint}", file=sys.stderr)
                return 1
        with app.app_context():
            team, created = add_team_case_types(db(), args.name, args.case_type)
            print(
                f"{'Added' if created else 'Updated'} team {team.name}: works "
                f"{', '.join(team.case_type_ids)}"
            )
    finally:
        app.extensions["db_engine"].dispose()
    return 0


def _text(limit: int):
    """An argument type: text that is not blank, of at most `limit` characters."""

    def text(value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise argparse.ArgumentTypeError("must not be blank")
        if len(value) > limit:
            raise argparse.ArgumentTypeError(f"must be {limit} characters or fewer")
        return value

    return text


def _email(value: str) -> str:
    from webapp.areas.user_admin.services import EMAIL_PATTERN

    value = value.strip().lower()
    if len(value) > 254 or not EMAIL_PATTERN.fullmatch(value):
        raise argparse.ArgumentTypeError(f"not an email address: {value!r}")
    return value


def _job_title(value: str) -> str:
    from webapp.areas.user_admin.forms import JOB_TITLES

    match = next((t for t in JOB_TITLES if t.lower() == " ".join(value.split()).lower()), None)
    if match is None:
        raise argparse.ArgumentTypeError(f"not one of the job titles: {', '.join(JOB_TITLES)}")
    return match


def _serve(args: argparse.Namespace) -> int:
    """Production server: gunicorn with the app factory (refused without a virus scanner)."""
    from gunicorn.app.wsgiapp import run

    from webapp.infra.config import port, scanner_problem, settings

    # Refuse unfit settings in one line, before gunicorn starts any worker.
    problem = scanner_problem(settings({}))
    if problem:
        print(f"portal serve: {problem}", file=sys.stderr)
        return 2

    sys.argv = [
        "gunicorn",
        "--bind",
        f"{args.host}:{port(8000)}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
        "webapp.wsgi:app",
    ]
    run()
    return 0


def _run(args: argparse.Namespace) -> int:
    """Development server on 127.0.0.1 (PORT, default 5000), with the mail worker in a thread
    and, in development, a mail catcher on MAIL_SERVER:MAIL_PORT (unless one is running)."""
    from webapp import create_app
    from webapp.infra.config import environment
    from webapp.infra.config import port as port_setting
    from webapp.infra.mail.worker import start_background_worker

    if environment() != "development":
        print(
            "portal run: the development server needs PORTAL_ENV=development (make run sets "
            "it); in production run `portal serve` and `portal mail-worker`",
            file=sys.stderr,
        )
        return 2
    port = port_setting(5000)
    app = create_app()
    catcher = _start_catcher(app, port) if app.config["DEVELOPMENT"] else None
    if catcher is not None:
        app.extensions["mail_catcher"] = catcher  # /dev/mail reads sent mail from it
    worker, stop = start_background_worker(app, on_batch=_print_batch, on_scan=_print_scan)
    try:
        print(_scanner_line(app.config))
        print(f"School Portal on http://127.0.0.1:{port}/  (Ctrl+C stops it)")
        app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False)
    finally:
        stop.set()
        worker.join(timeout=10)
        if catcher is not None:
            catcher.stop()
    return 0


def _scanner_line(config) -> str:
    """What scans uploads, for the start-up lines of `portal run`."""
    from webapp.domain.scanning import configured

    if not configured(config):
        return (
            "Uploads are not scanned for viruses (no CLAMD_SOCKET or CLAMD_HOST; development only)"
        )
    where = config["CLAMD_SOCKET"] or f"{config['CLAMD_HOST']}:{config['CLAMD_PORT']}"
    return f"Uploads are scanned by clamd at {where}"


def _start_catcher(app, port: int):
    """The development mail catcher on MAIL_SERVER:MAIL_PORT; None when that address is not
    this machine's, or something already listens there (an earlier catcher, MailHog…)."""
    from webapp.infra.mail.catcher import listening

    host, mail_port = app.config["MAIL_SERVER"], int(app.config["MAIL_PORT"])
    where = f"read sent mail at http://127.0.0.1:{port}/dev/mail"
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Mail goes to {host}:{mail_port} — {where}")
        return None
    if listening(host, mail_port):
        print(f"Mail goes to the SMTP server already on {host}:{mail_port} — {where}")
        return None
    try:
        from webapp.infra.mail.catcher import start_catcher

        catcher = start_catcher(host, mail_port)
    except (ImportError, OSError) as error:  # aiosmtpd not installed; the port taken
        print(
            f"No mail catcher ({type(error).__name__}: {error}); mail waits in the outbox — "
            f"{where}",
            file=sys.stderr,
        )
        return None
    print(f"Mail catcher on {host}:{mail_port} — {where}")
    return catcher


def _print_batch(report) -> None:
    print(f"mail: {report}", flush=True)


def _print_scan(report) -> None:
    print(f"virus scan: {report}", flush=True)


def _mail_worker(args: argparse.Namespace) -> int:
    """Deliver the outbox and scan waiting uploads: until Ctrl+C (or SIGTERM), or once."""
    from webapp import create_app
    from webapp.infra.config import scanner_problem

    app = create_app(_no_sessions())
    try:
        problem = scanner_problem(app.config)
        if problem:
            print(f"portal mail-worker: {problem}", file=sys.stderr)
            return 2
        return _deliver(app, args)
    finally:
        app.extensions["db_engine"].dispose()


def _deliver(app, args: argparse.Namespace) -> int:
    import signal
    import threading

    from webapp.infra.database import db
    from webapp.infra.extensions import mail
    from webapp.infra.mail.worker import BATCH, deliver_due, run_worker

    where = f"{app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}"
    if args.once:
        total_sent = total_failed = 0
        with app.app_context():
            while True:
                report = deliver_due(db(), mail)
                total_sent += report.sent
                total_failed += report.failed
                if report.attempted:
                    _print_batch(report)
                if report.attempted < BATCH:
                    break
        print(
            f"mail worker: {total_sent} sent, {total_failed} failed (will be retried) "
            f"through {where}"
        )
        _scan_once(app)
        return 0
    stop = threading.Event()
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:  # `docker stop`, systemd: finish the message in hand, then stop
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(
        f"mail worker delivering through {where} every {args.interval:g} s (Ctrl+C stops it)",
        flush=True,
    )
    try:
        run_worker(app, stop, interval=args.interval, on_batch=_print_batch, on_scan=_print_scan)
    except KeyboardInterrupt:
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    print("mail worker stopped")
    return 0


def _scan_once(app) -> None:
    """Scan every upload waiting for the virus scanner, while it answers."""
    from webapp.domain.scanning import BATCH, ScanReport, scan_pending
    from webapp.infra.database import db

    total = ScanReport()
    with app.app_context():
        while True:
            report = scan_pending(db(), app.config)
            total.clean += report.clean
            total.infected += report.infected
            total.errors += report.errors
            total.waiting, total.problem = report.waiting, report.problem
            if report.waiting or report.scanned < BATCH:
                break
    _print_scan(total)


def _purge(args: argparse.Namespace) -> int:
    from webapp import create_app
    from webapp.domain.retention import purge
    from webapp.infra.database import db

    app = create_app(_no_sessions())
    with app.app_context():
        counts = purge(db(), app.config["PORTAL_DRAFT_RETENTION_DAYS"])
    print("purged: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description="School Portal commands.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate",
        help="check case-type YAML files and report every problem",
        description="Check case-type files; exit 0 when clean, 1 on errors, 2 on bad usage.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: $PORTAL_CASETYPES or casetypes/)",
    )
    validate.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text lines (default) or JSON for tools",
    )
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of case-type files")
    schema.set_defaults(run=_schema)

    database = commands.add_parser("db", help="database commands")
    database_commands = database.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    database_commands.add_parser(
        "upgrade", help="apply the migrations ($DATABASE_URL)"
    ).set_defaults(run=_db_upgrade)

    demo = commands.add_parser(
        "demo-data", help="add demo schools, users and cases (development only)"
    )
    demo.add_argument("--force", action="store_true", help="even outside development")
    demo.set_defaults(run=_demo_data)

    onboard = commands.add_parser(
        "onboard-school",
        help="add a school and its first admin (who is emailed a password)",
        description="Create a school or early years setting and its first admin. The admin is "
        "sent the sign-up email (username, a generated password, the portal's link) "
        "through the outbox; run the mail worker to deliver it. Exit 1 when the URN "
        "or the email address is already used.",
    )
    onboard.add_argument("--name", required=True, type=_text(200), help="the school's name")
    onboard.add_argument(
        "--urn",
        required=True,
        type=_text(12),
        help="its URN (6 digits), or Ofsted URN for early years (EY123456)",
    )
    onboard.add_argument(
        "--setting", required=True, choices=["school", "early_years"], help="school or early_years"
    )
    onboard.add_argument(
        "--admin-email",
        required=True,
        type=_email,
        metavar="EMAIL",
        help="the first admin's email address (their username)",
    )
    onboard.add_argument(
        "--admin-first-name",
        required=True,
        type=_text(100),
        metavar="NAME",
        help="the first admin's first name",
    )
    onboard.add_argument(
        "--admin-last-name",
        required=True,
        type=_text(100),
        metavar="NAME",
        help="the first admin's last name",
    )
    onboard.add_argument(
        "--admin-job-title",
        type=_job_title,
        metavar="TITLE",
        help="one of User admin's job titles, such as Headteacher",
    )
    onboard.set_defaults(run=_onboard_school, usage_error=onboard.error)

    council_user = commands.add_parser(
        "add-council-user",
        help="add a council officer or admin (who is emailed a password)",
        description="Create a council officer (works the cases of their teams in caseviewer) "
        "or council admin. They are sent the sign-up email (username, a generated "
        "password, the portal's link) through the outbox. Teams named with --team "
        "are created when missing, working no case types until `portal add-team` "
        "gives them some. Exit 1 when the email address is already used.",
    )
    council_user.add_argument(
        "--email", required=True, type=_email, help="their email address (their username)"
    )
    council_user.add_argument("--first-name", required=True, type=_text(100), metavar="NAME")
    council_user.add_argument("--last-name", required=True, type=_text(100), metavar="NAME")
    council_user.add_argument(
        "--role", required=True, choices=["officer", "admin"], help="officer or admin"
    )
    council_user.add_argument(
        "--team",
        action="append",
        default=[],
        type=_text(120),
        metavar="NAME",
        help="a team they belong to (repeatable)",
    )
    council_user.set_defaults(run=_add_council_user)

    team = commands.add_parser(
        "add-team",
        help="add a council team, or give a team more case types to work",
        description="Create the team if it is new, then add the case types (ids as in the "
        "case-type files, e.g. part-time-timetable) to those it works. Exit 1 on "
        "an unknown case type id.",
    )
    team.add_argument("--name", required=True, type=_text(120), help="the team's name")
    team.add_argument(
        "--case-type",
        required=True,
        action="append",
        metavar="ID",
        help="a case type id the team works (repeatable)",
    )
    team.set_defaults(run=_add_team)

    run = commands.add_parser(
        "run",
        help="the development server on 127.0.0.1:$PORT, with a mail catcher and the mail worker",
    )
    run.set_defaults(run=_run)

    worker = commands.add_parser(
        "mail-worker",
        help="deliver the outbox over SMTP ($MAIL_*) and scan uploads waiting for clamd",
        description="Send queued email, retrying failures with back-off, and scan the uploads "
        "that clamd could not check when they arrived, until Ctrl+C (or once with --once). "
        "Purges old data hourly. Outside development it refuses to start without a virus "
        "scanner (CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT).",
    )
    worker.add_argument(
        "--once", action="store_true", help="deliver what is due and scan what waits, then exit"
    )
    worker.add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how often to look for due mail (default 2)",
    )
    worker.set_defaults(run=_mail_worker)

    purge_command = commands.add_parser(
        "purge",
        help="delete used codes, old reset links, old records of sent mail and drafts "
        "untouched for $PORTAL_DRAFT_RETENTION_DAYS days (the mail worker does it hourly)",
    )
    purge_command.set_defaults(run=_purge)

    serve = commands.add_parser(
        "serve", help="the production server (gunicorn); needs a virus scanner (CLAMD_*)"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, behind a reverse proxy on this machine; "
        "0.0.0.0 in a container or behind a load balancer elsewhere)",
    )
    serve.add_argument("--workers", type=int, default=2, help="worker processes")
    serve.set_defaults(run=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `portal` console script."""
    from webapp.infra.config import SettingsError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except SettingsError as error:
        print(f"portal {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
