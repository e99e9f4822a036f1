"""Email through an outbox: queue_mail() writes the message in the caller's transaction; the
worker (webapp/mail/worker.py) delivers it with Flask-Mail and retries with back-off."""

from webapp.infra.mail.outbox import queue_mail

__all__ = ["queue_mail"]
