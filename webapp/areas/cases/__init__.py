"""Schools submit and track cases: Submit case, the paged forms, check answers, My cases."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from webapp.areas.cases import new_case, pages, routes  # noqa: E402,F401  (views register on bp)
