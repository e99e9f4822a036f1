"""The School Portal web application: thin Flask views over the engine.

    app = create_app()                   # settings from the environment (config.py)
    app = create_app({"DATABASE_URL": "sqlite:///..."})   # tests override settings
"""

from __future__ import annotations

from flask import Flask

from webapp import config, database, security
from webapp.extensions import csrf, login_manager


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: settings, database, sign-in, CSRF, case types, blueprints, headers."""
    app = Flask(__name__, instance_path=str(config.INSTANCE))
    app.config.update(config.settings(overrides or {}))

    database.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)

    from webapp import casetypes, templating

    casetypes.init_app(app)
    templating.init_app(app)

    from webapp.auth import bp as auth_bp
    from webapp.cases import bp as cases_bp
    from webapp.pages import bp as pages_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    return app
