"""Webhooks (issue 14): a receiver on 127.0.0.1 checks every signature, sees retries while it
answers 500, each event once after it answers 200, and the failure once the retry window is
over, which a council admin replays."""

import datetime
import hashlib
import hmac
import http.server
import ipaddress
import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from tests.webapp.conftest import staff, text_of
from tests.webapp.test_submit import finished_draft
from tests.webapp.test_workflow_school_side import officer, officer_moves
from webapp.domain import webhooks, workflow
from webapp.domain.api_clients import change_client, create_client, revoke_client
from webapp.domain.errors import Refused
from webapp.infra import webhook_delivery
from webapp.infra.webhook_delivery import deliver_webhooks
from webapp.models import AuditEvent
from webapp.models_api import ApiClient, WebhookDelivery
from webapp.worker import run_worker

ALL_EVENTS = list(webhooks.EVENTS)
INTEGRATION_DOC = Path(__file__).resolve().parents[2] / "docs" / "integration.md"


class Receiver:
    """A council system's webhook endpoint on 127.0.0.1: answers `status`, keeps what came
    (event id, type, reference) and whether its signature held."""

    def __init__(self, host="127.0.0.1", port=0, tls=None):
        self.status = 200
        self.secret = ""
        self.received: list[dict] = []
        self.raw: list[tuple] = []  # (headers, body) of each delivery, as they came
        self.arrived = threading.Event()  # set at every delivery
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.raw.append((self.headers, body))
                receiver.received.append(receiver.check(self.headers, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.arrived.set()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, port), Handler)
        if tls is not None:  # an https endpoint, with this server-side context
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        self.url = f"http://{host}:{self.port}/hooks/portal"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def check(self, headers, body: bytes) -> dict:
        """What a council system does (docs/integration.md): recompute the signature."""
        event_id, timestamp = headers["Portal-Event-Id"], headers["Portal-Timestamp"]
        signed = f"{event_id}.{timestamp}.".encode() + body
        expected = "v1=" + hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        event = json.loads(body)
        return {
            "id": event_id,
            "type": event["type"],
            "reference": event["case"]["reference"],
            "signed": hmac.compare_digest(expected, headers["Portal-Signature"]),
            "answered": self.status,
            "event": event,
            "host": headers.get("Host"),
        }

    def delivered(self):
        return [(r["type"], r["reference"]) for r in self.received if r["answered"] == 200]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app):
    app.config["PORTAL_WEBHOOK_ALLOW_LOOPBACK"] = True
    receiver = Receiver()
    yield receiver
    receiver.stop()


def subscribe(app, db_session, receiver, events=ALL_EVENTS, case_types=("part-time-timetable",)):
    with app.app_context():
        catalogue = app.extensions["catalogue"]
        client, _key = create_client(db_session, catalogue, "SEND system", case_types)
        receiver.secret = webhooks.set_webhook(db_session, client, receiver.url, events, True)
    return client


def deliver(app, db_session):
    with app.app_context():
        return deliver_webhooks(db_session)


def submitted_case(app, world, sign_in):
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    return portal, reference


def test_retries_while_the_receiver_fails_then_each_event_once(
    app, world, sign_in, db_session, receiver, moving_clock
):
    subscribe(app, db_session, receiver)
    _portal, reference = submitted_case(app, world, sign_in)
    receiver.status = 500
    report = deliver(app, db_session)
    assert (report.delivered, report.failed) == (0, 2)
    assert deliver(app, db_session).attempted == 0  # not due again yet: back-off
    moving_clock.advance(seconds=31)
    assert deliver(app, db_session).failed == 2
    receiver.status = 200
    moving_clock.advance(minutes=2)
    assert deliver(app, db_session).delivered == 2
    moving_clock.advance(hours=2)
    assert deliver(app, db_session).attempted == 0
    assert receiver.delivered() == [
        ("case.submitted", reference),
        ("case.transition", reference),
    ]
    assert all(r["signed"] for r in receiver.received)
    first_tries = [r["id"] for r in receiver.received[:2]]
    assert [r["id"] for r in receiver.received[-2:]] == first_tries  # same event ids on retry
    event = receiver.received[-1]["event"]
    assert event["transition"] == {
        "action": "Notify case officers",
        "from": "submitted",
        "to": "notified",
    }
    assert event["case"]["links"]["api"].endswith(f"/api/v1/cases/{reference}")
    text = json.dumps([r["event"] for r in receiver.received])
    assert "forename" not in text and "surname" not in text  # no child data


