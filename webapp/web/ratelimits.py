"""Per-address limits (Flask-Limiter) on the pages a stranger can use to guess or to make the
portal send mail: sign-in, code entry, sending a code again, forgotten password and feedback.

The address is the client's, an IPv6 one counted with its /64: behind PORTAL_TRUSTED_PROXIES
the app's ProxyFix has already put it in `request.remote_addr`, and X-Forwarded-For from anyone
else is ignored. Counts live in
Redis when REDIS_URL is set (shared by every instance), in memory otherwise. Going over a limit
answers 429 with a page saying how long to wait. Each account is also slowed down by its own
failures (webapp/domain/throttle.py); these limits are the per-address half of SECURITY-CHECKLIST 5.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import time

from flask import Flask, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

from webapp.infra import clock

# endpoint -> the setting that holds its limits (POST only: reading a page is never limited).
LIMITED = {
    "auth.sign_in": "PORTAL_LIMIT_SIGN_IN",
    "auth.enter_code": "PORTAL_LIMIT_CODES",
    "auth.resend_code": "PORTAL_LIMIT_RESEND",
    "auth.forgotten_password": "PORTAL_LIMIT_FORGOTTEN",
    "pages.feedback": "PORTAL_LIMIT_FEEDBACK",
}

# Flask-Limiter's settings for limits on every view, which its hook before every request counts.
LIMITS_ON_EVERY_VIEW = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def init_app(app: Flask) -> None:
    """A limiter of the app's own (tests build many apps), and the limits on LIMITED's views.
    Call after the blueprints are registered."""
    api = ("PORTAL_LIMIT_API", "PORTAL_LIMIT_API_FAILURES", "PORTAL_LIMIT_API_FAILURE_AUDIT")
    for setting in (*LIMITED.values(), *api):  # the API's are counted in areas/api/guard.py
        _check_setting(setting, app.config[setting])
    limiter = Limiter(key_func=lambda: caller_network(get_remote_address()), app=app)
    app.extensions["portal_limiter"] = limiter
    for endpoint, setting in LIMITED.items():
        view = app.view_functions[endpoint]
        limit = limiter.limit(_setting_reader(setting), methods=["POST"])
        app.view_functions[endpoint] = limit(view)
    if not any(app.config.get(name) for name in LIMITS_ON_EVERY_VIEW):
        # A decorated view counts its own limits when it runs (before anything it does);
        # the hook before every request is for limits on every view, which the portal has
        # none of: off, so that no other request pays for looking (issue 12, P3).
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    app.register_error_handler(429, _too_many)


def caller_network(address: str | None) -> str:
    """What a client is counted under: its IPv4 address, or its IPv6 /64 (one machine may
    hold a whole /64, and would otherwise get a fresh count with every address of it). The
    address is remote_addr: behind PORTAL_TRUSTED_PROXIES, the client's as the proxy saw it."""
    try:
        caller = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if caller.version == 6 and caller.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{caller}/64", strict=False))
    return str(getattr(caller, "ipv4_mapped", None) or caller)


def _check_setting(setting: str, value: str) -> None:
    try:
        parse_many(value)
    except ValueError:
        raise RuntimeError(
            f"{setting}={value!r} is not a rate limit: write it like '20 per minute;200 per hour'"
        ) from None


def _setting_reader(setting: str):
    # Read at each request, so a test (or a reloaded setting) changes it without a new app.
    return lambda: current_app.config[setting]


# What each limited page says: its heading, and what happened (from the caller's connection).
_SHORT_TIME = "from your internet connection in a short time"
TOLD = {
    "auth.sign_in": (
        "Too many attempts to sign in",
        f"There have been too many attempts to sign in {_SHORT_TIME}. You have not been signed in.",
    ),
    "auth.enter_code": (
        "Too many codes entered",
        f"Too many security codes have been entered {_SHORT_TIME}. The code you entered has "
        "not been checked.",
    ),
    "auth.resend_code": (
        "Too many new codes asked for",
        f"Too many new security codes have been asked for {_SHORT_TIME}. No new code has "
        "been sent.",
    ),
    "auth.forgotten_password": (
        "Too many requests to reset a password",
        f"Too many requests to reset a password have come {_SHORT_TIME}. No email has been sent.",
    ),
    "pages.feedback": (
        "Too much feedback sent",
        f"Too much feedback has been sent {_SHORT_TIME}. Your feedback has not been sent.",
    ),
}
_ANY = (
    "Too many requests",
    f"Too many requests have come {_SHORT_TIME}. What you sent has not been dealt with.",
)


def _too_many(_error):
    """The 429 page: what happened, and how long to wait and until when (UK time), as a page
    and in Retry-After."""
    seconds = max(1, _seconds_to_wait())
    heading, happened = TOLD.get(request.endpoint, _ANY)
    page = render_template(
        "errors/429.html",
        heading=heading,
        happened=happened,
        minutes=max(1, math.ceil(seconds / 60)),
        until=_next_minute(clock.now() + dt.timedelta(seconds=seconds)),
        endpoint=request.endpoint,
    )
    response = current_app.make_response((page, 429))
    response.headers["Retry-After"] = str(seconds)
    return response


def _next_minute(moment: dt.datetime) -> dt.datetime:
    """The moment, up to its next whole minute (said as a time, never before it is due)."""
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + dt.timedelta(minutes=1)


def _seconds_to_wait() -> int:
    limiter = current_app.extensions["portal_limiter"]
    breached = [limit for limit in limiter.current_limits if limit.breached]
    if not breached:
        return 60
    # window[0]: when the limit lets the next request through (RequestLimit.reset_at rounds up).
    return math.ceil(max(limit.window[0] for limit in breached) - time.time())
