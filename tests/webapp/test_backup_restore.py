"""The backup and restore of docs/deploy.md, performed: cases made through the portal, the
database dumped with pg_dump, restored with pg_restore into a database made for it, and the
portal, started on the restored copy, serves the same cases (PostgreSQL only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import make_url
from sqlalchemy.orm import sessionmaker

from tests.webapp.conftest import (
    BASE_URL,
    RELAXED_LIMITS,
    PortalClient,
    _hashes,
    portal_app,
    private_schema,
    text_of,
)
from tests.webapp.helpers import start
from webapp.infra.database import make_engine
from webapp.infra.migrate import upgrade
from webapp.models import Membership, School, User

PTT = "part-time-timetable"
TOOLS = ("pg_dump", "pg_restore", "createdb", "dropdb")


def served(url: str):
    return portal_app(
        url,
        PORTAL_BASE_URL=BASE_URL,
        DEVELOPMENT=False,
        SESSION_COOKIE_SECURE=False,
        **RELAXED_LIMITS,
    )


def a_school_with_its_senco(url: str) -> str:
    engine = make_engine(url)
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    password_hash, answer_hash = _hashes()
    school = School(name="Aylestone Primary School", urn="111111", setting_type="school")
    senco = User(
        email="senco@a.example.org",
        first_name="Sam",
        last_name="Senco",
        job_title="SENCO",
        password_hash=password_hash,
        security_question="first_pet",
        security_answer_hash=answer_hash,
        memberships=[Membership(school=school, is_admin=True)],
    )
    session.add_all([school, senco])
    session.commit()
    session.close()
    engine.dispose()
    return senco.email


def pg(tool: str, *args: str, database: str) -> None:
    """A PostgreSQL client tool run against the test server, as an operator would."""
    server = make_url(database)
    where = ["-h", server.host or "127.0.0.1", "-p", str(server.port or 5432)]
    if server.username:
        where += ["-U", server.username]
    subprocess.run([tool, *where, *args], check=True, capture_output=True, text=True)


def test_a_dump_restored_into_a_fresh_database_serves_the_same_cases(postgres_url, tmp_path):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL's client tools are required here: {missing}")
        pytest.skip(f"no {', '.join(missing)} on PATH")
    dump = tmp_path / "portal.dump"
    with private_schema("backup") as url:
        upgrade(url)  # as `portal db upgrade` leaves a real database
        email = a_school_with_its_senco(url)
        with served(url) as app:
            senco = PortalClient(app.test_client(), app)
            senco.sign_in(email)
            references = [start(senco, PTT)[0] for _ in range(3)]
        # search_path is "<the test's schema>,public" (public holds the pg_trgm extension)
        schema = make_url(url).query["options"].removeprefix("-csearch_path=").split(",")[0]
        source = make_url(url)
        # The backup of docs/deploy.md (one schema of the shared test database here).
        pg("pg_dump", "--format=custom", f"--file={dump}", f"--schema={schema}",
           source.database, database=url)  # fmt: skip

    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    pg("createdb", fresh, database=postgres_url)
    try:
        # A dump of one schema leaves out the database's extensions, which a whole-database
        # dump (docs/deploy.md) carries: the reference search's trigram index needs pg_trgm.
        pg("psql", "-c", "CREATE EXTENSION IF NOT EXISTS pg_trgm", fresh, database=postgres_url)
        pg("pg_restore", "--no-owner", f"--dbname={fresh}", str(dump), database=postgres_url)
        restored = make_url(url).set(database=fresh).render_as_string(hide_password=False)
        with served(restored) as app:
            client = app.test_client()
            assert client.get("/readyz").get_json() == {"status": "ok"}
            senco = PortalClient(app.test_client(), app)
            senco.sign_in(email)
            listed = text_of(senco.get("/my-cases").page)
            assert all(reference in listed for reference in references)
            for reference in references:
                senco.get(f"/cases/{reference}/pages/child")
    finally:
        pg("dropdb", "--if-exists", fresh, database=postgres_url)
