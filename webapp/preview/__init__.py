"""`portal preview`: the case types under a folder shown as schools will see them, on a local
server of its own (no database, no sign-in), read again whenever a file changes.

    app = create_preview_app(["casetypes"])      # then app.run(host="127.0.0.1", port=5001)

The pages are the portal's own (templates/cases/); pages.py fills them from answers kept in
memory (store.py) instead of a case. Council admin reuses pages.py for the deployed case types
and their stored versions (areas/council_admin/preview.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

HERE = Path(__file__).parent


def create_preview_app(paths: Sequence[str], overrides: dict | None = None) -> Flask:
    """The preview's Flask app for the case types under `paths` (folders or files)."""
    from flask import Flask
    from flask_wtf.csrf import CSRFProtect
    from jinja2 import ChoiceLoader, FileSystemLoader

    from webapp.infra import config
    from webapp.preview.source import WatchedCatalogue
    from webapp.preview.store import AnswerStore
    from webapp.web import request_guard, security, templating

    app = Flask("webapp", instance_path=str(config.INSTANCE))
    app.config.update(config.preview_settings() | (overrides or {}))
    # The preview's base.html first, so that the cases templates extend it, not the portal's.
    app.jinja_loader = ChoiceLoader([FileSystemLoader(HERE / "templates"), app.jinja_loader])
    templating.init_app(app)
    app.request_class = request_guard.PortalRequest  # forms bounded, as in the portal
    app.before_request(request_guard.refuse_nul)
    security.init_app(app)  # the portal's headers (CSP)
    for status in (400, 404, 405, 413, 500):  # error pages of its own (no portal links)
        app.register_error_handler(status, _error_page(status))
    CSRFProtect(app)
    app.extensions["preview_catalogue"] = WatchedCatalogue(list(paths))
    app.extensions["preview_answers"] = AnswerStore()

    @app.context_processor
    def source():
        return {"preview_source": " ".join(str(p) for p in paths)}

    from webapp.preview.routes import bp

    app.register_blueprint(bp)
    return app


ERRORS = {
    400: "The request could not be read",
    404: "Page not found",
    405: "Page not found",
    413: "What was sent is too large",
    500: "Sorry, there is a problem with the preview",
}


def _error_page(status: int):
    def handle(_error):
        from flask import render_template

        return render_template("preview/error.html", heading=ERRORS[status]), status

    return handle
