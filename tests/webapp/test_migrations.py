"""The Alembic migrations build exactly the schema the models describe, on both databases."""

import json
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from tests.webapp.conftest import private_schema
from webapp.infra.database import make_engine
from webapp.infra.migrate import upgrade
from webapp.models import Base


def differences(url):
    engine = make_engine(url)
    with engine.connect() as connection, warnings.catch_warnings():
        # The lists' expression indexes exist on PostgreSQL only (issue 12): SQLite, which
        # cannot reflect them, leaves them out of the comparison, saying so.
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
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


def _case_with_a_disguised_file(url):
    """At revision 0005: a case whose answers hold a file named with a right-to-left override."""
    import datetime

    from sqlalchemy import MetaData, insert

    upgrade(url, "0005")
    engine = make_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    now = datetime.datetime.now(datetime.UTC)
    ref = {"id": "a" * 32, "name": "invoice\u202efdp.pdf", "size": 9, "kind": "pdf"}
    with engine.begin() as connection:
        connection.execute(
            insert(tables.tables["schools"]).values(
                id=1, name="A", urn="111111", setting_type="school", created_at=now
            )
        )
        connection.execute(
            insert(tables.tables["users"]).values(
                id=1,
                email="a@a.example.org",
                first_name="A",
                last_name="B",
                job_title="",
                mobile="",
                password_hash="x",
                is_locked=False,
                session_generation=0,
                created_at=now,
                failed_attempts=0,
                security_question="",
                council_role="",
            )
        )
        connection.execute(
            insert(tables.tables["cases"]).values(
                id=1,
                reference="EDU-SENED-PTT1001",
                school_id=1,
                created_by_id=1,
                case_type_id="part-time-timetable",
                case_type_version=1,
                case_type_name="PTT",
                service_name="PTT",
                status="Active",
                activity_label="Submitted",
                answers={"signed_plan": ref, "providers": [{"report": ref}]},
                raw_input={},
                sent_answers={"signed_plan": ref},
                page_versions={},
                created_at=now,
                updated_at=now,
                row_version=1,
            )
        )
        connection.execute(
            insert(tables.tables["attachments"]).values(
                id=ref["id"],
                case_id=1,
                field_key="signed_plan",
                filename=ref["name"],
                kind="pdf",
                content_type="application/pdf",
                size=9,
                data=b"%PDF-1.4\n",
                uploaded_by_id=1,
                created_at=now,
            )
        )
    engine.dispose()


def test_the_upgrade_cleans_file_names_and_leaves_files_stored_before_to_the_scanner(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    _case_with_a_disguised_file(url)
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(text("select filename from attachments")) == "invoicefdp.pdf"
        # Never scanned: it waits for the worker, and no one downloads it before.
        assert connection.scalar(text("select scan_status from attachments")) == "pending"
        answers, sent = connection.execute(text("select answers, sent_answers from cases")).one()
    engine.dispose()
    clean = {"id": "a" * 32, "name": "invoicefdp.pdf", "size": 9, "kind": "pdf"}
    assert json.loads(answers) == {"signed_plan": clean, "providers": [{"report": clean}]}
    assert json.loads(sent) == {"signed_plan": clean}


def test_the_upgrade_copies_each_assignees_name_onto_their_cases(tmp_path):
    """Revision 0016: a case assigned before it is sorted by its assignee's name after it."""
    url = f"sqlite:///{tmp_path / 'assigned.sqlite3'}"
    _case_with_a_disguised_file(url)
    upgrade(url, "0015")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("update users set first_name = 'Olivia', last_name = 'Okoro'"))
        connection.execute(text("update cases set assigned_to_id = (select min(id) from users)"))
    upgrade(url)
    with engine.connect() as connection:
        names = connection.execute(
            text("select assignee_last_name, assignee_first_name from cases")
        ).all()
    engine.dispose()
    assert names == [("Okoro", "Olivia")]


def test_a_downgrade_that_rebuilds_the_cases_table_keeps_their_events_and_files(tmp_path):
    """SQLite rebuilds a table to drop a column (0020's sent_updated_at, 0016's assignee
    names): with foreign keys on, dropping the old table deleted every case's timeline and
    files through their ON DELETE CASCADE, while the cases themselves survived the copy."""
    from alembic import command

    from webapp.infra.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'down.sqlite3'}"
    _case_with_a_disguised_file(url)
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into case_events (case_id, kind, at, note, for_school)"
                " select id, 'submitted', created_at, '', true from cases"
            )
        )
    for revision in ("0019", "0015"):
        command.downgrade(alembic_config(url), revision)
        with engine.connect() as connection:
            kept = [
                connection.scalar(text("select count(*) from cases")),
                connection.scalar(text("select count(*) from case_events")),
                connection.scalar(text("select count(*) from attachments")),
            ]
        assert kept == [1, 1, 1], f"after the downgrade to {revision}"
    engine.dispose()


def _answers_typed_before_one_character_a_line(url):
    """Revision 0022: a case sent before a new line was kept as one character (h-review11)
    holds the browser's \\r\\n; the school sending it back unchanged, with \\n, must not be
    told to the officer as 'Answers changed', and the API gives one format."""
    _case_with_a_disguised_file(url)
    upgrade(url, "0021")
    typed = {
        "reason_details": "Jordan is returning.\r\nSlowly.",
        "providers": [{"notes": "a\r\nb"}],
        "hours": 15,
        "signed_plan": {"id": "a" * 32, "name": "plan.pdf"},
    }
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("update cases set answers = :a, sent_answers = :a, raw_input = :r"),
            {"a": json.dumps(typed), "r": json.dumps({"reason_details": "x\r\ny"})},
        )
    upgrade(url)
    with engine.connect() as connection:
        row = connection.execute(text("select answers, sent_answers, raw_input from cases")).one()
    engine.dispose()
    loaded = [json.loads(v) if isinstance(v, str) else v for v in row]
    one_a_line = {
        **typed,
        "reason_details": "Jordan is returning.\nSlowly.",
        "providers": [{"notes": "a\nb"}],
    }
    assert loaded == [one_a_line, one_a_line, {"reason_details": "x\ny"}]


def test_the_upgrade_keeps_new_lines_stored_before_as_one_character_on_sqlite(tmp_path):
    _answers_typed_before_one_character_a_line(f"sqlite:///{tmp_path / 'lines.sqlite3'}")


def test_the_upgrade_keeps_new_lines_stored_before_as_one_character_on_postgresql(postgres_url):
    with private_schema("lines") as url:
        _answers_typed_before_one_character_a_line(url)
