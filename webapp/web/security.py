"""Security headers on every response, and generic error pages (no tracebacks)."""

from __future__ import annotations

from flask import Flask, Response, g, redirect, render_template, request

from webapp.web.nearest_page import nearest_page

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        headers = response.headers
        # Werkzeug's make_conditional (an ETag's 304, send_file's downloads) adds a Date, and the
        # server (gunicorn, Werkzeug's) always sends its own: two Date lines, which RFC 9110
        # forbids and strict HTTP clients (an API client's) refuse. The server's is enough.
        headers.pop("Date", None)
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if not app.config.get("DEVELOPMENT"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not request.path.startswith("/static/"):
            # Pages may show personal data: never keep them in a cache.
            headers["Cache-Control"] = "no-store"
        return response

    for status in ERROR_PAGES:
        app.register_error_handler(status, lambda error, status=status: error_page(error, status))


# The page answering each status; 403 is answered as 404 so that nobody can probe which
# references exist.
ERROR_PAGES = {
    400: "errors/400.html",
    403: "errors/404.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/413.html",
    500: "errors/500.html",
}


def error_page(error, status: int):
    """The portal's page for an error of this status (a plain text line if even it fails)."""
    code = 404 if status == 403 else status
    above = nearest_page() if status == 404 else None
    if above:
        return redirect(above)
    session = g.get("db_session")
    if session is not None:
        session.rollback()  # the page below may need the database (the signed-in user)
    try:
        return render_template(
            ERROR_PAGES[status],
            message=getattr(error, "portal_message", ""),
            form_too_large=status == 413 and not _over_request_limit(),
        ), code
    except Exception:  # the failure may be the one that broke the page in the first place
        app_logger().exception("error page could not be rendered")
        return Response("Sorry, there is a problem with the service.", code, mimetype="text/plain")


def _over_request_limit() -> bool:
    """Whether a 413 is for the whole request's size (files, in practice) rather than for a
    form's answers (too many of them, or one too long)."""
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    return limit is not None and length is not None and length > limit


def app_logger():
    from flask import current_app

    return current_app.logger
