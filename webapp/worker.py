"""The background worker: every few seconds it delivers the outbox (webapp/infra/mail/delivery.py),
scans the uploads waiting for clamd (webapp/domain/scanning.py) and, hourly, applies the
retention rules (webapp/domain/retention.py).

    run_worker(app, stop_event)                    # `portal mail-worker`: until stop_event is set
    thread, stop = start_background_worker(app)    # `portal run`: the same, in a thread

`portal mail-worker` is defined here too (webapp/cli.py finds it), with the lines it and
`portal run` print as it works.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable

import click
from flask import Flask
from flask_mail import Mail

from webapp.domain.retention import purge
from webapp.domain.scanning import ScanReport, scan_pending
from webapp.infra.cli_support import CommandError, portal_app
from webapp.infra.mail.delivery import BATCH, DeliveryReport, deliver_due
from webapp.infra.webhook_delivery import BATCH as HOOK_BATCH
from webapp.infra.webhook_delivery import deliver_webhooks

PURGE_EVERY = 3600.0  # seconds
# While clamd cannot be asked, the scan of waiting uploads is tried again after 30 s, 1 min,
# 2 min … at most 5 min (so that a hung daemon seldom holds up the mail).
SCAN_RETRY_FIRST, SCAN_RETRY_LONGEST = 30.0, 300.0


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
            from webapp.infra import logs

            logs.configure(app.config["PORTAL_LOG_FORMAT"], app.config["PORTAL_LOG_LEVEL"])
            _deliver_until_stopped(app, where, interval)


def _deliver_once(app, where: str) -> None:
    """Deliver every message due, then scan every upload waiting, while clamd answers."""
    from webapp.domain.scanning import BATCH as SCAN_BATCH
    from webapp.infra.database import db
    from webapp.infra.extensions import mail

    sent = failed = 0
    while True:
        report = deliver_due(db(), mail)
        sent, failed = sent + report.sent, failed + report.failed
        if report.attempted:
            print_batch(report)
        if report.attempted < BATCH:
            break
    click.echo(f"mail worker: {sent} sent, {failed} failed (will be retried) through {where}")
    while True:
        hooks = deliver_webhooks(db())
        if hooks.attempted:
            click.echo(f"webhooks: {hooks}")
        if hooks.attempted < HOOK_BATCH and not hooks.more:
            break
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


def run_worker(
    app: Flask,
    stop_event: threading.Event,
    interval: float = 2.0,
    on_batch: Callable[[DeliveryReport], None] | None = None,
    mail: Mail | None = None,
    on_scan: Callable[[ScanReport], None] | None = None,
) -> None:
    """Deliver due mail every `interval` seconds until `stop_event` is set; scan the uploads
    waiting for the virus scanner, and purge old data hourly, on the way.

    `on_batch` is called with the report of every batch that attempted something, `on_scan`
    with that of every scan that scanned something or found the scanner unreachable. A
    database error is logged and retried after the interval; the loop only ends when told to.
    """
    if mail is None:
        from webapp.infra.extensions import mail
    next_purge = next_scan = 0.0
    scan_retry = SCAN_RETRY_FIRST
    while not stop_event.is_set():
        full = False
        try:
            with app.app_context():
                session = app.extensions["db_sessions"]()
                try:
                    report = deliver_due(session, mail)
                    hooks = deliver_webhooks(session)  # webapp/infra/webhook_delivery.py
                    if time.monotonic() >= next_scan:
                        scans = scan_pending(session, app.config)
                        next_scan, scan_retry = _next_scan(scans, scan_retry)
                        if (scans.scanned or scans.waiting) and on_scan is not None:
                            on_scan(scans)
                    if time.monotonic() >= next_purge:  # once an hour, the retention rules
                        purge(
                            session,
                            app.config["PORTAL_DRAFT_RETENTION_DAYS"],
                            idempotency_days=app.config["PORTAL_API_IDEMPOTENCY_DAYS"],
                            webhook_days=app.config["PORTAL_WEBHOOK_KEEP_DAYS"],
                        )
                        next_purge = time.monotonic() + PURGE_EVERY
                finally:
                    session.close()
            full = report.attempted >= BATCH or hooks.attempted >= HOOK_BATCH or hooks.more
            if report.attempted and on_batch is not None:
                on_batch(report)
        except Exception:
            app.logger.exception("mail worker: delivery failed; trying again in %s s", interval)
        if not full:  # a full batch means more may be due: carry on at once
            stop_event.wait(interval)


def _next_scan(scans: ScanReport, retry: float) -> tuple[float, float]:
    """When to scan again (monotonic clock), and the wait after the next failure."""
    if not scans.waiting:
        return 0.0, SCAN_RETRY_FIRST
    return time.monotonic() + retry, min(retry * 2, SCAN_RETRY_LONGEST)


def start_background_worker(
    app: Flask,
    interval: float = 2.0,
    on_batch: Callable[[DeliveryReport], None] | None = None,
    on_scan: Callable[[ScanReport], None] | None = None,
) -> tuple[threading.Thread, threading.Event]:
    """run_worker() in a daemon thread; set the event and join the thread to stop it."""
    stop_event = threading.Event()
    thread = threading.Thread(
        target=run_worker,
        args=(app, stop_event, interval, on_batch, None, on_scan),
        name="portal-mail-worker",
        daemon=True,
    )
    thread.start()
    return thread, stop_event
