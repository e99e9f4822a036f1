"""Finding the case a request names, for the case views (routes.py, pages.py): only a case of
the user's schools (404 otherwise), with the definition it works with; and its answers'
values, worked out once per request."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from webapp.areas.cases import sending, services
from webapp.areas.cases.endpoints import ANSWER_PAGES, AUTOSAVES
from webapp.domain import retention, workflow
from webapp.domain.errors import NotFound
from webapp.infra import clock
from webapp.infra.database import db
from webapp.web.forms import typed_lines
from webapp.web.templating import uk_date


def case_and_type(reference: str):
    """A case of the user's schools, with the definition it works with (its own version)."""
    read = g.pop("case_read_with_user", None)  # by the user's query (auth/routes.py), once
    try:
        if read is not None and read[0] == reference:
            case = services.users_case(current_user, read[1])
        else:
            case = services.case_for_user(db(), current_user, reference)
    except NotFound:
        purged = retention.purged_draft(db(), current_user.school_ids, reference)
        if purged is None:
            raise
        abort(draft_purged(reference, purged))
    try:
        return case, workflow.definition_for(db(), case)
    except LookupError:
        abort(404)


def editable(reference: str, drafts_only: bool = False):
    """A case the school may change now: a draft, or one the council asked more about."""
    case, case_type = case_and_type(reference)
    if not (case.is_draft or (not drafts_only and workflow.school_can_edit(case_type, case))):
        abort(not_editable(case))
    if draft_closed(case, case_type):  # read-only now: the view says why
        abort(not_editable(case))
    return case, case_type


def draft_purged(reference: str, purged):
    """The answer to a request about a draft the retention purge deleted (a page or a
    background save of a tab still open on it): 410, saying when and why, not a bare 404."""
    days = purged.detail.get("untouched_days")
    why = (
        f"Draft {reference} was deleted on {uk_date(purged.at)} because it had not been used"
        f" for {days} days."
    )
    if request.method == "POST" and request.endpoint in AUTOSAVES:
        message = f"{why} Your latest changes have not been saved."
        return make_response(jsonify(saved=False, reload=True, message=message), 410)
    page = render_template(
        "cases/draft_purged.html", reference=reference, why=why, posted=request.method == "POST"
    )
    return make_response(page, 410)


def not_editable(case):
    """The answer to a request to change a case that can no longer be changed (sent, abandoned
    or closed, perhaps in another tab): its read-only view, which says its status."""
    where = url_for("cases.view", reference=case.reference)
    message = typed_lines(request.form.get("message", "")) if request.method == "POST" else ""
    # Send the changes pressed twice, its message sent once by the first press
    if request.endpoint == "cases.submit" and sending.sent_already(case, current_user, message):
        flash(sending.ALREADY_SENT, "info")
        return redirect(where)
    why = f"{case.reference} {_no_longer_editable(case)}, so it can no longer be changed."
    return change_refused(where, why)


def change_refused(where: str, why: str):
    """A change that cannot be made where it was sent leads to `where`, which shows how things
    are now. A page or a background save that was sent is told `why`, and that what it carried
    was not saved: otherwise the save met a redirect, the page said its answers would be saved
    on Continue, and Continue led away in silence, losing them. Anything else (a page opened,
    Send pressed twice) just goes there."""
    if request.method == "POST" and request.endpoint in AUTOSAVES:
        answer = jsonify(saved=False, message=f"{why} Your latest changes have not been saved.")
        answer.status_code = 409
        return answer
    if request.method == "POST" and request.endpoint in ANSWER_PAGES:
        flash(f"{why} The changes you made on the page have not been saved.", "error")
    message = typed_lines(request.form.get("message", "")) if request.method == "POST" else ""
    if request.endpoint == "cases.submit" and message:
        # Send the changes with a message to the council, after the council closed the case:
        # the tab forgot the message on sending it, so it is given back on a page (too long
        # for a flash, which the session cookie carries), not lost.
        page = render_template("cases/message_not_sent.html", why=why, message=message, where=where)
        return make_response(page, 409)
    return redirect(where)


def _no_longer_editable(case) -> str:
    if case.status == "Abandoned":
        return "has been abandoned"
    if case.is_draft:  # a draft of a retired form, past its last day
        return "was not sent before its form closed"
    return "has been sent"


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


CHANGED_MEANWHILE = (
    "The case changed while your request was on its way (in another tab or window, or a "
    "button pressed twice), so nothing more was changed. Check it, then carry on."
)


def changed_meanwhile(_error):
    """A case's row changed between a request's read and its write (StaleDataError) where the
    view has no answer of its own (a repeating group's item added or removed): the case as it
    is now, with why, not 'Something went wrong' (500). The write was rolled back."""
    reference = (request.view_args or {}).get("reference", "")
    if request.endpoint in AUTOSAVES:
        return make_response(jsonify(saved=False, message=CHANGED_MEANWHILE), 409)
    flash(CHANGED_MEANWHILE, "error")
    if not reference:  # a new case's page, whose address names no case yet
        return redirect(url_for("cases.my_cases"))
    return redirect(url_for("cases.open_case", reference=reference))
