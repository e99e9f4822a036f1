"""The School Portal web application: thin Flask views over the engine.

app = create_app()                   # settings from the environment (config.py)
app = create_app({"DATABASE_URL": "sqlite:///..."})   # tests override settings
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: settings, database, sign-in, CSRF, case types, blueprints, headers."""
    # Imported here, not above, so that `portal validate` (webapp.cli) starts without Flask.
    from flask import Flask

    from webapp.infra import casetypes, config, database, logs
    from webapp.infra.extensions import csrf, login_manager
    from webapp.infra.extensions import mail as mail_extension  # `webapp.infra.mail` is the outbox
    from webapp.web import health, request_guard, security, templating

    app = Flask(__name__, instance_path=str(config.INSTANCE))
    app.jinja_environment = templating.Environment  # before anything makes app.jinja_env
    app.config.update(config.settings(overrides or {}))
    proxies = app.config["PORTAL_TRUSTED_PROXIES"]
    if proxies:  # the audit trail's "from where" is the client, not the proxy
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    logs.init_app(app)  # X-Request-Id on every response, the id on every log line
    health.init_app(app)  # /healthz, /readyz: answered before any other hook
    casetypes.init_app(app)
    request_guard.init_app(app)  # before anything reads a request
    database.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    mail_extension.init_app(app)  # reads MAIL_*: settings changed later need init_app again

    from webapp.areas.auth import sessions

    templating.init_app(app)
    sessions.init_app(app)

    from webapp.areas.api import bp as api_bp
    from webapp.areas.auth import bp as auth_bp
    from webapp.areas.cases import bp as cases_bp
    from webapp.areas.caseviewer import bp as officer_bp
    from webapp.areas.council_admin import bp as council_bp
    from webapp.areas.pages import bp as pages_bp
    from webapp.areas.user_admin import bp as admin_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(council_bp)
    app.register_blueprint(officer_bp)
    app.register_blueprint(api_bp)
    from webapp.web import ratelimits

    ratelimits.init_app(app)  # wraps views, so after the blueprints
    if app.config["DEVELOPMENT"]:
        from webapp.areas.dev_mail import bp as devmail_bp

        app.register_blueprint(devmail_bp)  # /dev/mail: the outbox, for local use only
    return app
