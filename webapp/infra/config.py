"""Settings from the environment, with embedded defaults for local use (DESIGN.md's contract)."""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = ROOT / "instance"


ENVIRONMENTS = ("development", "production")
MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
SECRET_KEY_BYTES = 32
SECRET_KEY_BITS = 128  # the least estimated randomness accepted
DEMO_SUPPORT_EMAIL = "inclusion@council.example.org"


class SettingsError(Exception):
    """The environment does not describe a portal that may start; the message says why."""


def settings(overrides: dict) -> dict:
    """The app's settings: `overrides` (tests) over environment variables over defaults."""
    development = (
        overrides["DEVELOPMENT"] if "DEVELOPMENT" in overrides else environment() == "development"
    )
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret and development:
        secret = _development_secret()
    database = overrides.get("DATABASE_URL") or database_url(development)
    base_url = overrides.get("PORTAL_BASE_URL") or os.environ.get("PORTAL_BASE_URL")
    if not development:
        _check_production(secret, base_url)
    return {
        "DEVELOPMENT": development,
        "SECRET_KEY": secret,
        "DATABASE_URL": database,
        "PORTAL_CASETYPES": casetypes_folder(),
        "PORTAL_BASE_URL": base_url or f"http://127.0.0.1:{port(5000)}",  # where `run` serves
        "PORTAL_COUNCIL_NAME": os.environ.get("PORTAL_COUNCIL_NAME", "Leicester City Council"),
        "PORTAL_SERVICE_NAME": os.environ.get("PORTAL_SERVICE_NAME", "School Portal"),
        # Whom schools write to when they cannot sign in (the council's inclusion mailbox):
        # named on the sign-in page; the demo shows an example address.
        "PORTAL_SUPPORT_EMAIL": _support_email(development),
        **_page_sizes(),
        # Reverse proxies in front of the app (TLS ends there): how many to trust for the
        # client's address and scheme (X-Forwarded-For/-Proto). 0: none, use the peer.
        "PORTAL_TRUSTED_PROXIES": _whole("PORTAL_TRUSTED_PROXIES", 0),
        "PORTAL_DRAFT_RETENTION_DAYS": _whole("PORTAL_DRAFT_RETENTION_DAYS", 180),
        # The API holds back cases changed this recently, so that a poller's cursor never
        # passes a change still being committed (webapp/areas/api/listing.py).
        "PORTAL_API_SETTLE_SECONDS": _whole("PORTAL_API_SETTLE_SECONDS", 5),
        # How long a transition's Idempotency-Key is remembered (a retry within it gets the
        # first answer); older ones are purged (webapp/domain/retention.py).
        "PORTAL_API_IDEMPOTENCY_DAYS": _whole("PORTAL_API_IDEMPOTENCY_DAYS", 7, least=1),
        **_mail(),
        **_webhooks(),
        **_request_limits(),
        **_sessions(development),
        **_scanner(),
        **_rate_limits(),
        **log_settings(development),
        # /readyz answers 503 when the oldest unsent mail is older than this (0: never).
        "PORTAL_READY_OUTBOX_LAG_MINUTES": _whole("PORTAL_READY_OUTBOX_LAG_MINUTES", 15),
    } | overrides


LOG_FORMATS = ("json", "plain")


def log_settings(development: bool) -> dict:
    """PORTAL_LOG_FORMAT: "json" (one object a line, the default outside development) or
    "plain" (the default in development); PORTAL_LOG_LEVEL: INFO unless said otherwise."""
    log_format = os.environ.get("PORTAL_LOG_FORMAT", "").strip().lower()
    log_format = log_format or ("plain" if development else "json")
    if log_format not in LOG_FORMATS:
        raise SettingsError(f"PORTAL_LOG_FORMAT must be 'json' or 'plain', not {log_format!r}")
    level = os.environ.get("PORTAL_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(
            f"PORTAL_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}"
        )
    return {"PORTAL_LOG_FORMAT": log_format, "PORTAL_LOG_LEVEL": level}


