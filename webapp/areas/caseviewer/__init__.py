"""Caseviewer: council officers work the cases of their teams' case types — the queue, a case's
answers, files and timeline, workflow transitions, internal notes, assignment and CSV export."""

from flask import Blueprint

from webapp.web.case_addresses import canonical_references

bp = Blueprint("caseviewer", __name__, url_prefix="/caseviewer")
canonical_references(bp)  # before the views' own guards: on the address alone

from webapp.areas.caseviewer import routes  # noqa: E402,F401  (routes register on bp)
