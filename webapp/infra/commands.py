"""`portal db upgrade`, `portal demo-data`, `portal run` and `portal serve`: the database, and
the servers (webapp/cli.py finds them here)."""

from __future__ import annotations

import os
import sys

import click

from webapp.infra import config
from webapp.infra.cli_support import CommandError, portal_app


@click.group(short_help="database commands")
def db() -> None:
    """Database commands."""


@db.command(short_help="apply the migrations ($DATABASE_URL)")
def upgrade() -> None:
    """Apply the Alembic migrations to $DATABASE_URL (in development, instance/'s SQLite)."""
    from sqlalchemy.engine import make_url

    from webapp.infra.migrate import upgrade as upgrade_to_head

    url = config.database_url(config.environment() == "development")
    upgrade_to_head(url)
    click.echo(f"database is up to date ({make_url(url).render_as_string(hide_password=True)})")


@click.command("demo-data", short_help="add demo schools, users and cases (development only)")
@click.option("--force", is_flag=True, help="even outside development")
def demo_data(force: bool) -> None:
    """Add demo schools, users and cases, and print the demo sign-ins (refused outside
    PORTAL_ENV=development unless --force)."""
    from webapp.demo import DEMO_PASSWORD, load_demo_data
    from webapp.infra.database import db as session

    if not force and config.environment() != "development":
        raise CommandError(
            "refusing outside development (set PORTAL_ENV=development or pass --force); "
            "demo users must never reach a real database",
            2,
        )
    with portal_app({"DEVELOPMENT": True}) as app:
        users = load_demo_data(session(), app.extensions["catalogue"])
    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        click.echo(f"  {user.email:<36} {user.job_title} — {user.describe()}")


@click.command(
    short_help="the development server on 127.0.0.1:$PORT, with a mail catcher and the mail worker"
)
def run() -> None:
    """Development server on 127.0.0.1 (PORT, default 5000), with the mail worker in a thread
    and, in development, a mail catcher on MAIL_SERVER:MAIL_PORT (unless one is running)."""
    from webapp.worker import print_batch, print_scan, start_background_worker

    if config.environment() != "development":
        raise CommandError(
            "the development server needs PORTAL_ENV=development (make run sets it); in "
            "production run `portal serve` and `portal mail-worker`",
            2,
        )
    port = config.port(5000)
    _refuse_a_port_in_use(port)
    with portal_app(server=True) as app:
        from webapp.infra import logs

        logs.configure(app.config["PORTAL_LOG_FORMAT"], app.config["PORTAL_LOG_LEVEL"])
        catcher = _start_catcher(app, port) if app.config["DEVELOPMENT"] else None
        if catcher is not None:
            app.extensions["mail_catcher"] = catcher  # /dev/mail reads sent mail from it
        worker, stop = start_background_worker(app, on_batch=print_batch, on_scan=print_scan)
        try:
            click.echo(_scanner_line(app.config))
            click.echo(f"School Portal on http://127.0.0.1:{port}/  (Ctrl+C stops it)")
            app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False)
        finally:
            stop.set()
            worker.join(timeout=10)
            if catcher is not None:
                catcher.stop()


def _refuse_a_port_in_use(port: int) -> None:
    """Say how to choose another port before starting anything: Werkzeug's own message came
    after the lines saying where the portal and its mail were, and did not name PORT."""
    from webapp.infra.mail.catcher import listening

    if listening("127.0.0.1", port):
        raise CommandError(
            f"127.0.0.1:{port} is in use by another program: stop it, or choose a free port "
            f"with PORT (PORT={port + 1} make run)"
        )


def _scanner_line(settings) -> str:
    """What scans uploads, for the start-up lines of `portal run`."""
    from webapp.domain.scanning import configured

    if not configured(settings):
        return (
            "Uploads are not scanned for viruses (no CLAMD_SOCKET or CLAMD_HOST; development only)"
        )
    where = settings["CLAMD_SOCKET"] or f"{settings['CLAMD_HOST']}:{settings['CLAMD_PORT']}"
    return f"Uploads are scanned by clamd at {where}"


def _start_catcher(app, port: int):
    """The development mail catcher on MAIL_SERVER:MAIL_PORT; None when that address is not
    this machine's, or something already listens there (an earlier catcher, MailHog…)."""
    from webapp.infra.mail.catcher import listening

    host, mail_port = app.config["MAIL_SERVER"], int(app.config["MAIL_PORT"])
    where = f"read sent mail at http://127.0.0.1:{port}/dev/mail"
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Mail goes to {host}:{mail_port} — {where}")
        return None
    taken = ""
    if listening(host, mail_port):
        if app.config.get("MAIL_PORT_CHOSEN", True):
            click.echo(f"Mail goes to the SMTP server already on {host}:{mail_port} — {where}")
            return None
        # Most likely another `portal run` (another checkout, another PORT): its catcher would
        # get this portal's mail, which this /dev/mail could then not show.
        taken, mail_port = f" ({host}:{mail_port} is taken; MAIL_PORT chooses a port)", 0
    try:
        from webapp.infra.mail.catcher import start_catcher

        catcher = start_catcher(host, mail_port)
    except (ImportError, OSError) as error:  # aiosmtpd not installed; the port taken
        click.echo(
            f"No mail catcher ({type(error).__name__}: {error}); mail waits in the outbox — "
            f"{where}",
            err=True,
        )
        return None
    if catcher.port != app.config["MAIL_PORT"]:
        from webapp.infra.extensions import mail

        app.config["MAIL_PORT"] = catcher.port
        mail.init_app(app)  # Flask-Mail reads its settings here
    click.echo(f"Mail catcher on {host}:{catcher.port}{taken} — {where}")
    return catcher


@click.command(short_help="the production server (gunicorn); needs a virus scanner (CLAMD_*)")
@click.option(
    "--host",
    default="127.0.0.1",
    help="address to listen on (default 127.0.0.1, behind a reverse proxy on this machine; "
    "0.0.0.0 in a container or behind a load balancer elsewhere)",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="worker processes (default PORTAL_WEB_WORKERS, or 2)",
)
def serve(host: str, workers: int | None) -> None:
    """Production server: gunicorn with the app factory (refused without a virus scanner),
    set up by webapp/infra/gunicorn_conf.py (workers, threads, timeouts, max requests, JSON
    logs; docs/deploy.md); run `portal mail-worker` beside it."""
    from gunicorn.app.wsgiapp import run as gunicorn

    # Refuse unfit settings in one line, before gunicorn starts any worker.
    problem = config.scanner_problem(config.settings({}))
    if problem:
        raise CommandError(problem, 2)
    config.web_server()  # a bad PORTAL_WEB_* setting is refused here, in one line
    port = config.port(8000)
    os.environ["PORT"] = str(port)  # its workers' settings: development links lead here
    bind = f"{host}:{port}"
    sys.argv = ["gunicorn", "--config", "python:webapp.infra.gunicorn_conf", "--bind", bind]
    if workers is not None:
        sys.argv += ["--workers", str(workers)]
    gunicorn()
