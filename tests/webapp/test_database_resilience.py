"""The connection pool recovers when PostgreSQL drops its connections (checklist item 29)."""

import contextlib
import uuid

from sqlalchemy import make_url, select, text

from tests.webapp.conftest import BASE_URL, portal_app
from tests.webapp.helpers import CHILD, answer, start
from webapp.infra.database import db, make_engine
from webapp.models import User


def test_the_app_carries_on_after_postgresql_drops_every_connection(postgres_url):
    url = make_url(postgres_url).update_query_dict({"application_name": "portal_resilience"})
    email = f"resilience-{uuid.uuid4().hex[:8]}@a.example.org"  # the schema outlives this test
    with portal_app(url.render_as_string(hide_password=False), PORTAL_BASE_URL=BASE_URL) as app:

        def query():
            with app.app_context():  # as a request does: a session, then back to the pool
                return list(db().scalars(select(User.email).where(User.email == email)))

        with app.app_context():
            db().add(User(email=email, first_name="Rosa", last_name="Tester", password_hash="x"))
            db().commit()
        assert query() == [email]
        admin = make_engine(postgres_url)  # another engine: another application_name
        with admin.connect() as connection:
            killed = connection.execute(
                text(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                    "where application_name = 'portal_resilience'"
                )
            ).scalar()
            connection.commit()
        admin.dispose()
        assert killed >= 1  # the pool's connection is dead now
        for _ in range(3):
            # The first statement met the dead connection and went again on a new one: the
            # user is read, not an error.
            assert query() == [email]


def test_a_database_error_while_saving_a_page_logs_no_answers(
    app, world, sign_in, db_session, caplog
):
    """Attack (on the logs): a save that fails in the database, as when it restarts. The
    error SQLAlchemy raises quotes the statement's parameters, so the 500's log line held the
    page's answers (a child's name, date of birth and needs) for anyone who reads the logs
    (SECURITY-CHECKLIST 23: never case content; ASVS 16.2.5). The engines now leave the
    parameters out of their errors."""
    portal = sign_in(world.alice)
    reference, path = start(portal, "part-time-timetable")
    with refused_case_updates(db_session):
        app.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 page and its log line, as deployed
        caplog.set_level("INFO")
        answer(portal, path, {**CHILD, "forename": "Zebedee"}, expect=500)
    assert "refused by the test" in caplog.text  # the error was logged ...
    assert "Zebedee" not in caplog.text  # ... without what was typed


@contextlib.contextmanager
def refused_case_updates(session):
    """Every UPDATE of a case fails in the database (a trigger) while this lasts; the
    trigger goes afterwards (PostgreSQL's schema is shared by the run's tests)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        session.execute(
            text(
                "create trigger refuse_case_updates before update on cases "
                "begin select raise(abort, 'refused by the test'); end"
            )
        )
    else:
        session.execute(
            text(
                "create function refuse_case_updates() returns trigger language plpgsql as "
                "$$ begin raise exception 'refused by the test'; end $$"
            )
        )
        session.execute(
            text(
                "create trigger refuse_case_updates before update on cases for each row "
                "execute function refuse_case_updates()"
            )
        )
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        session.execute(text("drop trigger refuse_case_updates" + ("" if sqlite else " on cases")))
        if not sqlite:
            session.execute(text("drop function refuse_case_updates()"))
        session.commit()
