"""Fixtures for web tests: an app on a fresh database (SQLite, and PostgreSQL when reachable),
a few schools and users, and a client that signs in and checks every page it fetches.

PostgreSQL: TEST_DATABASE_URL (default postgresql+psycopg://root@127.0.0.1:5432/test). Without a
server the PostgreSQL variants skip with the reason; with REQUIRE_POSTGRES=1 (CI) they fail.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import re
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import sessionmaker

from engine.answer_schema import answer_problems
from webapp import create_app
from webapp.areas.auth.questions import hash_answer
from webapp.domain.passwords import hash_password
from webapp.infra.config import RATE_LIMITS
from webapp.infra.database import make_engine
from webapp.models import Base, Membership, OutboxMessage, School, User

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
# Settings fit for production (the portal refuses weak keys and missing addresses there).
SECRET_KEY = "0b5d7f3e9a214c6e8f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a"
BASE_URL = "https://portal.example.org"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")


def _postgres_problem() -> str | None:
    try:
        engine = make_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect
        return f"no PostgreSQL at {POSTGRES_URL}: {str(exc).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def postgres_url():
    """A schema of its own in the PostgreSQL test database, dropped at the end of the run
    (so test runs side by side never touch each other's tables)."""
    problem = _postgres_problem()
    if problem:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here (REQUIRE_POSTGRES=1): {problem}")
        pytest.skip(problem)
    with private_schema(f"test_{os.getpid()}") as url:
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url


@contextlib.contextmanager
def private_schema(prefix: str):
    """A PostgreSQL URL whose tables live in a new schema of their own, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        # pg_trgm (the trigram index of references, migration 0010) once in public, for every
        # schema: an extension exists once a database, and never goes with a dropped schema.
        connection.execute(text("select pg_advisory_xact_lock(120010)"))
        connection.execute(text("create extension if not exists pg_trgm schema public"))
        connection.execute(text(f"create schema {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema},public"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"drop schema {schema} cascade"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"truncate {tables} restart identity cascade"))
    engine.dispose()
    return url


# Tests sign in many times from 127.0.0.1: each app counts in memory of its own, with limits
# no test reaches. test_rate_limits.py puts the real ones back.
RELAXED_LIMITS = {
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False,
    **dict.fromkeys(RATE_LIMITS, "10000 per minute"),
}


@contextlib.contextmanager
def portal_app(database_url: str, **settings):
    """An app on this database with the tests' key, the shipped case types and `settings`; its
    database connections are closed afterwards."""
    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "PORTAL_CASETYPES": str(ROOT / "casetypes"),
            "TESTING": True,
            **settings,
        }
    )
    try:
        yield app
    finally:
        app.extensions["db_engine"].dispose()


def usual_app(database_url: str, **settings):
    """An app as the `app` fixture makes it (a module with case types of its own passes
    PORTAL_CASETYPES, say a folder of shipped_casetypes_and())."""
    return portal_app(
        database_url,
        PORTAL_BASE_URL=BASE_URL,
        DEVELOPMENT=False,
        SESSION_COOKIE_SECURE=False,
        **RELAXED_LIMITS,
        **settings,
    )


def shipped_casetypes_and(folder: Path, extra: dict[str, str]) -> Path:
    """`folder` made a copy of the shipped case types with the YAML texts of `extra` (by file
    name, without .yaml) in a subfolder tests/; returns it."""
    shutil.copytree(ROOT / "casetypes", folder)
    (folder / "tests").mkdir()
    for name, yaml_text in extra.items():
        (folder / "tests" / f"{name}.yaml").write_text(yaml_text)
    return folder


@pytest.fixture
def app(database_url):
    with usual_app(database_url) as app:
        yield app


@pytest.fixture(autouse=True)
def sent_answers_fit_their_schema(monkeypatch):
    """Every case a test sends (services.submit_case) is checked against the answer schema of
    the version it is sent with (engine/answer_schema.py): the schemas council systems get
    hold for whatever the test suite submits. A misfit fails the test that sent it."""
    from webapp.areas.cases import services

    misfits: list[str] = []
    submit = services.submit_case

    def submit_and_check(session, case, case_type, *args, **kwargs):
        submit(session, case, case_type, *args, **kwargs)
        problems = answer_problems(case_type, case.sent_answers)
        misfits.extend(f"{case_type.id} v{case_type.version} {p}" for p in problems)
        assert not problems, f"sent answers break the answer schema: {problems}"

    monkeypatch.setattr(services, "submit_case", submit_and_check)
    yield
    assert not misfits, f"sent answers break the answer schema: {misfits}"


@pytest.fixture
def portal_env(monkeypatch, database_url):
    """A `portal` command's environment: the test database, production, no SECRET_KEY (commands
    that handle no web sessions need none)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_BASE_URL", BASE_URL)
    monkeypatch.delenv("SECRET_KEY", raising=False)


@pytest.fixture
def db_session(app, database_url):
    """The test's own view of the database, outside any request.

    No app context stays pushed (each request gets its own, as in production), and on SQLite
    it reads without BEGIN IMMEDIATE, so looking at the database never holds the write lock.
    """
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    yield session
    session.close()
    engine.dispose()


