"""Finding the case a request names, for the case views (routes.py, pages.py): only a case of
the user's schools (404 otherwise), with the definition it works with; and its answers'
values, worked out once per request."""

from __future__ import annotations

from flask import abort, g, redirect, url_for
from flask_login import current_user

from webapp.areas.cases import services
from webapp.domain import workflow
from webapp.infra import clock
from webapp.infra.database import db


def case_and_type(reference: str):
    """A case of the user's schools, with the definition it works with (its own version)."""
    read = g.pop("case_read_with_user", None)  # by the user's query (auth/routes.py), once
    if read is not None and read[0] == reference:
        case = services.users_case(current_user, read[1])
    else:
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
    if draft_closed(case, case_type):  # read-only now: the view says why
        abort(redirect(url_for("cases.view", reference=reference)))
    return case, case_type


def draft_closed(case, case_type) -> bool:
    """A draft of a retired case type after its last day for drafts: it can no longer be sent
    (or changed), only read."""
    return case.is_draft and not case_type.lifecycle.drafts_can_be_sent(clock.uk_today())


def values_of(case_type, answers):
    """The answers' values as the case type's conditions and calculations see them, worked out
    once per request for each answers object (a saved page's answers are a new object)."""
    known = g.setdefault("case_values", {})
    key = (id(case_type), id(answers))
    if key not in known:  # the answers are kept with them: their id stays theirs meanwhile
        known[key] = (answers, case_type.values(answers))
    return known[key][1]
