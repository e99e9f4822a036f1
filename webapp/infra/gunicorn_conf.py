"""Gunicorn's settings for `portal serve` (`gunicorn -c python:webapp.infra.gunicorn_conf`):
workers, threads, timeouts, the restart of each worker after about max_requests requests, and
the logs (JSON lines with request ids, webapp/infra/logs.py). Each value comes from an
environment variable read in webapp/infra/config.py; docs/deploy.md lists them. `portal serve`
adds the address (--host, PORT)."""

# Gunicorn reads every name here that is one of its settings ("config" is): hence the
# leading underscores.
from webapp.infra import config as _config
from webapp.infra import logs as _log_setup

_server = _config.web_server()
_logs = _config.log_settings(_config.environment() == "development")

wsgi_app = "webapp.wsgi:app"
worker_class = "gthread"  # threads within each worker process
workers = _server["workers"]
threads = _server["threads"]
timeout = _server["timeout"]
graceful_timeout = _server["graceful_timeout"]
keepalive = _server["keepalive"]
max_requests = _server["max_requests"]
max_requests_jitter = _server["max_requests_jitter"]
# No control socket: one path per user ($HOME/.gunicorn/gunicorn.ctl) that a second instance on
# the same machine would take over; the portal is managed with signals and its service manager.
control_socket_disable = True
loglevel = _logs["PORTAL_LOG_LEVEL"].lower()
access_log_format = _log_setup.ACCESS_FORMAT
logconfig_dict = _log_setup.logging_config(_logs["PORTAL_LOG_FORMAT"], _logs["PORTAL_LOG_LEVEL"])