def web_server() -> dict:
    """Gunicorn's settings for `portal serve` (webapp/infra/gunicorn_conf.py), each from its
    environment variable (docs/deploy.md)."""
    return {
        "workers": _whole("PORTAL_WEB_WORKERS", 2, least=1),
        # Threads per worker (gthread): a slow request (a large export) holds one thread, not
        # a whole worker, and the worker keeps telling gunicorn it is alive meanwhile.
        "threads": _whole("PORTAL_WEB_THREADS", 4, least=1),
        # Seconds a worker may go silent before it is killed and replaced, and the time
        # given to finish the requests in hand on a restart or a stop.
        "timeout": _whole("PORTAL_WEB_TIMEOUT", 60, least=1),
        "graceful_timeout": _whole("PORTAL_WEB_GRACEFUL_TIMEOUT", 30, least=1),
        "keepalive": _whole("PORTAL_WEB_KEEPALIVE", 5, least=1),
        # A worker is replaced after about this many requests (0: never), the jitter keeping
        # the workers from restarting together: a guard against slow growth of memory.
        "max_requests": _whole("PORTAL_WEB_MAX_REQUESTS", 1000),
        "max_requests_jitter": _whole("PORTAL_WEB_MAX_REQUESTS_JITTER", 100),
    }


def _support_email(development: bool) -> str:
    """The council's mailbox for schools that cannot sign in ("" names none)."""
    value = os.environ.get("PORTAL_SUPPORT_EMAIL", DEMO_SUPPORT_EMAIL if development else "")
    value = value.strip()
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise SettingsError(f"PORTAL_SUPPORT_EMAIL must be an email address, not {value!r}")
    return value


def _page_sizes() -> dict:
    """Rows on a page of each listing (webapp/web/listing.py)."""
    return {
        "MY_CASES_PAGE_SIZE": 25,
        "USER_ADMIN_PAGE_SIZE": 50,
        "CASEVIEWER_PAGE_SIZE": 25,
        "COUNCIL_SCHOOLS_PAGE_SIZE": 50,
        "COUNCIL_OFFICERS_PAGE_SIZE": 50,
    }


def _mail() -> dict:
    """SMTP for the mail worker (Flask-Mail's settings)."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": _whole("MAIL_PORT", 1025),
        "MAIL_PORT_CHOSEN": bool(os.environ.get("MAIL_PORT", "").strip()),  # unset: see run()
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "School Portal <no-reply@localhost>"
        ),
        # Seconds each SMTP step may take (webapp/infra/mail/delivery.py), well inside the
        # worker's 5-minute lease on a message; not set from the environment.
        "MAIL_TIMEOUT": 30.0,
        # The wait after a message's first failed delivery; it doubles after each further
        # failure, up to 30 minutes (webapp/infra/mail/delivery.py). Shorter only to rehearse
        # an SMTP outage quickly (bench/scale_out.py).
        "MAIL_FIRST_RETRY_SECONDS": _seconds("PORTAL_MAIL_RETRY_SECONDS", 30.0),
    }


def _webhooks() -> dict:
    """Webhook deliveries (webapp/infra/webhook_delivery.py)."""
    return {
        # Tests and rehearsals only (127.0.0.1, plain http): never in production (SSRF).
        "PORTAL_WEBHOOK_ALLOW_LOOPBACK": _flag("PORTAL_WEBHOOK_ALLOW_LOOPBACK", False),
        "WEBHOOK_TIMEOUT": 10.0,  # seconds a delivery may take
        "WEBHOOK_FIRST_RETRY_SECONDS": 30.0,  # doubles after each failure, at most an hour
        "WEBHOOK_RETRY_HOURS": _whole("PORTAL_WEBHOOK_RETRY_HOURS", 24, least=1),
        "PORTAL_WEBHOOK_KEEP_DAYS": _whole("PORTAL_WEBHOOK_KEEP_DAYS", 30, least=1),  # then purged
    }


def _request_limits() -> dict:
    """The largest request, and the largest forms (webapp/web/request_guard.py)."""
    return {
        "MAX_CONTENT_LENGTH": _whole("PORTAL_MAX_REQUEST_MB", 60) * 1024 * 1024,  # with files
        # The most values one form may send (raised to fit the largest case-type page), and
        # the largest typed value, or whole url-encoded form.
        "MAX_FORM_PARTS": _whole("PORTAL_MAX_FORM_FIELDS", 1000),
        "MAX_FORM_MEMORY_SIZE": _whole("PORTAL_MAX_FORM_KB", 500) * 1024,
    }


def _sessions(development: bool) -> dict:
    """Session cookies, and how long a signed-in session lasts: it ends after the idle limit
    without a request (autosave counts) or the absolute limit after signing in."""
    hours = _whole("PORTAL_SESSION_HOURS", 12, least=1)
    return {
        "SESSION_COOKIE_SECURE": not development,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_IDLE_SECONDS": _whole("PORTAL_SESSION_IDLE_MINUTES", 30, least=1) * 60,
        # How long before an idle session ends its pages warn, offering to stay signed in.
        "SESSION_WARNING_SECONDS": _whole("PORTAL_SESSION_WARNING_SECONDS", 120, least=1),
        "SESSION_ABSOLUTE_SECONDS": hours * 60 * 60,
        "PERMANENT_SESSION_LIFETIME": hours * 60 * 60,  # the cookie's own life
        # The cookie is signed and sent again only when the session changes (the last activity
        # is written at most once a minute, sessions.py), not with every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    }


def _scanner() -> dict:
    """ClamAV's daemon scans every upload: a Unix socket, or a host and port (TCP)."""
    return {
        "CLAMD_SOCKET": os.environ.get("CLAMD_SOCKET", ""),
        "CLAMD_HOST": os.environ.get("CLAMD_HOST", ""),
        "CLAMD_PORT": _whole("CLAMD_PORT", 3310),
        # How long an upload waits for clamd before the file is left to the worker, and how
        # long the worker waits (seconds, for each step of a scan).
        "CLAMD_UPLOAD_TIMEOUT": _seconds("CLAMD_UPLOAD_TIMEOUT", 5.0),
        "CLAMD_TIMEOUT": _seconds("CLAMD_TIMEOUT", 120.0),
    }


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _whole(name: str, default: int, least: int = 0) -> int:
    """A whole-number setting; anything else is refused in one line, naming the setting."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or int(value) < least:
        at_least = f" of at least {least}" if least else ""
        raise SettingsError(f"{name} must be a whole number{at_least}, not {value!r}")
    return int(value)


def _seconds(name: str, default: float) -> float:
    """A number of seconds (3 or 2.5), more than 0; anything else is refused in one line."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise SettingsError(f"{name} must be a number of seconds above 0, not {value!r}")
    return seconds


