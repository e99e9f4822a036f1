"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.webapp.conftest import private_schema
from webapp.database import make_engine
from webapp.migrate import upgrade
from webapp.models import Base


def differences(url):
    engine = make_engine(url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return found


def test_migrations_match_the_models_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    upgrade(url)
    assert differences(url) == []


def test_migrations_match_the_models_on_postgresql(postgres_url):
    with private_schema("migrate") as url:
        upgrade(url)
        assert differences(url) == []


def test_portal_db_upgrade_command_creates_a_working_database(tmp_path, monkeypatch, capsys):
    from webapp.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'portal.sqlite3'}")
    assert main(["db", "upgrade"]) == 0
    assert "database is up to date" in capsys.readouterr().out
    assert (tmp_path / "new" / "portal.sqlite3").exists()
