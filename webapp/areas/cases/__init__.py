"""Schools submit and track cases: Submit case, the paged forms, check answers, My cases."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from webapp.areas.cases import routes  # noqa: E402,F401  (routes register on bp)