def casetypes_folder(default: str = str(ROOT / "casetypes")) -> str:
    """PORTAL_CASETYPES: the folder of case-type YAML files."""
    return os.environ.get("PORTAL_CASETYPES", default)


def port(default: int) -> int:
    """PORT: where `portal run` (5000) or `portal serve` (8000) listens."""
    return _whole("PORT", default, least=1)


def without_web_sessions() -> dict:
    """Settings for a command that handles no web sessions: a throwaway signing key unless
    SECRET_KEY is set (random, so it passes the production check and signs nothing)."""
    return {} if os.environ.get("SECRET_KEY") else {"SECRET_KEY": _random_key()}


def environment() -> str:
    """PORTAL_ENV: "production" (the default) or "development"; anything else is refused, so a
    typo can neither relax a live portal nor harden a laptop by surprise."""
    value = os.environ.get("PORTAL_ENV", "production").strip().lower() or "production"
    if value not in ENVIRONMENTS:
        raise SettingsError(
            f"PORTAL_ENV must be 'development' or 'production' (the default), not {value!r}"
        )
    return value


def configured_database_url() -> str | None:
    """DATABASE_URL when it is set, else None (`portal validate --strict` then checks no teams)."""
    return os.environ.get("DATABASE_URL") or None


def database_url(development: bool) -> str:
    """DATABASE_URL; outside development it must be set (no silent local SQLite file), in
    development it defaults to a SQLite file in instance/."""
    url = os.environ.get("DATABASE_URL")
    if not url and not development:
        raise SettingsError(
            "DATABASE_URL must be set outside development (postgresql+psycopg://user@host/db); "
            "the portal does not fall back to a local SQLite file in production"
        )
    return url or f"sqlite:///{INSTANCE / 'portal.sqlite3'}"


def _check_production(secret: str | None, base_url: str | None) -> None:
    """Outside development the portal starts only with settings fit for real users."""
    if not secret:
        raise SettingsError(
            f"SECRET_KEY must be set outside development: make one with {MAKE_A_KEY}"
        )
    problem = secret_key_problem(secret)
    if problem:
        raise SettingsError(f"SECRET_KEY {problem}: make one with {MAKE_A_KEY}")
    if not base_url:
        raise SettingsError(
            "PORTAL_BASE_URL must be set outside development: the portal's address as users "
            "reach it, such as https://schools.example.gov.uk (it goes into emailed links)"
        )
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.hostname:
        raise SettingsError(
            f"PORTAL_BASE_URL must be an https:// address outside development, not {base_url!r}"
        )
    if _flag("PORTAL_WEBHOOK_ALLOW_LOOPBACK", False):
        raise SettingsError(
            "PORTAL_WEBHOOK_ALLOW_LOOPBACK is for tests and rehearsals only: outside development "
            "it would let an API client make the portal call its own network"
        )


