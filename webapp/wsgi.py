"""The WSGI entry point for gunicorn: `gunicorn webapp.wsgi:app`."""

from webapp import create_app
from webapp.infra.config import scanner_problem

app = create_app()
if problem := scanner_problem(app.config):
    raise RuntimeError(problem)  # production never serves uploads it cannot scan
