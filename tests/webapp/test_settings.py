"""Settings a live portal must have (issue 9, item 10): a strong SECRET_KEY, its own address,
a real database, and no silent switch to development mode."""

from __future__ import annotations

import datetime
import secrets
import socket

import pytest

from tests.webapp.conftest import BASE_URL, ROOT, SECRET_KEY
from webapp import create_app
from webapp.cli import main
from webapp.infra.config import SettingsError


@pytest.fixture
def production(monkeypatch, tmp_path):
    """A production environment with every setting right; tests take one away."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("PORTAL_BASE_URL", BASE_URL)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    monkeypatch.setenv("PORTAL_CASETYPES", str(ROOT / "casetypes"))
    return monkeypatch


def start(**overrides):
    app = create_app(overrides)
    app.extensions["db_engine"].dispose()
    return app


def test_production_starts_with_fit_settings(production):
    app = start()
    assert app.config["SECRET_KEY"] == SECRET_KEY and not app.config["DEVELOPMENT"]


@pytest.mark.parametrize(
    "key, why",
    [
        ("a", "is 1 bytes long; it must be at least 32 random bytes"),
        ("a" * 64, "holds too little randomness"),
        ("password" * 4, "holds too little randomness"),
        (secrets.token_hex(16), "holds too little randomness"),  # 16 random bytes, as hex
    ],
)
def test_a_weak_secret_key_is_refused_and_the_message_says_how_to_make_one(production, key, why):
    production.setenv("SECRET_KEY", key)
    with pytest.raises(SettingsError) as refused:
        start()
    assert why in str(refused.value)
    assert "secrets.token_hex(32)" in str(refused.value)


def test_no_secret_key_is_refused_outside_development(production):
    production.delenv("SECRET_KEY")
    with pytest.raises(SettingsError, match="SECRET_KEY must be set outside development"):
        start()


def test_strong_keys_of_the_usual_kinds_are_accepted(production):
    for key in (secrets.token_hex(32), secrets.token_urlsafe(32)):
        production.setenv("SECRET_KEY", key)
        assert start().config["SECRET_KEY"] == key


@pytest.mark.parametrize(
    "address, why",
    [
        (None, "PORTAL_BASE_URL must be set outside development"),
        ("http://schools.example.gov.uk", "must be an https:// address"),
        ("schools.example.gov.uk", "must be an https:// address"),
    ],
)
def test_production_needs_its_own_https_address_for_emailed_links(production, address, why):
    if address is None:
        production.delenv("PORTAL_BASE_URL")
    else:
        production.setenv("PORTAL_BASE_URL", address)
    with pytest.raises(SettingsError, match=why):
        start()


def test_production_never_falls_back_to_a_local_sqlite_file(production):
    production.delenv("DATABASE_URL")
    with pytest.raises(SettingsError, match="DATABASE_URL must be set outside development"):
        start()


def test_an_unknown_portal_env_is_refused_rather_than_guessed(production):
    production.setenv("PORTAL_ENV", "prod")
    with pytest.raises(SettingsError, match="PORTAL_ENV must be 'development' or 'production'"):
        start()


def test_development_needs_none_of_them(production):
    production.setenv("PORTAL_ENV", "development")
    for name in ("SECRET_KEY", "PORTAL_BASE_URL"):
        production.delenv(name)
    app = start()
    assert app.config["DEVELOPMENT"] and len(app.config["SECRET_KEY"]) >= 32


def test_development_links_lead_to_the_port_served(production):
    """`PORT=5391 portal run` sent emails whose links led to :5000, where nothing answered."""
    production.setenv("PORTAL_ENV", "development")
    production.delenv("PORTAL_BASE_URL")
    production.delenv("PORT", raising=False)
    assert start().config["PORTAL_BASE_URL"] == "http://127.0.0.1:5000"
    production.setenv("PORT", "5391")
    assert start().config["PORTAL_BASE_URL"] == "http://127.0.0.1:5391"
    production.setenv("PORTAL_BASE_URL", "https://portal.example.org")
    assert start().config["PORTAL_BASE_URL"] == "https://portal.example.org"


def test_commands_say_what_is_wrong_in_one_line(production, capsys):
    production.setenv("SECRET_KEY", "a")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("portal serve: SECRET_KEY is 1 bytes long") and err.count("\n") == 1

    production.delenv("DATABASE_URL")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("portal db: DATABASE_URL must be set") and err.count("\n") == 1


def test_portal_run_does_not_switch_to_development_by_itself(production, capsys):
    production.delenv("PORTAL_ENV")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("portal run: the development server needs PORTAL_ENV=development")
    assert "Traceback" not in err


def test_session_limits_come_from_the_environment(production):
    config = start().config
    assert (config["SESSION_IDLE_SECONDS"], config["SESSION_ABSOLUTE_SECONDS"]) == (1800, 43200)
    production.setenv("PORTAL_SESSION_IDLE_MINUTES", "10")
    production.setenv("PORTAL_SESSION_HOURS", "2")
    app = start()
    assert (app.config["SESSION_IDLE_SECONDS"], app.config["SESSION_ABSOLUTE_SECONDS"]) == (
        600,
        7200,
    )
    assert app.permanent_session_lifetime == datetime.timedelta(hours=2)  # the cookie's life


def test_the_first_wait_after_a_failed_email_comes_from_the_environment(production):
    assert start().config["MAIL_FIRST_RETRY_SECONDS"] == 30.0
    production.setenv("PORTAL_MAIL_RETRY_SECONDS", "1.5")
    assert start().config["MAIL_FIRST_RETRY_SECONDS"] == 1.5


@pytest.mark.parametrize(
    "name, value, why",
    [
        ("PORTAL_SESSION_IDLE_MINUTES", "0", "a whole number of at least 1, not '0'"),
        ("PORTAL_SESSION_HOURS", "half a day", "a whole number of at least 1, not 'half a day'"),
        ("PORTAL_MAX_REQUEST_MB", "60MB", "a whole number, not '60MB'"),
        ("PORTAL_DRAFT_RETENTION_DAYS", "-1", "a whole number, not '-1'"),
        ("CLAMD_TIMEOUT", "soon", "a number of seconds above 0, not 'soon'"),
        ("PORTAL_MAIL_RETRY_SECONDS", "0", "a number of seconds above 0, not '0'"),
    ],
)
def test_a_setting_that_is_not_a_fit_number_is_refused_naming_it(production, name, value, why):
    production.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        start()
    assert str(refused.value) == f"{name} must be {why}"


def test_commands_name_a_setting_that_is_not_a_number_in_one_line(production, capsys):
    production.setenv("MAIL_PORT", "smtp")
    assert main(["purge"]) == 2
    assert capsys.readouterr().err == (
        "portal purge: MAIL_PORT must be a whole number, not 'smtp'\n"
    )
    production.setenv("PORTAL_ENV", "development")
    production.setenv("PORT", "five thousand")
    assert main(["run"]) == 2
    assert capsys.readouterr().err == (
        "portal run: PORT must be a whole number of at least 1, not 'five thousand'\n"
    )


def test_portal_run_on_a_port_in_use_says_how_to_choose_another_before_starting(production, capsys):
    """`make run` beside another portal (or anything on 5000) printed where to read the mail
    and "School Portal on http://127.0.0.1:5000/", then Werkzeug's "Port 5000 is in use by
    another program. Either identify and stop that program, or start the server with a
    different port", not saying how."""
    production.setenv("PORTAL_ENV", "development")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        production.setenv("PORT", str(port))
        assert main(["run"]) == 1
    printed = capsys.readouterr()
    assert printed.err == (
        f"portal run: 127.0.0.1:{port} is in use by another program: stop it, or choose a "
        f"free port with PORT (PORT={port + 1} make run)\n"
    )
    assert "School Portal on" not in printed.out and "Mail" not in printed.out


def test_production_refuses_webhooks_to_its_own_machine(production):
    """Found by review: the setting said "never in production", and nothing stopped it."""
    production.setenv("PORTAL_WEBHOOK_ALLOW_LOOPBACK", "1")
    with pytest.raises(SettingsError, match="PORTAL_WEBHOOK_ALLOW_LOOPBACK is for tests"):
        start()


@pytest.mark.parametrize("days", ["0", "-1", "30.5", "a month"])
def test_webhook_deliveries_are_kept_at_least_a_day(production, days):
    production.setenv("PORTAL_WEBHOOK_KEEP_DAYS", days)
    with pytest.raises(SettingsError, match="PORTAL_WEBHOOK_KEEP_DAYS must be a whole number"):
        start()
