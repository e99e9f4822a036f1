"""Finding the case a request names, for the case views (routes.py, pages.py): only a case of
the user's schools (404 otherwise), with the definition it works with."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import current_user

from webapp.areas.cases import services
from webapp.domain import workflow
from webapp.infra.database import db


def case_and_type(reference: str):
    """A case of the user's schools, with the definition it works with (its own version)."""
    case = services.case_for_user(db(), current_user, reference)
    try:
        return case, workflow.definition_for(db(), case)
    except LookupError:
        abort(404)


def editable(reference: str, drafts_only: bool = False):
    """A case the school may change now: a draft, or one the council asked more about."""
    case, case_type = case_and_type(reference)
    if not (case.is_draft or (not drafts_only and workflow.school_can_edit(case_type, case))):
        abort(redirect(url_for("cases.view", reference=reference)))
    return case, case_type
