"""Alembic environment: migrates the database named by the portal's settings."""

from alembic import context

from webapp.infra.database import make_engine
from webapp.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.attributes["database_url"])
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _foreign_keys_off(connection)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def _foreign_keys_off(connection) -> None:
    """SQLite drops a column by building the table anew and dropping the old one (Alembic's
    batch mode); with foreign keys on, that drop deletes every row first, and ON DELETE
    CASCADE took each case's events and files with it. Off for the migration's connection
    only (set on the driver's connection: SQLite ignores it inside a transaction)."""
    connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
