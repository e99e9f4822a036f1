"""`portal mail-worker`: deliver the outbox and scan the uploads waiting for clamd, until stopped
or once (webapp/cli.py finds it here); and the lines it, and `portal run`, print as it works."""

from __future__ import annotations

import signal
import threading

import click

from webapp.infra.cli_support import CommandError, portal_app


def print_batch(report) -> None:
    """A line for each batch of mail the worker tried."""
    click.echo(f"mail: {report}")


def print_scan(report) -> None:
    """A line for each scan of waiting uploads."""
    click.echo(f"virus scan: {report}")


@click.command(
    "mail-worker",
    short_help="deliver the outbox over SMTP ($MAIL_*) and scan uploads waiting for clamd",
)
@click.option("--once", is_flag=True, help="deliver what is due and scan what waits, then exit")
@click.option(
    "--interval",
    type=float,
    default=2.0,
    metavar="SECONDS",
    help="how often to look for due mail (default 2)",
)
def mail_worker(once: bool, interval: float) -> None:
    """Send queued email, retrying failures with back-off, and scan the uploads that clamd
    could not check when they arrived, until Ctrl+C (or once with --once). Purges old data
    hourly. Outside development it refuses to start without a virus scanner (CLAMD_SOCKET, or
    CLAMD_HOST and CLAMD_PORT)."""
    from webapp.infra.config import scanner_problem

    with portal_app() as app:
        problem = scanner_problem(app.config)
        if problem:
            raise CommandError(problem, 2)
        where = f"{app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}"
        if once:
            _deliver_once(app, where)
        else:
            _deliver_until_stopped(app, where, interval)


def _deliver_once(app, where: str) -> None:
    """Deliver every message due, then scan every upload waiting, while clamd answers."""
    from webapp.domain.scanning import BATCH as SCAN_BATCH
    from webapp.domain.scanning import ScanReport, scan_pending
    from webapp.infra.database import db
    from webapp.infra.extensions import mail
    from webapp.infra.mail.worker import BATCH, deliver_due

    sent = failed = 0
    while True:
        report = deliver_due(db(), mail)
        sent, failed = sent + report.sent, failed + report.failed
        if report.attempted:
            print_batch(report)
        if report.attempted < BATCH:
            break
    click.echo(f"mail worker: {sent} sent, {failed} failed (will be retried) through {where}")
    total = ScanReport()
    while True:
        report = scan_pending(db(), app.config)
        total.clean += report.clean
        total.infected += report.infected
        total.errors += report.errors
        total.waiting, total.problem = report.waiting, report.problem
        if report.waiting or report.scanned < SCAN_BATCH:
            break
    print_scan(total)


def _deliver_until_stopped(app, where: str, interval: float) -> None:
    """The worker's loop until Ctrl+C or SIGTERM (`docker stop`, systemd), which let it finish
    the message in hand."""
    from webapp.infra.mail.worker import run_worker

    stop = threading.Event()
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"mail worker delivering through {where} every {interval:g} s (Ctrl+C stops it)")
    try:
        run_worker(app, stop, interval=interval, on_batch=print_batch, on_scan=print_scan)
    except KeyboardInterrupt:
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    click.echo("mail worker stopped")
