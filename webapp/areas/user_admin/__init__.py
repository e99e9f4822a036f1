"""User admin: school admins list, add and edit the users of their schools, lock and unlock them,
reset their passwords and remove them from a school."""

from flask import Blueprint

bp = Blueprint("user_admin", __name__, url_prefix="/user-admin")

from webapp.areas.user_admin import routes  # noqa: E402,F401  (routes register on bp)