def secret_key_problem(secret: str) -> str | None:
    """Why a secret key is too weak to sign sessions, or None.

    Randomness cannot be measured from one string; this refuses what is plainly not random: too
    short, or too little variety to hold 128 bits (estimated per character from its own spread).
    """
    size = len(secret.encode())
    if size < SECRET_KEY_BYTES:
        return f"is {size} bytes long; it must be at least {SECRET_KEY_BYTES} random bytes"
    counts = Counter(secret)
    per_character = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    bits = per_character * len(secret)
    if bits < SECRET_KEY_BITS:
        return f"holds too little randomness (about {bits:.0f} bits; {SECRET_KEY_BITS} needed)"
    return None


def scanner_problem(config: dict) -> str | None:
    """Why this configuration must not serve uploads: production without a virus scanner.
    (Development and tests may do without one; their uploads are marked as not scanned.)"""
    if config.get("DEVELOPMENT") or config.get("TESTING"):
        return None
    if config.get("CLAMD_SOCKET") or config.get("CLAMD_HOST"):
        return None
    return (
        "a virus scanner is required: set CLAMD_SOCKET (clamd's Unix socket, e.g. "
        "/run/clamav/clamd.ctl) or CLAMD_HOST and CLAMD_PORT (or PORTAL_ENV=development "
        "for local use, where uploads are not scanned)"
    )


# Per client address (webapp/ratelimits.py). A school's staff often share one address, so the
# limits leave room for a whole staff room signing in at 8:30.
RATE_LIMITS = {
    "PORTAL_LIMIT_SIGN_IN": "20 per minute;200 per hour",
    "PORTAL_LIMIT_CODES": "20 per minute;200 per hour",
    "PORTAL_LIMIT_RESEND": "5 per minute;30 per hour",
    "PORTAL_LIMIT_FORGOTTEN": "5 per minute;30 per hour",
    "PORTAL_LIMIT_FEEDBACK": "5 per minute;30 per hour",
    "PORTAL_LIMIT_API": "600 per minute;20000 per hour",  # per API client (areas/api)
    # Calls to the API without a live key, per address (an IPv6 /64): over it, every call
    # from there is a 429 until the window moves on. Only the first failure of an address in
    # the longest window is audited, and at most PORTAL_LIMIT_API_FAILURE_AUDIT of those in
    # all: a flood of bad keys cannot fill the audit table (webapp/areas/api/guard.py).
    "PORTAL_LIMIT_API_FAILURES": "10 per minute;100 per hour",
    "PORTAL_LIMIT_API_FAILURE_AUDIT": "500 per hour",
}


def _rate_limits() -> dict:
    """Flask-Limiter's settings: Redis when REDIS_URL is set (shared by every instance; if it
    goes down, each instance counts in memory until it is back), memory otherwise."""
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": bool(redis_url),
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": os.environ.get("PORTAL_LIMIT_KEY_PREFIX", "portal"),
        **{name: os.environ.get(name, default) for name, default in RATE_LIMITS.items()},
    }


def _random_key() -> str:
    """A new key, as secrets.token_hex(32) makes it (`secrets` would load OpenSSL's hashes)."""
    return os.urandom(SECRET_KEY_BYTES).hex()


def _development_secret() -> str:
    """A secret kept in instance/ so local sign-ins survive a restart (development only)."""
    path = INSTANCE / "development-secret-key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(_random_key())
        path.chmod(0o600)
    return path.read_text().strip()


def preview_settings() -> dict:
    """`portal preview`'s app: a local server with no database and no sign-in. Its session
    key is new each start (the only thing it signs is the preview's own browser key)."""
    return {
        "SECRET_KEY": _random_key(),
        "DEVELOPMENT": True,
        "PORTAL_COUNCIL_NAME": os.environ.get("PORTAL_COUNCIL_NAME", "Leicester City Council"),
        "PORTAL_SERVICE_NAME": os.environ.get("PORTAL_SERVICE_NAME", "School Portal"),
        "PORTAL_SUPPORT_EMAIL": "",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        **_request_limits(),
        "MAX_FORM_PARTS": 20_000,  # the case types change while it runs: no page-sized bound
    }