def test_a_forged_or_changed_body_does_not_verify(app, world, sign_in, db_session, receiver):
    subscribe(app, db_session, receiver)
    submitted_case(app, world, sign_in)
    deliver(app, db_session)
    good = receiver.received[0]
    body = json.dumps(good["event"], separators=(",", ":")).encode()
    timestamp = "1700000000"
    forged = webhooks.signature("whsec_wrong", good["id"], int(timestamp), body)
    assert not receiver.check(
        {"Portal-Event-Id": good["id"], "Portal-Timestamp": timestamp, "Portal-Signature": forged},
        body,
    )["signed"]


def documented_verify():
    """The verifier docs/integration.md gives council systems, exactly as written there."""
    section = INTEGRATION_DOC.read_text().split("### Verifying a delivery", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(INTEGRATION_DOC), "exec"), namespace)  # noqa: S102 (our own docs)
    return namespace["verify"]


def test_the_documented_verifier_takes_deliveries_and_refuses_the_rest(
    app, world, sign_in, db_session, receiver
):
    """A council system copies the verifier from docs/integration.md into its endpoint: it
    takes the portal's deliveries, and answers False, never an exception of its own, for a
    changed body, another secret, an old timestamp, and anyone's POST without the headers or
    with junk in them (the verifier the page gave raised KeyError, ValueError or TypeError)."""
    verify = documented_verify()
    subscribe(app, db_session, receiver)
    submitted_case(app, world, sign_in)
    deliver(app, db_session)
    headers, body = receiver.raw[0]
    assert verify(receiver.secret, headers, body) is True
    assert verify(receiver.secret, headers, body.replace(b"}", b" }", 1)) is False
    assert verify("whsec_another", headers, body) is False
    names = ("Portal-Event-Id", "Portal-Timestamp", "Portal-Signature")
    good = {name: headers[name] for name in names}
    old = int(good["Portal-Timestamp"]) - 301
    replayed = webhooks.signature(receiver.secret, good["Portal-Event-Id"], old, body)
    replay = {**good, "Portal-Timestamp": str(old), "Portal-Signature": replayed}
    assert verify(receiver.secret, replay, body) is False
    for junk in (
        {},
        {"Portal-Event-Id": good["Portal-Event-Id"]},
        {**good, "Portal-Timestamp": "\u00b2"},  # "²".isdigit(), but no int()
        {**good, "Portal-Signature": "v1=\u00e9"},  # beyond ASCII: compare_digest raised
    ):
        assert verify(receiver.secret, junk, body) is False


def test_more_information_returned_and_only_the_events_asked_for(
    app, world, sign_in, db_session, receiver
):
    subscribe(app, db_session, receiver, events=["case.information_returned"])
    person = officer(db_session, world)
    portal, reference = submitted_case(app, world, sign_in)
    officer_moves(app, db_session, reference, "Start review", person)
    officer_moves(app, db_session, reference, "Request more information", person, "Dates, please.")
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    deliver(app, db_session)
    assert receiver.delivered() == [("case.information_returned", reference)]
    assert all(r["signed"] for r in receiver.received)


def test_other_case_types_and_revoked_clients_hear_nothing(
    app, world, sign_in, db_session, receiver
):
    client = subscribe(app, db_session, receiver, case_types=("school-closure",))
    submitted_case(app, world, sign_in)
    assert db_session.scalars(select(WebhookDelivery)).all() == []
    client.case_type_ids = ["part-time-timetable"]
    client.revoked_at = client.created_at
    db_session.commit()
    submitted_case(app, world, sign_in)
    assert db_session.scalars(select(WebhookDelivery)).all() == []


def test_the_client_page_counts_failing_deliveries_without_reading_each_one(
    app, world, sign_in, db_session, receiver
):
    """A webhook down for a day at a busy council has thousands of deliveries waiting: the
    client's page counts them in the database, never loading each one (its body too)."""
    client_id = subscribe(app, db_session, receiver, events=["case.submitted"]).id
    for _ in range(3):
        submitted_case(app, world, sign_in)
    receiver.status = 500
    deliver(app, db_session)
    council_admin = sign_in(staff(db_session, "cara@council.example.org", "admin"))
    read: list[str] = []
    engine = app.extensions["db_engine"]

    def keep(_conn, _cursor, statement, *_args):
        read.append(statement)

    sa_event.listen(engine, "before_cursor_execute", keep)
    try:
        page = council_admin.get(f"/council/api-clients/{client_id}").page
    finally:
        sa_event.remove(engine, "before_cursor_execute", keep)
    retrying = text_of(page.select_one("#webhook-retrying"))
    assert "3 deliveries have failed and are being tried again" in retrying
    assert "The last error: HTTP 500" in retrying
    assert not [s for s in read if "webhook_deliveries.body" in s]


