"""Gunicorn's settings for `portal serve` (`gunicorn -c python:webapp.infra.gunicorn_conf`):
workers, threads, timeouts, the restart of each worker after about max_requests requests, and
the logs (JSON lines with request ids, webapp/infra/logs.py). Each value comes from an
environment variable read in webapp/infra/config.py; docs/deploy.md lists them. `portal serve`
adds the address (--host, PORT)."""

from webapp.infra import config, logs

_server = config.web_server()
_logs = config.log_settings(config.environment() == "development")

wsgi_app = "webapp.wsgi:app"
worker_class = "gthread"  # threads within each worker process
workers = _server["workers"]
threads = _server["threads"]
timeout = _server["timeout"]
graceful_timeout = _server["graceful_timeout"]
keepalive = _server["keepalive"]
max_requests = _server["max_requests"]
max_requests_jitter = _server["max_requests_jitter"]
loglevel = _logs["PORTAL_LOG_LEVEL"].lower()
access_log_format = logs.ACCESS_FORMAT
logconfig_dict = logs.logging_config(_logs["PORTAL_LOG_FORMAT"], _logs["PORTAL_LOG_LEVEL"])
