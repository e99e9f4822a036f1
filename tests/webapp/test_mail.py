"""Mail through the outbox (SECURITY-CHECKLIST 28): queued in the change's transaction, delivered
by the worker over real SMTP (aiosmtpd on 127.0.0.1), retried with back-off while the server is
down, never sent twice by two workers; and /dev/mail, which exists only in development."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from tests.webapp.conftest import PASSWORD, ROOT, PortalClient, portal_app, text_of
from webapp.infra.database import db
from webapp.infra.extensions import mail
from webapp.infra.mail import queue_mail
from webapp.infra.mail.delivery import DeliveryReport, deliver_due, retry_delay
from webapp.models import OutboxMessage, School
from webapp.worker import start_background_worker


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def queue(app, count=1, to="alice@a.example.org") -> list[int]:
    """Queue `count` messages the way the portal does, and commit; their ids."""
    with app.app_context():
        session = db()
        messages = [
            OutboxMessage(
                kind="test",
                to_address=to,
                subject=f"Message {n}",
                body=f"Body of message {n}: £5 — café.\n",
            )
            for n in range(count)
        ]
        session.add_all(messages)
        session.commit()
        return [m.id for m in messages]


def outbox(db_session) -> list[OutboxMessage]:
    db_session.expire_all()
    return db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_queued_message_is_delivered_and_marked_sent(app, smtp_server, db_session):
    with app.app_context():
        session = db()
        school = School(name="Aylestone Primary School", urn="111111", setting_type="school")
        session.add(school)
        queue_mail(
            session,
            "sign_in_code",
            "alice@a.example.org",
            "sign_in_code",
            code="123456",
            service_name="School Portal",
            council_name="Leicester City Council",
        )
        session.commit()

    report = smtp_server.deliver()

    assert (report.sent, report.failed) == (1, 0)
    [received] = smtp_server.messages
    assert received.to == "alice@a.example.org"
    assert received.subject == "123456 is your School Portal sign-in code"
    assert received.body.startswith("123456 is your School Portal sign-in code.\n")
    assert "It works for 5 minutes" in received.body
    assert received.sender == "no-reply@localhost"
    [row] = outbox(db_session)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error == ""
    # Sent once only: nothing is due any more.
    assert smtp_server.deliver().attempted == 0
    assert len(smtp_server.messages) == 1


def test_once_sent_the_outbox_keeps_who_what_kind_and_when_but_no_secret(
    app, smtp_server, db_session, world
):
    """Sign-in codes, generated passwords and reset links leave the database once mailed."""
    portal = PortalClient(app.test_client(), app)
    portal.get("/sign-in")
    portal.post("/sign-in", {"email": world.bob.email, "password": PASSWORD}, expect=302)
    [waiting] = outbox(db_session)
    code = re.search(r"\b(\d{6})\b", waiting.subject).group(1)
    assert code in waiting.body  # the worker needs the text until it has sent it

    assert smtp_server.deliver().sent == 1

    assert code in smtp_server.to(world.bob.email)[0].body
    [row] = outbox(db_session)
    assert (row.kind, row.to_address, row.attempts) == ("sign_in_code", world.bob.email, 1)
    assert row.sent_at is not None
    assert code not in row.subject + row.body and row.subject == row.body == ""


def test_a_message_queued_in_a_rolled_back_transaction_is_never_sent(app, smtp_server, db_session):
    with app.app_context():
        session = db()
        session.add(School(name="Aylestone Primary School", urn="111111", setting_type="school"))
        queue_mail(
            session,
            "sign_in_code",
            "alice@a.example.org",
            "sign_in_code",
            code="654321",
            service_name="School Portal",
            council_name="Leicester City Council",
        )
        session.flush()  # written, but not committed
        session.rollback()

    assert smtp_server.deliver().attempted == 0
    assert smtp_server.messages == []
    assert outbox(db_session) == []
    assert db_session.scalar(select(func.count()).select_from(School)) == 0


def test_with_the_smtp_server_down_the_mail_waits_and_arrives_when_it_is_back(
    app, smtp_server, db_session
):
    smtp_server.stop()
    [message_id] = queue(app)  # the action succeeds although mail cannot be sent

    before = now()
    report = smtp_server.deliver()  # no exception escapes

    assert (report.sent, report.failed) == (0, 1)
    [row] = outbox(db_session)
    assert row.id == message_id and row.sent_at is None and row.attempts == 1
    assert row.last_error.startswith("ConnectionRefusedError: ")
    assert "password" not in row.last_error.lower()
    retry_at = aware(row.next_attempt_at)
    assert before + dt.timedelta(seconds=29) < retry_at < now() + dt.timedelta(seconds=31)

    # Not due again before the back-off is over, even once the server is back.
    smtp_server.start()
    assert smtp_server.deliver(now=retry_at - dt.timedelta(seconds=1)).attempted == 0
    assert smtp_server.messages == []

    report = smtp_server.deliver(now=retry_at)
    assert (report.sent, report.failed) == (1, 0)
    [received] = smtp_server.messages
    assert (received.to, received.subject, received.body) == (
        "alice@a.example.org",
        "Message 0",
        "Body of message 0: £5 — café.\n",
    )
    [row] = outbox(db_session)
    assert row.sent_at is not None and row.attempts == 2


def test_each_failure_waits_longer_up_to_thirty_minutes(app, smtp_server, db_session):
    smtp_server.stop()
    queue(app)
    moment = now()
    waits = []
    for _ in range(8):
        smtp_server.deliver(now=moment)
        [row] = outbox(db_session)
        wait = aware(row.next_attempt_at) - moment
        waits.append(int(wait.total_seconds()))
        moment += wait
    assert waits == [30, 60, 120, 240, 480, 960, 1800, 1800]
    assert row.attempts == 8 and row.sent_at is None
    assert [retry_delay(n).total_seconds() for n in (1, 2, 7, 100)] == [30, 60, 1800, 1800]


def test_the_first_wait_is_a_setting_and_later_ones_double_from_it(app, smtp_server, db_session):
    assert [retry_delay(n, dt.timedelta(seconds=2)).total_seconds() for n in (1, 2, 3, 99)] == [
        2,
        4,
        8,
        1800,
    ]
    app.config["MAIL_FIRST_RETRY_SECONDS"] = 2.0  # PORTAL_MAIL_RETRY_SECONDS=2
    smtp_server.stop()
    queue(app)
    before = now()
    smtp_server.deliver()
    [row] = outbox(db_session)
    assert (
        before + dt.timedelta(seconds=1)
        < aware(row.next_attempt_at)
        < now() + dt.timedelta(seconds=3)
    )


def test_a_sent_message_is_recorded_once_the_database_is_back_and_never_sent_again(
    app, smtp_server, db_session, monkeypatch
):
    """PostgreSQL restarting just after the SMTP server took a message: the worker keeps
    trying to record it as sent, instead of leaving it claimed until its lease runs out and
    sending it a second time."""
    from sqlalchemy.exc import OperationalError

    from webapp.infra.mail import delivery

    [message_id] = queue(app)
    finish, outage = delivery.update_row_now, {"left": 2}

    def database_away(session, model, row_id, **values):
        if "sent_at" in values and outage["left"]:
            outage["left"] -= 1
            session.rollback()
            raise OperationalError("UPDATE outbox_messages", {}, Exception("server closed"))
        return finish(session, model, row_id, **values)

    monkeypatch.setattr(delivery, "update_row_now", database_away)
    monkeypatch.setattr(delivery.time, "sleep", lambda seconds: None)
    report = smtp_server.deliver()

    assert (report.sent, report.failed) == (1, 0)
    [row] = outbox(db_session)
    assert row.id == message_id and row.sent_at is not None and row.attempts == 1
    assert smtp_server.deliver(now=now() + delivery.LEASE * 2).attempted == 0
    assert len(smtp_server.messages) == 1


def test_oldest_first_and_at_most_the_limit(app, smtp_server):
    queue(app, count=5)
    with app.app_context():
        report = deliver_due(db(), mail, limit=3)
    assert report.sent == 3
    assert [m.subject for m in smtp_server.messages] == ["Message 0", "Message 1", "Message 2"]
    assert smtp_server.deliver().sent == 2


def test_a_message_the_mail_library_refuses_is_recorded_not_raised(app, smtp_server, db_session):
    with app.app_context():
        session = db()
        session.add(
            OutboxMessage(
                kind="test",
                to_address="alice@a.example.org",
                subject="Injected\nBcc: someone@example.org",
                body="x\n",
            )
        )
        session.commit()
    report = smtp_server.deliver()
    assert (report.sent, report.failed) == (0, 1)
    [row] = outbox(db_session)
    assert row.last_error == "BadHeaderError" and row.sent_at is None
    assert smtp_server.messages == []


def test_two_workers_at_once_send_each_message_exactly_once(app, smtp_server, db_session):
    ids = queue(app, count=24)
    start = threading.Barrier(3)
    reports: list[DeliveryReport] = []
    failures: list[BaseException] = []

    def worker():
        try:
            with app.app_context():
                session = app.extensions["db_sessions"]()
                try:
                    start.wait(10)
                    reports.append(deliver_due(session, mail))
                finally:
                    session.close()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert sum(r.sent for r in reports) == 24 and sum(r.failed for r in reports) == 0
    subjects = sorted(m.subject for m in smtp_server.messages)
    assert subjects == sorted(f"Message {n}" for n in range(24))
    rows = outbox(db_session)
    assert [r.id for r in rows] == ids
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: no row locks
def test_postgresql_workers_pass_over_a_message_another_worker_holds(app, smtp_server):
    first, _second = queue(app, count=2)
    holder = app.extensions["db_sessions"]()
    try:
        # Another worker has claimed the oldest message and is in the middle of sending it.
        held = holder.scalar(
            select(OutboxMessage).where(OutboxMessage.id == first).with_for_update()
        )
        assert held is not None
        report = smtp_server.deliver()  # does not wait for the lock
        assert report.sent == 1
        assert [m.subject for m in smtp_server.messages] == ["Message 1"]
    finally:
        holder.rollback()
        holder.close()
    assert smtp_server.deliver().sent == 1
    assert [m.subject for m in smtp_server.messages] == ["Message 1", "Message 0"]


def test_the_background_worker_delivers_in_process_and_stops(app, smtp_server):
    thread, stop = start_background_worker(app, interval=0.05)
    try:
        queue(app, count=2)
        received = smtp_server.catcher.wait_for(2, timeout=10)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert sorted(m.subject for m in received) == ["Message 0", "Message 1"]


def test_the_mail_worker_command_delivers_once_and_exits_0(
    app, smtp_server, portal_env, monkeypatch, capsys, db_session
):
    from webapp.cli import main

    queue(app, count=3)
    monkeypatch.setenv("PORTAL_CASETYPES", str(ROOT / "casetypes"))
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("MAIL_PORT", str(smtp_server.port))
    # Production needs a virus scanner; with no upload waiting, it is never asked.
    monkeypatch.setenv("CLAMD_SOCKET", "/nonexistent/clamd.ctl")

    assert main(["mail-worker", "--once"]) == 0

    assert sorted(m.subject for m in smtp_server.messages) == [
        "Message 0",
        "Message 1",
        "Message 2",
    ]
    assert all(row.sent_at is not None for row in outbox(db_session))
    printed = capsys.readouterr().out
    assert "mail: sent 3, failed 0" in printed
    assert f"3 sent, 0 failed (will be retried) through 127.0.0.1:{smtp_server.port}" in printed
    # Nothing left: a second run sends nothing and still exits 0.
    assert main(["mail-worker", "--once"]) == 0
    assert len(smtp_server.messages) == 3


@pytest.fixture
def development_app(database_url):
    with portal_app(database_url, DEVELOPMENT=True) as app:
        yield app


@pytest.fixture
def development_smtp(development_app):
    from webapp.infra.mail.catcher import start_catcher

    catcher = start_catcher("127.0.0.1", 0)
    development_app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=catcher.port, MAIL_SUPPRESS_SEND=False
    )
    mail.init_app(development_app)
    yield catcher
    catcher.stop()


def test_dev_mail_shows_waiting_mail_and_what_the_catcher_received_in_development(
    development_app, development_smtp, db_session
):
    app = development_app
    first, second = queue(app, count=2)
    with app.app_context():
        session = db()
        failed = session.get(OutboxMessage, second)
        failed.attempts, failed.last_error = 1, "ConnectionRefusedError: [Errno 111] refused"
        failed.next_attempt_at = now() + dt.timedelta(minutes=5)
        session.commit()
    with app.app_context():
        deliver_due(db(), mail)  # message 0 goes to the catcher; message 1 waits for its retry
    app.extensions["mail_catcher"] = development_smtp  # as `portal run` does

    response = PortalClient(app.test_client()).get("/dev/mail")  # nobody signed in

    page = response.page
    assert page.h1.get_text(strip=True) == "Sent mail"
    assert [h.get_text(strip=True) for h in page.select("main h3")] == ["Message 1", "Message 0"]
    text = text_of(page)
    assert "Body of message 0: £5 — café." in text and "Body of message 1: £5" in text
    assert "alice@a.example.org" in text
    assert "Last error: ConnectionRefusedError: [Errno 111] refused" in text
    assert "1 email waiting to be sent, 1 sent" in text
    assert response.headers["Cache-Control"] == "no-store"


def test_dev_mail_without_a_catcher_in_the_process_says_where_sent_mail_went(
    development_app, db_session
):
    queue(development_app, count=1)
    text = text_of(PortalClient(development_app.test_client()).get("/dev/mail").page)
    assert "Body of message 0" in text  # still waiting: its text is shown
    assert "No mail catcher runs in this process" in text


def test_a_second_portal_run_catches_its_own_mail_when_another_has_the_mail_port(
    development_app, db_session, capsys
):
    """Two `make run`s on one machine (another checkout, another PORT): the second's mail
    went to the first's catcher on 1025, and its own /dev/mail said only "No mail catcher runs
    in this process", so a newcomer's sign-in code was on someone else's page."""
    from webapp.infra.commands import _start_catcher
    from webapp.infra.mail.catcher import start_catcher

    first = start_catcher("127.0.0.1", 0)  # the other portal's catcher, on the default port
    app = development_app
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=first.port, MAIL_SUPPRESS_SEND=False)
    app.config["MAIL_PORT_CHOSEN"] = False  # MAIL_PORT not set: the default was taken
    mail.init_app(app)
    own = _start_catcher(app, 5391)
    try:
        assert own is not None and own.port != first.port
        app.extensions["mail_catcher"] = own  # as `portal run` does
        queue(app, count=1)
        with app.app_context():
            assert deliver_due(db(), mail).sent == 1
        text = text_of(PortalClient(app.test_client()).get("/dev/mail").page)
        assert "Message 0" in text and "No mail catcher runs" not in text
        assert first.messages == []
        printed = capsys.readouterr().out
        assert f"Mail catcher on 127.0.0.1:{own.port} (127.0.0.1:{first.port} is taken" in printed
        assert "read sent mail at http://127.0.0.1:5391/dev/mail" in printed
        # A MAIL_PORT the user chose is where mail goes, whatever listens there.
        app.config.update(MAIL_PORT=first.port, MAIL_PORT_CHOSEN=True)
        assert _start_catcher(app, 5391) is None
        assert f"already on 127.0.0.1:{first.port}" in capsys.readouterr().out
    finally:
        own.stop()
        first.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_portal_run_keeps_its_terminal_free_of_the_catchers_chatter(tmp_path):
    """Each email its catcher received wrote about ten INFO lines of aiosmtpd's ("mail.log:
    ('127.0.0.1', 56614) >> b'rcpt TO:<...>'") to the terminal of `make run`, around the lines
    a newcomer needs there: where to read the mail and the portal's address."""
    port = _free_port()
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "SECRET_KEY": "a-test-secret-key-for-portal-run-0123456789",
        "PORT": str(port),
        "MAIL_PORT": str(_free_port()),  # nothing listens: portal run's own catcher does
        "PYTHONUNBUFFERED": "1",
    }
    portal = [sys.executable, "-m", "webapp.cli"]
    for command in (["db", "upgrade"], ["demo-data"]):  # the demo data queues two emails
        subprocess.run([*portal, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    log = tmp_path / "run.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*portal, "run"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        for _ in range(600):  # until both are delivered (the worker starts with the server)
            if "mail: sent 2" in log.read_text() or process.poll() is not None:
                break
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    printed = log.read_text(errors="replace")
    assert "mail: sent 2" in printed and f"School Portal on http://127.0.0.1:{port}/" in printed
    assert "mail.log" not in printed, printed


def test_dev_mail_does_not_exist_in_production(app, client):
    queue(app)
    response = client.get("/dev/mail", expect=404)
    assert "Body of message" not in response.get_data(as_text=True)
    assert "devmail" not in app.blueprints
