"""The database: one SQLAlchemy engine per app, a session per request.

SQLite by default (a file under instance/); PostgreSQL through DATABASE_URL. On SQLite every
transaction starts with BEGIN IMMEDIATE so concurrent writers queue instead of failing, and
WAL lets readers carry on meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the pool and SQLite settings the portal relies on."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    """Create the engine and session factory; close each request's session after it."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = sessionmaker(bind=engine, expire_on_commit=False)

    @app.teardown_appcontext
    def close_session(_error=None):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def db() -> Session:
    """This request's database session (created on first use)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessions"]()
    return g.db_session


@contextmanager
def transaction(
    session: Session, conflict: Callable[[], Exception] | None = None
) -> Iterator[Session]:
    """The work of one service call: committed when the block ends, rolled back on any
    exception, which goes on up. With `conflict`, a UNIQUE constraint failing (the same row
    written at the same moment elsewhere) raises what `conflict()` returns, asked after the
    rollback so that it can look at the database as it now is."""
    try:
        yield session
        session.commit()
    except IntegrityError:
        session.rollback()
        if conflict is None:
            raise
        raise conflict() from None
    except BaseException:
        session.rollback()
        raise


def by_id(session: Session, model, row_id: int):
    """The row with this id, or None; ids outside an INTEGER column's range are none."""
    return session.get(model, row_id) if 0 < row_id < 2**31 else None
