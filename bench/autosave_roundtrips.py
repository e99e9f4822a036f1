"""Round trips of one autosave, and of one form page GET, counted on PostgreSQL.

Every statement the app sends (SQLAlchemy's before_cursor_execute), every BEGIN, COMMIT and
ROLLBACK psycopg sends, every pre-ping; how many times the answers are evaluated; and whether
the response re-signs the session cookie:

    createdb -h 127.0.0.1 bench_save
    .venv/bin/python bench/autosave_roundtrips.py postgresql+psycopg://root@127.0.0.1:5432/bench_save
"""

from __future__ import annotations

import re
import secrets
import sys
import time
from pathlib import Path

from psycopg import _connection_base as connection_base
from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import CaseType  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.infra.database import db  # noqa: E402
from webapp.models import Base, Membership, School, User  # noqa: E402

PAGE = "child"
NO_SIGN_IN = "!"  # no password works: the session is written directly
TYPE = "part-time-timetable"


def portal(url: str):
    """An app on a fresh schema of `url`, with one school, one user and a test client signed
    in as that user (the session written as sign-in writes it)."""
    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "PORTAL_BASE_URL": "https://portal.example.org",
            "DATABASE_URL": url,
            "PORTAL_CASETYPES": str(ROOT / "casetypes"),
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    engine = app.extensions["db_engine"]
    Base.metadata.drop_all(engine)
    if engine.dialect.name == "postgresql":  # the trigram index of references needs it
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    Base.metadata.create_all(engine)
    with app.app_context():
        school = School(name="Aylestone Primary School", urn="111111", setting_type="school")
        user = User(
            email="alice@a.example.org",
            first_name="Alice",
            last_name="Tester",
            password_hash=NO_SIGN_IN,
            security_question="first_pet",
        )
        user.memberships = [Membership(school=school, is_admin=True)]
        db().add_all([school, user])
        db().commit()
        token = user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        now = time.time()
        session.update(_user_id=token, _fresh=True, signed_in_at=now, seen_at=now)
        session.permanent = True
    return app, client


def start_case(client) -> str:
    """A new draft, as a browser makes it (Start now, then the first background save of the
    new case's page creates it): the case's page path."""
    response = client.get(f"/submit-case/{TYPE}")
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)
    school = re.search(r'name="school"[^>]*value="([^"]+)"', response.text).group(1)
    response = client.post(f"/submit-case/{TYPE}", data={"school": school, "csrf_token": csrf})
    path = response.headers["Location"]
    if "/tasks" in path:
        listing = client.get(path).text
        path = re.search(r'href="(/submit-case/[^"]+/new/[^"]+)"', listing).group(1)
        path = path.replace("&amp;", "&")
    page = client.get(path).text
    token = re.search(r'name="start_token"[^>]*value="([^"]+)"', page).group(1)
    page_path, query = path.split("?", 1)
    data = {"csrf_token": csrf, "start_token": token, "page_version": "0"}
    saved = client.post(f"{page_path}/autosave?{query}", data=data)
    return saved.get_json()["page_url"]


class Counter:
    """Statements, commits and rollbacks the engine sends, by kind; and how many times the
    case's answers are evaluated (CaseType.values)."""

    def __init__(self, engine):
        self.seen: list[str] = []
        self.evaluations = 0
        evaluate = CaseType.values

        def counted(case_type, answers, *args, **kwargs):
            self.evaluations += 1
            return evaluate(case_type, answers, *args, **kwargs)

        CaseType.values = counted
        event.listen(engine, "before_cursor_execute", self._statement)
        # BEGIN, COMMIT and ROLLBACK as psycopg sends them (none when a connection is in
        # autocommit, whatever SQLAlchemy's own begin/commit events say); pre-pings are a
        # SELECT 1 of their own at each checkout: round trips too.
        command = connection_base.BaseConnection._exec_command

        def sent(connection, query, *args, **kwargs):
            self.seen.append(bytes(query).decode() + " (sent by psycopg)")
            return command(connection, query, *args, **kwargs)

        connection_base.BaseConnection._exec_command = sent
        ping = engine.dialect.do_ping
        engine.dialect.do_ping = lambda connection: self.seen.append("pre-ping") or ping(connection)

    def _statement(self, _conn, _cursor, statement, *_args):
        self.seen.append(" ".join(statement.split())[:90])


def form_of(page_html: str) -> dict:
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_html).group(1)
    version = re.search(r'name="page_version"[^>]*value="([^"]*)"', page_html).group(1)
    return {"csrf_token": csrf, "page_version": version, "forename": "Jordan"}


def measure(url: str) -> None:
    app, client = portal(url)
    path = start_case(client)
    page_html = client.get(path).text
    data = form_of(page_html)
    counter = Counter(app.extensions["db_engine"])

    def autosave():
        response = client.post(path + "/autosave", data=data)
        if response.status_code == 200:
            data["page_version"] = str(response.get_json()["page_version"])
        return response

    for label, send in (("autosave", autosave), ("form page GET", lambda: client.get(path))):
        send()  # warm: the pool's connection, caches
        counter.seen.clear()
        counter.evaluations = 0
        response = send()
        if response.status_code != 200:
            raise SystemExit(f"{label}: {response.status_code} {response.text[:300]}")
        cookie = "re-signed" if response.headers.get("Set-Cookie") else "unchanged"
        print(
            f"{label}: {len(counter.seen)} round trips; session cookie {cookie}; "
            f"answers evaluated {counter.evaluations} times"
        )
        for line in counter.seen:
            print(f"    {line}")
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(text("select 1"))
    Base.metadata.drop_all(app.extensions["db_engine"])
    app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    measure(
        sys.argv[1] if len(sys.argv) > 1 else "postgresql+psycopg://root@127.0.0.1:5432/bench_save"
    )
