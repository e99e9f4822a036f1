"""Email through an outbox: queue_mail() writes the message in the caller's transaction; the
background worker (webapp/worker.py) delivers it with Flask-Mail (delivery.py), retrying with
back-off."""

from webapp.infra.mail.outbox import queue_mail

__all__ = ["queue_mail"]