def test_the_failure_after_a_day_is_shown_and_an_admin_replays_it(
    app, world, sign_in, db_session, receiver, moving_clock
):
    subscribe(app, db_session, receiver, events=["case.submitted"])
    _portal, reference = submitted_case(app, world, sign_in)
    receiver.status = 500
    cara = staff(db_session, "cara@council.example.org", "admin")
    council_admin = sign_in(cara)
    client_page = f"/council/api-clients/{delivery_client(db_session)}"
    assert council_admin.get(client_page).page.select_one("#webhook-retrying") is None
    deliver(app, db_session)
    # Found by a council admin: a failing webhook showed nowhere until a day had passed
    retrying = council_admin.get(client_page).page.select_one("#webhook-retrying")
    assert "1 delivery has failed and is being tried again" in text_of(retrying)
    assert "The last error: HTTP 500" in text_of(retrying)
    for _ in range(40):  # every hour or sooner, for a day
        deliver(app, db_session)
        moving_clock.advance(hours=1)
    tries = len(receiver.received)
    assert 24 <= tries <= 40
    delivery = db_session.scalars(select(WebhookDelivery)).one()
    db_session.refresh(delivery)
    assert delivery.failed_at is not None and delivery.last_error == "HTTP 500"
    moving_clock.advance(hours=5)
    assert deliver(app, db_session).attempted == 0  # stopped
    council_admin = sign_in(cara)  # a day on: signed in again
    assert council_admin.get(client_page).page.select_one("#webhook-retrying") is None
    failed = council_admin.get("/council/api-clients").page
    assert reference in text_of(failed) and "HTTP 500" in text_of(failed)
    receiver.status = 200
    council_admin.post(f"/council/webhooks/{delivery.id}/replay", expect=302)
    assert "will be sent again" in text_of(council_admin.get("/council/api-clients").page)
    assert deliver(app, db_session).delivered == 1
    assert receiver.delivered() == [("case.submitted", reference)]
    assert all(r["signed"] for r in receiver.received)
    replayed = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "webhook_replayed")
    ).one()
    assert delivery.event_id in str(replayed.detail)
    after = text_of(council_admin.get("/council/api-clients").page)
    assert reference not in after and "every webhook event has been delivered" in after


def delivery_client(db_session) -> int:
    """The id of the client whose delivery is waiting."""
    return db_session.scalars(select(WebhookDelivery.client_id)).one()


def test_a_revoked_clients_waiting_events_are_not_sent(app, world, sign_in, db_session, receiver):
    client = subscribe(app, db_session, receiver, events=["case.submitted"])
    submitted_case(app, world, sign_in)
    with app.app_context():
        revoke_client(db_session, client)
    report = deliver(app, db_session)
    assert (report.delivered, report.given_up) == (0, 1) and receiver.received == []
    delivery = db_session.scalars(select(WebhookDelivery)).one()
    db_session.refresh(delivery)
    assert delivery.failed_at is not None and "revoked" in delivery.last_error


def test_a_case_type_taken_from_a_client_stops_its_waiting_events(
    app, world, sign_in, db_session, receiver
):
    """A council admin takes part-time timetables from a client ("refused from its next
    call"): the events already waiting for its webhook are not sent either, retries and
    replays included, since the client may no longer read those cases."""
    client = subscribe(app, db_session, receiver, events=["case.submitted"])
    submitted_case(app, world, sign_in)
    with app.app_context():
        catalogue = app.extensions["catalogue"]
        change_client(db_session, catalogue, client, ["school-closure"])
    report = deliver(app, db_session)
    assert (report.delivered, report.given_up) == (0, 1) and receiver.received == []
    delivery = db_session.scalars(select(WebhookDelivery)).one()
    db_session.refresh(delivery)
    assert delivery.failed_at is not None
    assert delivery.last_error == "The client no longer reads this case type"


