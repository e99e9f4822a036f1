"""What a load balancer asks: /healthz (the process answers; nothing else is touched) and
/readyz (the database answers, its schema is at the latest migration, and mail is not stuck:
the oldest unsent message is younger than PORTAL_READY_OUTBOX_LAG_MINUTES).

Both answer before anything else of the portal runs for a request (no session read or set, no
user loaded, no rate limit, no sign-in), in JSON that names no version, host or error text.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, jsonify, request
from sqlalchemy import select, text

from webapp.infra import clock
from webapp.models import OutboxMessage


def init_app(app: Flask) -> None:
    """The two routes, answered by a hook that runs before every other one (call this before
    the database, sessions and sign-in are set up)."""
    app.add_url_rule("/healthz", "health.live", live)
    app.add_url_rule("/readyz", "health.ready", ready)
    app.before_request_funcs.setdefault(None, []).insert(0, _answer_first)

    class ProbeSessions(type(app.session_interface)):
        """Never a Set-Cookie on a probe, even one that sends a signed-in session's cookie."""

        def should_set_cookie(self, app, session) -> bool:
            return request.endpoint not in PROBES and super().should_set_cookie(app, session)

    app.session_interface = ProbeSessions()


def _answer_first():
    probe = PROBES.get(request.endpoint or "")
    return probe() if probe is not None else None


def live():
    """200 while the process can answer at all."""
    return jsonify(status="ok")


def ready():
    """200 when this instance can serve users; 503 with the reason when it cannot."""
    reason = not_ready_because()
    if reason:
        return jsonify(status="unavailable", reason=reason), 503
    return jsonify(status="ok")


PROBES = {"health.live": live, "health.ready": ready}


def not_ready_because() -> str | None:
    """Why the portal cannot serve now, in words for an operator, or None."""
    engine = current_app.extensions["db_engine"]
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
            if set(_current_revisions(connection)) != _latest_revisions():
                return "the database is not at the latest migration (run portal db upgrade)"
            oldest = waiting_since(connection)
    except Exception:  # any failure to reach or read the database
        current_app.logger.warning("readiness: the database cannot be reached", exc_info=True)
        return "the database cannot be reached"
    minutes = current_app.config["PORTAL_READY_OUTBOX_LAG_MINUTES"]
    waited = clock.now() - clock.aware(oldest) if oldest is not None else dt.timedelta()
    if minutes and waited > dt.timedelta(minutes=minutes):
        return f"mail has waited more than {minutes} minutes to be sent (portal mail-worker)"
    return None


def waiting_since(connection) -> dt.datetime | None:
    """When the oldest message still unsent was written (None: nothing waits): the first
    entry of ix_outbox_waiting. Every probe read every unsent message before (an SMTP outage's
    whole backlog, each time a load balancer asked)."""
    return connection.scalar(
        select(OutboxMessage.created_at)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.created_at)
        .limit(1)
    )


def _current_revisions(connection) -> tuple[str, ...]:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_heads()


def _latest_revisions() -> set[str]:
    """The heads of the migrations this code ships (read once per process)."""
    heads = current_app.extensions.get("migration_heads")
    if heads is None:
        from alembic.script import ScriptDirectory

        from webapp.infra.migrate import alembic_config

        config = alembic_config(current_app.config["DATABASE_URL"])
        heads = current_app.extensions["migration_heads"] = set(
            ScriptDirectory.from_config(config).get_heads()
        )
    return heads
