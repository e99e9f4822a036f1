"""The database: one SQLAlchemy engine per app, a session per request.

SQLite by default (a file under instance/); PostgreSQL through DATABASE_URL. On SQLite every
transaction starts with BEGIN IMMEDIATE so concurrent writers queue instead of failing, and
WAL lets readers carry on meanwhile.

A pooled connection the database has dropped (a restart, an idle timeout) is not found by
pinging it at every checkout, a round trip per request: the first statement of a session's
transaction, which has nothing before it to lose, is sent once more on a new connection when
the old one turns out to be dead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, g, has_request_context, request
from sqlalchemy import create_engine, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the pool and SQLite settings the portal relies on."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # A database error quotes its statement's parameters (a page's answers, a password's
    # hash) unless told not to: it would put them in the log line of the 500.
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=10, max_overflow=10, hide_parameters=True)


class RetryingSession(Session):
    """A session whose transaction's first statement is sent again, once, when the pooled
    connection it went out on had been dropped by the database (SQLAlchemy then invalidates
    that connection, and the next checkout opens a new one)."""

    def execute(self, *args, **kwargs):
        return self._first_retried(super().execute, *args, **kwargs)

    def scalar(self, *args, **kwargs):
        return self._first_retried(super().scalar, *args, **kwargs)

    def scalars(self, *args, **kwargs):
        return self._first_retried(super().scalars, *args, **kwargs)

    def _first_retried(self, send, *args, **kwargs):
        # Only a first statement with nothing waiting to be flushed: a retry repeats nothing.
        first = not self.in_transaction() and not (self.new or self.dirty or self.deleted)
        try:
            return send(*args, **kwargs)
        except DBAPIError as error:
            if not (first and error.connection_invalidated):
                raise
            self.rollback()
        return send(*args, **kwargs)


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
    if engine.dialect.name != "sqlite":  # for single_statement views
        app.extensions["db_autocommit"] = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.extensions["db_sessions"] = sessionmaker(
        bind=engine, class_=RetryingSession, expire_on_commit=False
    )

    @app.teardown_appcontext
    def close_session(_error=None):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def db() -> Session:
    """This request's database session (created on first use)."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessions"](bind=_request_bind(current_app))
    return g.db_session


def single_statement(view: Callable) -> Callable:
    """Mark a view that reads, then writes with at most one statement (a conditional UPDATE
    is atomic on its own): on PostgreSQL its session works without a transaction, which
    saves the BEGIN and COMMIT round trips. Never for a view that writes twice."""
    view.single_statement = True
    return view


def reads_only_on_get(view: Callable) -> Callable:
    """Mark a view whose GET only reads (a page shown; its POST writes as usual): on PostgreSQL
    that GET works without a transaction, each SELECT on its own as READ COMMITTED sees it
    anyway, which saves the BEGIN and ROLLBACK round trips. Never for a view whose GET writes."""
    view.reads_only_on_get = True
    return view


def _request_bind(app: Flask) -> Engine:
    view = app.view_functions.get(request.endpoint) if has_request_context() else None
    without_transaction = getattr(view, "single_statement", False) or (
        getattr(view, "reads_only_on_get", False) and request.method in ("GET", "HEAD")
    )
    if without_transaction and "db_autocommit" in app.extensions:
        return app.extensions["db_autocommit"]
    return app.extensions["db_engine"]


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


def claim_next(session: Session, model, columns, due, order_by, lease_until, also=None):
    """Claim the oldest due row of an outbox table (`model` has `attempts` and
    `next_attempt_at`) for this worker: SELECT … FOR UPDATE SKIP LOCKED, then one UPDATE that
    counts the attempt and leases the row until `lease_until`, committed. Returns the row's
    `columns` and what `also(row)` read in the same transaction, or None when nothing is due.
    The mail and the webhook workers both claim their rows this way."""
    while True:
        try:
            row = session.execute(
                select(*columns)
                .where(*due)
                .order_by(*order_by)
                .limit(1)
                # PostgreSQL: lock the row, and let other workers pass over locked rows.
                # SQLite ignores this; there the transaction's BEGIN IMMEDIATE serialises.
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                session.commit()
                return None
            claimed = session.execute(
                update(model)
                .where(model.id == row.id, *due)
                .values(attempts=model.attempts + 1, next_attempt_at=lease_until)
                .execution_options(synchronize_session=False)
            ).rowcount
            extra = also(row) if also is not None else None
            session.commit()
        except Exception:
            session.rollback()
            raise
        if claimed == 1:
            return row, extra
        # Another worker claimed it between our read and our write (possible only where
        # reads take no locks): look again.


def update_row_now(session: Session, model, row_id: int, **values) -> None:
    """One UPDATE of one row, committed at once (rolled back on any error, which goes on up):
    how the outbox workers record an attempt, outside any other work."""
    try:
        session.execute(
            update(model)
            .where(model.id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
