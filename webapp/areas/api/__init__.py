"""The JSON API for council systems (issue 14), at /api/v1/: no session, no CSRF; every call
carries `Authorization: Bearer portal_<key id>_<secret>` (webapp/domain/api_clients.py).

guard.py authenticates, limits and audits each call and turns every error into RFC 9457
problem details; routes.py holds the views, listing.py and cases.py what they read,
transitions.py the one thing a client may change, openapi.py the document that describes it.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from webapp.areas.api import guard, routes  # noqa: E402,F401  (hooks and routes register on bp)
