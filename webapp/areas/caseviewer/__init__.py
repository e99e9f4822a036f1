"""Caseviewer: council officers work the cases of their teams' case types — the queue, a case's
answers, files and timeline, workflow transitions, internal notes, assignment and CSV export."""

from flask import Blueprint

bp = Blueprint("caseviewer", __name__, url_prefix="/caseviewer")

from webapp.areas.caseviewer import routes  # noqa: E402,F401  (routes register on bp)
