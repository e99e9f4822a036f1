"""Pages every user sees: Home, and the service's information pages and feedback form."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from webapp.areas.pages import routes  # noqa: E402,F401  (routes register on bp)