@dataclass
class World:
    """Two schools, an early-years setting and their people."""

    school_a: School
    school_b: School
    nursery: School
    alice: User  # school A, admin
    bob: User  # school B
    carol: User  # schools A and B
    nina: User  # the nursery


@pytest.fixture
def world(db_session) -> World:
    school_a = School(name="Aylestone Primary School", urn="111111", setting_type="school")
    school_b = School(name="Beaumont Leys School", urn="222222", setting_type="school")
    nursery = School(name="Little Acorns Pre-School", urn="EY123456", setting_type="early_years")
    db_session.add_all([school_a, school_b, nursery])
    password_hash, answer_hash = _hashes()

    def user(email, *schools, admin=False):
        person = User(
            email=email,
            first_name=email.split("@")[0].title(),
            last_name="Tester",
            job_title="SENCO",
            password_hash=password_hash,
            security_question="first_pet",
            security_answer_hash=answer_hash,
        )
        person.memberships = [Membership(school=s, is_admin=admin) for s in schools]
        db_session.add(person)
        return person

    world = World(
        school_a,
        school_b,
        nursery,
        user("alice@a.example.org", school_a, admin=True),
        user("bob@b.example.org", school_b),
        user("carol@ab.example.org", school_a, school_b),
        user("nina@nursery.example.org", nursery),
    )
    db_session.commit()
    return world


def staff(db_session, email: str, role: str, **details) -> User:
    """A member of council staff ("officer" or "admin") who has signed in before: password and
    security question set. Named from the email (olly@ -> Olly Council) unless `details` say."""
    password_hash, answer_hash = _hashes()
    details = {
        "first_name": email.split("@")[0].title(),
        "last_name": "Council",
        "job_title": "Officer",
        **details,
    }
    user = User(
        email=email,
        password_hash=password_hash,
        council_role=role,
        security_question="first_pet",
        security_answer_hash=answer_hash,
        **details,
    )
    db_session.add(user)
    db_session.commit()
    return user


@pytest.fixture
def council_admin(db_session, world, sign_in):
    """Cara, a council admin, signed in."""
    return sign_in(staff(db_session, "cara@council.example.org", "admin"))


ANSWER = "Rex"


@functools.cache
def _hashes() -> tuple[str, str]:
    """The test users' password and security-answer hashes (argon2 is slow on purpose)."""
    return hash_password(PASSWORD), hash_answer(ANSWER)


def latest_code(app, email: str) -> str:
    """The code in the newest sign-in email to `email`, read from the outbox."""
    session = app.extensions["db_sessions"]()
    try:
        message = session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "sign_in_code", OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        return re.search(r"\b(\d{6})\b", message.subject).group(1)
    finally:
        session.close()


class PortalClient:
    """A test client that keeps the CSRF token and checks each HTML page it fetches."""

    def __init__(self, client, app=None):
        self.client = client
        self.app = app
        self.csrf_token = ""

    def get(self, url, expect=200, **kwargs):
        response = self.client.get(url, **kwargs)
        return self._checked(response, expect)

    def post(self, url, data=None, expect=None, csrf=True, **kwargs):
        if isinstance(data, bytes | str):
            csrf = False  # an encoded body carries its own token
        elif not hasattr(data, "getlist"):
            data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if hasattr(data, "add"):
                data.add("csrf_token", self.csrf_token)
            else:
                data["csrf_token"] = self.csrf_token
        response = self.client.post(url, data=data, **kwargs)
        return self._checked(response, expect)

    def _checked(self, response, expect):
        if expect is not None:
            assert response.status_code == expect, (
                f"expected {expect}, got {response.status_code} "
                f"{response.headers.get('Location', '')}\n{response.get_data(as_text=True)[:3000]}"
            )
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
            check_page(page)
            token = page.find("input", attrs={"name": "csrf_token"})
            if token:
                self.csrf_token = token["value"]
            response.page = page
        return response

    def sign_in(self, user_or_email, password=PASSWORD):
        """Email and password, then the emailed code (read from the outbox): signed in."""
        email = getattr(user_or_email, "email", user_or_email)
        self.get("/sign-in")
        self.post("/sign-in", {"email": email, "password": password}, expect=302)
        self.get("/sign-in/code")
        return self.post("/sign-in/code", {"code": latest_code(self.app, email)}, expect=302)


