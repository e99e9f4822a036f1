"""What the people who run the portal rely on: /healthz and /readyz for a load balancer,
request ids in the responses, the logs (one JSON object a line) and the audit rows."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.webapp.conftest import ROOT, SECRET_KEY, PortalClient, portal_app, private_schema
from webapp.infra.logs import JsonFormatter, RequestIdFilter
from webapp.infra.migrate import upgrade
from webapp.models import AuditEvent, OutboxMessage

UNREACHABLE = "postgresql+psycopg://root:hunter2@127.0.0.1:1/nowhere"
PRODUCTION = {"DEVELOPMENT": False, "PORTAL_BASE_URL": "https://portal.example.org"}


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request, tmp_path):
    """A database brought up to the latest migration, as `portal db upgrade` leaves it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        upgrade(url)
        yield url
        return
    request.getfixturevalue("postgres_url")  # skips without PostgreSQL
    with private_schema("ready") as url:
        upgrade(url)
        yield url


def probe(app, path, **kwargs):
    response = app.test_client().get(path, **kwargs)
    return response.status_code, response.get_json(), response


def test_healthz_answers_without_a_database_and_readyz_says_it_is_unreachable():
    with portal_app(UNREACHABLE, **PRODUCTION) as app:
        status, body, response = probe(app, "/healthz")
        assert (status, body) == (200, {"status": "ok"})
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"

        status, body, response = probe(app, "/readyz")
        assert status == 503
        assert body == {"status": "unavailable", "reason": "the database cannot be reached"}
        text = response.get_data(as_text=True)
        for secret in ("hunter2", "127.0.0.1", "psycopg", "nowhere", "Traceback"):
            assert secret not in text


def test_readyz_checks_migrations_and_how_long_mail_has_waited(migrated_url, moving_clock):
    with portal_app(migrated_url, PORTAL_READY_OUTBOX_LAG_MINUTES=15, **PRODUCTION) as app:
        assert probe(app, "/readyz")[:2] == (200, {"status": "ok"})
        session = app.extensions["db_sessions"]()
        now = dt.datetime.now(dt.UTC)
        session.add(
            OutboxMessage(kind="sign_in_code", to_address="a@b.example", subject="s", body="b")
        )
        session.commit()
        assert probe(app, "/readyz")[0] == 200  # waiting a moment is normal
        moving_clock.advance(minutes=16)
        status, body, _ = probe(app, "/readyz")
        assert status == 503
        assert body["reason"] == (
            "mail has waited more than 15 minutes to be sent (portal mail-worker)"
        )
        app.config["PORTAL_READY_OUTBOX_LAG_MINUTES"] = 0  # the check turned off
        assert probe(app, "/readyz")[0] == 200
        app.config["PORTAL_READY_OUTBOX_LAG_MINUTES"] = 15
        message = session.scalar(select(OutboxMessage))
        message.sent_at = now
        session.commit()
        session.close()
        assert probe(app, "/readyz")[0] == 200  # sent: nothing waits