def test_a_submission_that_fails_queues_no_event(
    app, world, sign_in, db_session, receiver, monkeypatch
):
    subscribe(app, db_session, receiver)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    email_officers = workflow._email_officers

    def broken(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(workflow, "_email_officers", broken)  # after the events are queued
    app.config["PROPAGATE_EXCEPTIONS"] = False
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=500)
    assert db_session.scalars(select(WebhookDelivery)).all() == []
    deliver(app, db_session)
    assert receiver.received == []
    monkeypatch.setattr(workflow, "_email_officers", email_officers)
    portal.get(f"/cases/{reference}/check-answers")
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert len(db_session.scalars(select(WebhookDelivery)).all()) == 2


def test_the_worker_delivers_them(app, world, sign_in, db_session, receiver):
    subscribe(app, db_session, receiver, events=["case.submitted"])
    _portal, reference = submitted_case(app, world, sign_in)
    # The receiver's first delivery stops the worker's loop (no sleeping, no timing).
    thread = threading.Thread(target=run_worker, args=(app, receiver.arrived, 0.01), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert receiver.delivered() == [("case.submitted", reference)]
    assert receiver.received[0]["signed"]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",
        "https://10.0.0.7/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        # IPv6 addresses Python counts as global that carry a private IPv4 address: NAT64's
        # well-known prefix, 6to4, and a network's own NAT64 prefix.
        "https://[64:ff9b::7f00:1]/hook",
        "https://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "https://[2002:7f00:1::1]/hook",
        "https://[64:ff9b:1::5db8:d70e]/hook",
        "https://[::7f00:1]/hook",  # IPv4-compatible, and IPv4-translated (found by review)
        "https://[::ffff:0:7f00:1]/hook",
        "https://localhost/hook",
        "https://user:pw@example.org/hook",
        "ftp://example.org/hook",
    ],
)
def test_private_loopback_and_plain_http_addresses_are_refused(url):
    with pytest.raises(Refused):
        webhooks.check_url(url, allow_loopback=False)


def test_a_public_https_address_is_taken():
    assert webhooks.check_url("https://93.184.215.14/hooks", allow_loopback=False)
    # A public IPv4 address through NAT64 is public too.
    assert webhooks.check_url("https://[64:ff9b::5db8:d70e]/hooks", allow_loopback=False)


def test_loopback_only_when_the_setting_allows():
    assert webhooks.check_url("http://127.0.0.1:9/x", allow_loopback=True)
    with pytest.raises(Refused):
        webhooks.check_url("http://10.1.2.3/x", allow_loopback=True)


def test_a_client_with_a_webhook_is_stored(app, db_session, receiver):
    client = subscribe(app, db_session, receiver)
    stored = db_session.get(ApiClient, client.id)
    assert stored.webhook_url == receiver.url and stored.webhook_secret.startswith("whsec_")


def test_two_workers_deliver_each_event_once(app, db_session, receiver, database_url):
    """Workers on one database (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE)
    never both send an event."""
    from webapp.infra import clock
    from webapp.infra.database import RetryingSession, make_engine

    client = subscribe(app, db_session, receiver)
    now = clock.now()
    db_session.add_all(
        WebhookDelivery(
            client_id=client.id,
            event_id=f"00000000-0000-0000-0000-{n:012d}",
            event="case.submitted",
            reference=f"EDU-SENED-PTT{n}",
            body=json.dumps({"type": "case.submitted", "case": {"reference": f"R{n}"}}),
            created_at=now,
            next_attempt_at=now,
            retry_until=now + datetime.timedelta(hours=24),
        )
        for n in range(30)
    )
    db_session.commit()
    engine = make_engine(database_url)

    def work():
        session = RetryingSession(bind=engine, expire_on_commit=False)
        with app.app_context():
            deliver_webhooks(session)
        session.close()

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    engine.dispose()
    ids = [r["id"] for r in receiver.received]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 30
    assert all(r["signed"] for r in receiver.received)


