"""Schools submit and track cases: Submit case, the paged forms, check answers, My cases."""

from flask import Blueprint

from webapp.web.case_addresses import canonical_references

bp = Blueprint("cases", __name__)
canonical_references(bp)  # before the views' own guards: on the address alone

from webapp.areas.cases import new_case, pages, removing, routes  # noqa: E402,F401  (views register on bp)
