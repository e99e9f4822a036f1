"""/dev/mail: the newest outbox messages, sent or waiting, with their bodies (development only)."""

from __future__ import annotations

from flask import abort, current_app, render_template
from sqlalchemy import func, select

from webapp.database import db
from webapp.devmail import bp
from webapp.models import OutboxMessage

SHOWN = 50


@bp.before_request
def development_only():
    # Registered only in development; this guards against registering it by mistake.
    if not current_app.config.get("DEVELOPMENT"):
        abort(404)


@bp.get("/mail")
def index():
    session = db()
    messages = session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(SHOWN)
    ).all()
    total = session.scalar(select(func.count()).select_from(OutboxMessage))
    pending = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    )
    return render_template(
        "devmail/index.html",
        messages=messages,
        total=total,
        pending=pending,
        shown=SHOWN,
        mail_server=f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}",
    )