def test_readyz_refuses_a_database_behind_the_latest_migration(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0009")
    with portal_app(url, **PRODUCTION) as app:
        upgrade(url, "0008")  # as if the code were deployed before `portal db upgrade`
        status, body, _ = probe(app, "/readyz")
        assert status == 503
        assert body["reason"] == (
            "the database is not at the latest migration (run portal db upgrade)"
        )
        upgrade(url)
        assert probe(app, "/readyz")[0] == 200


def test_probes_set_no_cookie_need_no_sign_in_and_are_never_rate_limited(app, sign_in, world):
    app.config.update({"PORTAL_LIMIT_SIGN_IN": "1 per minute"})
    for _ in range(30):
        assert probe(app, "/healthz")[0] == 200
    signed_in = sign_in(world.alice)
    for path in ("/healthz", "/readyz"):
        response = signed_in.client.get(path)
        assert response.status_code in (200, 503)  # the test database has no migrations
        assert response.mimetype == "application/json"
        assert "Set-Cookie" not in response.headers
    assert signed_in.get("/").status_code == 200  # the session lives on


def test_every_response_has_a_request_id_a_trusted_proxy_may_give_it(app):
    client = app.test_client()
    first, second = (client.get("/healthz").headers["X-Request-Id"] for _ in range(2))
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    given = {"X-Request-Id": "nginx-5f2b9c0e1d"}
    # Straight from a client (no trusted proxy): its own id is not taken.
    assert client.get("/sign-in", headers=given).headers["X-Request-Id"] != "nginx-5f2b9c0e1d"
    app.config["PORTAL_TRUSTED_PROXIES"] = 1
    assert client.get("/sign-in", headers=given).headers["X-Request-Id"] == "nginx-5f2b9c0e1d"
    for bad in ("x" * 65, "two words", "<script>", "-leading-dash", "é"):
        answered = client.get("/no-such-page", headers={"X-Request-Id": bad})
        assert answered.status_code == 404
        assert re.fullmatch(r"[0-9a-f]{32}", answered.headers["X-Request-Id"])


def test_the_request_id_is_on_every_log_line_and_in_the_audit_row(app, db_session):
    app.config["PORTAL_TRUSTED_PROXIES"] = 1
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        portal = PortalClient(app.test_client(), app)
        portal.get("/sign-in")
        answered = portal.post(
            "/sign-in",
            {"email": "nobody@example.org", "password": "not the password"},
            headers={"X-Request-Id": "req-0001"},
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert answered.headers["X-Request-Id"] == "req-0001"
    logged = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert logged, "the failed sign-in is logged"
    assert {entry["request_id"] for entry in logged} == {"req-0001"}
    assert {"time", "level", "logger", "message"} <= set(logged[0])
    failed = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
    assert failed.request_id == "req-0001"


def test_gunicorns_access_lines_are_json_with_the_request_id():
    atoms = {"h": "10.0.0.7", "m": "GET", "U": "/readyz", "s": "200", "B": 15, "M": 3}
    atoms["{x-request-id}o"] = "abc123"
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(h)s", (), None)
    record.args = atoms  # as gunicorn logs it: a mapping of atoms
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "abc123"
    assert (entry["method"], entry["path"], entry["status"], entry["ms"]) == (
        "GET",
        "/readyz",
        "200",
        3,
    )
    outside = logging.LogRecord("webapp.worker", logging.INFO, "", 0, "sent %d", (3,), None)
    RequestIdFilter().filter(outside)
    assert json.loads(JsonFormatter().format(outside))["request_id"] is None


# ---- portal serve: gunicorn with its settings file ----


@contextlib.contextmanager
def portal_serve(database_url: str, log: Path, **environment):
    """`portal serve` in a process of its own on a free port, as an operator starts it, its
    stderr (the log) written to `log`; stopped (SIGTERM) afterwards. Yields the base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "PORTAL_BASE_URL": "https://portal.example.org",
        "CLAMD_HOST": "127.0.0.1",  # required to start; never reached by these requests
        "PORT": str(port),
        **environment,
    }
    command = [sys.executable, "-m", "webapp.cli", "serve"]
    with log.open("w") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute on a busy machine; not a timing
            if process.poll() is not None:
                pytest.fail(f"portal serve stopped: {log.read_text()}")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
                break
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_portal_serve_runs_gunicorn_from_its_settings_file_with_json_logs(tmp_path):
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    upgrade(url)
    overrides = {"PORTAL_WEB_WORKERS": "1", "PORTAL_TRUSTED_PROXIES": "1"}
    with portal_serve(url, tmp_path / "serve.log", **overrides) as base:
        assert fetch(f"{base}/healthz")[0::2] == (200, {"status": "ok"})
        status, headers, body = fetch(f"{base}/readyz", {"X-Request-Id": "lb-probe-42"})
        assert (status, body) == (200, {"status": "ok"})
        assert headers["X-Request-Id"] == "lb-probe-42"
        assert "Set-Cookie" not in headers
    lines = (tmp_path / "serve.log").read_text().splitlines()
    logged = [json.loads(line) for line in lines]  # every line is one JSON object
    messages = [entry["message"] for entry in logged]
    assert any("Using worker: gthread" in message for message in messages)
    assert sum("Booting worker" in message for message in messages) == 1
    access = [entry for entry in logged if entry["logger"] == "gunicorn.access"]
    probe_line = next(entry for entry in access if entry["path"] == "/readyz")
    assert (probe_line["request_id"], probe_line["status"]) == ("lb-probe-42", "200")
    assert all(entry["request_id"] for entry in access)
    assert not any("Control socket" in message for message in messages)
    assert not any(entry["logger"].startswith("alembic") for entry in logged)  # probes are quiet


def test_portal_serve_refuses_a_bad_server_setting_in_one_line(portal_env, monkeypatch, capsys):
    from webapp.cli import main

    monkeypatch.setenv("SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("CLAMD_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTAL_WEB_TIMEOUT", "soon")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert (
        err == "portal serve: PORTAL_WEB_TIMEOUT must be a whole number of at least 1, not 'soon'\n"
    )