def check_page(page: BeautifulSoup) -> None:
    """What every page must have: a title, one h1, unique ids, and labelled inputs."""
    title = page.find("title")
    assert title and title.get_text(strip=True), "page has no title"
    assert len(page.find_all("h1")) == 1, "page must have exactly one h1"
    heading = " ".join(page.find("h1").get_text().split())
    if heading.startswith("Are you sure"):  # a confirmation: what a tab or screen reader says
        said = " ".join(title.get_text().split()).removeprefix("Error: ")
        assert said.startswith(f"{heading} – "), f"title {said!r} is not the h1 {heading!r}"
    ids = Counter(tag["id"] for tag in page.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for field in page.find_all(["input", "select", "textarea"]):
        if field.get("type") in ("hidden", "submit", "button"):
            continue
        field_id = field.get("id")
        labelled = (
            (field_id and page.find("label", attrs={"for": field_id}))
            or field.get("aria-label")
            or field.find_parent("label")
        )
        assert labelled, f"input without a label: {field}"
    for script in page.find_all("script"):
        assert script.get("src"), "inline script (the CSP forbids it)"
    assert not page.find(attrs={"style": True}), "inline style attribute"


@pytest.fixture
def client(app):
    return PortalClient(app.test_client(), app)


@pytest.fixture
def new_client(app):
    """A browser of its own, signed out: new_client() -> PortalClient."""
    return lambda: PortalClient(app.test_client(), app)


@pytest.fixture
def pages(monkeypatch):
    """Every response body any test client receives, to look for secrets in."""
    seen: list[str] = []
    checked = PortalClient._checked

    def recording(self, response, expect):
        seen.append(response.get_data(as_text=True))
        return checked(self, response, expect)

    monkeypatch.setattr(PortalClient, "_checked", recording)
    return seen


@pytest.fixture
def sign_in(app):
    """A signed-in client for a user: sign_in(user) -> PortalClient."""

    def sign_in_(user):
        portal = PortalClient(app.test_client(), app)
        portal.sign_in(user)
        return portal

    return sign_in_


def text_of(page) -> str:
    return re.sub(r"\s+", " ", page.get_text(" ", strip=True))


class MovableClock:
    """The portal's clock, moved on by tests instead of sleeping."""

    def __init__(self):
        self.offset = datetime.timedelta()

    def now(self):
        return datetime.datetime.now(datetime.UTC) + self.offset

    def advance(self, **delta):
        self.offset += datetime.timedelta(**delta)

    def to_uk_day(self, day: datetime.date) -> None:
        """Noon of `day` in the UK: whole days added to the real time could land on the next UK
        day (23:40 in November is 00:40 in British Summer Time), so a test of "its last day"
        would pass or fail by the hour it ran at."""
        from zoneinfo import ZoneInfo

        noon = datetime.datetime.combine(day, datetime.time(12), ZoneInfo("Europe/London"))
        self.offset = noon - datetime.datetime.now(datetime.UTC)


@pytest.fixture
def moving_clock(monkeypatch):
    from webapp.infra import clock

    movable = MovableClock()
    monkeypatch.setattr(clock, "now", movable.now)
    return movable


class SmtpServer:
    """A real SMTP server (aiosmtpd, webapp.infra.mail.catcher) on 127.0.0.1, with the app's mail
    pointed at it. `messages` is what arrived, oldest first (to, subject, body, sender,
    received_at); `stop()` and `start()` make an outage (same port); `deliver()` runs the mail
    worker once, as `portal mail-worker --once` would."""

    def __init__(self, app, catcher):
        self.app = app
        self.catcher = catcher
        self.host = catcher.host
        self.port = catcher.port

    @property
    def messages(self):
        return self.catcher.messages

    def to(self, address):
        """The messages sent to this address, oldest first."""
        return self.catcher.to(address)

    def clear(self):
        self.catcher.clear()

    def stop(self):
        self.catcher.stop()

    def start(self):
        self.catcher.start()

    def deliver(self, now=None):
        """Deliver the due outbox messages now (or at `now`); the DeliveryReport."""
        from webapp.infra.extensions import mail
        from webapp.infra.mail.delivery import deliver_due

        with self.app.app_context():
            session = self.app.extensions["db_sessions"]()
            try:
                return deliver_due(session, mail, now=now)
            finally:
                session.close()


@pytest.fixture
def smtp_server(app):
    """An SMTP server for this test on a free port of 127.0.0.1; the `app` fixture's mail goes
    to it (Flask-Mail reads its settings in init_app, and TESTING alone would suppress sending).
    Stopped at the end of the test."""
    from webapp.infra.extensions import mail
    from webapp.infra.mail.catcher import start_catcher

    catcher = start_catcher("127.0.0.1", 0)
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=catcher.port, MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=5.0
    )
    mail.init_app(app)
    try:
        yield SmtpServer(app, catcher)
    finally:
        catcher.stop()


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory):
    """Debian's clamd for the test session (tests/webapp/clamav.py), stopped at the end.
    Without clamd the tests that need it skip with the reason; with REQUIRE_CLAMAV=1 (CI)
    they fail."""
    from tests.webapp.clamav import ClamdServer, clamd_problem

    problem = clamd_problem()
    if problem:
        if os.environ.get("REQUIRE_CLAMAV") == "1":
            pytest.fail(f"ClamAV is required here (REQUIRE_CLAMAV=1): {problem}")
        pytest.skip(problem)
    server = ClamdServer(tmp_path_factory.mktemp("clamd"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clamd(app, clamd_server):
    """The app's uploads scanned by the session's clamd over its Unix socket. A test may stop
    it (an outage) and start it again; it is left running for the next test."""
    if not clamd_server.running:
        clamd_server.start()
    app.config.update(CLAMD_SOCKET=str(clamd_server.socket), CLAMD_HOST="")
    yield clamd_server
    if not clamd_server.running:
        clamd_server.start()
