"""The connection pool recovers when PostgreSQL drops its connections (checklist item 29)."""

import uuid

from sqlalchemy import make_url, select, text

from tests.webapp.conftest import BASE_URL, portal_app
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
