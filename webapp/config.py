"""Settings from the environment, with embedded defaults for local use (DESIGN.md's contract)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = ROOT / "instance"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def settings(overrides: dict) -> dict:
    """The app's settings: `overrides` (tests) over environment variables over defaults."""
    development = overrides.get(
        "DEVELOPMENT", os.environ.get("PORTAL_ENV", "production") == "development"
    )
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if not development:
            raise RuntimeError("SECRET_KEY must be set (or PORTAL_ENV=development for local use)")
        secret = _development_secret()
    return {
        "DEVELOPMENT": development,
        "SECRET_KEY": secret,
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'portal.sqlite3'}"),
        "PORTAL_CASETYPES": os.environ.get("PORTAL_CASETYPES", str(ROOT / "casetypes")),
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "PORTAL_COUNCIL_NAME": os.environ.get("PORTAL_COUNCIL_NAME", "Leicester City Council"),
        "PORTAL_SERVICE_NAME": os.environ.get("PORTAL_SERVICE_NAME", "School Portal"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "1025")),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "School Portal <no-reply@localhost>"
        ),
        # Uploads: the largest request accepted (a page may carry several files).
        "MAX_CONTENT_LENGTH": int(os.environ.get("PORTAL_MAX_REQUEST_MB", "60")) * 1024 * 1024,
        # Forms (webapp/request_guard.py): the most values one may send (raised to fit the
        # largest case-type page), and the largest typed value, or whole url-encoded form.
        "MAX_FORM_PARTS": int(os.environ.get("PORTAL_MAX_FORM_FIELDS", "1000")),
        "MAX_FORM_MEMORY_SIZE": int(os.environ.get("PORTAL_MAX_FORM_KB", "500")) * 1024,
        "SESSION_COOKIE_SECURE": not development,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "MY_CASES_PAGE_SIZE": 25,
        # Reverse proxies in front of the app (TLS ends there): how many to trust for the
        # client's address and scheme (X-Forwarded-For/-Proto). 0: none, use the peer.
        "PORTAL_TRUSTED_PROXIES": int(os.environ.get("PORTAL_TRUSTED_PROXIES", "0")),
        "PORTAL_DRAFT_RETENTION_DAYS": int(os.environ.get("PORTAL_DRAFT_RETENTION_DAYS", "180")),
    } | overrides


def _development_secret() -> str:
    """A secret kept in instance/ so local sign-ins survive a restart (development only)."""
    path = INSTANCE / "development-secret-key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
