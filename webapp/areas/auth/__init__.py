"""Signing in and out, forgotten passwords, and one's own account."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from webapp.areas.auth import account, reset, routes  # noqa: E402,F401  (routes register on bp)
