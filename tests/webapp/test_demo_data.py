"""Demo data exists for `make run` only: refused elsewhere, and safe to load twice."""

from sqlalchemy import func, select

from tests.webapp.helpers import portal_command
from webapp.infra.database import make_engine
from webapp.models import Base, Case, User


def test_demo_data_is_refused_outside_development(tmp_path):
    run = portal_command(tmp_path, "demo-data")
    assert run.returncode == 2
    assert run.stderr.startswith("portal demo-data: refusing outside development")
    assert "Traceback" not in run.stderr


def test_demo_data_prints_the_logins_and_can_be_loaded_twice(tmp_path, monkeypatch, capsys):
    from webapp.cli import main

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "demo-test")
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["demo-data"]) == 0
    assert main(["demo-data"]) == 0
    printed = capsys.readouterr().out
    assert "head@braunstone.example.org" in printed and "password for all" in printed
    assert "officer@council.example.org" in printed and "council officer" in printed
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(User)) == 6
        assert connection.scalar(select(func.count()).select_from(Case)) == 3
        assert connection.scalar(select(Case.status).where(Case.status != "Draft")) == "Active"
    engine.dispose()