class AttackersDns:
    """The DNS of a client's webhook host, which its owner controls: the names in `answers`
    resolve to the first address left in their list, which is used up unless it is the last
    (so it can answer one address to a check and another to whatever asks next); any other
    name resolves as usual. `lookups` counts the questions about each of its names."""

    def __init__(self, monkeypatch, **answers):
        self.answers = {name.replace("_", "."): list(a) for name, a in answers.items()}
        self.lookups = dict.fromkeys(self.answers, 0)
        real = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host not in self.answers:
                return real(host, port, *args, **kwargs)
            self.lookups[host] += 1
            left = self.answers[host]
            address = left.pop(0) if len(left) > 1 else left[0]
            return real(address, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_changes_address_after_the_check_is_not_followed(
    app, world, sign_in, db_session, receiver, monkeypatch
):
    """DNS rebinding: the name answers the checked address to the delivery's check, then
    another one to whatever asks next. The POST goes to the checked address; the other,
    a service inside the portal's network, sees nothing."""
    inside = Receiver(host="127.0.0.2", port=receiver.port)  # the same port, another address
    try:
        dns = AttackersDns(monkeypatch, hooks_example_test=["127.0.0.1"])
        receiver.url = f"http://hooks.example.test:{receiver.port}/hooks/portal"
        subscribe(app, db_session, receiver, events=["case.submitted"])
        _portal, reference = submitted_case(app, world, sign_in)
        dns.answers["hooks.example.test"] = ["127.0.0.1", "127.0.0.2"]
        dns.lookups["hooks.example.test"] = 0
        assert deliver(app, db_session).delivered == 1
        assert inside.received == []
        assert receiver.delivered() == [("case.submitted", reference)]
        assert receiver.received[0]["signed"]
        assert receiver.received[0]["host"] == f"hooks.example.test:{receiver.port}"
        assert dns.lookups["hooks.example.test"] == 1  # the check's: the connection asks none
    finally:
        inside.stop()


def test_a_name_that_turns_private_after_registration_gets_nothing(
    app, world, sign_in, db_session, receiver, monkeypatch
):
    """Public when saved, 127.0.0.1 when delivered (no loopback allowed): refused before any
    connection, and retried later like any failure."""
    dns = AttackersDns(monkeypatch, hooks_example_test=["93.184.215.14"])
    app.config["PORTAL_WEBHOOK_ALLOW_LOOPBACK"] = False
    url = f"https://hooks.example.test:{receiver.port}/hooks/portal"
    with app.app_context():
        client, _key = create_client(
            db_session, app.extensions["catalogue"], "SEND system", ["part-time-timetable"]
        )
        webhooks.set_webhook(db_session, client, url, ["case.submitted"], False)
    submitted_case(app, world, sign_in)
    dns.answers["hooks.example.test"] = ["127.0.0.1"]
    report = deliver(app, db_session)
    assert (report.delivered, report.failed, report.given_up) == (0, 1, 0)
    assert "public address" in report.errors[0]
    assert receiver.received == []


@pytest.fixture
def certificate(tmp_path):
    """A certificate (and its key) for hooks.example.test, made by openssl, self-signed: the
    tests' deliveries trust it as their only authority."""
    if shutil.which("openssl") is None:  # never a silent skip: TLS delivery is what is tested
        pytest.fail("openssl makes this test's certificate: apt-get install -y openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"]
        + ["-subj", "/CN=hooks.example.test"]
        + ["-addext", "subjectAltName=DNS:hooks.example.test"],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_receiver(app, certificate, monkeypatch):
    """A receiver over https on 127.0.0.1, with the certificate of hooks.example.test."""
    cert, key = certificate
    app.config["PORTAL_WEBHOOK_ALLOW_LOOPBACK"] = True
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    receiver = Receiver(tls=server_side)
    monkeypatch.setattr(
        webhook_delivery, "tls_context", lambda: ssl.create_default_context(cafile=str(cert))
    )
    yield receiver
    receiver.stop()


@pytest.mark.parametrize(
    ("name", "delivered"), [("hooks.example.test", True), ("other.example.test", False)]
)
def test_tls_to_the_checked_address_still_verifies_the_name(
    app, world, sign_in, db_session, tls_receiver, monkeypatch, name, delivered
):
    """Connecting to the checked address keeps TLS honest: the certificate must be the
    name's (a server with another name's certificate gets no event)."""
    AttackersDns(monkeypatch, **{name.replace(".", "_"): ["127.0.0.1"]})
    tls_receiver.url = f"https://{name}:{tls_receiver.port}/hooks/portal"
    subscribe(app, db_session, tls_receiver, events=["case.submitted"])
    _portal, reference = submitted_case(app, world, sign_in)
    report = deliver(app, db_session)
    if delivered:
        assert report.delivered == 1
        assert tls_receiver.delivered() == [("case.submitted", reference)]
        assert tls_receiver.received[0]["signed"]
        assert tls_receiver.received[0]["host"] == f"{name}:{tls_receiver.port}"
    else:
        assert report.failed == 1 and "CERTIFICATE_VERIFY_FAILED" in report.errors[0]
        assert tls_receiver.received == []


def test_after_a_new_signing_secret_waiting_events_are_signed_with_it(
    app, world, sign_in, db_session, receiver
):
    client = subscribe(app, db_session, receiver, events=["case.submitted"])
    submitted_case(app, world, sign_in)  # queued under the first secret
    old = receiver.secret
    receiver.secret = webhooks.rotate_secret(db_session, client)
    assert receiver.secret != old
    assert deliver(app, db_session).delivered == 1
    assert receiver.received[0]["signed"]  # with the new one: the old one no longer holds


def test_a_slow_endpoint_cannot_hold_the_worker_from_mail(
    app, world, sign_in, db_session, receiver, monkeypatch
):
    """A pass spends at most BATCH_SECONDS on webhooks, then says more are due, so the worker
    goes back to mail (sign-in codes) at once (found by review: 50 deliveries to an endpoint
    that drops connections held mail up for minutes). Time here is a counter, not a clock."""
    subscribe(app, db_session, receiver)
    for _ in range(2):
        submitted_case(app, world, sign_in)  # two events each: submitted, then the system's step
    now = [0.0]
    posted = []

    def slow_post(url, event_id, body, secret):
        posted.append(event_id)
        now[0] += webhook_delivery.BATCH_SECONDS / 2 + 0.1  # each one takes over half the time
        raise TimeoutError("timed out")

    monkeypatch.setattr(webhook_delivery.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(webhook_delivery, "_post", slow_post)
    report = deliver(app, db_session)
    assert (report.failed, report.more) == (2, True)  # the third was not started
    assert len(posted) == 2 and report.attempted < 4


def test_a_name_with_many_dead_addresses_is_tried_within_one_timeout(monkeypatch):
    """Each address gets what is left of one timeout, not a timeout of its own. Time here is
    a counter, not a clock."""
    given, now = [], [0.0]

    def dead(address, timeout):
        given.append(timeout)
        now[0] += timeout  # silently dropped: the whole wait goes by
        raise TimeoutError("timed out")

    monkeypatch.setattr(webhook_delivery.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(webhook_delivery.socket, "create_connection", dead)
    addresses = tuple(ipaddress.ip_address(f"192.0.2.{n}") for n in range(1, 14))
    endpoint = webhooks.Endpoint("https://h.example/", "https", "h.example", 443, "/", addresses)
    with pytest.raises(TimeoutError):
        webhook_delivery._connect(endpoint, 0.2)
    assert len(given) == 1 and given[0] <= 0.2  # the other twelve were not waited for


def test_the_purge_deletes_deliveries_done_long_ago_and_never_one_still_to_be_tried(
    app, db_session, receiver, monkeypatch
):
    """Deliveries were never deleted: the table grew by every event, for ever. Delivered or
    given up on more than PORTAL_WEBHOOK_KEEP_DAYS ago, they go with the hourly purge, a batch
    at a time; one still to be tried (however old, or replayed) stays."""
    from webapp.domain import retention
    from webapp.infra import clock

    client = subscribe(app, db_session, receiver)
    now = clock.now()
    ago = {n: now - datetime.timedelta(days=n) for n in (10, 40, 100)}
    kinds = {
        "delivered-long-ago": dict(delivered_at=ago[40]),
        "delivered-lately": dict(delivered_at=ago[10]),
        "given-up-long-ago": dict(failed_at=ago[40], last_error="HTTP 500"),
        "given-up-lately": dict(failed_at=ago[10], last_error="HTTP 500"),
        "still-retrying": dict(last_error="HTTP 503"),  # created 100 days ago, say
        "replayed": dict(attempts=0),  # given up long ago, replayed: failed_at cleared
    }
    db_session.add_all(
        WebhookDelivery(
            client_id=client.id,
            event_id=f"00000000-0000-0000-0000-{n:012d}",
            event="case.submitted",
            reference=name,
            body="{}",
            created_at=ago[100],
            next_attempt_at=ago[100],
            retry_until=now + datetime.timedelta(hours=1),
            **values,
        )
        for n, (name, values) in enumerate(kinds.items())
    )
    db_session.commit()
    monkeypatch.setattr(retention, "WEBHOOK_BATCH", 1)
    assert app.config["PORTAL_WEBHOOK_KEEP_DAYS"] == 30
    counts = retention.purge(db_session, now=now, webhook_days=30)
    assert counts["webhook deliveries"] == 2
    kept = db_session.scalars(select(WebhookDelivery.reference)).all()
    assert sorted(kept) == ["delivered-lately", "given-up-lately", "replayed", "still-retrying"]
