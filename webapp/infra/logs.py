"""Logs: one JSON object a line (PORTAL_LOG_FORMAT=json, outside development) or plain lines
(development), every line written while a request is handled carrying that request's id.

The id is the X-Request-Id a trusted reverse proxy sent (PORTAL_TRUSTED_PROXIES, and only if
it looks like an id), otherwise one made here; it is echoed in the response's X-Request-Id and
kept in the audit rows, so a line of the log, a user's report and an audit row can be matched.
Gunicorn's own lines (start-up, workers, the access line of each request) go the same way
(webapp/infra/gunicorn_conf.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.config
import re
import uuid

from flask import Flask, current_app, g, has_request_context, request

HEADER = "X-Request-Id"
_VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")  # nginx's $request_id, UUIDs…
PLAIN = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
# Gunicorn's access line: no query string (searches may hold names), no referrer.
ACCESS_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s bytes %(M)s ms'
_ACCESS_FIELDS = {"h": "client", "m": "method", "U": "path", "s": "status", "B": "bytes"}


def init_app(app: Flask) -> None:
    """Every response says its request's id (X-Request-Id)."""

    @app.after_request
    def echo_request_id(response):
        response.headers[HEADER] = request_id()
        return response


def request_id() -> str | None:
    """This request's id (taken from a trusted proxy, or made once); None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get(HEADER, "")
        trusted = current_app.config.get("PORTAL_TRUSTED_PROXIES", 0) > 0
        g.request_id = given if trusted and _VALID_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Gives each record the id of the request being handled (or the one gunicorn's access
    line names), so that formats may use %(request_id)s."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            access = _access_atoms(record)
            found = access.get("{x-request-id}o") if access else request_id()
            record.request_id = found if found not in (None, "-") else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request_id, and the
    exception's traceback when there is one; gunicorn's access lines add their fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        access = _access_atoms(record)
        if access:
            entry |= {name: access.get(atom) for atom, name in _ACCESS_FIELDS.items()}
            entry["ms"] = access.get("M")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _access_atoms(record: logging.LogRecord) -> dict | None:
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        return record.args
    return None


def logging_config(log_format: str, level: str) -> dict:
    """A logging.config dictionary: everything (the portal's loggers, gunicorn's error and
    access logs) to stderr, as JSON lines or plain lines, each with its request id."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": PLAIN}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"portal": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "portal",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            **{
                name: {"level": level, "handlers": [], "propagate": True}
                for name in ("gunicorn.error", "gunicorn.access")
            },
            # /readyz reads the migrations' state at every probe: no lines about that.
            "alembic": {"level": "WARNING"},
            # The development mail catcher (aiosmtpd): ten lines an email buried `portal run`'s
            # own lines (where to read the mail, the address of the portal) in the terminal.
            "mail.log": {"level": "WARNING"},
        },
    }


def configure(log_format: str, level: str) -> None:
    """Send every log line to stderr in this format (for the commands that run for long:
    `portal run`, `portal mail-worker`; gunicorn takes logging_config() itself)."""
    logging.config.dictConfig(logging_config(log_format, level))
