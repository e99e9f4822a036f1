"""Council admin: council admins manage schools and their admins, council staff (case officers
and council admins) and the teams that work each case type."""

from flask import Blueprint

bp = Blueprint("council_admin", __name__, url_prefix="/council")

from webapp.areas.council_admin import api_routes, preview, routes, staff_routes  # noqa: E402,F401  (they register on bp)
