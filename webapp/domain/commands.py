"""`portal purge`: the retention rules of webapp/domain/retention.py, run now (webapp/cli.py
finds it here; the mail worker runs them hourly)."""

from __future__ import annotations

import click

from webapp.infra.cli_support import portal_app


@click.command(
    short_help="delete used codes, old reset links, old records of sent mail, old API "
    "idempotency keys, old webhook deliveries and drafts untouched for "
    "$PORTAL_DRAFT_RETENTION_DAYS days (the mail worker does it hourly)"
)
def purge() -> None:
    """Delete used codes, old reset links, the sign-in failures of addresses quiet for 30 days,
    the 90-day record of sent mail, the API's Idempotency-Keys older than
    $PORTAL_API_IDEMPOTENCY_DAYS days, webhook deliveries delivered or given up on more than
    $PORTAL_WEBHOOK_KEEP_DAYS days ago, and drafts untouched for $PORTAL_DRAFT_RETENTION_DAYS
    days."""
    from webapp.domain.retention import purge as purge_old_data
    from webapp.infra.database import db

    with portal_app() as app:
        counts = purge_old_data(
            db(),
            app.config["PORTAL_DRAFT_RETENTION_DAYS"],
            idempotency_days=app.config["PORTAL_API_IDEMPOTENCY_DAYS"],
            webhook_days=app.config["PORTAL_WEBHOOK_KEEP_DAYS"],
        )
    click.echo("purged: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
