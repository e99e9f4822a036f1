"""/dev/mail: the mail the portal sent or is waiting to send, with its text (development only).

The outbox keeps a message's text only until it is sent (it may hold a sign-in code or a
password), so sent mail is read from the mail catcher that `portal run` starts in this process.
"""

from __future__ import annotations

from flask import abort, current_app, render_template
from sqlalchemy import func, select

from webapp.areas.dev_mail import bp
from webapp.infra.database import db
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
    waiting = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id.desc())
        .limit(SHOWN)
    ).all()
    sent_count = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.isnot(None))
    )
    catcher = current_app.extensions.get("mail_catcher")
    caught = list(reversed(catcher.messages))[:SHOWN] if catcher is not None else None
    return render_template(
        "dev_mail/index.html",
        waiting=waiting,
        caught=caught,
        sent_count=sent_count,
        shown=SHOWN,
        mail_server=f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}",
    )
